package gmvae4j.datasets.images;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Decodes and converts many files on all cores: each thread takes the next file index from a
 * shared counter, so a slow file (a large JPEG) never holds up a whole share. Image i lands at
 * {@code out[i·S·S ..]}; a bad one leaves its slot zero and its reason in {@code bad[i]}.
 */
public final class ParallelDecode {
    private ParallelDecode() {}

    /** Threads used: every core the JVM may use. */
    public static int threads() { return Runtime.getRuntime().availableProcessors(); }

    /**
     * Decodes {@code files} into {@code out}; {@code done} is called now and then (from a
     * ticker thread, then once from this one) with the number finished, for a progress bar. Returns how many were bad.
     */
    public static int run(List<Path> files, ConversionOptions o, byte[] out, String[] bad, IntConsumer done) {
        int n = files.size(), d = o.size() * o.size();
        AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger(), badCount = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < n; finished.incrementAndGet()) {
                try {
                    byte[] px = ImageConversion.load(files.get(i), o);
                    System.arraycopy(px, 0, out, i * d, d);
                } catch (BadImageException e) {
                    bad[i] = e.getMessage();
                    badCount.incrementAndGet();
                } catch (OutOfMemoryError e) {
                    bad[i] = "too large to decode in this heap";
                    badCount.incrementAndGet();
                }
            }
        };
        int t = Math.max(1, Math.min(threads(), n));
        Thread[] team = new Thread[t - 1];
        for (int k = 0; k < team.length; k++) {
            team[k] = new Thread(worker, "decode-" + k);
            team[k].setDaemon(true);
            team[k].start();
        }
        Thread ticker = null;
        if (done != null) { // the calling thread works too; a ticker thread reports progress meanwhile
            ticker = Thread.ofPlatform().daemon().name("decode-progress").unstarted(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        done.accept(finished.get());
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ticker.start();
        }
        worker.run();
        for (Thread th : team) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding pictures", e);
            }
        }
        if (ticker != null) {
            ticker.interrupt();
            try { ticker.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        if (done != null) done.accept(n);
        return badCount.get();
    }
}
