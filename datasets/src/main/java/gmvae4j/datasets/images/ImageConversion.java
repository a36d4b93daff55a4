package gmvae4j.datasets.images;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A {@link GreyImage} of any size becomes S×S unsigned bytes the way the models expect them:
 *
 * <ol>
 *   <li><b>Background</b>: the median of the border pixels (the outermost ring). A median, so
 *       strokes that touch the edge do not move it.</li>
 *   <li><b>Polarity</b>: MNIST has bright strokes on black. {@code --invert auto} inverts a
 *       picture whose background is light (above mid-grey); {@code yes}/{@code no} force it.</li>
 *   <li><b>Fit</b>: scaled so the longer side is S, the aspect ratio kept, by area averaging (each
 *       output pixel is the mean of the input area it covers: no aliasing when shrinking, plain
 *       replication when enlarging).</li>
 *   <li><b>Pad</b>: centred on an S×S square filled with the background.</li>
 *   <li><b>Bytes</b>: round(255·v), as the IDX files store pixels.</li>
 * </ol>
 * A 28×28 grey picture at S = 28 comes out exactly as it went in (scale 1, no inversion of a
 * black background), so MNIST written as PNG reads back bit for bit.
 */
public final class ImageConversion {
    private ImageConversion() {}

    /** Reads and converts one file. */
    public static byte[] load(Path file, ConversionOptions o) throws BadImageException {
        return convert(ImageDecoder.read(file, o.size(), o.maxPixels()), o);
    }

    /** The S×S bytes of a grey picture. */
    public static byte[] convert(GreyImage g, ConversionOptions o) {
        int s = o.size(), w = g.width(), h = g.height();
        float bg = background(g);
        boolean invert = o.invert() == ConversionOptions.Invert.YES
                || (o.invert() == ConversionOptions.Invert.AUTO && bg > 0.5f);
        double scale = s / (double) Math.max(w, h);
        int tw = Math.max(1, Math.min(s, (int) Math.round(w * scale)));
        int th = Math.max(1, Math.min(s, (int) Math.round(h * scale)));
        float[] fitted = resize(g.values(), w, h, tw, th);
        byte[] out = new byte[s * s];
        Arrays.fill(out, toByte(bg, invert));
        int x0 = (s - tw) / 2, y0 = (s - th) / 2;
        for (int y = 0; y < th; y++)
            for (int x = 0; x < tw; x++) out[(y0 + y) * s + x0 + x] = toByte(fitted[y * tw + x], invert);
        return out;
    }

    private static byte toByte(float v, boolean invert) {
        float t = invert ? 1 - v : v;
        return (byte) Math.round(255 * Math.min(1f, Math.max(0f, t)));
    }

    /** The median grey level of the outermost ring of pixels. */
    static float background(GreyImage g) {
        int w = g.width(), h = g.height();
        float[] ring = new float[w == 1 || h == 1 ? w * h : 2 * w + 2 * (h - 2)];
        int n = 0;
        for (int y = 0; y < h; y++) {
            if (y == 0 || y == h - 1) {
                for (int x = 0; x < w; x++) ring[n++] = g.at(x, y);
            } else {
                ring[n++] = g.at(0, y);
                if (w > 1) ring[n++] = g.at(w - 1, y);
            }
        }
        Arrays.sort(ring, 0, n);
        return n % 2 == 1 ? ring[n / 2] : (ring[n / 2 - 1] + ring[n / 2]) / 2;
    }

    /** Area-averaging resize, separable: rows first, then columns. */
    static float[] resize(float[] src, int w, int h, int tw, int th) {
        if (tw == w && th == h) return src;
        Taps cols = Taps.of(w, tw), rows = Taps.of(h, th);
        float[] mid = new float[tw * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < tw; x++) mid[y * tw + x] = cols.apply(src, y * w, 1, x);
        float[] out = new float[tw * th];
        for (int y = 0; y < th; y++)
            for (int x = 0; x < tw; x++) out[y * tw + x] = rows.apply(mid, x, tw, y);
        return out;
    }

    /**
     * For each output index, the input indices it covers and the share of each: output o spans
     * [o·n/m, (o+1)·n/m) of the input; an input pixel counts by how much of it lies in that span.
     */
    private record Taps(int[] first, int[] count, float[][] weight) {
        static Taps of(int n, int m) {
            double span = n / (double) m;
            int[] first = new int[m], count = new int[m];
            float[][] weight = new float[m][];
            for (int o = 0; o < m; o++) {
                double a = o * span, b = Math.min(n, (o + 1) * span);
                int i0 = (int) Math.floor(a), i1 = Math.min(n, (int) Math.ceil(b));
                first[o] = i0;
                count[o] = Math.max(1, i1 - i0);
                weight[o] = new float[count[o]];
                for (int i = 0; i < count[o]; i++) {
                    double cover = Math.min(b, i0 + i + 1) - Math.max(a, i0 + i);
                    weight[o][i] = (float) (cover / (b - a));
                }
            }
            return new Taps(first, count, weight);
        }

        float apply(float[] v, int base, int stride, int o) {
            float s = 0;
            for (int i = 0; i < count[o]; i++) s += weight[o][i] * v[base + (first[o] + i) * stride];
            return s;
        }
    }
}
