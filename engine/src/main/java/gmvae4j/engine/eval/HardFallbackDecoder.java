package gmvae4j.engine.eval;

/**
 * Hard decoding where the argmax cluster carries labels, and soft (dot) decoding for images whose
 * argmax cluster no labeled point reached, instead of the study's blind "class 0". It keeps the
 * hard rule's sharpness on well-covered clusters and uses the whole posterior only where the hard
 * rule has nothing to go on.
 */
public final class HardFallbackDecoder implements Decoder {
    private final SoftDecoder fallback = new SoftDecoder(Similarity.DOT);

    @Override public String name() { return "hard+fallback"; }

    @Override public int predict(LabelMap map, float[] q, int off) {
        int l = map.hardLabel(Rows.argmax(q, off, map.k()));
        return l == LabelMap.NONE ? fallback.predict(map, q, off) : l;
    }
}
