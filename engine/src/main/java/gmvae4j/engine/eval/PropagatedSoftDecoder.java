package gmvae4j.engine.eval;

/**
 * Soft-dot decoding with class profiles propagated over the clusters' neighbourhood graph:
 *
 * <pre>
 *   ŷ(x) = argmax_ℓ Σ_c F(ℓ)_c · q(c|x)        F(ℓ) = G · m(ℓ)   (see {@link ClusterGraph})
 * </pre>
 *
 * α is chosen per labeled set by leave-one-out on the labeled points ({@link PropagationStrength});
 * with α = 0 this is {@link SoftDecoder} with the dot product. Where soft-dot lets a labeled
 * cluster vote only for images that put posterior mass on it directly, here it also votes for
 * the clusters the unlabeled data places next to it, which is what names the clusters no label
 * reached. Reported as {@code soft-prop}; the graph comes from the posteriors of the images
 * labels are drawn from (the whole pool, or the train split in the inductive protocol).
 */
public final class PropagatedSoftDecoder implements ScoringDecoder {
    private final ClusterGraph graph;

    /** A decoder that fits label maps with this graph; null for one that only decodes saved maps. */
    public PropagatedSoftDecoder(ClusterGraph graph) { this.graph = graph; }

    @Override public String name() { return "soft-prop"; }

    @Override public LabelMap fit(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        if (graph == null) throw new IllegalStateException("soft-prop needs the cluster graph to fit a label map");
        return LabelMap.fit(q, k, labeledIdx, labels, numClasses).withPropagation(graph, q, labeledIdx, labels);
    }

    /** Σ_c F(ℓ)_c · q(c|x) for every class; classes without labels score −∞. */
    @Override public double[] scores(LabelMap map, float[] q, int off) {
        int k = map.k(), nc = map.numClasses();
        double[] s = new double[nc];
        for (int l = 0; l < nc; l++) {
            if (map.classCount(l) == 0) { s[l] = Double.NEGATIVE_INFINITY; continue; }
            double dot = 0;
            for (int c = 0; c < k; c++) dot += map.propagatedProfile(l, c) * q[off + c];
            s[l] = dot;
        }
        return s;
    }
}
