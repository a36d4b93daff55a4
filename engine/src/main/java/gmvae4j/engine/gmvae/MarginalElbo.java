package gmvae4j.engine.gmvae;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/**
 * The negative ELBO of the {@code marginal} variant (the study's model, DESIGN.md §3), with the
 * sum over components taken exactly. For one image x, q(c|x) from a softmax head,
 * q(z|x,c) = N(μ_c(x), diag σ²_c(x)), one reparameterised sample z_c per component:
 *
 * <pre>
 *   loss = Σ_c q(c|x) [ BCE(x, dec(z_c))                    reconstruction
 *                     + KL( q(z|x,c) ‖ p(z|c) )             z-prior
 *                     + log q(c|x) − log p(c) ]             categorical
 * </pre>
 *
 * All B·K (image, component) pairs are laid out as rows b·K + c of one [B·K, ·] matrix, so the
 * decoder runs on all of them in one batched matrix product.
 */
final class MarginalElbo {

    private MarginalElbo() {}

    /** The three terms, one value per image ([B,1] each). */
    record Terms(Tensor reconstruction, Tensor zPrior, Tensor categorical) {}

    /**
     * @param logQ     log q(c|x) [B, K] (or [B, m]: q renormalised over each image's m chosen components)
     * @param bce      BCE(x, dec(z_c)) per pair, [B, K] (or [B, m])
     * @param kl       KL(q(z|x,c) ‖ p(z|c)) per pair, [B, K] (or [B, m])
     * @param logPi    log p(c), [1, K] (or [B, m]: each pair's component's)
     */
    static Terms terms(Tape t, Tensor logQ, Tensor bce, Tensor kl, Tensor logPi) {
        Tensor q = t.exp(logQ);
        Tensor reconstruction = t.sum(t.mul(q, bce), 1);                  // Σ_c q_c BCE_c
        Tensor zPrior = t.sum(t.mul(q, kl), 1);                           // Σ_c q_c KL_c
        Tensor categorical = t.sum(t.mul(q, t.sub(logQ, logPi)), 1);      // Σ_c q_c (log q_c − log p_c)
        return new Terms(reconstruction, zPrior, categorical);
    }
}
