package gmvae4j.engine;

import gmvae4j.engine.nn.Activation;
import gmvae4j.engine.nn.Mlp;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TapeTest {

    static Tensor randomInput(Tape t, int rows, int cols, long seed) {
        Tensor x = t.scratch(rows, cols);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < x.size(); i++) x.set(i, (float) rng.nextDouble());
        return x;
    }

    @Test
    void noGradRecordsNothingAndRefusesBackward() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("m").sizes(5, 4, 3).build(p, new SplittableRandom(1));
        Tape t = new Tape();
        Tensor y;
        try (var g = t.noGrad()) {
            y = t.sum(mlp.forward(t, randomInput(t, 2, 5, 2)));
        }
        assertEquals(0, t.size());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, () -> t.backward(y));
        assertTrue(t.recording(), "closing the no-grad handle restores recording");
    }

    @Test
    void resetHandsOutTheSameTensorsWhenShapesRepeat() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("m").sizes(5, 4, 3).build(p, new SplittableRandom(1));
        Tape t = new Tape();
        Tensor first = mlp.forward(t, randomInput(t, 2, 5, 2));
        t.reset();
        Tensor second = mlp.forward(t, randomInput(t, 2, 5, 2));
        assertSame(first, second);
        t.reset();
        Tensor third = mlp.forward(t, randomInput(t, 3, 5, 2));   // a larger batch: new buffers
        assertNotSame(second, third);
        assertNotSame(second.data, third.data);
        assertEquals(3, third.rows());
        t.reset();
        Tensor fourth = mlp.forward(t, randomInput(t, 1, 5, 2));  // a smaller one fits in them
        assertEquals(1, fourth.rows());
        assertEquals(3, fourth.size());
        assertSame(third.data, fourth.data, "a smaller batch keeps the arrays");
        t.reset();
        assertSame(third.data, mlp.forward(t, randomInput(t, 3, 5, 2)).data, "and the full batch after it too");
    }

    /**
     * An epoch's last, smaller batch and the full ones after it run in arrays sized for the full
     * batch, with values and gradients left over from it past the smaller tensors' ends: the
     * smaller batch's loss and gradients must be those of a fresh tape, and the full batch's after
     * it those of the first full step.
     */
    @Test
    void aSmallerBatchInLargerArraysGivesTheSameValuesAndGradients() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("m").sizes(6, 8, 4).hidden(Activation.TANH).build(p, new SplittableRandom(3));
        java.util.function.BiFunction<Tape, Integer, float[]> step = (t, rows) -> {
            t.reset();
            p.zeroGrad();
            Tensor x = randomInput(t, rows, 6, 4 + rows);
            Tensor loss = t.mean(t.bceWithLogits(t.reshape(mlp.forward(t, x), rows, 4), t.sigmoid(t.sliceCols(x, 0, 4))));
            t.backward(loss);
            float[] out = java.util.Arrays.copyOf(p.grad(), p.size() + 1);
            out[p.size()] = loss.item();
            return out;
        };
        Tape reused = new Tape();
        float[] full = step.apply(reused, 5);
        float[] small = step.apply(reused, 2);
        float[] fullAgain = step.apply(reused, 5);
        assertArrayEquals(step.apply(new Tape(), 2), small, "the smaller batch, in the full batch's arrays");
        assertArrayEquals(full, fullAgain, "the full batch after the smaller one");
        assertNotEquals(0f, small[0]);
    }

    /**
     * The BCE's backward pass spreads its rows over the threads (from Kernels.RANGE_GRAIN rows on):
     * every row is its own output, so the gradients are the same floats on one thread and on two.
     */
    @Test
    void bceGradientOverManyRowsIsTheSameOnOneAndTwoThreads() {
        float[][] grads = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Params p = new Params();
            Mlp mlp = Mlp.builder("m").sizes(6, 20).build(p, new SplittableRandom(5));
            Tape t = new Tape(new gmvae4j.kernels.VectorKernels(threads));
            Tensor x = randomInput(t, 1000, 6, 9);
            Tensor target = randomInput(t, 1000, 20, 10);
            Tensor logits = mlp.forward(t, x);
            t.backward(t.mean(t.bceWithLogits(logits, target)));
            grads[threads - 1] = p.grad().clone();
            // d mean/d bias_j = (1/rows) Σ_i (σ(l_ij) − t_ij): every row's share arrived
            float[] bias = p.get("m.0.bias").gradToArray();
            for (int j = 0; j < 20; j++) {
                double want = 0;
                for (int i = 0; i < 1000; i++) want += 1 / (1 + Math.exp(-logits.get(i, j))) - target.get(i, j);
                assertEquals(want / 1000, bias[j], 1e-5, "bias " + j);
            }
        }
        assertArrayEquals(grads[0], grads[1]);
        assertNotEquals(0f, grads[0][0]);
    }

    @Test
    void repeatedStepsGiveTheSameGradients() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("m").sizes(6, 8, 4).hidden(Activation.TANH).build(p, new SplittableRandom(3));
        Tape t = new Tape();
        float[][] grads = new float[2][];
        for (int step = 0; step < 2; step++) {
            t.reset();
            p.zeroGrad();
            Tensor x = randomInput(t, 3, 6, 4);
            t.backward(t.mean(t.bceWithLogits(t.reshape(mlp.forward(t, x), 3, 4), t.sigmoid(t.sliceCols(x, 0, 4)))));
            grads[step] = p.grad().clone();
        }
        assertArrayEquals(grads[0], grads[1], "stale activation gradients leaked into the second step");
        assertNotEquals(0f, grads[0][0]);
    }

    @Test
    void frozenParameterGetsNoGradient() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("m").sizes(3, 2).build(p, new SplittableRandom(1));
        p.setTrainable("m.0.bias", false);
        Tape t = new Tape();
        t.backward(t.sum(mlp.forward(t, randomInput(t, 2, 3, 1))));
        assertArrayEquals(new float[2], p.get("m.0.bias").gradToArray());
        assertNotEquals(0f, p.get("m.0.weight").gradAt(0));
    }

    @Test
    void checkFiniteNamesTheTerm() {
        Tape t = new Tape();
        Tensor x = t.scratch(1, 2);
        x.set(1, -1f);
        Tensor y = t.log(x);                                   // log(0) = -Inf, log(-1) = NaN
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> y.checkFinite("reconstruction"));
        assertTrue(e.getMessage().startsWith("reconstruction is -Infinity"), e.getMessage());
    }

    /**
     * After warm-up a training step reuses every buffer: the only allocation left is the small
     * per-op closures. With 64×256 activations, reallocating even one of them would cost 64 KB.
     * Runs on the scalar kernels: this is about the engine's buffers, and the Vector API backend
     * allocates vector boxes until the JIT has compiled it, which a unit test cannot wait for
     * (MlpStepBenchmark with -prof gc measures the warmed-up vector path).
     */
    @Test
    void warmTrainingStepAllocatesAlmostNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeAllocationCounting(bean);
        Params p = new Params();
        Mlp enc = Mlp.builder("enc").sizes(256, 256, 32).build(p, new SplittableRandom(1));
        Mlp dec = Mlp.builder("dec").sizes(32, 256, 256).build(p, new SplittableRandom(2));
        var scalar = new gmvae4j.kernels.ScalarKernels();
        Adam adam = new Adam(p, 1e-3f, scalar);
        Tape t = new Tape(scalar);
        float[] batch = new float[64 * 256];
        for (int i = 0; i < batch.length; i++) batch[i] = (i % 7) / 7f;
        Runnable step = () -> {
            t.reset();
            p.zeroGrad();
            Tensor x = t.input(batch, 0, 64, 256);
            Tensor loss = t.mean(t.bceWithLogits(dec.forward(t, enc.forward(t, x)), x));
            t.backward(loss);
            adam.step();
        };
        for (int i = 0; i < 5; i++) step.run();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) step.run();
        long perStep = (bean.getCurrentThreadAllocatedBytes() - before) / 10;
        assertTrue(perStep < 16 * 1024, "a warm step allocated " + perStep + " bytes");
    }

    static void assumeAllocationCounting(com.sun.management.ThreadMXBean bean) {
        org.junit.jupiter.api.Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes per thread");
    }
}
