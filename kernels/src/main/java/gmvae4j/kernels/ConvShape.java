package gmvae4j.kernels;

/**
 * Geometry of one 2-D convolution layer over a batch, NCHW.
 *
 * <p>For {@link Conv2d#forward} the input is batch×inC×inH×inW and the output
 * batch×outC×{@link #outH()}×{@link #outW()}. For the transposed convolution the fields describe
 * the transposed layer itself (its input is batch×inC×inH×inW) and its output is
 * batch×outC×{@link #transposedOutH()}×{@link #transposedOutW()}.
 */
public record ConvShape(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int stride, int pad) {

    public ConvShape {
        if (batch < 1 || inC < 1 || inH < 1 || inW < 1 || outC < 1 || kH < 1 || kW < 1 || stride < 1 || pad < 0)
            throw new IllegalArgumentException("bad conv shape " + describe(batch, inC, inH, inW, outC, kH, kW, stride, pad));
    }

    /** Output height of the convolution: (inH + 2·pad − kH) / stride + 1. */
    public int outH() { return (inH + 2 * pad - kH) / stride + 1; }

    public int outW() { return (inW + 2 * pad - kW) / stride + 1; }

    /** Output height of the transposed convolution: (inH − 1)·stride − 2·pad + kH. */
    public int transposedOutH() { return (inH - 1) * stride - 2 * pad + kH; }

    public int transposedOutW() { return (inW - 1) * stride - 2 * pad + kW; }

    /** Multiply-adds ×2 of the forward pass (convolution or transposed: the same count). */
    public long flops() {
        return 2L * batch * outC * inC * kH * kW * (long) (outH() * outW());
    }

    /**
     * The ordinary convolution whose backward-input pass is this transposed convolution: it maps
     * the transposed output (outC channels) back to the transposed input (inC channels), with the
     * same weight array ([inC][outC][kH][kW] read as the convolution's [outC'][inC'][kH][kW]).
     */
    public ConvShape transposedAsConv() {
        return new ConvShape(batch, outC, transposedOutH(), transposedOutW(), inC, kH, kW, stride, pad);
    }

    @Override public String toString() {
        return describe(batch, inC, inH, inW, outC, kH, kW, stride, pad);
    }

    private static String describe(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int stride, int pad) {
        return batch + "x" + inC + "x" + inH + "x" + inW + " -> " + outC + " ch, " + kH + "x" + kW
                + " kernel, stride " + stride + ", pad " + pad;
    }
}
