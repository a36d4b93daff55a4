package gmvae4j.benchmarks;

import gmvae4j.kernels.ConvShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory side of a conv2d row's roofline: the bytes a pass cannot avoid moving, and how fast
 * this machine moves that many bytes, measured here. A pass that must read R bytes and write W
 * bytes takes at least max(R / read rate, W / write rate), whatever its FLOPs; so its GFLOP/s can
 * be at most FLOPs / that time. Where that is below the sgemm peer's rate, no kernel reaches the
 * peer on that row, and the row says so ({@code bench kernels}: "memory floor ...").
 *
 * <p>Why conv rows need it and sgemm rows do not: a one-channel 3×3 layer does 9 multiply-adds
 * per output value it writes (the 307³ sgemm it is compared with does 307), so its 128 images'
 * 12.8 MB of output cannot sit in a core's L2 and streams to and from the shared cache or DRAM.
 * On one thread of a 2-core Xeon VM (2026-12-06) that went at 21.3 GB/s read and 17.9 GB/s
 * written: the forward pass's output alone takes 0.69 ms, a ceiling of 81 GFLOP/s, 0.52 of our
 * sgemm's 156 there; on two threads 0.81.
 *
 * <p>A bound, not a prediction: max, not sum, of the two times (a kernel may overlap them), the
 * rates measured on a buffer of the pass's own working-set size (so the cache level it lives in
 * is the one measured) with the pass's thread count, each thread sweeping its own slice, best of
 * several sweeps. Reads: vector loads summed (the sum kept, so the JIT cannot drop them). Writes:
 * vector stores, which on x86 also read each line first (Java has no streaming stores, so the
 * kernels pay that too). Weights, a few KB, are counted as read once.
 */
public final class MemoryFloor {
    private MemoryFloor() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * The bytes a conv pass reads and writes at least once, and the distinct bytes it touches (its
     * working set, the size its rates are measured at).
     */
    public record Traffic(long readBytes, long writtenBytes, long workingSet) {
        /** Seconds at least, at these rates: max(reads / read rate, writes / write rate). */
        public double seconds(Rates r) {
            return Math.max(readBytes / (r.readGBps() * 1e9), writtenBytes / (r.writeGBps() * 1e9));
        }
    }

    /**
     * fwd: x and w read, y written (overwritten: y = W·x + b). bwd-input: gy and w read, gx read
     * and written (gx += ...). bwd-weight: x and gy read, gw read and written (a few KB).
     */
    public static Traffic traffic(ConvShape s, String pass) {
        long x = 4L * s.batch() * s.inC() * s.inH() * s.inW();
        long y = 4L * s.batch() * s.outC() * s.outH() * s.outW();
        long w = 4L * s.outC() * s.inC() * s.kH() * s.kW();
        return switch (pass) {
            case "fwd" -> new Traffic(x + w, y, x + w + y);
            case "bwd-input" -> new Traffic(y + w + x, x, x + w + y);
            case "bwd-weight" -> new Traffic(x + y + w, w, x + w + y);
            default -> throw new IllegalArgumentException("unknown conv pass " + pass);
        };
    }

    /** Read and write rates in GB/s (10⁹ bytes a second) for this working set and thread count. */
    public record Rates(double readGBps, double writeGBps) {}

    /** A row's memory bound: its traffic, the rates measured for it, and the GFLOP/s they allow. */
    public record Bound(Traffic traffic, Rates rates, double gflops) {
        /** The bound for a pass of {@code flops} FLOPs. */
        static Bound of(Traffic t, Rates r, double flops) {
            return new Bound(t, r, flops / t.seconds(r) / 1e9);
        }

        /**
         * "reads 12.6 MB, writes 392.0 KB at 21.3 / 17.9 GB/s: at most 92.7 GFLOP/s = 0.63 of the
         * peer", or, where the bound lies above the FMA peak ({@code peak}, null if unknown), that
         * memory does not limit the row.
         */
        String describe(Double peerGflops, Double peak) {
            String moved = String.format(java.util.Locale.ROOT, "reads %s, writes %s at %.1f / %.1f GB/s",
                    KernelBench.bytes(traffic.readBytes()), KernelBench.bytes(traffic.writtenBytes()),
                    rates.readGBps(), rates.writeGBps());
            if (peak != null && gflops >= peak) return moved + ": not the limit (that would allow more than the FMA peak)";
            return moved + String.format(java.util.Locale.ROOT, ": at most %.1f GFLOP/s", gflops)
                    + (peerGflops == null ? "" : String.format(java.util.Locale.ROOT, " = %.2f of the peer", gflops / peerGflops));
        }
    }

    /**
     * {@code threads} threads, each sweeping its own slice of one array of {@code bytes}: the best
     * of {@code samples} timed rounds of sweeps (each round at least {@code sampleSec}), first for
     * reads, then for writes.
     */
    public static Rates measure(long bytes, int threads, int samples, double sampleSec) {
        int n = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(bytes / 4, 1024L * threads));
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        int slice = n / threads / S.length() * S.length();
        // sweeps per round: about sampleSec at a first guess of 10 GB/s per thread, at least 2
        int sweeps = (int) Math.max(2, Math.min(100_000, sampleSec * 10e9 / Math.max(1, 4.0 * slice)));
        double read = best(a, slice, threads, sweeps, samples, false);
        double write = best(a, slice, threads, sweeps, samples, true);
        return new Rates(read, write);
    }

    private static double best(float[] a, int slice, int threads, int sweeps, int samples, boolean write) {
        float[] sink = new float[threads];
        sweepAll(a, slice, threads, 2, write, sink);        // compiled and the pages touched before timing
        double best = 0;
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            sweepAll(a, slice, threads, sweeps, write, sink);
            double sec = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 4.0 * slice * threads * sweeps / sec / 1e9);
        }
        return best;
    }

    private static void sweepAll(float[] a, int slice, int threads, int sweeps, boolean write, float[] sink) {
        Threads.together(threads, id -> sink[id] = write ? fill(a, id * slice, slice, sweeps, sink[id])
                                                         : sum(a, id * slice, slice, sweeps));
    }

    /** Σ of a[from .. from+len) over {@code sweeps} sweeps, two vector accumulators, then the tail. */
    static float sum(float[] a, int from, int len, int sweeps) {
        float total = 0;
        int l = S.length();
        for (int r = 0; r < sweeps; r++) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            int i = from, end = from + len;
            for (; i + 2 * l <= end; i += 2 * l) {
                s0 = s0.add(FloatVector.fromArray(S, a, i));
                s1 = s1.add(FloatVector.fromArray(S, a, i + l));
            }
            for (; i + l <= end; i += l) s0 = s0.add(FloatVector.fromArray(S, a, i));
            total += s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) total += a[i];
        }
        return total;
    }

    /** Stores v into a[from .. from+len), {@code sweeps} times; returns v (a[from] afterwards). */
    static float fill(float[] a, int from, int len, int sweeps, float v) {
        FloatVector x = FloatVector.broadcast(S, v);
        int l = S.length();
        for (int r = 0; r < sweeps; r++) {
            int i = from, end = from + len;
            for (; i + l <= end; i += l) x.intoArray(a, i);
            for (; i < end; i++) a[i] = v;
        }
        return len > 0 ? a[from] : v;
    }
}
