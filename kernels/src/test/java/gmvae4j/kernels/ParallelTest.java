package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

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
}
