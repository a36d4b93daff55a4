package gmvae4j.benchmarks;

import gmvae4j.engine.Adam;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Mlp;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step of a 784-512-512-32 MLP encoder and a mirrored 32-512-512-784 decoder with a
 * BCE-with-logits reconstruction loss, batch 128: forward, backward, Adam. Run with {@code -prof gc}
 * to see the allocation per step ({@code gc.alloc.rate.norm}, bytes per operation).
 *
 * <p>{@link #sgemmOnly} performs exactly the sgemm calls of that step (6 forward, 6 weight gradients,
 * 5 input gradients; the first layer's input gradient is skipped because the input is data) on
 * preallocated buffers: the step's floor. The engine's overhead is step / sgemmOnly.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MlpStepBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpStepBenchmark {

    static final int BATCH = 128;
    static final int[] ENC = {784, 512, 512, 32};
    static final int[] DEC = {32, 512, 512, 784};

    Params params;
    Mlp enc, dec;
    Adam adam;
    Tape tape;
    float[] batch;

    // sgemm-only buffers: per layer input, output, weights and their gradients
    Kernels k;
    int[] ins, outs;
    float[][] act, w, gw, gact;

    @Setup
    public void setup() {
        params = new Params();
        SplittableRandom rng = new SplittableRandom(1);
        enc = Mlp.builder("enc").sizes(ENC).build(params, rng);
        dec = Mlp.builder("dec").sizes(DEC).build(params, rng);
        adam = new Adam(params, 1e-3f);
        tape = new Tape();
        batch = new float[BATCH * 784];
        for (int i = 0; i < batch.length; i++) batch[i] = (float) rng.nextDouble();

        k = Backends.get();
        ins = new int[]{784, 512, 512, 32, 512, 512};
        outs = new int[]{512, 512, 32, 512, 512, 784};
        act = new float[7][];
        gact = new float[7][];
        w = new float[6][];
        gw = new float[6][];
        act[0] = batch.clone();
        gact[0] = new float[BATCH * 784];
        for (int l = 0; l < 6; l++) {
            act[l + 1] = new float[BATCH * outs[l]];
            gact[l + 1] = new float[BATCH * outs[l]];
            w[l] = new float[ins[l] * outs[l]];
            gw[l] = new float[ins[l] * outs[l]];
            for (int i = 0; i < w[l].length; i++) w[l][i] = (float) (rng.nextGaussian() * 0.03);
        }
        for (int i = 0; i < gact[6].length; i++) gact[6][i] = 1e-3f;
    }

    /** Forward, loss, backward and Adam: what a training loop does per batch. */
    @Benchmark
    public float step() {
        tape.reset();
        params.zeroGrad();
        Tensor x = tape.input(batch, 0, BATCH, 784);
        Tensor loss = tape.mean(tape.bceWithLogits(dec.forward(tape, enc.forward(tape, x)), x));
        tape.backward(loss);
        adam.step();
        return loss.item();
    }

    /** The step without the optimizer: forward, loss and backward only. */
    @Benchmark
    public float forwardBackward() {
        tape.reset();
        params.zeroGrad();
        Tensor x = tape.input(batch, 0, BATCH, 784);
        Tensor loss = tape.mean(tape.bceWithLogits(dec.forward(tape, enc.forward(tape, x)), x));
        tape.backward(loss);
        return loss.item();
    }

    /** The same 17 sgemm calls and nothing else. */
    @Benchmark
    public float sgemmOnly() {
        for (int l = 0; l < 6; l++)
            k.sgemm(false, false, BATCH, outs[l], ins[l], 1f, act[l], 0, ins[l], w[l], 0, outs[l], 0f, act[l + 1], 0, outs[l]);
        for (int l = 5; l >= 0; l--) {
            k.sgemm(true, false, ins[l], outs[l], BATCH, 1f, act[l], 0, ins[l], gact[l + 1], 0, outs[l], 1f, gw[l], 0, outs[l]);
            if (l > 0)
                k.sgemm(false, true, BATCH, ins[l], outs[l], 1f, gact[l + 1], 0, outs[l], w[l], 0, outs[l], 1f, gact[l], 0, ins[l]);
        }
        return act[6][0] + gw[0][0];
    }
}
