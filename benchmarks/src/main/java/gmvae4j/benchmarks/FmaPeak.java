package gmvae4j.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float FMA peak as Java reaches it: every thread runs fused multiply-adds on
 * vectors of the preferred width (16 floats with AVX-512) held in registers, nothing loaded or
 * stored. No product can beat this rate, so it is the ceiling to read a kernel's GFLOP/s (ours or
 * OpenBLAS's) against, and what a time target needs: a step with F product FLOPs cannot take
 * less than F / peak.
 *
 * <p>Sixteen independent accumulators: a core with two FMA pipes of 4 cycles' latency needs
 * eight in flight to keep both busy; sixteen leave room for longer latencies. Fewer would measure
 * the latency, not the throughput.
 */
public final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ACCUMULATORS = 16;

    /** FLOPs one call of {@link #spin} with {@code iters} does: two per lane per FMA. */
    static double flops(long iters) {
        return 2.0 * ACCUMULATORS * S.length() * iters;
    }

    /**
     * {@code iters} rounds of one FMA on each of the 16 accumulators, c = a·b + c with a = x and
     * b = 1; returns the sum of every lane of every accumulator (x·16·lanes·iters, exact while
     * that stays below 2^24 with x = 1), so the JIT cannot drop the loop and a test can count it.
     */
    static float spin(long iters, float x) {
        FloatVector a = FloatVector.broadcast(S, x), b = FloatVector.broadcast(S, 1f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3);
            c4 = a.fma(b, c4); c5 = a.fma(b, c5); c6 = a.fma(b, c6); c7 = a.fma(b, c7);
            c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
            c12 = a.fma(b, c12); c13 = a.fma(b, c13); c14 = a.fma(b, c14); c15 = a.fma(b, c15);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8.add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15));
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** {@link #gflops} as {@code bench train} takes it: five samples of 0.12 s after at least 0.25 s of warm-up. */
    public static double measure(int threads) {
        return gflops(threads, 5, 0.25, 0.12);
    }

    /**
     * Spins until the loop runs at its compiled speed: at least {@code warmSec}, and until the
     * fastest call has not improved for 20 calls, for at most 20·warmSec (and 0.2 s; 5 s in a full
     * run). A fixed warm-up was not enough: right after the kernels' own warm-up the JIT's queue is
     * long, and the first measurement ran in profiled code at 115-165 GFLOP/s on one thread where
     * the compiled loop does 210-225. Returns the seconds per iteration of the fastest call.
     */
    private static double warmUp(double warmSec) {
        int iters = 20_000;
        double best = Double.MAX_VALUE;
        long w0 = System.nanoTime();
        for (int since = 0; since < 20 || System.nanoTime() - w0 < warmSec * 1e9; since++) {
            if (System.nanoTime() - w0 > Math.max(0.2, 20 * warmSec) * 1e9) break;
            long t0 = System.nanoTime();
            spin(iters, 1e-7f);
            double per = Math.max(1e-12, (System.nanoTime() - t0) / 1e9 / iters);
            if (per < 0.99 * best) since = 0;
            best = Math.min(best, per);
        }
        return best;
    }

    /**
     * GFLOP/s of {@code threads} threads spinning together (the sum over them), the best of
     * {@code samples} samples of about {@code sampleSec} each, after {@code warmSec} of spinning
     * that gets the loop compiled. Best, as for every other row: noise only ever slows a run down.
     */
    static double gflops(int threads, int samples, double warmSec, double sampleSec) {
        double perIter = warmUp(warmSec);
        long n = Math.max(1_000, (long) (sampleSec / perIter));
        double best = 0;
        for (int s = 0; s < samples; s++) {
            float[] sink = new float[threads];
            long start = System.nanoTime();
            if (!Threads.together(threads, id -> sink[id] = spin(n, 1e-7f))) return best;
            double sec = (System.nanoTime() - start) / 1e9;      // the sums go to sink: the JIT cannot drop the loops
            best = Math.max(best, threads * flops(n) / sec / 1e9);
        }
        return best;
    }
}
