package gmvae4j.engine.gmvae;

import gmvae4j.io.TerminalText;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress on a console: epoch lines and notes on {@code lines}, and a live
 * progress bar within each epoch on {@code bar}. When {@code bar} is a terminal the bar redraws
 * in place ({@code \r}); otherwise (a log file, CI) it prints a plain line every 25% of an epoch so
 * logs stay short.
 */
public final class ConsoleProgress implements ProgressListener {

    private final PrintStream lines, bar;
    private final boolean terminal;
    private long lastDraw;
    private int lastQuarter = -1;
    private boolean barShown;

    public ConsoleProgress(PrintStream lines, PrintStream bar, boolean terminal) {
        this.lines = lines;
        this.bar = bar;
        this.terminal = terminal;
    }

    /**
     * Epoch lines on stdout. Interactive (a terminal on stdin and stdout, or GMVAE_PROGRESS=tty):
     * a bar redrawn in place on stdout, because the {@code ./gmvae} launcher filters stderr line
     * by line and a {@code \r} redraw would sit in that filter until the next newline.
     * Otherwise (logs, pipes, GMVAE_PROGRESS=lines): sparse bar lines on stderr, stdout stays clean.
     */
    public static ConsoleProgress standard() {
        String mode = System.getenv("GMVAE_PROGRESS");
        boolean tty = "tty".equals(mode) || (!"lines".equals(mode) && System.console() != null && System.console().isTerminal());
        return new ConsoleProgress(System.out, tty ? System.out : System.err, tty);
    }

    @Override public void message(String line) {
        clearBar();
        lines.println(TerminalText.safe(line));   // messages may name files (resuming from ...)
        lines.flush();
    }

    @Override public void batch(String phase, int epoch, int epochs, int done, int total, double ips) {
        if (terminal) {
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            int width = 30, filled = (int) ((long) width * done / total);
            bar.print(String.format(Locale.ROOT, "\r%s %d/%d [%s%s] %d/%d batches %.0f img/s ", phase, epoch, epochs,
                    "=".repeat(filled), " ".repeat(width - filled), done, total, ips));
            bar.flush();
            barShown = true;
        } else {
            int quarter = (int) (4L * done / total);
            if (done == total || quarter == lastQuarter || quarter == 0) return;
            lastQuarter = quarter;
            bar.println(String.format(Locale.ROOT, "  %s %d/%d: %d%% (%d/%d batches, %.0f img/s)", phase, epoch, epochs,
                    quarter * 25, done, total, ips));
            bar.flush();
        }
    }

    @Override public void epoch(EpochReport r) {
        clearBar();
        lastQuarter = -1;
        lines.println(r.line());
        lines.flush();
    }

    private void clearBar() {
        if (barShown) {
            bar.print("\r" + " ".repeat(100) + "\r");
            bar.flush();
            barShown = false;
        }
    }
}
