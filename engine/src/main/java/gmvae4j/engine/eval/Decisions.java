package gmvae4j.engine.eval;

/**
 * Every image's decision under a scoring decoder, and how sure it is.
 *
 * <pre>
 *   share(ℓ, x)  = max(s(ℓ, x), 0) / Σ_ℓ' max(s(ℓ', x), 0)      s = the decoder's class scores
 *   label(x)     = argmax_ℓ s(ℓ, x)
 *   score(x)     = share(label(x), x)                             in [0, 1]
 *   margin(x)    = share(best) − share(second best)               0 = a coin toss between two classes
 * </pre>
 *
 * Scores are shares so that margins compare across images: a raw soft-dot score is small for an
 * image spread over many clusters even when every one of them votes for the same class. The
 * smallest margins are where one more label changes most decisions (uncertainty sampling).
 */
public record Decisions(int[] label, float[] score, float[] margin) {

    /** The decisions of every row of q (rows × map.k()). */
    public static Decisions of(ScoringDecoder decoder, LabelMap map, float[] q, int rows) {
        Rows.checkShape(q, rows, map.k());
        int[] label = new int[rows];
        float[] score = new float[rows], margin = new float[rows];
        for (int i = 0; i < rows; i++) {
            double[] s = decoder.scores(map, q, i * map.k());
            double total = 0;
            int best = -1, second = -1;
            for (int l = 0; l < s.length; l++) {
                if (s[l] > 0) total += s[l];
                if (best < 0 || s[l] > s[best]) { second = best; best = l; }
                else if (second < 0 || s[l] > s[second]) second = l;
            }
            label[i] = best;
            double b = share(s[best], total), c = second < 0 ? 0 : share(s[second], total);
            score[i] = (float) b;
            margin[i] = (float) (b - c);
        }
        return new Decisions(label, score, margin);
    }

    private static double share(double s, double total) {
        return total > 0 && s > 0 ? s / total : 0;
    }
}
