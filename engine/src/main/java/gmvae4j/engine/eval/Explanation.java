package gmvae4j.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Why one image got its label: its most probable components, what the labels say about each,
 * the hard and the soft decision with their scores, and — when they disagree — a sentence on why.
 *
 * @param topComponents the components with the largest q(c|x), most probable first
 * @param hardCluster   argmax_c q(c|x)
 * @param hardLabel     the hard decoder's class (class 0 when hardCluster has no labels)
 * @param hardReached   whether any labeled point fell into hardCluster
 * @param hardShare     share of hardCluster's labeled points that carry hardLabel (0 if unreached)
 * @param softLabel     the soft-dot decoder's class
 * @param softScores    sim(ℓ, x) for every class (−∞ for classes without labels)
 */
public record Explanation(int index, List<Component> topComponents, int hardCluster, int hardLabel,
                          boolean hardReached, double hardShare, int softLabel, double[] softScores) {

    /** One component's share of the image and the labels seen in it (counts per class). */
    public record Component(int cluster, double probability, int[] labelCounts) {
        public int labeled() { return Arrays.stream(labelCounts).sum(); }
    }

    public static Explanation of(LabelMap map, float[] q, int row, int top) {
        int k = map.k(), off = row * k;
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> Float.compare(q[off + b], q[off + a]));
        List<Component> comps = new ArrayList<>();
        for (int i = 0; i < Math.min(top, k); i++) {
            int c = order[i];
            int[] counts = new int[map.numClasses()];
            for (int l = 0; l < counts.length; l++) counts[l] = map.count(c, l);
            comps.add(new Component(c, q[off + c], counts));
        }
        int hc = Rows.argmax(q, off, k);
        boolean reached = map.hardLabel(hc) != LabelMap.NONE;
        int hl = new HardDecoder().predict(map, q, off);
        double share = reached ? map.count(hc, hl) / (double) map.clusterTotal(hc) : 0;
        SoftDecoder soft = new SoftDecoder(Similarity.DOT);
        return new Explanation(row, List.copyOf(comps), hc, hl, reached, share, soft.predict(map, q, off),
                soft.scores(map, q, off));
    }

    public boolean disagree() { return hardLabel != softLabel; }

    /** A readable account; class names by label index. */
    public String toText(List<String> names) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "image %d%n%ntop components:%n", index));
        for (Component c : topComponents) {
            sb.append(String.format(Locale.ROOT, "  component %3d  q=%.3f  labels: %s%n", c.cluster(), c.probability(),
                    profile(c.labelCounts(), names)));
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "hard: %s  (component %d, %s)%n", name(names, hardLabel), hardCluster,
                hardReached ? String.format(Locale.ROOT, "%.0f%% of its labeled points", 100 * hardShare)
                        : "no labeled point: the study's rule predicts class 0"));
        sb.append(String.format(Locale.ROOT, "soft: %s  (scores: %s)%n", name(names, softLabel), topScores(names, 3)));
        sb.append('\n').append(reason(names)).append('\n');
        return sb.toString();
    }

    /** The one-sentence reason for the decisions. */
    public String reason(List<String> names) {
        if (!disagree())
            return "Hard and soft agree on " + name(names, hardLabel) + ".";
        if (!hardReached)
            return String.format(Locale.ROOT, "They disagree because no labeled point fell into component %d, so the "
                    + "hard rule falls back to class 0 (%s), while soft decoding reads the labels of the other "
                    + "components this image also belongs to and picks %s.", hardCluster, name(names, 0),
                    name(names, softLabel));
        double softMass = 0;
        List<String> where = new ArrayList<>();
        for (Component c : topComponents) {
            int total = c.labeled();
            if (total > 0 && c.labelCounts()[softLabel] * 2 > total) {
                softMass += c.probability();
                where.add(Integer.toString(c.cluster()));
            }
        }
        String mass = where.isEmpty() ? "the profile of " + name(names, softLabel) + " over all components"
                : String.format(Locale.ROOT, "components %s (q=%.2f together), mostly labeled %s,",
                String.join(", ", where), softMass, name(names, softLabel));
        return String.format(Locale.ROOT, "They disagree because the hard rule looks only at component %d "
                        + "(q=%.2f), whose labeled points are %.0f%% %s, while soft decoding weighs the whole posterior: %s "
                        + "match it better.", hardCluster, topComponents.get(0).probability(), 100 * hardShare,
                name(names, hardLabel), mass);
    }

    private String topScores(List<String> names, int n) {
        Integer[] order = new Integer[softScores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(softScores[b], softScores[a]));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, order.length); i++) {
            if (Double.isInfinite(softScores[order[i]])) break;
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.3f", name(names, order[i]), softScores[order[i]]));
        }
        return sb.toString();
    }

    private static String profile(int[] counts, List<String> names) {
        int total = Arrays.stream(counts).sum();
        if (total == 0) return "none";
        StringBuilder sb = new StringBuilder();
        Integer[] order = new Integer[counts.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> counts[b] - counts[a]);
        for (int i : order) {
            if (counts[i] == 0) break;
            if (sb.length() > 0) sb.append(", ");
            sb.append(name(names, i)).append(' ').append(counts[i]);
        }
        return sb + " (of " + total + ")";
    }

    private static String name(List<String> names, int l) {
        return names != null && l >= 0 && l < names.size() ? "'" + names.get(l) + "'" : "class " + l;
    }
}
