package gmvae4j.engine.eval;

/**
 * Soft decoding: instead of trusting only the top cluster, compare the whole posterior of an
 * image with each class's typical posterior.
 *
 * <pre>
 *   m(ℓ)      = (1/|L_ℓ|) Σ_{x' ∈ L_ℓ} q(·|x')        L_ℓ = labeled points of class ℓ
 *                                                    (an empirical p(c|ℓ); rows sum to 1)
 *   dot(ℓ,x)  = Σ_c m(ℓ)_c · q(c|x)
 *   cos(ℓ,x)  = dot(ℓ,x) / (‖m(ℓ)‖₂ · ‖q(·|x)‖₂)
 *   ŷ(x)      = argmax_ℓ sim(ℓ, x)                    over classes with at least one label
 * </pre>
 *
 * Why it helps with few labels: an image whose own cluster got no label still puts some mass on
 * neighbouring clusters that did, and those vote for it. Dot and cosine differ when class
 * profiles differ in concentration: ‖m(ℓ)‖ is large for a class whose labels all sit in one
 * cluster and small for a class spread over many, so dot leans towards concentrated classes
 * while cosine judges only the direction.
 */
public final class SoftDecoder implements ScoringDecoder {
    private final Similarity similarity;

    public SoftDecoder(Similarity similarity) { this.similarity = similarity; }

    public Similarity similarity() { return similarity; }

    @Override public String name() { return similarity == Similarity.DOT ? "soft-dot" : "soft-cos"; }

    /** sim(ℓ, x) for every class; classes without labels score −∞. */
    @Override public double[] scores(LabelMap map, float[] q, int off) {
        int k = map.k(), nc = map.numClasses();
        double qNorm = 0;
        for (int c = 0; c < k; c++) qNorm += (double) q[off + c] * q[off + c];
        qNorm = Math.sqrt(qNorm);
        double[] s = new double[nc];
        for (int l = 0; l < nc; l++) {
            if (map.classCount(l) == 0) { s[l] = Double.NEGATIVE_INFINITY; continue; }
            double dot = 0, mNorm = 0;
            for (int c = 0; c < k; c++) {
                double mc = map.profile(l, c);
                dot += mc * q[off + c];
                mNorm += mc * mc;
            }
            s[l] = similarity == Similarity.DOT ? dot
                    : (mNorm == 0 || qNorm == 0 ? 0 : dot / (Math.sqrt(mNorm) * qNorm));
        }
        return s;
    }
}
