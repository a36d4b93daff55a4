package gmvae4j.engine.eval;

/**
 * Turns a posterior row q(·|x) into a class, using what the labels taught ({@link LabelMap}).
 * Implementations: {@link HardDecoder} (the study's cluster-then-label rule),
 * {@link HardFallbackDecoder}, {@link SoftDecoder}, and beyond the study {@link TemperedSoftDecoder}
 * and {@link PropagatedSoftDecoder}.
 */
public interface Decoder {

    /** Short name used in reports: {@code hard}, {@code hard+fallback}, {@code soft-dot}, {@code soft-cos}, {@code soft-dot+T}, {@code soft-prop}. */
    String name();

    /** Builds the label map this decoder reads from the labeled rows of q (the plain one unless the decoder needs more). */
    default LabelMap fit(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        return LabelMap.fit(q, k, labeledIdx, labels, numClasses);
    }

    /** The class of the image whose posterior is q[off .. off+k). */
    int predict(LabelMap map, float[] q, int off);

    /**
     * Classes of the given rows of an n × k posterior matrix. The rows are independent: they are
     * split over the kernels' threads, each decoded as on one thread, so the result does not
     * depend on the split (a decoder and its label map hold no mutable state).
     */
    default int[] predict(LabelMap map, float[] q, int[] rows) {
        int k = map.k();
        int[] out = new int[rows.length];
        gmvae4j.kernels.Backends.get().parallelRange(rows.length, i -> out[i] = predict(map, q, rows[i] * k));
        return out;
    }

    /** The four decoders of the evaluation protocol and the tempered soft decoder, in report order. */
    static Decoder[] all() {
        return new Decoder[] {new HardDecoder(), new HardFallbackDecoder(), new SoftDecoder(Similarity.DOT),
                new SoftDecoder(Similarity.COSINE), new TemperedSoftDecoder()};
    }

    /** {@link #all()} and the propagated soft decoder over the given cluster graph, in report order. */
    static Decoder[] all(ClusterGraph graph) {
        Decoder[] plain = all();
        Decoder[] out = java.util.Arrays.copyOf(plain, plain.length + 1);
        out[plain.length] = new PropagatedSoftDecoder(graph);
        return out;
    }

    /** Looks a decoder up by its {@link #name()}. */
    static Decoder byName(String name) {
        for (Decoder d : all(null)) if (d.name().equals(name)) return d;
        throw new IllegalArgumentException("unknown decoder '" + name + "' (hard, hard+fallback, soft-dot, soft-cos, soft-dot+T, soft-prop)");
    }
}
