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

    /** The decisions of every row of q (rows × map.k()) under any scoring decoder. */
    public static Decisions of(ScoringDecoder decoder, LabelMap map, float[] q, int rows) {
        Rows.checkShape(q, rows, map.k());
        Decisions d = new Decisions(new int[rows], new float[rows], new float[rows]);
        for (int i = 0; i < rows; i++) d.set(i, decoder.scores(map, q, i * map.k()));
        return d;
    }

    /**
     * The same as {@code of(new SoftDecoder(Similarity.DOT), ...)}, faster: a posterior row is
     * almost all zeros (an image sits in one or two clusters), so only its entries above 1e-7
     * are multiplied, which makes refitting 70,000 images after a round take milliseconds.
     * Skipping them changes a score by less than k·1e-7.
     */
    public static Decisions softDot(LabelMap map, float[] q, int rows) {
        int nc = map.numClasses();
        double[] raw = softDotScores(map, q, rows);
        Decisions d = new Decisions(new int[rows], new float[rows], new float[rows]);
        double[] s = new double[nc];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(raw, i * nc, s, 0, nc);
            for (int l = 0; l < nc; l++) if (map.classCount(l) == 0) s[l] = Double.NEGATIVE_INFINITY;
            d.set(i, s);
        }
        return d;
    }

    /** The soft-dot scores Σ_c m(ℓ)_c q(c|x) of every row (rows × numClasses), over the entries of q above 1e-7. */
    public static double[] softDotScores(LabelMap map, float[] q, int rows) {
        int k = map.k(), nc = map.numClasses();
        Rows.checkShape(q, rows, k);
        float[][] profileByCluster = new float[k][nc];
        for (int l = 0; l < nc; l++) for (int c = 0; c < k; c++) profileByCluster[c][l] = map.profile(l, c);
        double[] s = new double[rows * nc];
        // rows are independent: split over the kernels' threads, each summed as on one thread
        gmvae4j.kernels.Backends.get().parallelRange(rows, i -> {
            for (int c = 0, o = i * k; c < k; c++) {
                float v = q[o + c];
                if (v <= 1e-7f) continue;
                float[] m = profileByCluster[c];
                for (int l = 0; l < nc; l++) s[i * nc + l] += v * m[l];
            }
        });
        return s;
    }

    void set(int i, double[] s) {
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

    private static double share(double s, double total) {
        return total > 0 && s > 0 ? s / total : 0;
    }
}
