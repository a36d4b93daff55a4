package gmvae4j.benchmarks;

import java.util.function.IntConsumer;

/**
 * N platform threads started together, each running {@code body(id)}, all joined: how the
 * benchmarks' machine probes ({@link FmaPeak}, {@link MemoryFloor}) load every core at once. Not
 * the kernels' thread team: a probe measures the machine, not our scheduling.
 */
final class Threads {
    private Threads() {}

    /** Runs body(0) .. body(n−1) on n new threads and waits for all; false if interrupted while waiting (the flag set again). */
    static boolean together(int n, IntConsumer body) {
        Thread[] ts = new Thread[n];
        for (int t = 0; t < n; t++) {
            int id = t;
            ts[t] = Thread.ofPlatform().start(() -> body.accept(id));
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
