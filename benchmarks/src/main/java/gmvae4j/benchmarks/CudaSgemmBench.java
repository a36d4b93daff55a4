package gmvae4j.benchmarks;

import gmvae4j.kernels.ScalarKernels;
import gmvae4j.kernels.cuda.CudaBackend;
import gmvae4j.kernels.cuda.CudaBlas;
import gmvae4j.kernels.cuda.CudaContext;
import gmvae4j.kernels.cuda.CudaKernels;
import gmvae4j.kernels.cuda.DeviceBuffer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * cuBLAS sgemm throughput in GFLOP/s, two ways:
 * <ul>
 *   <li><b>resident</b>: operands already in {@link DeviceBuffer}s, as in a GPU training step;
 *       timed over repeated calls with one {@code cudaDeviceSynchronize} at the end (cuBLAS
 *       calls are asynchronous, so timing a single call without it measures the launch);</li>
 *   <li><b>copy path</b>: {@link CudaKernels#sgemm} on {@code float[]}s, transfers included,
 *       which is what the {@code cuda} backend does for one isolated product.</li>
 * </ul>
 * Shapes: 4096³ and the model's (batch 128: 784→512 and 512→512 layers, 512³), forward (NN)
 * and the two backward forms (NT for dX = dY·Wᵀ, TN for dW = Xᵀ·dY).
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * gmvae4j.benchmarks.CudaSgemmBench [MxNxK ...]}. Exit status 2, with
 * {@code CUDA unavailable: <reason>} on stderr, where CUDA cannot be used.
 */
public final class CudaSgemmBench {
    private CudaSgemmBench() {}

    record Shape(boolean transA, boolean transB, int m, int n, int k) {
        String label() {
            return String.format(Locale.ROOT, "%s %dx%dx%d", (transA ? "T" : "N") + (transB ? "T" : "N"), m, n, k);
        }
    }

    static final List<Shape> DEFAULT_SHAPES = List.of(
            new Shape(false, false, 4096, 4096, 4096),
            new Shape(false, false, 128, 512, 784), new Shape(false, true, 128, 784, 512), new Shape(true, false, 784, 512, 128),
            new Shape(false, false, 128, 512, 512), new Shape(false, true, 128, 512, 512), new Shape(true, false, 512, 512, 128),
            new Shape(false, false, 512, 512, 512));

    public static void main(String[] args) {
        int status = run(System.out, System.err, args);
        if (status != 0) System.exit(status);
    }

    /** Runs the benchmark; returns the process exit status (0, or 2 when CUDA is unavailable). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        List<Shape> shapes = args.length == 0 ? DEFAULT_SHAPES : parse(args);
        CudaBackend.Probe probe = CudaBackend.probe();
        if (!probe.available()) {
            err.println("CUDA unavailable: " + probe.reason());
            return 2;
        }
        CudaContext ctx = CudaBackend.shared();
        out.println("cuBLAS sgemm on " + ctx.description());
        out.printf(Locale.ROOT, "%-22s %14s %26s%n", "shape (op m x n x k)", "resident GF/s", "copy path GF/s (transfers)");
        try (CudaKernels copyPath = new CudaKernels(ctx, new ScalarKernels(), 0)) {
            for (Shape s : shapes) {
                double resident = resident(ctx, s);
                double copied = copyPath(copyPath, s);
                out.printf(Locale.ROOT, "%-22s %14.1f %26.1f%n", s.label(), resident, copied);
            }
        }
        return 0;
    }

    static double resident(CudaContext ctx, Shape s) {
        Random r = new Random(1);
        CudaBlas blas = ctx.blas();
        int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
        try (DeviceBuffer a = DeviceBuffer.of(ctx, random(r, (long) s.m() * s.k()));
             DeviceBuffer b = DeviceBuffer.of(ctx, random(r, (long) s.k() * s.n()));
             DeviceBuffer c = DeviceBuffer.allocate(ctx, (long) s.m() * s.n())) {
            Runnable call = () -> blas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                    1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
            for (int i = 0; i < 3; i++) call.run();   // warm-up: cuBLAS picks and loads its kernels
            ctx.synchronize();
            return gflops(s, () -> { call.run(); }, ctx::synchronize);
        }
    }

    static double copyPath(CudaKernels k, Shape s) {
        Random r = new Random(2);
        float[] a = random(r, (long) s.m() * s.k()), b = random(r, (long) s.k() * s.n());
        float[] c = new float[s.m() * s.n()];
        int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
        Runnable call = () -> k.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
        call.run();
        return gflops(s, call, () -> { });     // the copy back already waits for the product
    }

    /** Repeats {@code call} for at least half a second (and 5 times), then GFLOP/s. */
    static double gflops(Shape s, Runnable call, Runnable sync) {
        long start = System.nanoTime();
        int reps = 0;
        long elapsed;
        do {
            call.run();
            reps++;
            if (reps % 5 == 0) sync.run();
            elapsed = System.nanoTime() - start;
        } while (reps < 5 || elapsed < 500_000_000L);
        sync.run();
        elapsed = System.nanoTime() - start;
        return 2.0 * s.m() * s.n() * s.k() * reps / elapsed;   // flop per ns = GFLOP/s
    }

    static float[] random(Random r, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    static List<Shape> parse(String[] args) {
        List<Shape> out = new ArrayList<>();
        for (String a : args) {
            String[] p = a.toLowerCase(Locale.ROOT).split("x");
            if (p.length != 3) throw new IllegalArgumentException("shape '" + a + "' is not MxNxK, e.g. 4096x4096x4096");
            out.add(new Shape(false, false, Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])));
        }
        return out;
    }
}
