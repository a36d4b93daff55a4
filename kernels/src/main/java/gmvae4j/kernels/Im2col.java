package gmvae4j.kernels;

/**
 * Unfolds one image (C×H×W) into the matrix a convolution multiplies: row (c, i, j) of
 * {@code col} holds, for every output pixel (oh, ow), the input value the kernel tap (i, j) of
 * channel c sees there (0 in the padding). The convolution is then one sgemm,
 * W[outC × C·kH·kW] · col[C·kH·kW × OH·OW]. {@link #col2imAdd} is the adjoint: it sums each
 * column entry back onto the input pixel it came from (used by backward-input and by the
 * transposed convolution).
 */
final class Im2col {
    private Im2col() {}

    static void im2col(float[] x, int xOff, int c, int h, int w, int kH, int kW, int stride, int pad,
                       int oh, int ow, float[] col) {
        int n = oh * ow, row = 0;
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++, row++) {
                    int dst = row * n;
                    // ow range whose input column iw = ow·stride − pad + j lies inside [0, w)
                    int lo = Math.max(0, ceilDiv(pad - j, stride));
                    int hi = Math.min(ow, ceilDiv(w + pad - j, stride));
                    if (stride == 1 && ow == w && lo < hi) {
                        sameSizeRow(x, plane, h, w, i, j, pad, oh, lo, hi, col, dst);
                        continue;
                    }
                    for (int y = 0; y < oh; y++, dst += ow) {
                        int ih = y * stride - pad + i;
                        if (ih < 0 || ih >= h || lo >= hi) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        for (int xo = 0; xo < lo; xo++) col[dst + xo] = 0f;
                        int src = plane + ih * w - pad + j;
                        if (stride == 1) System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        else for (int xo = lo; xo < hi; xo++) col[dst + xo] = x[src + xo * stride];
                        for (int xo = hi; xo < ow; xo++) col[dst + xo] = 0f;
                    }
                }
            }
        }
    }

    /**
     * One row of col for a stride-1 "same" convolution (output as wide as the input): source
     * and destination rows then have the same stride, so all valid image rows go over in one
     * copy, and only the few columns that wrapped around from the neighbouring row are zeroed.
     * Rows of 14 or 28 floats are too short for a copy per row to be cheap.
     */
    private static void sameSizeRow(float[] x, int plane, int h, int w, int i, int j, int pad, int oh,
                                    int lo, int hi, float[] col, int dst) {
        int yLo = Math.max(0, pad - i), yHi = Math.min(oh, h + pad - i);
        if (yHi <= yLo) {
            java.util.Arrays.fill(col, dst, dst + oh * w, 0f);
            return;
        }
        java.util.Arrays.fill(col, dst, dst + yLo * w, 0f);
        java.util.Arrays.fill(col, dst + yHi * w, dst + oh * w, 0f);
        int d = dst + yLo * w, src = plane + (yLo + i - pad) * w + (j - pad);
        int len = (yHi - yLo) * w;
        System.arraycopy(x, src + lo, col, d + lo, len - lo - (w - hi));
        for (int y = yLo; y < yHi; y++, d += w) {
            for (int xo = 0; xo < lo; xo++) col[d + xo] = 0f;
            for (int xo = hi; xo < w; xo++) col[d + xo] = 0f;
        }
    }

    /** x[c, ih, iw] += col[(c,i,j), (oh,ow)] for every tap that lands inside the image. */
    static void col2imAdd(float[] col, int c, int h, int w, int kH, int kW, int stride, int pad,
                          int oh, int ow, float[] x, int xOff) {
        int n = oh * ow, row = 0;
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++, row++) {
                    int src = row * n;
                    int lo = Math.max(0, ceilDiv(pad - j, stride));
                    int hi = Math.min(ow, ceilDiv(w + pad - j, stride));
                    for (int y = 0; y < oh; y++, src += ow) {
                        int ih = y * stride - pad + i;
                        if (ih < 0 || ih >= h) continue;
                        int dst = plane + ih * w - pad + j;
                        if (stride == 1) for (int xo = lo; xo < hi; xo++) x[dst + xo] += col[src + xo];
                        else for (int xo = lo; xo < hi; xo++) x[dst + xo * stride] += col[src + xo];
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) { return Math.ceilDiv(a, b); }
}
