package gmvae4j.engine.eval;

/**
 * Cluster-then-label, exactly the study's rule: x gets ℓ(argmax_c q(c|x)), where ℓ(c) is the
 * majority label of the labeled points whose argmax cluster is c. A cluster no labeled point
 * reached predicts class 0. With few labels many clusters are unreached, which is why this rule
 * falls far behind soft decoding at 0.05% labels: every image of an unreached cluster is
 * called class 0. {@link HardFallbackDecoder} is the principled repair.
 */
public final class HardDecoder implements Decoder {

    /** What the study predicts for a cluster without labeled points. */
    public static final int UNREACHED_CLASS = 0;

    @Override public String name() { return "hard"; }

    @Override public int predict(LabelMap map, float[] q, int off) {
        int l = map.hardLabel(Rows.argmax(q, off, map.k()));
        return l == LabelMap.NONE ? UNREACHED_CLASS : l;
    }
}
