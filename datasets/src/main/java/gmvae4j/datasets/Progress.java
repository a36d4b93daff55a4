package gmvae4j.datasets;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: a bar redrawn in place (amount, %, rate) when stderr is a terminal,
 * otherwise a few plain lines (start, every quarter, end) so logs stay short. Counts bytes
 * (downloads) or items ({@link #items}: images decoded).
 */
public final class Progress {
    private final PrintStream out;
    private final boolean tty;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int quartersShown;
    private final long offset;
    /** Null for bytes, else the name of what is counted ("images"). */
    private final String unit;

    /** {@code total} = expected bytes or -1 when unknown; {@code offset} = bytes already there (resume). */
    Progress(PrintStream out, boolean tty, String what, long total, long offset) {
        this(out, tty, what, total, offset, null);
    }

    private Progress(PrintStream out, boolean tty, String what, long total, long offset, String unit) {
        this.unit = unit;
        this.out = out;
        this.tty = tty;
        this.what = what;
        this.total = total;
        this.offset = offset;
        if (out != null && !tty)
            out.println((unit == null ? "downloading " : "") + what + (total > 0 ? " (" + amount(total) + ")" : "")
                    + (offset > 0 ? ", resuming at " + amount(offset) : ""));
    }

    /** Progress over {@code total} items called {@code unit} (e.g. images), on stderr as a bar when it is a terminal. */
    public static Progress items(PrintStream out, String what, long total, String unit) {
        return new Progress(out, stderrIsTerminal(), what, total, 0, unit);
    }

    /** Whether this JVM's stderr is an interactive terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    public void update(long done) {
        if (out == null) return;
        long now = System.nanoTime();
        if (tty) {
            if (now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            out.print("\r" + line(done, now) + "   ");
            out.flush();
        } else if (total > 0) {
            int q = (int) (4 * done / total);
            if (q > quartersShown && q < 4) {
                quartersShown = q;
                out.println("  " + line(done, now));
            }
        }
    }

    public void finish(long done) {
        if (out == null) return;
        String l = line(done, System.nanoTime());
        if (tty) out.println("\r" + l + "   ");
        else out.println("  " + l + " done");
    }

    private String line(long done, long now) {
        double secs = Math.max(1e-3, (now - start) / 1e9);
        String rate = amount((long) ((done - offset) / secs)) + "/s";
        if (total > 0) {
            double f = Math.min(1, done / (double) total);
            int w = 30, filled = (int) Math.round(f * w);
            return String.format(Locale.ROOT, "%s [%s%s] %s / %s %5.1f%% %s", what, "#".repeat(filled), "-".repeat(w - filled),
                    amount(done), amount(total), 100 * f, rate);
        }
        return what + " " + amount(done) + " " + rate;
    }

    private String amount(long n) { return unit == null ? mb(n) : n + " " + unit; }

    static String mb(long bytes) {
        if (bytes < 10_000) return bytes + " B";
        if (bytes < 10_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
