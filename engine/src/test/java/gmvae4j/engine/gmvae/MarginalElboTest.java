package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.GradCheck;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginalElboTest {

    @Test
    void termsAreQWeightedSums() {
        // q = (0.25, 0.75), BCE = (2, 4), KL = (1, 3), p = uniform (½, ½):
        // rec = 0.25·2 + 0.75·4 = 3.5; kl = 0.25·1 + 0.75·3 = 2.5;
        // cat = 0.25·log(0.25/0.5) + 0.75·log(0.75/0.5)
        Tape t = new Tape();
        float lh = (float) Math.log(0.5);
        var r = MarginalElbo.terms(t, Tensor.of(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, 1, 2),
                Tensor.of(new float[] {2, 4}, 1, 2), Tensor.of(new float[] {1, 3}, 1, 2), Tensor.of(new float[] {lh, lh}, 1, 2));
        assertEquals(3.5, r.reconstruction().item(), 1e-6);
        assertEquals(2.5, r.zPrior().item(), 1e-6);
        assertEquals(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), r.categorical().item(), 1e-6);
    }

    @Test
    void wholeMarginalElboGradientMatchesFiniteDifferences() {
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = MixtureElboTest.rand(rng, 2 * 6, 0, 1), eps = MixtureElboTest.rand(rng, m.noiseSize(2), -1.5, 1.5);
        GradCheck.check(t -> m.loss(t, t.input(x, 0, 2, 6), eps).total(), MixtureElboTest.allParams(m));
    }

    @Test
    void truncatedElboGradientMatchesFiniteDifferences() {
        // q renormalised over each image's 2 most probable of 3 components: the selection is fixed
        // under the finite-difference steps (no two logits are that close here)
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        m.sumOverTop(2);
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = MixtureElboTest.rand(rng, 2 * 6, 0, 1), eps = MixtureElboTest.rand(rng, m.noiseSize(2), -1.5, 1.5);
        assertEquals(2 * 2 * 2, eps.length);
        GradCheck.check(t -> m.loss(t, t.input(x, 0, 2, 6), eps).total(), MixtureElboTest.allParams(m));
    }

    @Test
    void truncationToOneComponentIsThatComponentsTermsAlone() {
        // with m = 1, q is 1 on the argmax component c*: loss = BCE_c* + KL_c* − log p(c*), which the
        // full sum gives too when q puts all its mass on c* (a huge logit), with c*'s own noise
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        m.params().get("cat_head.bias").set(1, 60f);   // c* = 1 for every image, q(1|x) = 1 to float precision
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = MixtureElboTest.rand(rng, 6, 0, 1), epsAll = MixtureElboTest.rand(rng, m.noiseSize(1), -1.5, 1.5);
        float full = m.loss(new Tape(), Tensor.of(x, 1, 6), epsAll).total().item();
        m.sumOverTop(1);
        float[] eps = java.util.Arrays.copyOfRange(epsAll, 2, 4);   // component 1's rows of the full layout (z = 2)
        float one = m.loss(new Tape(), Tensor.of(x, 1, 6), eps).total().item();
        assertEquals(full, one, 1e-4 * Math.abs(full));
    }

    @Test
    void moveComponentMakesATwinOfTheDonorWithTheNewPriorMean() {
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        byte[] px = new byte[4 * 6];
        new java.util.Random(3).nextBytes(px);
        m.moveComponent(0, new float[] {0.5f, -0.25f}, 2);
        float[] q = m.posterior(px, 4);
        for (int i = 0; i < 4; i++) assertEquals(q[i * 3 + 2], q[i * 3], 1e-7);
        assertArrayEquals(m.latentMean(java.util.Arrays.copyOf(px, 6), 2), m.latentMean(java.util.Arrays.copyOf(px, 6), 0));
        assertEquals(0.5f, m.params().get("prior.mu").get(0, 0));
        assertEquals(-0.25f, m.params().get("prior.mu").get(0, 1));
    }

    @Test
    void posteriorIsTheSoftmaxHead() {
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        byte[] px = new byte[3 * 6];
        px[4] = (byte) 200;
        float[] q = m.posterior(px, 3);
        for (int i = 0; i < 3; i++) assertEquals(1.0, q[i * 3] + q[i * 3 + 1] + q[i * 3 + 2], 1e-5);
    }
}
