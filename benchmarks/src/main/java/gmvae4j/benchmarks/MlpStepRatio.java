package gmvae4j.benchmarks;

/**
 * The engine's overhead on a shared machine: runs {@link MlpStepBenchmark#sgemmOnly},
 * {@link MlpStepBenchmark#forwardBackward} and {@link MlpStepBenchmark#step} one after the other,
 * sample by sample, and reports the best sample of each. Alternating means all three see the same
 * background load; the best sample is the least disturbed one. (JMH's averages, the other view, are
 * only meaningful on a quiet machine.)
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [-Dgmvae.threads=N] -cp benchmarks/target/benchmarks.jar \
 *      gmvae4j.benchmarks.MlpStepRatio [samples]
 * </pre>
 */
public final class MlpStepRatio {
    private MlpStepRatio() {}

    public static void main(String[] args) {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        MlpStepBenchmark b = new MlpStepBenchmark();
        b.setup();
        for (int i = 0; i < 20; i++) { b.sgemmOnly(); b.forwardBackward(); b.step(); }   // JIT warm-up
        double sg = Double.MAX_VALUE, fb = Double.MAX_VALUE, st = Double.MAX_VALUE;
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            b.sgemmOnly();
            long t1 = System.nanoTime();
            b.forwardBackward();
            long t2 = System.nanoTime();
            b.step();
            long t3 = System.nanoTime();
            sg = Math.min(sg, (t1 - t0) / 1e6);
            fb = Math.min(fb, (t2 - t1) / 1e6);
            st = Math.min(st, (t3 - t2) / 1e6);
        }
        System.out.printf("%s, %d threads, best of %d: sgemm calls only %.2f ms, forward+backward %.2f ms (%.2fx), "
                        + "full step with Adam %.2f ms (%.2fx)%n", gmvae4j.kernels.Backends.get().name(),
                gmvae4j.kernels.Backends.get().threads(), samples, sg, fb, fb / sg, st, st / sg);
    }
}
