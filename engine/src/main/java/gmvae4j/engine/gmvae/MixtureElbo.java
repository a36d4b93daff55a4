package gmvae4j.engine.gmvae;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/**
 * The negative ELBO of the {@code mixture} variant, term by term (DESIGN.md §3). For one image x
 * with q(z|x) = N(μ, diag σ²), a reparameterised sample z = μ + σ⊙ε, prior p(c) = π and
 * p(z|c) = N(μ_c, diag σ²_c):
 *
 * <pre>
 *   γ_c(z) = softmax_c( log π_c + log N(z; μ_c, σ²_c) )
 *   loss   = BCE(x, dec(z))                                                       reconstruction
 *          + Σ_c γ_c · ½ Σ_j [ log 2π + log σ²_cj + (σ²_j + (μ_j − μ_cj)²) / σ²_cj ]  z-prior
 *          − ½ Σ_j ( 1 + log 2π + log σ²_j )                                        entropy of q(z|x)
 *          + Σ_c γ_c ( log γ_c − log π_c )                                          categorical
 * </pre>
 *
 * γ depends on z and is differentiated through (as the formula implies: it is not a stop-gradient
 * E-step). Everything here is made of tape ops, so autodiff supplies the gradient.
 */
final class MixtureElbo {

    static final float LOG_2PI = (float) Math.log(2 * Math.PI);

    private MixtureElbo() {}

    /** The four terms, one value per image ([B,1] each). */
    record Terms(Tensor reconstruction, Tensor zPrior, Tensor entropy, Tensor categorical) {}

    /**
     * @param x           images [B, D], targets in [0,1]
     * @param logits      decoder output at z [B, D]
     * @param mu          μ(x) [B, Z]
     * @param logVar      log σ²(x) [B, Z], already clamped
     * @param z           the sample [B, Z]
     * @param priorMu     μ_c [K, Z]
     * @param priorLogVar log σ²_c [K, Z], already clamped
     * @param logPi       log π_c [1, K]
     */
    static Terms terms(Tape t, Tensor x, Tensor logits, Tensor mu, Tensor logVar, Tensor z,
                       Tensor priorMu, Tensor priorLogVar, Tensor logPi) {
        // BCE(x, dec(z)) = Σ_pixels max(l,0) − l·x + log(1 + e^−|l|)
        Tensor reconstruction = t.bceWithLogits(logits, x);

        // γ_c(z) = softmax_c( log π_c + log N(z; μ_c, σ²_c) ), kept in log form for the categorical term
        Tensor logGamma = t.logSoftmax(t.add(t.gaussianLogDensityPairs(z, priorMu, priorLogVar), logPi));
        Tensor gamma = t.exp(logGamma);

        // ½ Σ_j [ log 2π + log σ²_cj + (σ²_j + (μ_j − μ_cj)²)/σ²_cj ]  for every (image, c) pair [B,K]
        //   = −log N(μ; μ_c, σ²_c)  +  ½ Σ_j σ²_j / σ²_cj
        // and the second part is one matrix product: ½ · σ² [B,Z] · (1/σ²_c)ᵀ [Z,K].
        Tensor crossEntropy = t.sub(
                t.mul(t.matmul(t.exp(logVar), false, t.exp(t.neg(priorLogVar)), true), 0.5f),
                t.gaussianLogDensityPairs(mu, priorMu, priorLogVar));
        Tensor zPrior = t.sum(t.mul(gamma, crossEntropy), 1);

        // −½ Σ_j (1 + log 2π + log σ²_j): minus the entropy of q(z|x)
        Tensor entropy = t.mul(t.sum(t.add(logVar, 1f + LOG_2PI), 1), -0.5f);

        // Σ_c γ_c (log γ_c − log π_c) = KL(γ ‖ π)
        Tensor categorical = t.sum(t.mul(gamma, t.sub(logGamma, logPi)), 1);

        return new Terms(reconstruction, zPrior, entropy, categorical);
    }

    /** γ at given latent points (no reparameterisation): the posterior q(c|x) used for decoding, [B,K]. */
    static Tensor responsibilities(Tape t, Tensor z, Tensor priorMu, Tensor priorLogVar, Tensor logPi) {
        return t.softmax(t.add(t.gaussianLogDensityPairs(z, priorMu, priorLogVar), logPi));
    }
}
