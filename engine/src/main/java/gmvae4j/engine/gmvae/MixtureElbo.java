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
 *
 * <p>With full covariances (p(z|c) = N(μ_c, P_c⁻¹), P_c = L_c L_cᵀ, {@link Full}) the z-prior term is
 * the same expectation, E_q[−log N(z; μ_c, P_c⁻¹)] = −log N(μ; μ_c, P_c⁻¹) + ½ Σ_j σ²_j (P_c)_jj: a
 * diagonal q(z|x) sees only the precision's diagonal in the trace. Both kinds of component are a
 * {@link Components}: the log density of every (image, c) pair and the precision's diagonal.
 */
final class MixtureElbo {

    static final float LOG_2PI = (float) Math.log(2 * Math.PI);

    private MixtureElbo() {}

    /** The mixture's components p(z|c), as the terms need them. */
    interface Components {
        /** log N(z_b; μ_c, Σ_c) for every row b of z and component c, [B,K]. */
        Tensor logDensityPairs(Tape t, Tensor z);
        /** diag(Σ_c⁻¹) of every component, [K,Z]. */
        Tensor precisionDiagonal(Tape t);
    }

    /** N(μ_c, diag σ²_c), log σ²_c already clamped. */
    record Diagonal(Tensor mu, Tensor logVar) implements Components {
        public Tensor logDensityPairs(Tape t, Tensor z) { return t.gaussianLogDensityPairs(z, mu, logVar); }
        public Tensor precisionDiagonal(Tape t) { return t.exp(t.neg(logVar)); }
    }

    /** N(μ_c, (L_c L_cᵀ)⁻¹), L_c from the raw factors [K, Z·Z] ({@code GaussianFull}). */
    record Full(Tensor mu, Tensor cholesky) implements Components {
        public Tensor logDensityPairs(Tape t, Tensor z) { return t.gaussianFullLogDensityPairs(z, mu, cholesky); }
        public Tensor precisionDiagonal(Tape t) { return t.precisionDiagonal(cholesky, mu.cols()); }
    }

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
        return terms(t, x, logits, mu, logVar, z, new Diagonal(priorMu, priorLogVar), logPi);
    }

    /** The terms for any kind of component (the diagonal ones above, or {@link Full}). */
    static Terms terms(Tape t, Tensor x, Tensor logits, Tensor mu, Tensor logVar, Tensor z,
                       Components prior, Tensor logPi) {
        // BCE(x, dec(z)) = Σ_pixels max(l,0) − l·x + log(1 + e^−|l|)
        Tensor reconstruction = t.bceWithLogits(logits, x);

        // γ_c(z) = softmax_c( log π_c + log N(z; μ_c, σ²_c) ), kept in log form for the categorical term
        Tensor logGamma = t.logSoftmax(t.add(prior.logDensityPairs(t, z), logPi));
        Tensor gamma = t.exp(logGamma);

        // ½ Σ_j [ log 2π + log σ²_cj + (σ²_j + (μ_j − μ_cj)²)/σ²_cj ]  for every (image, c) pair [B,K]
        //   = −log N(μ; μ_c, σ²_c)  +  ½ Σ_j σ²_j / σ²_cj
        // and the second part is one matrix product: ½ · σ² [B,Z] · (1/σ²_c)ᵀ [Z,K]
        // (full covariance: (P_c)_jj in place of 1/σ²_cj).
        Tensor crossEntropy = t.sub(
                t.mul(t.matmul(t.exp(logVar), false, prior.precisionDiagonal(t), true), 0.5f),
                prior.logDensityPairs(t, mu));
        Tensor zPrior = t.sum(t.mul(gamma, crossEntropy), 1);

        // −½ Σ_j (1 + log 2π + log σ²_j): minus the entropy of q(z|x)
        Tensor entropy = t.mul(t.sum(t.add(logVar, 1f + LOG_2PI), 1), -0.5f);

        // Σ_c γ_c (log γ_c − log π_c) = KL(γ ‖ π)
        Tensor categorical = t.sum(t.mul(gamma, t.sub(logGamma, logPi)), 1);

        return new Terms(reconstruction, zPrior, entropy, categorical);
    }

    /** γ at given latent points (no reparameterisation): the posterior q(c|x) used for decoding, [B,K]. */
    static Tensor responsibilities(Tape t, Tensor z, Tensor priorMu, Tensor priorLogVar, Tensor logPi) {
        return responsibilities(t, z, new Diagonal(priorMu, priorLogVar), logPi);
    }

    static Tensor responsibilities(Tape t, Tensor z, Components prior, Tensor logPi) {
        return t.softmax(t.add(prior.logDensityPairs(t, z), logPi));
    }
}
