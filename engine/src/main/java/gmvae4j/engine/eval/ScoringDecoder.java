package gmvae4j.engine.eval;

/** A decoder that scores every class and predicts the best one (the soft decoders). */
public interface ScoringDecoder extends Decoder {

    /** A score per class for the image whose posterior is q[off .. off+k); classes without labels score −∞. */
    double[] scores(LabelMap map, float[] q, int off);

    /** The class with the highest score (the smallest such class on a tie, so results are reproducible). */
    @Override default int predict(LabelMap map, float[] q, int off) {
        double[] s = scores(map, q, off);
        int best = 0;
        for (int l = 1; l < s.length; l++) if (s[l] > s[best]) best = l;
        return best;
    }
}
