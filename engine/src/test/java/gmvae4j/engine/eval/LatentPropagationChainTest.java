package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** LatentPropagation's prior and its propagation worked out by hand on four images. */
class LatentPropagationChainTest {

    /**
     * Two clusters, two classes. Image 0 (q = (1,0)) is labeled 0, image 1 (q = (0,1)) labeled 1, so each
     * cluster holds one whole answer and votes for its class: v(0) = (1,0), v(1) = (0,1).
     * Priors: image 2 (q = (.7,.3)) → (.7,.3); image 3 (q = (.2,.8)) → (.2,.8).
     * Latent positions 0, 10, 0.1, 0.3 with one neighbour each: 0 → 2, 1 → 3, 2 → 0, 3 → 2 (a chain
     * 1 … 3 → 2 → 0). Self-tuning weights with σ = the distance to the one neighbour (σ₀ = σ₂ = .1,
     * σ₃ = .2, σ₁ = 9.7): w(0,2) = w(2,0) = e⁻¹, w(3,2) = e^(−.04/.02) = e⁻², w(1,3) = e^(−9.7²/(9.7·.2))
     * = e^(−48.5). Symmetric edges: image 2 has 0 twice (listed from both ends) and 3; image 3 has 2
     * and 1. With α = .99, at the fixed point (60 steps reach it: the loop 2 ↔ 3 shrinks by .98·b ≈ .15
     * every two steps):
     *   F₂ = .01·P₂ + .99·(a·F₀ + b·F₃),  a = 2e⁻¹/(2e⁻¹ + e⁻²), b = e⁻²/(2e⁻¹ + e⁻²)
     *   F₃ = .01·P₃ + .99·F₂              (image 1's weight e^(−48.5) is nothing beside e⁻²)
     *   ⇒ F₂ = (.01·P₂ + .99·a·F₀ + .0099·b·P₃) / (1 − .9801·b)
     * Image 3, two hops from the label and next to nothing else, takes class 0 from it.
     */
    @Test void labelsSpreadAlongAChainOfNeighbours() {
        float[] q = {1, 0, 0, 1, .7f, .3f, .2f, .8f};
        Decisions d = propagate(q, new float[] {0, 10, 0.1f, 0.3f}, 0, 2);
        assertArrayEquals(new int[] {0, 1, 0, 0}, d.label());
        // shares of F (F rows sum to 1 here): the score is the winner's share, the margin best − second
        assertEquals(1f, d.score()[0], 1e-6f);
        assertEquals(1f, d.margin()[1], 1e-6f);
        double e1 = Math.exp(-1), e2 = Math.exp(-2), a = 2 * e1 / (2 * e1 + e2), b = e2 / (2 * e1 + e2);
        double f2 = (.01 * .7 + .99 * a + .0099 * b * .2) / (1 - .9801 * b);
        double f3 = .01 * .2 + .99 * f2;
        assertEquals(0.99501, f2, 1e-5, "the hand calculation");
        assertEquals(f2, d.score()[2], 1e-5f);
        assertEquals(2 * f2 - 1, d.margin()[2], 1e-5f);
        assertEquals(f3, d.score()[3], 1e-5f);
        assertEquals(2 * f3 - 1, d.margin()[3], 1e-5f);
    }

    /**
     * A cluster speaks only once it holds half an answer: image 1 is labeled 1 but sits .6/.4, so cluster 1
     * holds .4 of an answer and stays silent; cluster 0 holds 1.6 (image 0 fully, image 1's .6) with votes
     * (1, .6)/1.6. Images 2 and 3 (q = (.2,.8)) get their priors from cluster 0 alone: (.625, .375), although
     * cluster 1 holds most of their mass; they are each other's only neighbour, so propagation keeps that prior.
     */
    @Test void aClusterWithLessThanHalfAnAnswerDoesNotVote() {
        float[] q = {1, 0, .6f, .4f, .2f, .8f, .2f, .8f};
        Decisions d = propagate(q, new float[] {0, 10, 50, 50.1f}, 3, 2);
        // both priors (.625, .375); averaging two equal priors keeps them
        assertEquals(0, d.label()[2]);
        assertEquals(0.625f, d.score()[2], 1e-5f);
        assertEquals(0.25f, d.margin()[3], 1e-5f);
    }

    /**
     * Two neighbours, one near and one far: the self-tuning weights w = exp(−d²/(σ_i σ_j)), σ = the
     * distance to one's second neighbour. Image 2 (unlabeled, q = (.5,.5), prior (.5,.5)) sits at 0.1,
     * between image 0 (labeled 0, at 0) and image 1 (labeled 1, at 0.4); its neighbours: 0 at d = .1,
     * then 1 at d = .3, so σ₂ = .3. σ₀ = distance from 0 to its second neighbour (image 1 at .4, its
     * first being image 2 at .1) = .4; σ₁ = .4 likewise (2 at .3, 0 at .4).
     *   w(2→0) = exp(−.01/(.3·.4)) = exp(−1/12),  w(2→1) = exp(−.09/(.3·.4)) = exp(−3/4)
     * The labeled rows stay fixed, so from the first step on F₂ = .01·(.5,.5) + .99·(w₀(1,0) + w₁(0,1))/(w₀+w₁).
     */
    @Test void theNearerNeighbourWeighsMore() {
        float[] q = {1, 0, 0, 1, .5f, .5f};
        int[] idx = {0, 1}, lab = {0, 1};
        LabelMap map = LabelMap.fit(q, 2, idx, lab, 2);
        LatentNeighbours g = LatentNeighbours.build(new float[] {0, 0.4f, 0.1f}, 3, 1, q, 2, 2);
        assertEquals(0, g.neighbour(2, 0));
        assertEquals(1, g.neighbour(2, 1));
        Decisions d = LatentPropagation.decide(map, q, g, idx, lab);
        double w0 = Math.exp(-1 / 12.0), w1 = Math.exp(-0.75);
        double f0 = .01 * .5 + .99 * w0 / (w0 + w1), f1 = .01 * .5 + .99 * w1 / (w0 + w1);
        assertEquals(0, d.label()[2]);
        assertEquals(f0, d.score()[2], 1e-5);
        assertEquals(f0 - f1, d.margin()[2], 1e-5);
    }

    /** Images 0 and 1 labeled 0 and 1, two clusters, one latent neighbour each (checked for images 2 and 3). */
    static Decisions propagate(float[] q, float[] z, int neighbourOf2, int neighbourOf3) {
        int[] idx = {0, 1}, lab = {0, 1};
        LabelMap map = LabelMap.fit(q, 2, idx, lab, 2);
        LatentNeighbours g = LatentNeighbours.build(z, 4, 1, q, 2, 1);
        assertEquals(neighbourOf2, g.neighbour(2, 0));
        assertEquals(neighbourOf3, g.neighbour(3, 0));
        return LatentPropagation.decide(map, q, g, idx, lab);
    }
}
