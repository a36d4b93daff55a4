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
    void posteriorIsTheSoftmaxHead() {
        MarginalGmvae m = new MarginalGmvae(MixtureElboTest.tiny("marginal"), 2);
        byte[] px = new byte[3 * 6];
        px[4] = (byte) 200;
        float[] q = m.posterior(px, 3);
        for (int i = 0; i < 3; i++) assertEquals(1.0, q[i * 3] + q[i * 3 + 1] + q[i * 3 + 2], 1e-5);
    }
}
