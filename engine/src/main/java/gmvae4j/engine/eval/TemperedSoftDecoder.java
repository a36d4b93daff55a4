package gmvae4j.engine.eval;

/**
 * Soft-dot decoding on tempered posteriors, the temperature chosen from the labels:
 *
 * <pre>
 *   ŷ(x) = argmax_ℓ Σ_c m_T(ℓ)_c · q_T(c|x)      q_T ∝ q^(1/T), m_T(ℓ) = mean of q_T over L_ℓ
 * </pre>
 *
 * With T = 1 this is {@link SoftDecoder} with the dot product. Why a temperature helps and how it
 * is chosen (leave-one-out on the labeled points, never the unlabeled ones): {@link Tempering}.
 * Reported as {@code soft-dot+T} next to the study's {@code soft-dot}, which stays untouched.
 */
public final class TemperedSoftDecoder implements ScoringDecoder {

    @Override public String name() { return "soft-dot+T"; }

    @Override public LabelMap fit(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        return LabelMap.fitTempered(q, k, labeledIdx, labels, numClasses);
    }

    /** Σ_c m_T(ℓ)_c · q_T(c|x) for every class; classes without labels score −∞. */
    @Override public double[] scores(LabelMap map, float[] q, int off) {
        int k = map.k(), nc = map.numClasses();
        double[] qt = new double[k];
        Tempering.temper(q, off, k, map.temperature(), qt);
        double[] s = new double[nc];
        for (int l = 0; l < nc; l++) {
            if (map.classCount(l) == 0) { s[l] = Double.NEGATIVE_INFINITY; continue; }
            double dot = 0;
            for (int c = 0; c < k; c++) dot += map.temperedProfile(l, c) * qt[c];
            s[l] = dot;
        }
        return s;
    }
}
