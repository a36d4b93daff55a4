package gmvae4j.io;

/**
 * A string as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259,
 * section 7), everything else as it is. The one place that does it, for the report's JSON writer and
 * the benchmarks' JSON rows alike (the project carries no JSON library).
 */
public final class JsonText {
    private JsonText() {}

    /** {@code s} quoted, e.g. {@code a"b} as {@code "a\"b"}; a null {@code s} as the JSON literal {@code null}. */
    public static String quote(String s) {
        return s == null ? "null" : appendQuoted(new StringBuilder(s.length() + 2), s).toString();
    }

    /** The strings as a JSON array of string literals, e.g. {@code ["a","b"]}; {@code []} for none. */
    public static String quotedArray(java.util.List<String> strings) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < strings.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(quote(strings.get(i)));
        }
        return sb.append(']').toString();
    }

    /** Appends {@code s} quoted to {@code sb}; returns sb. */
    public static StringBuilder appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"');
    }
}
