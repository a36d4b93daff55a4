package gmvae4j.label;

import gmvae4j.engine.eval.Rows;

/**
 * What the server reads from the model, computed once when the model is ready: q(c|x) of every
 * image (rows × k), each image's component (argmax), and how central each image is in its own
 * component (log N(μ(x); μ_c, σ²_c) for mixture models, q(c|x) otherwise): round 1 asks about
 * the most central image of each component, and the strips show members in that order. With
 * {@code neighbours} (mixture models) the decisions propagate the answers along the latent
 * neighbour graph; without, they are plain soft-dot.
 *
 * <p>A view may cover only some of the images ({@link #ofSample}: the first page's, while the
 * encoder is still on the rest): the others have component -1, a zero q row, and are nobody's
 * member; {@link #read} says how many images the view covers.
 */
public record ModelView(float[] q, int k, int[] component, double[] centrality, int[] size, int[][] byCentrality,
                        int read, gmvae4j.engine.eval.LatentNeighbours neighbours) {

    public static ModelView of(float[] q, int rows, int k, double[] centrality) {
        if (centrality.length != rows) throw new IllegalArgumentException(centrality.length + " centrality scores for " + rows + " images");
        int[] all = java.util.stream.IntStream.range(0, rows).toArray();
        return build(q, k, Rows.argmaxAll(q, rows, k), centrality, all);
    }

    /**
     * A view of the images in {@code sample} only (ascending image indices out of n): qSample and
     * centralitySample hold their rows in that order. Round 1 needs no more than a fair sample:
     * the most central of a component's sampled members is a typical member too.
     */
    public static ModelView ofSample(int n, int[] sample, float[] qSample, int k, double[] centralitySample) {
        if (qSample.length != (long) sample.length * k || centralitySample.length != sample.length)
            throw new IllegalArgumentException("the sample's rows do not match its " + sample.length + " images");
        float[] q = new float[n * k];
        double[] centrality = new double[n];
        java.util.Arrays.fill(centrality, Double.NEGATIVE_INFINITY);
        int[] comp = new int[n];
        java.util.Arrays.fill(comp, -1);
        for (int j = 0; j < sample.length; j++) {
            int i = sample[j];
            System.arraycopy(qSample, j * k, q, i * k, k);
            centrality[i] = centralitySample[j];
            comp[i] = Rows.argmax(qSample, j * k, k);
        }
        return build(q, k, comp, centrality, sample);
    }

    /** Members of each component among {@code covered}: one sort by centrality (most central first), then each image to its component in that order. */
    private static ModelView build(float[] q, int k, int[] comp, double[] centrality, int[] covered) {
        int[] order = java.util.Arrays.stream(covered).boxed()
                .sorted((a, b) -> centrality[a] != centrality[b] ? Double.compare(centrality[b], centrality[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        int[][] members = Rows.members(comp, k, order);
        return new ModelView(q, k, comp, centrality, java.util.Arrays.stream(members).mapToInt(m -> m.length).toArray(), members,
                covered.length, null);
    }

    /** The same view whose decisions also use latent neighbours ({@link gmvae4j.engine.eval.LatentPropagation}). */
    public ModelView withNeighbours(gmvae4j.engine.eval.LatentNeighbours g) {
        return new ModelView(q, k, component, centrality, size, byCentrality, read, g);
    }

    public int n() { return component.length; }

    /** Whether the view covers every image (else it is a sample's, and only round 1 can be asked from it). */
    public boolean complete() { return read == component.length; }

    /** The members of component c, most central first. */
    public int[] members(int c) { return byCentrality[c]; }

    /** Whether image i is the most central member of its component (what round 1 asks about). */
    public boolean isMostCentral(int i) { return component[i] >= 0 && byCentrality[component[i]][0] == i; }
}
