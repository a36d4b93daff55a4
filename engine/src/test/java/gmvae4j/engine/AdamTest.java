package gmvae4j.engine;

import gmvae4j.engine.nn.Mlp;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class AdamTest {

    @Test
    void firstStepsMatchTheFormula() {
        Params p = new Params();
        Tensor w = p.add("w", 1, 3);
        w.copyFrom(new float[]{1f, -2f, 0.5f}, 0);
        float lr = 0.1f, b1 = 0.9f, b2 = 0.99f, eps = 1e-8f;
        Adam adam = new Adam(p, lr).betas(b1, b2).eps(eps);
        double[] m = new double[3], v = new double[3], expect = {1, -2, 0.5};
        for (int step = 1; step <= 3; step++) {
            for (int i = 0; i < 3; i++) p.grad()[i] = (float) (expect[i] * step);   // any gradient will do
            double[] g = {p.grad()[0], p.grad()[1], p.grad()[2]};
            adam.step();
            for (int i = 0; i < 3; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(b1, step)), vh = v[i] / (1 - Math.pow(b2, step));
                expect[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            for (int i = 0; i < 3; i++) assertEquals(expect[i], w.get(i), 1e-5, "step " + step + " element " + i);
        }
        assertEquals(3, adam.steps());
    }

    @Test
    void clippingBoundsTheGradientNorm() {
        Params p = new Params();
        p.add("w", 1, 2);
        Adam adam = new Adam(p, 0.1f).clipNorm(1f);
        p.grad()[0] = 3f;
        p.grad()[1] = 4f;
        assertEquals(5.0, adam.step(), 1e-6, "returns the norm before clipping");
        assertEquals(1.0, Math.hypot(p.grad()[0], p.grad()[1]), 1e-6);
        assertEquals(0.6f, p.grad()[0], 1e-6f);
    }

    @Test
    void nanGradientIsRefusedAndNamed() {
        Params p = new Params();
        p.add("enc.0.weight", 1, 2);
        p.grad()[1] = Float.NaN;
        var e = assertThrows(NonFiniteException.class, () -> new Adam(p, 0.1f).step());
        assertTrue(e.getMessage().contains("enc.0.weight"), e.getMessage());
    }

    @Test
    void stepAndZeroGradIsAStepThenZeroGrad() {
        Params a = model(), b = model();
        Adam adamA = new Adam(a, 1e-2f).weightDecay(1e-3f), adamB = new Adam(b, 1e-2f).weightDecay(1e-3f);
        for (int s = 0; s < 4; s++) {
            fillGrad(a, s);
            fillGrad(b, s);
            assertEquals(adamA.step(), adamB.stepAndZeroGrad());
            a.zeroGrad();
            assertArrayEquals(a.data(), b.data(), "step " + s);
            assertArrayEquals(adamA.m(), adamB.m());
            assertArrayEquals(adamA.v(), adamB.v());
            assertArrayEquals(new float[b.size()], b.grad(), "gradients left at zero");
        }
    }

    @Test
    void aRefusedStepAndZeroGradChangesNothing() {
        Params p = model();
        fillGrad(p, 1);
        p.grad()[3] = Float.NaN;
        float[] before = p.data().clone(), grad = p.grad().clone();
        assertThrows(NonFiniteException.class, () -> new Adam(p, 0.1f).stepAndZeroGrad());
        assertArrayEquals(before, p.data());
        assertArrayEquals(grad, p.grad(), "the gradients are kept for inspection");
    }

    /**
     * A step taken in pieces (any cut of the parameters, pieces at odd offsets and lengths, in any
     * order, half of them reading their gradient from another array) gives the bits of one stepAndZeroGrad: parameters, moments, step count, and the
     * gradients left at zero. A tail computed in another order than the vector lanes (the scalar
     * loop after a piece's whole vectors) would differ in the last bit of v for some values.
     */
    @Test
    void aStepInPiecesIsOneStep() {
        Params a = model(), b = model();
        Adam adamA = new Adam(a, 1e-2f).weightDecay(1e-3f), adamB = new Adam(b, 1e-2f).weightDecay(1e-3f);
        int n = a.size();
        SplittableRandom cuts = new SplittableRandom(3);
        for (int s = 0; s < 4; s++) {
            fillGrad(a, s);
            fillGrad(b, s);
            adamA.stepAndZeroGrad();
            java.util.List<int[]> pieces = new java.util.ArrayList<>();
            for (int lo = 0; lo < n; ) {
                int len = Math.min(n - lo, 1 + cuts.nextInt(37));
                pieces.add(new int[] {lo, len});
                lo += len;
            }
            java.util.Collections.shuffle(pieces, new java.util.Random(s));
            Adam.Pieces step = adamB.pieces();
            boolean elsewhere = false;
            for (int[] piece : pieces) {
                if (elsewhere) {    // every other piece's gradient held outside the gradient array
                    float[] held = new float[piece[1] + 3];
                    System.arraycopy(b.grad(), piece[0], held, 3, piece[1]);
                    java.util.Arrays.fill(b.grad(), piece[0], piece[0] + piece[1], 0f);
                    step.update(piece[0], piece[1], held, 3);
                } else step.update(piece[0], piece[1]);
                elsewhere = !elsewhere;
            }
            assertArrayEquals(a.data(), b.data(), "step " + s);
            assertArrayEquals(adamA.m(), adamB.m(), "m, step " + s);
            assertArrayEquals(adamA.v(), adamB.v(), "v, step " + s);
            assertArrayEquals(new float[n], b.grad(), "gradients left at zero");
            assertEquals(adamA.steps(), adamB.steps());
        }
    }

    /** A clipped optimizer needs the whole gradient's norm before it changes anything: no pieces. */
    @Test
    void aClippedStepIsNotTakenInPieces() {
        Adam adam = new Adam(model(), 1e-2f).clipNorm(1f);
        assertTrue(adam.clips());
        assertThrows(IllegalStateException.class, adam::pieces);
        assertEquals(0, adam.steps(), "no step counted");
        assertFalse(new Adam(model(), 1e-2f).clips());
    }

    private static void fillGrad(Params p, int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < p.size(); i++) p.grad()[i] = (float) rng.nextGaussian();
    }

    @Test
    void savedStateResumesExactly() {
        Params a = model(), b = model();
        Adam adamA = new Adam(a, 1e-2f).weightDecay(1e-3f);
        for (int s = 0; s < 5; s++) train(a, adamA, s);
        // b: 3 steps, then "save" and restore into a fresh optimizer and copy of the parameters
        Adam adamB = new Adam(b, 1e-2f).weightDecay(1e-3f);
        for (int s = 0; s < 3; s++) train(b, adamB, s);
        Params resumed = model();
        resumed.copyFrom(b);
        Adam adamC = new Adam(resumed, 1e-2f).weightDecay(1e-3f);
        adamC.restore(adamB.m().clone(), adamB.v().clone(), adamB.steps());
        for (int s = 3; s < 5; s++) train(resumed, adamC, s);
        assertArrayEquals(a.data(), resumed.data());
        assertEquals(5, adamC.steps());
    }

    @Test
    void fitsASmallRegression() {
        Params p = model();
        Adam adam = new Adam(p, 1e-2f);
        double first = train(p, adam, 0), last = 0;
        for (int s = 1; s < 300; s++) last = train(p, adam, s % 4);
        assertTrue(last < 0.1 * first, "loss went from " + first + " to " + last);
    }

    static Params model() {
        Params p = new Params();
        Mlp.builder("m").sizes(4, 16, 1).build(p, new SplittableRandom(7));
        return p;
    }

    /** One step of fitting y = sum of sin(x) on a fixed batch; returns the loss. */
    static double train(Params p, Adam adam, int batchSeed) {
        Tape t = new Tape();
        Tensor x = t.scratch(8, 4), y = t.scratch(8, 1);
        SplittableRandom rng = new SplittableRandom(batchSeed);
        for (int i = 0; i < 8; i++) {
            double s = 0;
            for (int j = 0; j < 4; j++) {
                float v = (float) (rng.nextDouble() * 2 - 1);
                x.set(i, j, v);
                s += Math.sin(v);
            }
            y.set(i, 0, (float) s);
        }
        Tensor w1 = p.get("m.0.weight"), b1 = p.get("m.0.bias"), w2 = p.get("m.1.weight"), b2 = p.get("m.1.bias");
        Tensor pred = t.linear(t.relu(t.linear(x, w1, b1)), w2, b2);
        Tensor loss = t.mean(t.square(t.sub(pred, y)));
        p.zeroGrad();
        t.backward(loss);
        adam.step();
        return loss.item();
    }
}
