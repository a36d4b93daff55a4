package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.ConvShape;
import gmvae4j.kernels.Kernels;

/**
 * 2-D convolution and transposed convolution over NCHW batches, wrapping the kernels module's
 * {@link gmvae4j.kernels.Conv2d} (im2col + sgemm), which also supplies both backward passes.
 *
 * <p>Layouts follow PyTorch: convolution weight [outC, inC, kH, kW], transposed-convolution weight
 * [inC, outC, kH, kW], bias of outC values. The kernels take packed arrays starting at index 0, while
 * a parameter is a view at an offset in the flat parameter buffer; such operands are copied to a tape
 * scratch buffer first (weights are small next to activations), and gradients bound for an offset view
 * are computed in a zeroed scratch buffer and then added in.
 */
public final class Convolution {
    private Convolution() {}

    public static Tensor conv2d(Tape t, Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        if (x.rank() != 4 || w.rank() != 4 || w.dim(1) != x.dim(1))
            throw new IllegalArgumentException("conv2d: input " + java.util.Arrays.toString(x.shape()) + " and weight "
                    + java.util.Arrays.toString(w.shape()) + " (expected [N,C,H,W] and [outC,C,kH,kW])");
        ConvShape s = new ConvShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), stride, pad);
        checkBias(bias, s.outC());
        return run(t, x, w, bias, s, false, new int[]{s.batch(), s.outC(), s.outH(), s.outW()});
    }

    public static Tensor convTranspose2d(Tape t, Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        if (x.rank() != 4 || w.rank() != 4 || w.dim(0) != x.dim(1))
            throw new IllegalArgumentException("convTranspose2d: input " + java.util.Arrays.toString(x.shape()) + " and weight "
                    + java.util.Arrays.toString(w.shape()) + " (expected [N,C,H,W] and [C,outC,kH,kW])");
        ConvShape s = new ConvShape(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(1), w.dim(2), w.dim(3), stride, pad);
        checkBias(bias, s.outC());
        if (s.transposedOutH() < 1 || s.transposedOutW() < 1) throw new IllegalArgumentException("convTranspose2d: empty output for " + s);
        return run(t, x, w, bias, s, true, new int[]{s.batch(), s.outC(), s.transposedOutH(), s.transposedOutW()});
    }

    private static void checkBias(Tensor bias, int outC) {
        if (bias != null && bias.size() != outC)
            throw new IllegalArgumentException("bias has " + bias.size() + " values for " + outC + " output channels");
    }

    private static Tensor run(Tape t, Tensor x, Tensor w, Tensor bias, ConvShape s, boolean transposed, int[] outShape) {
        boolean rg = t.needsGrad(x, w) || (bias != null && t.needsGrad(bias));
        Tensor y = t.shaped(outShape, rg);
        Kernels K = t.k;
        float[] xd = packed(t, x), wd = packed(t, w), bd = bias == null ? null : packed(t, bias);
        if (transposed) gmvae4j.kernels.Conv2d.transposedForward(K, s, xd, wd, bd, y.data);
        else gmvae4j.kernels.Conv2d.forward(K, s, xd, wd, bd, y.data);
        if (!rg) return y;
        // where gradients go: straight into the tensor's buffer at offset 0, or into a scratch buffer
        // (taken from the arena now, so that the arena's order is the same every step) added in afterwards
        boolean needX = x.requiresGrad(), needW = w.requiresGrad(), needB = bias != null && bias.requiresGrad();
        Tensor sx = needX ? gradScratch(t, x) : null, sw = needW ? gradScratch(t, w) : null, sb = needB ? gradScratch(t, bias) : null;
        t.record(() -> {
            if (needX) {
                float[] gx = target(sx, x);
                if (transposed) gmvae4j.kernels.Conv2d.transposedBackwardInput(K, s, y.grad, wd, gx);
                else gmvae4j.kernels.Conv2d.backwardInput(K, s, y.grad, wd, gx);
                finish(K, sx, x);
            }
            if (needW || needB) {
                // the kernel always accumulates a weight gradient; when only the bias wants one, a throwaway absorbs it
                float[] gw = needW ? target(sw, w) : new float[w.size()];
                float[] gb = needB ? target(sb, bias) : null;
                if (transposed) gmvae4j.kernels.Conv2d.transposedBackwardWeight(K, s, xd, y.grad, gw, gb);
                else gmvae4j.kernels.Conv2d.backwardWeight(K, s, xd, y.grad, gw, gb);
                if (needW) finish(K, sw, w);
                if (needB) finish(K, sb, bias);
            }
        });
        return y;
    }

    /** The values as an array starting at index 0: the tensor's own array when it already is one. */
    private static float[] packed(Tape t, Tensor a) {
        if (a.off == 0) return a.data;
        Tensor c = t.scratch(1, a.size());
        System.arraycopy(a.data, a.off, c.data, 0, a.size());
        return c.data;
    }

    /** Null when a gradient can be accumulated in place (offset 0), else a scratch buffer for it. */
    private static Tensor gradScratch(Tape t, Tensor a) {
        return a.gradOff == 0 ? null : t.scratch(1, a.size());
    }

    /** The array to accumulate a's gradient into: its own, or the zeroed scratch. */
    private static float[] target(Tensor scratch, Tensor a) {
        if (scratch == null) return a.grad;
        java.util.Arrays.fill(scratch.data, 0, a.size(), 0f);
        return scratch.data;
    }

    private static void finish(Kernels K, Tensor scratch, Tensor a) {
        if (scratch != null) K.axpy(a.size(), 1f, scratch.data, 0, a.grad, a.gradOff);
    }
}
