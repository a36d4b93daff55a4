package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.Adam;
import gmvae4j.engine.NamedParam;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchShards}: a batch cut into shards gives the gradient and the loss terms of one pass
 * over it (to float rounding), the same bits whether the shards run side by side or one after
 * another, and leaves the twins' gradients at zero for the next batch.
 */
class BatchShardsTest {

    static TrainableGmvae model(String variant, boolean learnPrior) {
        TrainableGmvae m = model(variant, learnPrior, new int[] {24, 16}, 4, 5, 11);
        if (m instanceof MarginalGmvae mg) mg.sumOverTop(3);   // a training setting the twins must copy
        return m;
    }

    /** K = 5, z = 3, these hidden layers, h×w images. */
    static TrainableGmvae model(String variant, boolean learnPrior, int[] hidden, int h, int w, long seed) {
        TrainOptions o = new TrainOptions();
        o.variant = variant;
        o.k = 5;
        o.z = 3;
        o.hidden = hidden;
        o.learnPrior = learnPrior;
        return GmvaeIo.create(GmvaeConfig.from(o, h, w), seed);
    }

    /** One batch: the gradient it leaves (copied) and its means. */
    record Step(float[] grad, BatchShards.Means means) {}

    static Step step(TrainableGmvae m, Kernels k, int batch, int shards, float[] x, int count, float[] eps) {
        m.params().zeroGrad();
        BatchShards.Means means = new BatchShards(m, k, batch, shards).gmvae(x, count, eps);
        return new Step(m.params().grad().clone(), means);
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    /**
     * Shards weighted B_s/B add up to the whole batch's gradient: 2 and 3 shards of a batch of 12,
     * and of a final batch of 7 (shards of 3 and 4 rows, weights 3/7 and 4/7). A seed of 1 instead
     * of B_s/B would double the gradient; a twin's gradient left out would lose half of it.
     */
    @Test
    void shardsGiveTheGradientAndTermsOfOnePass() {
        Kernels scalar = Backends.choose("scalar");
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae m = model(variant, true);
            SplittableRandom r = new SplittableRandom(5);
            float[] x = uniform(r, 12 * m.inputDim(), 0, 1), eps = uniform(r, m.noiseSize(12), -2, 2);
            for (int count : new int[] {12, 7}) {
                Step one = step(m, scalar, 12, 1, x, count, eps);
                double scale = 0;
                for (float g : one.grad()) scale = Math.max(scale, Math.abs(g));
                assertTrue(scale > 1e-3, variant + ": no gradient to compare");
                for (int shards : new int[] {2, 3}) {
                    Step cut = step(m, scalar, 12, shards, x, count, eps);
                    String what = variant + ", " + count + " rows in " + shards + " shards";
                    for (int i = 0; i < one.grad().length; i++)
                        assertEquals(one.grad()[i], cut.grad()[i], 1e-5 * scale + 1e-4 * Math.abs(one.grad()[i]), what + ": gradient " + i);
                    assertEquals(one.means().total(), cut.means().total(), 1e-5 * Math.abs(one.means().total()), what + ": loss");
                    assertEquals(one.means().terms().keySet(), cut.means().terms().keySet(), what);
                    for (Map.Entry<String, Double> e : one.means().terms().entrySet())
                        assertEquals(e.getValue(), cut.means().terms().get(e.getKey()), 1e-5 * Math.abs(e.getValue()) + 1e-6,
                                what + ": term " + e.getKey());
                }
            }
        }
    }

    /**
     * The model depends on the shard count, never on the threads: two shards side by side on two
     * threads, one after another on one, and one after another with every product on three
     * threads give the same bits; and a second batch gives the first batch's gradient again
     * (the twins' gradients were put back to zero).
     */
    @Test
    void sideBySideGivesTheBitsOfOneAfterAnother() {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae m = model(variant, false);
            SplittableRandom r = new SplittableRandom(9);
            float[] x = uniform(r, 96 * m.inputDim(), 0, 1), eps = uniform(r, m.noiseSize(96), -2, 2);
            Kernels two = new VectorKernels(2), one = new VectorKernels(1), three = new VectorKernels(3);
            assertTrue(new BatchShards(m, two, 96, 2).sideBySide());
            assertFalse(new BatchShards(m, one, 96, 2).sideBySide());
            assertFalse(new BatchShards(m, three, 96, 2).sideBySide());
            Step a = step(m, two, 96, 2, x, 96, eps), b = step(m, one, 96, 2, x, 96, eps), c = step(m, three, 96, 2, x, 96, eps);
            assertArrayEquals(a.grad(), b.grad(), variant + ": one thread");
            assertArrayEquals(a.grad(), c.grad(), variant + ": three threads");
            assertEquals(a.means(), b.means(), variant);
            BatchShards sh = new BatchShards(m, two, 96, 2);
            m.params().zeroGrad();
            sh.gmvae(x, 96, eps);
            float[] first = m.params().grad().clone();
            m.params().zeroGrad();
            sh.gmvae(x, 96, eps);
            assertArrayEquals(first, m.params().grad(), variant + ": the second batch's gradient");
            assertArrayEquals(a.grad(), first, variant);
        }
    }

    /**
     * The linear layers' weight gradients, computed after the shards' backward passes straight
     * into the model's gradient ({@link gmvae4j.engine.WeightGradients}), are bit for bit the sum
     * the twins' gradients gave: each shard's loss backpropagated on its own tape and model (the
     * model, then a twin), the twin's gradient added to the model's. Two and three shards, a
     * full batch, a final smaller one and one of a single row (one shard), one thread (one after
     * another) and two (side by side).
     * A weight's products run in another order, one lost or run twice, or a twin's bias gradient
     * not added would change these bits.
     */
    @Test
    void deferredWeightGradientsGiveTheTwinsSumBitForBit() {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae m = model(variant, true);
            SplittableRandom r = new SplittableRandom(13);
            float[] x = uniform(r, 24 * m.inputDim(), 0, 1), eps = uniform(r, m.noiseSize(24), -2, 2);
            for (int threads : new int[] {1, 2})
                for (int shards : new int[] {2, 3})
                    for (int count : new int[] {24, 17, 1}) {
                        Kernels k = new VectorKernels(threads);
                        int used = Math.min(shards, count);     // a batch of one row is one shard
                        // the reference: every shard on its own model (the model, then twins), its gradient added in shard order
                        m.params().zeroGrad();
                        float[] want = new float[m.params().size()];
                        for (int s = 0; s < used; s++) {
                            TrainableGmvae own = s == 0 ? m : m.twin();
                            own.params().zeroGrad();
                            int r0 = count * s / used, n = count * (s + 1) / used - r0;
                            gmvae4j.engine.Tape t = new gmvae4j.engine.Tape(k);
                            float[] noise = java.util.Arrays.copyOfRange(eps, m.noiseSize(r0), m.noiseSize(r0) + m.noiseSize(n));
                            TrainableGmvae.Loss loss = own.loss(t, t.input(x, r0 * m.inputDim(), n, m.inputDim()), noise);
                            t.backward(loss.total(), new float[] {(float) n / count});
                            float[] g = own.params().grad();
                            for (int i = 0; i < want.length; i++) want[i] = s == 0 ? g[i] : want[i] + g[i];
                        }
                        Step got = step(m, k, 24, shards, x, count, eps);
                        assertArrayEquals(want, got.grad(), variant + ", " + count + " rows in " + shards + " shards, " + threads + " thread(s)");
                    }
        }
    }

    /**
     * {@link BatchShards#gmvaeStep} (each weight updated right after its products) gives the bits of
     * {@link BatchShards#gmvae} followed by {@link Adam#stepAndZeroGrad}: the parameters, both
     * moments and the means, three steps in a row, for one, two and three shards, a full batch, a
     * final one of 17 rows and one of a single row, on one thread and two; and leaves every
     * gradient at zero. Likewise {@link BatchShards#pretrainStep}, and a clipped optimizer (which
     * takes the whole update after the products). An update skipped, run twice, or run before a
     * weight's last product would change these bits.
     */
    @Test
    void aStepGivesTheBitsOfTheGradientThenAdam() {
        for (String variant : new String[] {"mixture", "marginal"})
            for (int threads : new int[] {1, 2})
                for (int shards : new int[] {1, 2, 3})
                    for (int count : new int[] {24, 17, 1})
                        for (float clip : new float[] {0f, 0.5f}) {
                            if (clip > 0 && (count != 24 || threads != 2)) continue;
                            Kernels k = new VectorKernels(threads);
                            TrainableGmvae a = model(variant, true), b = model(variant, true);
                            Adam adamA = new Adam(a.params(), 1e-2f, k).weightDecay(1e-3f).clipNorm(clip);
                            Adam adamB = new Adam(b.params(), 1e-2f, k).weightDecay(1e-3f).clipNorm(clip);
                            BatchShards shA = new BatchShards(a, k, 24, shards), shB = new BatchShards(b, k, 24, shards);
                            String what = variant + ", " + count + " rows in " + shards + " shard(s), " + threads + " thread(s), clip " + clip;
                            SplittableRandom r = new SplittableRandom(17);
                            a.params().zeroGrad();
                            b.params().zeroGrad();
                            for (int step = 0; step < 3; step++) {
                                float[] x = uniform(r, 24 * a.inputDim(), 0, 1), eps = uniform(r, a.noiseSize(24), -2, 2);
                                BatchShards.Means ma, mb;
                                if (step == 1) {
                                    ma = new BatchShards.Means(Map.of(), shA.pretrain(x, count));
                                    adamA.stepAndZeroGrad();
                                    mb = new BatchShards.Means(Map.of(), shB.pretrainStep(x, count, adamB));
                                } else {
                                    ma = shA.gmvae(x, count, eps);
                                    adamA.stepAndZeroGrad();
                                    mb = shB.gmvaeStep(x, count, eps, adamB);
                                }
                                assertEquals(ma, mb, what + ", step " + step);
                                assertArrayEquals(a.params().data(), b.params().data(), what + ": parameters after step " + step);
                                assertArrayEquals(adamA.m(), adamB.m(), what + ": m after step " + step);
                                assertArrayEquals(adamA.v(), adamB.v(), what + ": v after step " + step);
                                assertArrayEquals(new float[b.params().size()], b.params().grad(), what + ": gradients left at zero");
                                assertEquals(step + 1, adamB.steps(), what);
                            }
                        }
    }

    /**
     * Shards side by side pack each weight together ({@link gmvae4j.engine.PackedWeights}): layers
     * deep enough to be packed (42 → 48 → 40, k above 32) and six training steps in a row, the
     * weights changing at every one: two threads (the shards side by side, sharing the packing)
     * give the parameters of one thread (one after another, each product packing for itself) bit
     * for bit, for 64 rows in two shards and a final batch of 37. A step that read the weights
     * packed in the step before (no new generation) would differ from its second step on.
     */
    @Test
    void sharedPackingGivesTheBitsOfOneThread() {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae[] m = new TrainableGmvae[2];
            Adam[] adam = new Adam[2];
            BatchShards[] sh = new BatchShards[2];
            for (int i = 0; i < 2; i++) {
                Kernels k = new VectorKernels(i == 0 ? 2 : 1);
                m[i] = model(variant, true, new int[] {48, 40}, 6, 7, 3);
                adam[i] = new Adam(m[i].params(), 1e-2f, k);
                sh[i] = new BatchShards(m[i], k, 64, 2);
            }
            assertTrue(sh[0].sideBySide());
            assertFalse(sh[1].sideBySide());
            SplittableRandom r = new SplittableRandom(23);
            for (int step = 0; step < 6; step++) {
                int count = step == 4 ? 37 : 64;
                float[] x = uniform(r, 64 * m[0].inputDim(), 0, 1), eps = uniform(r, m[0].noiseSize(64), -2, 2);
                for (int i = 0; i < 2; i++) {
                    if (step == 0) sh[i].pretrainStep(x, count, adam[i]);
                    else sh[i].gmvaeStep(x, count, eps, adam[i]);
                }
                assertArrayEquals(m[1].params().data(), m[0].params().data(), variant + ": parameters after step " + step);
            }
        }
    }

    /**
     * A gradient that is not finite refuses the step with nothing changed, naming the parameter,
     * as {@link Adam#stepAndZeroGrad} does: a NaN in a bias's gradient (found when the twins'
     * gradients are added), and inputs so large that the first layer's weight gradient cannot be
     * bounded before its products run (its weight zero, so the loss stays finite; the products
     * then overflow). A loss that is not finite takes no step.
     */
    @Test
    void aNonFiniteGradientChangesNothing() {
        for (int shards : new int[] {1, 2}) {
            // a NaN where the gradients are summed
            TrainableGmvae m = model("mixture", false);
            Kernels k = new VectorKernels(2);
            Adam adam = new Adam(m.params(), 1e-2f, k);
            SplittableRandom r = new SplittableRandom(21);
            float[] x = uniform(r, 24 * m.inputDim(), 0, 1), eps = uniform(r, m.noiseSize(24), -2, 2);
            Params p = m.params();
            String bias = null;
            for (NamedParam np : p.list()) if (np.name().endsWith("bias") && bias == null) bias = np.name();
            assertNotNull(bias, "a bias to spoil");
            p.zeroGrad();
            p.grad()[p.get(bias).gradOff] = Float.NaN;
            float[] before = p.data().clone();
            String spoilt = bias;
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> new BatchShards(m, k, 24, shards).gmvaeStep(x, 24, eps, adam));
            assertTrue(e.getMessage().contains(spoilt), e.getMessage());
            assertArrayEquals(before, p.data(), shards + " shard(s): parameters");
            assertArrayEquals(new float[p.size()], adam.m(), "m");
            assertEquals(0, adam.steps());

            // products that overflow with a finite loss: pixels of 1e38 against logits held at 0 (the
            // decoder's last layer zero: BCE log 2 a pixel, its gradient 0.5 − 1e38), the hidden
            // values before it above 10 (so its weight's gradient sums past Float.MAX_VALUE), the
            // encoder's first weight zero (so the pixels reach nothing else)
            TrainableGmvae big = model("mixture", false);
            Params q = big.params();
            for (String zero : new String[] {"encoder.0.weight", "decoder.2.weight", "decoder.2.bias"})
                java.util.Arrays.fill(q.data(), q.get(zero).off, q.get(zero).off + q.get(zero).size(), 0f);
            java.util.Arrays.fill(q.data(), q.get("decoder.1.bias").off, q.get("decoder.1.bias").off + q.get("decoder.1.bias").size(), 10f);
            float[] huge = new float[24 * big.inputDim()];
            java.util.Arrays.fill(huge, 1e38f);
            q.zeroGrad();
            BatchShards.Means loss = new BatchShards(big, k, 24, shards).gmvae(huge, 24, eps);
            assertTrue(Double.isFinite(loss.total()), "the loss stays finite: " + loss.total());
            boolean overflowed = false;
            Tensor w2 = q.get("decoder.2.weight");
            for (int i = 0; i < w2.size(); i++) overflowed |= !Float.isFinite(q.grad()[w2.gradOff + i]);
            assertTrue(overflowed, "the decoder's last weight gradient overflows");
            q.zeroGrad();
            Adam adam2 = new Adam(q, 1e-2f, k);
            float[] before2 = q.data().clone();
            e = assertThrows(NonFiniteException.class, () -> new BatchShards(big, k, 24, shards).gmvaeStep(huge, 24, eps, adam2));
            assertTrue(e.getMessage().contains("decoder.2.weight"), e.getMessage());
            assertArrayEquals(before2, q.data(), shards + " shard(s): parameters after an overflow");
            assertEquals(0, adam2.steps());

            // a loss that is not finite: no step
            float[] nan = x.clone();
            nan[5] = Float.NaN;
            q.zeroGrad();
            BatchShards.Means bad = new BatchShards(big, k, 24, shards).gmvaeStep(nan, 24, eps, adam2);
            assertFalse(Double.isFinite(bad.total()));
            assertArrayEquals(before2, q.data(), shards + " shard(s): parameters after a NaN loss");
            assertEquals(0, adam2.steps());
        }
    }

    /**
     * Pretraining's loss by shards: the same mean and, to rounding, the same gradient, for both
     * variants (the marginal one trains a slice of its Gaussian head's weight here: a tape result,
     * whose product must not be deferred like a parameter's).
     */
    @Test
    void pretrainingByShards() {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae m = model(variant, true);
            SplittableRandom r = new SplittableRandom(3);
            float[] x = uniform(r, 10 * m.inputDim(), 0, 1);
            for (Kernels k : new Kernels[] {Backends.choose("scalar"), new VectorKernels(2)}) {
                m.params().zeroGrad();
                double whole = new BatchShards(m, k, 10, 1).pretrain(x, 10);
                float[] g1 = m.params().grad().clone();
                m.params().zeroGrad();
                double cut = new BatchShards(m, k, 10, 2).pretrain(x, 10);
                float[] g2 = m.params().grad().clone();
                String what = variant + ", " + k.name() + "/" + k.threads();
                assertEquals(whole, cut, 1e-6 * Math.abs(whole), what);
                double scale = 0;
                for (float g : g1) scale = Math.max(scale, Math.abs(g));
                assertTrue(scale > 1e-3, what);
                for (int i = 0; i < g1.length; i++) assertEquals(g1[i], g2[i], 1e-5 * scale, what + ": gradient " + i);
            }
        }
    }

    /** A twin reads and writes the model's values, keeps its own gradients, and copies frozen parameters and settings. */
    @Test
    void twinSharesValuesNotGradients() {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainableGmvae m = model(variant, false);
            TrainableGmvae t = m.twin();
            Params p = m.params(), q = t.params();
            assertSame(p.data(), q.data(), variant);
            assertNotSame(p.grad(), q.grad(), variant);
            for (int i = 0; i < p.list().size(); i++) {
                assertSame(p.data(), q.list().get(i).tensor().data, variant + ": " + q.list().get(i).name());
                assertNotSame(p.grad(), q.list().get(i).tensor().grad, variant);
            }
            assertFalse(q.get("prior.alpha").requiresGrad(), variant + ": prior.alpha is frozen in the model");
            assertTrue(q.get("prior.mu").requiresGrad(), variant);
            p.data()[3] = 42f;
            assertEquals(42f, q.data()[3], variant);
            assertEquals(m.noiseSize(10), t.noiseSize(10), variant + ": the twin sums over the model's components");
        }
        Params a = model("mixture", true).params(), b = model("marginal", true).params();
        assertThrows(IllegalArgumentException.class, () -> a.shareValues(b));
    }

    /** Two shards by default only where they run side by side on exactly two threads. */
    @Test
    void defaultCountIsTwoOnTwoThreadsOnly() {
        assertEquals(2, BatchShards.defaultCount(new VectorKernels(2)));
        assertEquals(1, BatchShards.defaultCount(new VectorKernels(1)));
        assertEquals(1, BatchShards.defaultCount(new VectorKernels(3)));
        assertEquals(1, BatchShards.defaultCount(Backends.choose("scalar")));
        Kernels two = new VectorKernels(2);
        // a two-thread backend that takes one caller at a time, as the cuda one
        Kernels twoThreadsOneCaller = (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class}, (proxy, m, args) -> m.getName().equals("concurrentCallers") ? false : m.invoke(two, args));
        assertEquals(1, BatchShards.defaultCount(twoThreadsOneCaller));
        assertEquals(2, BatchShards.resolve(0, two), "0: the default");
        assertEquals(3, BatchShards.resolve(3, new VectorKernels(1)), "a count given is kept");
    }

    @Test
    void refusesBadSizes() {
        TrainableGmvae m = model("mixture", true);
        Kernels scalar = Backends.choose("scalar");
        assertThrows(IllegalArgumentException.class, () -> new BatchShards(m, scalar, 8, 0));
        BatchShards sh = new BatchShards(m, scalar, 8, 2);
        float[] x = new float[8 * m.inputDim()], eps = new float[m.noiseSize(8)];
        assertThrows(IllegalArgumentException.class, () -> sh.gmvae(x, 9, eps));
        assertThrows(IllegalArgumentException.class, () -> sh.gmvae(x, 0, eps));
        assertEquals(1, new BatchShards(m, scalar, 1, 2).count(), "no more shards than rows");
    }
}
