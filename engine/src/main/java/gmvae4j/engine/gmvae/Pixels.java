package gmvae4j.engine.gmvae;

/**
 * Bytes to floats, one batch at a time: data sets stay as unsigned bytes (a 145,600-image pool is
 * 114 MB that way, four times that as floats) and only the batch being processed is converted.
 */
final class Pixels {
    private Pixels() {}

    private static final float[] LUT = new float[256];
    static { for (int i = 0; i < 256; i++) LUT[i] = i / 255f; }

    /** out[r·dim + j] = pixels[idx[from + r]·dim + j] / 255 for r in [0, count). */
    static void gather(byte[] pixels, int dim, int[] idx, int from, int count, float[] out) {
        for (int r = 0; r < count; r++) {
            int src = idx[from + r] * dim, dst = r * dim;
            for (int j = 0; j < dim; j++) out[dst + j] = LUT[pixels[src + j] & 0xff];
        }
    }

    /** Images [from, from+count) in order. */
    static void range(byte[] pixels, int dim, int from, int count, float[] out) {
        int src = from * dim;
        for (int i = 0; i < count * dim; i++) out[i] = LUT[pixels[src + i] & 0xff];
    }
}
