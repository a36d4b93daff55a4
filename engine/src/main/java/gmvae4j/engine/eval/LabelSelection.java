package gmvae4j.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Choosing which points to label instead of drawing them at random.
 *
 * <p>Rule: first one representative per component, components taken from largest to smallest,
 * because a random draw wastes labels on big clusters and leaves small ones unnamed; the
 * representative is the member (argmax cluster = c) whose label most surely names its cluster (see
 * {@link Representative}). Then, if the budget is larger than the number of non-empty components,
 * the most ambiguous points: smallest margin between their two largest posteriors, where a label
 * tells the decoders most about the border between two clusters.
 */
public final class LabelSelection {
    private LabelSelection() {}

    /**
     * How the one representative per component is picked. Measured with n = K = 100 on one MNIST
     * model (accuracy of hard / soft-dot decoding on the rest; random labels of 300: 89.1 / 95.5%):
     * central 95.6 / 95.9%, confident 94.8 / 95.2%. Earlier, on another model: confident 92.1 /
     * 92.6%, typical 89.6 / 90.9%.
     */
    public enum Representative {
        /**
         * the member closest to the component's centre in latent space: the largest
         * log N(μ(x); μ_c, σ²_c). Needs the model's latent space, so it is chosen by scores the
         * caller computes ({@link #chooseByScore}); the default where the model offers them.
         */
        CENTRAL,
        /**
         * the member with the largest q(c|x). Often an atypical point: far from every other
         * component rather than close to its own, which is what q(c|x) rewards.
         */
        CONFIDENT,
        /** the member whose whole posterior row is closest (L2) to the component's mean row */
        TYPICAL
    }

    /** The rows of q (rows × k) to label, at most budget of them, in the order chosen. */
    public static int[] choose(float[] q, int rows, int k, int budget) {
        return choose(q, rows, k, budget, Representative.CONFIDENT);
    }

    /** CONFIDENT or TYPICAL representatives (CENTRAL needs latent scores: {@link #chooseByScore}). */
    public static int[] choose(float[] q, int rows, int k, int budget, Representative rep) {
        if (rep == Representative.CENTRAL) throw new IllegalArgumentException("central representatives need latent scores: chooseByScore");
        Rows.checkShape(q, rows, k);
        int[] arg = Rows.argmaxAll(q, rows, k);
        double[] score = new double[rows];
        for (int i = 0; i < rows; i++) score[i] = q[i * k + arg[i]];
        return rep == Representative.TYPICAL ? chooseTypical(q, rows, k, budget, arg) : chooseByScore(q, rows, k, budget, score);
    }

    /**
     * The representative of each component is its member with the largest score[i] (for
     * CENTRAL: log N(μ(x_i); μ_c, σ²_c) under its own argmax component c).
     */
    public static int[] chooseByScore(float[] q, int rows, int k, int budget, double[] score) {
        Rows.checkShape(q, rows, k);
        if (score.length != rows) throw new IllegalArgumentException(score.length + " scores for " + rows + " rows");
        int[] arg = Rows.argmaxAll(q, rows, k);
        int[] best = new int[k];
        Arrays.fill(best, -1);
        for (int i = 0; i < rows; i++) {
            int c = arg[i];
            if (best[c] < 0 || score[i] > score[best[c]]) best[c] = i;
        }
        return fill(q, rows, k, budget, arg, best);
    }

    private static int[] chooseTypical(float[] q, int rows, int k, int budget, int[] arg) {
        int[] size = new int[k];
        for (int i = 0; i < rows; i++) size[arg[i]]++;
        double[][] mean = new double[k][k];
        for (int i = 0; i < rows; i++) for (int j = 0; j < k; j++) mean[arg[i]][j] += q[i * k + j];
        for (int c = 0; c < k; c++) if (size[c] > 0) for (int j = 0; j < k; j++) mean[c][j] /= size[c];
        int[] best = new int[k];
        Arrays.fill(best, -1);
        double[] bestD = new double[k];
        Arrays.fill(bestD, Double.POSITIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            int c = arg[i];
            double d = 0;
            for (int j = 0; j < k; j++) { double e = q[i * k + j] - mean[c][j]; d += e * e; }
            if (d < bestD[c]) { bestD[c] = d; best[c] = i; }
        }
        return fill(q, rows, k, budget, arg, best);
    }

    /** Representatives best[c], largest components first, then the smallest-margin points up to the budget. */
    private static int[] fill(float[] q, int rows, int k, int budget, int[] arg, int[] best) {
        if (budget <= 0) throw new IllegalArgumentException("budget must be positive");
        budget = Math.min(budget, rows);
        int[] size = new int[k];
        for (int i = 0; i < rows; i++) size[arg[i]]++;
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) order[c] = c;
        Arrays.sort(order, Comparator.comparingInt((Integer c) -> -size[c]).thenComparingInt(c -> c));
        List<Integer> chosen = new ArrayList<>();
        boolean[] taken = new boolean[rows];
        for (int c : order) {
            if (chosen.size() == budget) break;
            if (best[c] < 0) continue;
            chosen.add(best[c]);
            taken[best[c]] = true;
        }
        if (chosen.size() < budget) {
            float[] margin = new float[rows];
            for (int i = 0; i < rows; i++) {
                float a = 0, b = 0;
                for (int c = 0; c < k; c++) {
                    float v = q[i * k + c];
                    if (v > a) { b = a; a = v; } else if (v > b) b = v;
                }
                margin[i] = a - b;
            }
            Integer[] byMargin = new Integer[rows];
            for (int i = 0; i < rows; i++) byMargin[i] = i;
            Arrays.sort(byMargin, Comparator.comparingDouble((Integer i) -> margin[i]).thenComparingInt(i -> i));
            for (int i : byMargin) {
                if (chosen.size() == budget) break;
                if (!taken[i]) { chosen.add(i); taken[i] = true; }
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Accuracy (on every unlabeled row) of hard, soft-dot, soft-dot+T and soft-prop decoding with the given labeled rows. */
    public record Accuracy(int n, double hard, double soft, double tempered, double propagated) {}

    /**
     * Chosen labels against random ones: the chosen set, random sets of the same size and of
     * three times the size (mean over {@code draws} seeded draws), each scored by hard, soft-dot,
     * soft-dot+T and soft-prop decoding on the rows it left unlabeled.
     */
    public record Comparison(int[] chosen, Accuracy selected, Accuracy randomSame, Accuracy randomTriple) {
        /** Whether the chosen labels beat random labels of three times the size under soft decoding. */
        public boolean beatsTripleRandom() { return selected.soft() > randomTriple.soft(); }
    }

    public static Comparison compare(float[] q, int rows, int k, int[] truth, int numClasses, int budget, int draws) {
        return compare(q, rows, k, truth, numClasses, budget, draws, Representative.CONFIDENT);
    }

    public static Comparison compare(float[] q, int rows, int k, int[] truth, int numClasses, int budget, int draws,
                                     Representative rep) {
        return compare(q, rows, k, truth, numClasses, choose(q, rows, k, budget, rep), draws);
    }

    /** The given chosen rows against random labels of the same size and of three times the size. */
    public static Comparison compare(float[] q, int rows, int k, int[] truth, int numClasses, int[] chosen, int draws) {
        ClusterGraph graph = ClusterGraph.of(q, rows, k);
        Accuracy sel = score(q, k, truth, numClasses, chosen, graph);
        return new Comparison(chosen, sel, random(q, rows, k, truth, numClasses, chosen.length, draws, graph),
                random(q, rows, k, truth, numClasses, Math.min(rows - 1, 3 * chosen.length), draws, graph));
    }

    private static Accuracy random(float[] q, int rows, int k, int[] truth, int numClasses, int n, int draws,
                                   ClusterGraph graph) {
        double h = 0, s = 0, t = 0, p = 0;
        for (int d = 0; d < draws; d++) {
            int[] idx = Arrays.copyOf(LabelDraw.permutation(rows, d), n);
            Accuracy a = score(q, k, truth, numClasses, idx, graph);
            h += a.hard();
            s += a.soft();
            t += a.tempered();
            p += a.propagated();
        }
        return new Accuracy(n, h / draws, s / draws, t / draws, p / draws);
    }

    static Accuracy score(float[] q, int k, int[] truth, int numClasses, int[] labeled, ClusterGraph graph) {
        int[] labels = new int[labeled.length];
        for (int i = 0; i < labeled.length; i++) labels[i] = truth[labeled[i]];
        LabelMap map = LabelMap.fitTempered(q, k, labeled, labels, numClasses).withPropagation(graph, q, labeled, labels);
        int[] eval = Sweep.complement(labeled, truth.length);
        double hard = Rows.accuracy(new HardDecoder().predict(map, q, eval), truth, eval);
        double soft = Rows.accuracy(new SoftDecoder(Similarity.DOT).predict(map, q, eval), truth, eval);
        double tempered = Rows.accuracy(new TemperedSoftDecoder().predict(map, q, eval), truth, eval);
        double propagated = Rows.accuracy(new PropagatedSoftDecoder(graph).predict(map, q, eval), truth, eval);
        return new Accuracy(labeled.length, hard, soft, tempered, propagated);
    }
}
