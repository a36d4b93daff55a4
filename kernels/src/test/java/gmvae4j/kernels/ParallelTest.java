package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {

    @Test
    void everyTaskRunsExactlyOnce() {
        Parallel p = new Parallel(3);
        for (int round = 0; round < 200; round++) {
            int tasks = 1 + round % 17;
            AtomicIntegerArray hits = new AtomicIntegerArray(tasks);
            p.run(tasks, hits::incrementAndGet);
            for (int i = 0; i < tasks; i++) assertEquals(1, hits.get(i), "task " + i + " round " + round);
        }
    }

    @Test
    void nestedRegionsRunInlineAndFlagTheRegion() {
        Parallel p = new Parallel(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(16);
        assertFalse(Parallel.insideRegion());
        p.run(4, i -> {
            assertTrue(Parallel.insideRegion());
            p.run(4, j -> hits.incrementAndGet(i * 4 + j));
        });
        assertFalse(Parallel.insideRegion());
        for (int i = 0; i < 16; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void taskFailureIsRethrownAndTheTeamStillWorks() {
        Parallel p = new Parallel(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.run(8, i -> {
            if (i == 5) throw new IllegalStateException("boom");
        }));
        assertEquals("boom", e.getMessage());
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        p.run(8, hits::incrementAndGet);
        for (int i = 0; i < 8; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }

    /** parallelRange visits every index of [0, n) exactly once, on one thread or two, whatever n (odd, below one chunk, zero). */
    @Test
    void aRangeIsVisitedExactlyOnce() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), new VectorKernels(2)}) {
            for (int n : new int[] {0, 1, 255, 256, 257, 1001, 4096 + 17, 70_003}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                k.parallelRange(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), k.name() + " n=" + n + " i=" + i);
            }
        }
    }

    /**
     * parallelRange in a given number of chunks (Conv2d's images: two a thread) visits every index
     * once, and each thread's indices rise in runs: in all, fewer breaks than chunks (handed out
     * one at a time, the threads' indices alternate, a break at almost every step: 6 breaks for 8
     * indices on 3 threads when this was tried).
     */
    @Test
    void aRangeInChunksIsVisitedOnceInRuns() {
        for (Kernels k : new Kernels[] {new VectorKernels(1), new VectorKernels(2), new VectorKernels(3), new ScalarKernels()})
            for (int chunks : new int[] {1, 2, Conv2d.RUNS_PER_THREAD * k.threads(), 100})
                for (int n = 0; n <= 41; n++) {
                    int[] seen = new int[n];
                    Map<Long, List<Integer>> byThread = new ConcurrentHashMap<>();
                    k.parallelRange(n, chunks, i -> {
                        // a task long enough (20 µs) for every thread of the team to join in
                        for (long until = System.nanoTime() + 20_000; System.nanoTime() < until; ) Thread.onSpinWait();
                        synchronized (seen) { seen[i]++; }
                        byThread.computeIfAbsent(Thread.currentThread().threadId(), t -> Collections.synchronizedList(new ArrayList<>())).add(i);
                    });
                    String who = n + " indices in " + chunks + " chunks on " + k.name() + "/" + k.threads();
                    for (int i = 0; i < n; i++) assertEquals(1, seen[i], "index " + i + ", " + who);
                    int breaks = 0;
                    for (List<Integer> l : byThread.values())
                        for (int j = 1; j < l.size(); j++) if (l.get(j) != l.get(j - 1) + 1) breaks++;
                    assertTrue(breaks < Math.max(1, Math.min(n, chunks)), who + ": " + breaks + " breaks");
                }
    }
}
