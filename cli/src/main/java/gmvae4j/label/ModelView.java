package gmvae4j.label;

import gmvae4j.engine.eval.Rows;

/**
 * What the server reads from the model, computed once when the model is ready: q(c|x) of every
 * image (rows × k), each image's component (argmax), and how central each image is in its own
 * component (log N(μ(x); μ_c, σ²_c) for mixture models, q(c|x) otherwise): round 1 asks about
 * the most central image of each component, and the strips show members in that order. With
 * {@code neighbours} (mixture models) the decisions propagate the answers along the latent
 * neighbour graph; without, they are plain soft-dot.
 */
public record ModelView(float[] q, int k, int[] component, double[] centrality, int[] size, int[][] byCentrality,
                        gmvae4j.engine.eval.LatentNeighbours neighbours) {

    public static ModelView of(float[] q, int rows, int k, double[] centrality) {
        int[] comp = Rows.argmaxAll(q, rows, k);
        if (centrality.length != rows) throw new IllegalArgumentException(centrality.length + " centrality scores for " + rows + " images");
        // One sort of all images by centrality (most central first), then each goes to its component in that order.
        int[] order = java.util.stream.IntStream.range(0, rows).boxed()
                .sorted((a, b) -> centrality[a] != centrality[b] ? Double.compare(centrality[b], centrality[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        int[][] members = Rows.members(comp, k, order);
        return new ModelView(q, k, comp, centrality, java.util.Arrays.stream(members).mapToInt(m -> m.length).toArray(), members, null);
    }

    /** The same view whose decisions also use latent neighbours ({@link gmvae4j.engine.eval.LatentPropagation}). */
    public ModelView withNeighbours(gmvae4j.engine.eval.LatentNeighbours g) {
        return new ModelView(q, k, component, centrality, size, byCentrality, g);
    }

    public int n() { return component.length; }

    /** The members of component c, most central first. */
    public int[] members(int c) { return byCentrality[c]; }

    /** Whether image i is the most central member of its component (what round 1 asks about). */
    public boolean isMostCentral(int i) { return byCentrality[component[i]][0] == i; }
}
