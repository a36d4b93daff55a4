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
