package gmvae4j.engine.eval;

/** How {@link SoftDecoder} compares a class profile m(ℓ) with a posterior q(·|x). */
public enum Similarity {
    /** Σ_c m(ℓ)_c q(c|x): favours classes whose mass sits on few clusters. */
    DOT,
    /** the dot product divided by |m(ℓ)|·|q(·|x)|: compares shapes only. */
    COSINE
}
