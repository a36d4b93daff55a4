package gmvae4j.cli.report;

import gmvae4j.io.JsonText;

/**
 * A tiny streaming JSON writer (the CLI carries no JSON library): objects, arrays, strings and
 * numbers, two-space indented. Non-finite numbers become {@code null}, since JSON has no NaN.
 * Commas are managed by the writer, so call sites read like the document they produce.
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder();
    private int depth;
    private boolean first = true;
    private boolean afterKey;

    public Json beginObject() { value(); sb.append('{'); depth++; first = true; return this; }
    public Json endObject() { return end('}'); }
    public Json beginArray() { value(); sb.append('['); depth++; first = true; return this; }
    public Json endArray() { return end(']'); }

    public Json key(String k) {
        separator();
        string(k);
        sb.append(": ");
        afterKey = true;
        return this;
    }

    public Json value(String s) { value(); if (s == null) sb.append("null"); else string(s); return this; }
    public Json value(long v) { value(); sb.append(v); return this; }
    public Json value(boolean v) { value(); sb.append(v); return this; }

    public Json value(double v) {
        value();
        if (!Double.isFinite(v)) sb.append("null");
        else if (v == Math.rint(v) && Math.abs(v) < 1e15) sb.append((long) v);
        else sb.append(Double.toString(v)); // always a valid JSON number, and exact
        return this;
    }

    public Json field(String k, String v) { return key(k).value(v); }
    public Json field(String k, long v) { return key(k).value(v); }
    public Json field(String k, double v) { return key(k).value(v); }
    public Json field(String k, boolean v) { return key(k).value(v); }

    public Json array(String k, double[] v) {
        key(k).beginArray();
        for (double d : v) value(d);
        return endArray();
    }

    public Json array(String k, int[] v) {
        key(k).beginArray();
        for (int d : v) value(d);
        return endArray();
    }

    @Override public String toString() { return sb.toString() + "\n"; }

    private Json end(char c) {
        depth--;
        if (!first) newline();
        sb.append(c);
        first = false;
        return this;
    }

    private void value() {
        if (afterKey) { afterKey = false; return; }
        separator();
    }

    private void separator() {
        if (depth == 0) return;
        if (!first) sb.append(',');
        newline();
        first = false;
    }

    private void newline() {
        sb.append('\n');
        sb.append("  ".repeat(depth));
    }

    private void string(String s) { JsonText.appendQuoted(sb, s); }
}
