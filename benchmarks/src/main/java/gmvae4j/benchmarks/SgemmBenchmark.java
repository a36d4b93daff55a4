package gmvae4j.benchmarks;

import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * sgemm, ours against OpenBLAS on the same arrays. Shapes are M×K×N (op(A) is M×K, op(B) is
 * K×N); form NN/NT/TN/TT says which operand is transposed. Read the {@code ·gflops} secondary
 * result as GFLOP/s (see {@link GflopCounter}); the primary score is calls per second.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -jar benchmarks/target/benchmarks.jar SgemmBenchmark -p shape=128x784x512 -p threads=1</pre>
 *
 * <p>OpenBLAS runs the kernel the environment's {@code OPENBLAS_CORETYPE} names (else the one it
 * detects); the setup prints which, and the core type to export for its best ({@link OpenBlasCore}).
 * {@code ./gmvae bench kernels} does that by itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBenchmark {

    @Param({"128x784x512", "128x512x512", "128x512x784", "512x512x512", "1024x1024x1024"})
    public String shape;

    @Param({"NN", "NT", "TN", "TT"})
    public String form;

    @Param({"1", "2"})
    public int threads;

    @Param({"ours", "openblas"})
    public String impl;

    int m, n, k, lda, ldb;
    boolean ta, tb;
    float[] a, b, c;
    Kernels ours;
    double gflop;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        ta = form.charAt(0) == 'T';
        tb = form.charAt(1) == 'T';
        lda = ta ? m : k;
        ldb = tb ? k : n;
        Random r = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        gflop = 2.0 * m * n * k / 1e9;
        if (impl.equals("openblas")) {
            if (!OpenBlas.isAvailable()) throw new IllegalStateException(OpenBlas.unavailableReason());
            OpenBlas.setThreads(threads);
            // JMH's forks inherit the environment, and OpenBLAS fixed its kernel when it loaded: say
            // which one runs, and which others to try: the peer's best is the fastest of them
            OpenBlasCore.Choice choice = OpenBlasCore.forThisMachine(OpenBlas.coreName());
            System.out.println("OpenBLAS runs its " + OpenBlas.coreName() + " kernel (" + choice.yoursLabel() + ")"
                    + (choice.differs() ? "; this CPU also runs " + String.join(" and ", choice.otherCores())
                    + ": rerun with " + OpenBlasCore.VAR + " set to each, and take the fastest for the peer at its best" : ""));
        } else {
            ours = new VectorKernels(threads);
        }
    }

    @Benchmark
    public float[] sgemm(GflopCounter counter) {
        if (ours != null) ours.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        else OpenBlas.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        counter.gflops += gflop;
        return c;
    }
}
