package gmvae4j.benchmarks;

import gmvae4j.kernels.Conv2d;
import gmvae4j.kernels.ConvShape;
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
 * conv2d's three passes on a batch of 128 (forward; backward to the input, gx += dL/dx; backward
 * to the weights, gw += dL/dw), next to our sgemm on a cube with the same FLOP count: the ratio of
 * a pass's {@code ·gflops} line to sgemm's is what the convolution keeps of the GEMM speed. Each
 * backward pass has the forward pass's FLOP count (the bias gradient is left out of it and of the
 * timing). Layers: {@code c1} = 1→32 channels, 3×3, 28×28, pad 1; {@code c2} = 32→64, 3×3,
 * 14×14, pad 1; {@code m1}, {@code m2}: the same channels with the {@code --arch conv} model's
 * 4×4 kernel, stride 2, pad 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Conv2dBenchmark {

    @Param({"c1", "c2", "m1", "m2"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    ConvShape s;
    Kernels kernels;
    float[] x, w, bias, y, gx, gw, a, b, c;
    int n;
    double gflop, gemmGflop;

    @Setup
    public void setup() {
        s = switch (layer) {
            case "c1" -> new ConvShape(128, 1, 28, 28, 32, 3, 3, 1, 1);
            case "c2" -> new ConvShape(128, 32, 14, 14, 64, 3, 3, 1, 1);
            case "m1" -> new ConvShape(128, 1, 28, 28, 32, 4, 4, 2, 1);
            case "m2" -> new ConvShape(128, 32, 14, 14, 64, 4, 4, 2, 1);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        kernels = new VectorKernels(threads);
        Random r = new Random(1);
        x = rand(r, s.batch() * s.inC() * s.inH() * s.inW());
        w = rand(r, s.outC() * s.inC() * s.kH() * s.kW());
        bias = rand(r, s.outC());
        y = rand(r, s.batch() * s.outC() * s.outH() * s.outW());   // also the incoming gradient gy
        gx = new float[x.length];
        gw = new float[w.length];
        gflop = s.flops() / 1e9;
        n = (int) Math.round(Math.cbrt(s.flops() / 2.0));
        a = rand(r, n * n);
        b = rand(r, n * n);
        c = new float[n * n];
        gemmGflop = 2.0 * n * n * n / 1e9;
    }

    private static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = r.nextFloat() - 0.5f;
        return v;
    }

    @Benchmark
    public float[] conv2dForward(GflopCounter counter) {
        Conv2d.forward(kernels, s, x, w, bias, y);
        counter.gflops += gflop;
        return y;
    }

    /** gx += dL/dx (accumulates into gx: the sums grow, which costs nothing). */
    @Benchmark
    public float[] conv2dBackwardInput(GflopCounter counter) {
        Conv2d.backwardInput(kernels, s, y, w, gx);
        counter.gflops += gflop;
        return gx;
    }

    /** gw += dL/dw, without the bias gradient. */
    @Benchmark
    public float[] conv2dBackwardWeight(GflopCounter counter) {
        Conv2d.backwardWeight(kernels, s, x, y, gw, null);
        counter.gflops += gflop;
        return gw;
    }

    @Benchmark
    public float[] sgemmSameFlops(GflopCounter counter) {
        kernels.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        counter.gflops += gemmGflop;
        return c;
    }
}
