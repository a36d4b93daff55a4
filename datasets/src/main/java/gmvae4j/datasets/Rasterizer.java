package gmvae4j.datasets;

/**
 * Draws thick anti-aliased polylines into a small grey image. A pixel's ink is its coverage by a
 * pen of the given half-width, approximated from the distance of the pixel centre to the nearest
 * segment ({@code clamp(halfWidth + 0.5 - d, 0, 1)}); this is smooth, needs no fonts, and costs
 * only the pixels inside each segment's bounding box.
 */
final class Rasterizer {
    private final int rows, cols;
    /** Squared distance from each pixel centre to the nearest segment drawn so far. */
    private final float[] d2;

    Rasterizer(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.d2 = new float[rows * cols];
    }

    void clear() { java.util.Arrays.fill(d2, Float.POSITIVE_INFINITY); }

    /** Records segment (x0,y0)-(x1,y1) in pixel coordinates (pixel (r,c) has centre (c+0.5, r+0.5)). */
    void segment(double x0, double y0, double x1, double y1, double reach) {
        int c0 = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reach));
        int c1 = Math.min(cols - 1, (int) Math.ceil(Math.max(x0, x1) + reach));
        int r0 = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reach));
        int r1 = Math.min(rows - 1, (int) Math.ceil(Math.max(y0, y1) + reach));
        double dx = x1 - x0, dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int r = r0; r <= r1; r++) {
            double py = r + 0.5;
            for (int c = c0; c <= c1; c++) {
                double px = c + 0.5;
                double t = len2 > 1e-12 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
                t = t < 0 ? 0 : (t > 1 ? 1 : t);
                double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
                float e = (float) (ex * ex + ey * ey);
                int k = r * cols + c;
                if (e < d2[k]) d2[k] = e;
            }
        }
    }

    /** Coverage in [0,1] of each pixel by a pen of half-width {@code halfWidth}, into {@code out}. */
    void coverage(double halfWidth, float[] out) {
        for (int k = 0; k < d2.length; k++) {
            double v = halfWidth + 0.5 - Math.sqrt(d2[k]);
            out[k] = (float) (v <= 0 ? 0 : (v >= 1 ? 1 : v));
        }
    }

    /**
     * Mixes the image with its 3x3 binomial blur ([1 2 1]⊗[1 2 1]/16), weight {@code amount} in
     * [0,1]: scanned handwriting has soft edges, and a crisp pen would make the task too easy.
     */
    static void blur(float[] img, int rows, int cols, double amount, float[] tmp) {
        if (amount <= 0) return;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float s = 0, w = 0;
                for (int dr = -1; dr <= 1; dr++) {
                    int rr = r + dr;
                    if (rr < 0 || rr >= rows) continue;
                    for (int dc = -1; dc <= 1; dc++) {
                        int cc = c + dc;
                        if (cc < 0 || cc >= cols) continue;
                        float k = (dr == 0 ? 2 : 1) * (dc == 0 ? 2 : 1);
                        s += k * img[rr * cols + cc];
                        w += k;
                    }
                }
                tmp[r * cols + c] = s / w;
            }
        }
        float a = (float) amount;
        for (int k = 0; k < rows * cols; k++) img[k] = (1 - a) * img[k] + a * tmp[k];
    }
}
