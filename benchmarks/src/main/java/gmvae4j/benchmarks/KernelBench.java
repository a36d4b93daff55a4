package gmvae4j.benchmarks;

import gmvae4j.kernels.Conv2d;
import gmvae4j.kernels.ConvShape;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A quick side-by-side of our kernels and OpenBLAS (the {@code ./gmvae bench kernels} command):
 * plain timing loops, no JMH, under a minute.
 *
 * <p>Method: each case is warmed up (JIT, caches, pack buffers), then timed in several samples
 * of enough calls to last tens of milliseconds, ours and the peer alternating sample by sample
 * with the same thread count, so a busy spell on a shared machine hits both; the reported
 * figure is the best sample, in GFLOP/s = 2·M·N·K / seconds per call / 1e9.
 *
 * <p>Shapes are written M×K×N: op(A) is M×K, op(B) is K×N (128×784×512 is a batch of 128
 * through a 784→512 layer). Forms: NN = C = A·B, NT = A·Bᵀ, TN = Aᵀ·B, TT = Aᵀ·Bᵀ. For conv2d
 * the peer is our own sgemm on a cube with the same FLOP count, so the ratio says what the
 * im2col route keeps of the GEMM speed.
 */
public final class KernelBench {

    /** One measured line. peerGflops and ratio are null when there is no peer (no OpenBLAS). */
    public record Row(String kernel, String shape, String trans, int threads, double gflops,
                      String peer, Double peerGflops) {
        public Double ratio() { return peerGflops == null ? null : gflops / peerGflops; }
    }

    /** What to run: thread counts, and quick = fewer cases and shorter timings. */
    public record Options(int[] threads, boolean quick) {}

    static final int[][] MAIN_SHAPES = {{128, 784, 512}, {128, 512, 512}, {512, 512, 512}};
    static final int[][] EXTRA_SHAPES = {{128, 512, 784}, {1024, 1024, 1024}};
    static final String[] FORMS = {"NN", "NT", "TN", "TT"};
    static final ConvShape[] CONVS = {
            new ConvShape(128, 1, 28, 28, 32, 3, 3, 1, 1),
            new ConvShape(128, 32, 14, 14, 64, 3, 3, 1, 1)};

    private final Options opt;
    private final PrintStream progress;
    private final double warmSec, sampleSec;
    private final int samples;

    /** {@code progress} gets the table header and each row as soon as it is measured. */
    public KernelBench(Options opt, PrintStream progress) {
        this.opt = opt;
        this.progress = progress;
        this.warmSec = opt.quick ? 0.1 : 0.25;
        this.sampleSec = opt.quick ? 0.03 : 0.06;
        this.samples = opt.quick ? 3 : 5;
    }

    public List<Row> run() {
        List<Row> rows = new ArrayList<>();
        boolean blas = OpenBlas.isAvailable();
        if (!blas) progress.println("OpenBLAS: " + OpenBlas.unavailableReason());
        progress.print(header());
        // JIT warm-up of every path (packing forms, edge tiles, short k, conv) before anything is
        // timed: a branch first taken mid-measurement costs a deoptimisation and a recompile
        VectorKernels one = new VectorKernels(1);
        for (String f : FORMS) {
            warm(gemm(one, f.charAt(0) == 'T', f.charAt(1) == 'T', 128, 512, 256));
            warm(gemm(one, f.charAt(0) == 'T', f.charAt(1) == 'T', 37, 45, 9));
        }
        for (ConvShape c : CONVS) warm(conv(one, c));
        List<int[]> shapes = new ArrayList<>(Arrays.asList(MAIN_SHAPES));
        if (!opt.quick) shapes.addAll(Arrays.asList(EXTRA_SHAPES));
        for (int t : opt.threads) {
            VectorKernels ours = new VectorKernels(t);
            if (blas) OpenBlas.setThreads(t);
            for (int[] s : shapes) {
                boolean main = Arrays.stream(MAIN_SHAPES).anyMatch(x -> Arrays.equals(x, s));
                String[] forms = main ? (opt.quick ? new String[] {"NN", "NT", "TN"} : FORMS) : new String[] {"NN"};
                for (String f : forms) {
                    boolean ta = f.charAt(0) == 'T', tb = f.charAt(1) == 'T';
                    Runnable o = gemm(ours, ta, tb, s[0], s[2], s[1]);
                    Runnable p = blas ? gemm(null, ta, tb, s[0], s[2], s[1]) : null;
                    double[] g = measurePair(o, p, 2.0 * s[0] * s[1] * s[2], 2.0 * s[0] * s[1] * s[2]);
                    Row r = new Row("sgemm", s[0] + "x" + s[1] + "x" + s[2], f, t, g[0], blas ? "openblas" : null,
                            blas ? g[1] : null);
                    progress.println(line(r));
                    rows.add(r);
                }
            }
            for (ConvShape c : CONVS) {
                int n = (int) Math.round(Math.cbrt(c.flops() / 2.0));
                double[] g = measurePair(conv(ours, c), gemm(ours, false, false, n, n, n), c.flops(), 2.0 * n * n * n);
                Row r = new Row("conv2d", convName(c), "fwd", t, g[0], "sgemm " + n + "^3 (ours, same FLOPs)", g[1]);
                progress.println(line(r));
                rows.add(r);
            }
        }
        return rows;
    }

    static String convName(ConvShape c) {
        return c.batch() + "x" + c.inC() + "x" + c.inH() + "x" + c.inW() + "->" + c.outC() + "," + c.kH() + "x" + c.kW()
                + ",s" + c.stride() + ",p" + c.pad();
    }

    /** C = op(A)·op(B) (m×n, depth k) on ours (ours != null) or OpenBLAS, on fresh random arrays. */
    private static Runnable gemm(Kernels ours, boolean ta, boolean tb, int m, int n, int k) {
        Random r = new Random(1);
        float[] a = rand(r, m * k), b = rand(r, k * n), c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        return ours != null
                ? () -> ours.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n)
                : () -> OpenBlas.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }

    private static Runnable conv(Kernels k, ConvShape s) {
        Random r = new Random(2);
        float[] x = rand(r, s.batch() * s.inC() * s.inH() * s.inW());
        float[] w = rand(r, s.outC() * s.inC() * s.kH() * s.kW()), bias = rand(r, s.outC());
        float[] y = new float[s.batch() * s.outC() * s.outH() * s.outW()];
        return () -> Conv2d.forward(k, s, x, w, bias, y);
    }

    /**
     * GFLOP/s of a and of b (b may be null): both warmed up, then timed in alternating samples
     * (a, b, a, b, ...) so that a busy spell on a shared machine hits both; the best sample of
     * each is reported, since noise only ever slows a run down.
     */
    private double[] measurePair(Runnable a, Runnable b, double flopsA, double flopsB) {
        int innerA = warm(a), innerB = b == null ? 0 : warm(b);
        double bestA = 0, bestB = 0;
        for (int i = 0; i < samples; i++) {
            bestA = Math.max(bestA, sample(a, innerA, flopsA));
            if (b != null) bestB = Math.max(bestB, sample(b, innerB, flopsB));
        }
        return new double[] {bestA, b == null ? Double.NaN : bestB};
    }

    /** Runs op for the warm-up time; returns how many calls make one sample. */
    private int warm(Runnable op) {
        long t0 = System.nanoTime();
        int calls = 0;
        while (calls < 3 || System.nanoTime() - t0 < warmSec * 1e9) {
            op.run();
            calls++;
        }
        double perCall = (System.nanoTime() - t0) / 1e9 / calls;
        return (int) Math.max(1, Math.ceil(sampleSec / perCall));
    }

    private static double sample(Runnable op, int calls, double flops) {
        long s = System.nanoTime();
        for (int j = 0; j < calls; j++) op.run();
        return flops * calls / ((System.nanoTime() - s) / 1e9) / 1e9;
    }

    private static float[] rand(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    // ---------------------------------------------------------------- output

    static String line(Row r) {
        return String.format(Locale.ROOT, "%-7s %-26s %-4s %2d   %7.1f   %s", r.kernel(), r.shape(), r.trans(), r.threads(),
                r.gflops(), r.peer() == null ? "-" : String.format(Locale.ROOT, "%7.1f  %5.2f  (%s)",
                        r.peerGflops(), r.ratio(), r.peer()));
    }

    static String header() {
        return String.format(Locale.ROOT, "%-7s %-26s %-4s %2s   %7s   %7s  %5s%n", "kernel", "shape (MxKxN)", "form",
                "th", "GFLOP/s", "peer", "ratio");
    }

    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(header());
        for (Row r : rows) sb.append(line(r)).append('\n');
        return sb.toString();
    }

    /** One JSON object, written by hand: {"backend":..,"rows":[{...}, ...]}. */
    public static String json(List<Row> rows, String backend) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"backend\":").append(str(backend))
          .append(",\"java\":").append(str(Runtime.version().toString()))
          .append(",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
          .append(",\"os_arch\":").append(str(System.getProperty("os.arch")))
          .append(",\"openblas\":").append(OpenBlas.isAvailable() ? str(OpenBlas.path() + " " + OpenBlas.config()) : "null")
          .append(",\"openblas_missing\":").append(OpenBlas.isAvailable() ? "null" : str(OpenBlas.unavailableReason()))
          .append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"kernel\":").append(str(r.kernel()))
              .append(",\"shape\":").append(str(r.shape()))
              .append(",\"trans\":").append(str(r.trans()))
              .append(",\"threads\":").append(r.threads())
              .append(",\"gflops\":").append(num(r.gflops()))
              .append(",\"peer\":").append(r.peer() == null ? "null" : str(r.peer()))
              .append(",\"peer_gflops\":").append(r.peerGflops() == null ? "null" : num(r.peerGflops()))
              .append(",\"ratio\":").append(r.ratio() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.ratio()))
              .append('}');
        }
        return sb.append("]}").toString();
    }

    private static String num(double d) { return String.format(Locale.ROOT, "%.2f", d); }

    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code java ... gmvae4j.benchmarks.KernelBench [--json] [--quick] [--threads 1,2]} */
    public static void main(String[] args) {
        boolean json = false, quick = false;
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        // the table streams to stdout as rows are measured; with --json, progress goes to stderr
        KernelBench b = new KernelBench(new Options(threads, quick), json ? System.err : System.out);
        List<Row> rows = b.run();
        if (json) System.out.println(json(rows, new VectorKernels(1).name()));
    }
}
