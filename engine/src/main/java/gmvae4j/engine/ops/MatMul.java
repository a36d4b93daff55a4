package gmvae4j.engine.ops;

import gmvae4j.engine.PackedWeights;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.WeightGradients;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.PackedB;

/**
 * Matrix products: C = op(A)·op(B), and the fused linear layer y = x·W + b.
 *
 * <p>Backward, writing A' = op(A), B' = op(B): dA' = dC·B'ᵀ and dB' = A'ᵀ·dC. When A is stored
 * transposed we want dA = (dA')ᵀ = B'·dCᵀ instead, and likewise for B; each case below is one sgemm
 * with beta = 1 so the result is added to whatever gradient is already there.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor matmul(Tape t, Tensor a, boolean transA, Tensor b, boolean transB) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb)
            throw new IllegalArgumentException("matmul: inner sizes differ (" + k + " vs " + kb + ")");
        int lda = a.cols(), ldb = b.cols();
        Tensor c = t.matrix(m, n, t.needsGrad(a, b));
        Kernels K = t.k;
        K.sgemm(transA, transB, m, n, k, 1f, a.data, a.off, lda, b.data, b.off, ldb, 0f, c.data, c.off, n);
        if (c.requiresGrad()) t.record(() -> {
            if (a.requiresGrad()) {
                if (!transA) K.sgemm(false, !transB, m, k, n, 1f, c.grad, c.gradOff, n, b.data, b.off, ldb, 1f, a.grad, a.gradOff, lda);
                else K.sgemm(transB, true, k, m, n, 1f, b.data, b.off, ldb, c.grad, c.gradOff, n, 1f, a.grad, a.gradOff, lda);
            }
            if (b.requiresGrad()) {
                if (!transB) K.sgemm(!transA, false, k, n, m, 1f, a.data, a.off, lda, c.grad, c.gradOff, n, 1f, b.grad, b.gradOff, ldb);
                else K.sgemm(true, transA, n, k, m, 1f, c.grad, c.gradOff, n, a.data, a.off, lda, 1f, b.grad, b.gradOff, ldb);
            }
        });
        return c;
    }

    /**
     * y = x·W + bias for x [B, in] (any tensor whose 2-D view is that), W stored [in, out] (so the
     * forward needs no transpose), bias [1, out] or null. One sgemm forward; backward is
     * dW += xᵀ·dy, dbias += column sums of dy, and dx += dy·Wᵀ only if x needs it (the first
     * layer's input is data, so that sgemm is skipped).
     */
    public static Tensor linear(Tape t, Tensor x, Tensor w, Tensor bias) { return linear(t, x, w, bias, false); }

    /**
     * h = max(x·W + bias, 0): a hidden layer and its ReLU as one op, which saves the activation
     * its own tensor, its own pass forward and backward, and its gradient's zero-fill. The bias
     * and the ReLU are one pass over the product ({@link Kernels#biasRelu}); backward, the ReLU's
     * mask is applied to h's gradient in place, fused with the bias gradient's column sums
     * ({@link Kernels#reluMaskColSums}), and the products read the masked gradient. h > 0 exactly
     * where x·W + bias > 0, so the mask needs no saved pre-activation. The same floats as
     * {@code relu(linear(x, W, bias))}.
     */
    public static Tensor linearRelu(Tape t, Tensor x, Tensor w, Tensor bias) { return linear(t, x, w, bias, true); }

    private static Tensor linear(Tape t, Tensor x, Tensor w, Tensor bias, boolean relu) {
        int batch = x.rows(), in = x.cols(), out = w.cols();
        if (w.rows() != in)
            throw new IllegalArgumentException("linear: input has " + in + " features, weight expects " + w.rows());
        if (bias != null && bias.size() != out)
            throw new IllegalArgumentException("linear: bias has " + bias.size() + " values, expected " + out);
        boolean rg = t.needsGrad(x, w) || (bias != null && t.needsGrad(bias));
        Tensor y = t.matrix(batch, out, rg);
        Kernels K = t.k;
        PackedWeights packed = t.packedWeights();      // a batch's shards: W packed once for all of them
        PackedB pw = packed == null ? null : packed.forward(w);
        if (pw != null) K.sgemmPacked(false, batch, out, in, 1f, x.data, x.off, in, pw, 0f, y.data, y.off, out);
        else K.sgemm(false, false, batch, out, in, 1f, x.data, x.off, in, w.data, w.off, out, 0f, y.data, y.off, out);
        if (relu && bias != null) K.biasRelu(batch, out, y.data, y.off, bias.data, bias.off);
        else if (relu) K.relu(batch * out, y.data, y.off, y.data, y.off);
        else if (bias != null) K.addRow(batch, out, y.data, y.off, bias.data, bias.off, y.data, y.off);
        if (rg) t.record(() -> {
            boolean gb = bias != null && bias.requiresGrad();
            if (relu) K.reluMaskColSums(batch, out, y.data, y.off, y.grad, y.gradOff, gb ? bias.grad : null, gb ? bias.gradOff : 0);
            else if (gb) K.colSumsAcc(batch, out, y.grad, y.gradOff, bias.grad, bias.gradOff);
            Runnable weightGrad = () ->
                    K.sgemm(true, false, in, out, batch, 1f, x.data, x.off, in, y.grad, y.gradOff, out, 1f, w.grad, w.gradOff, out);
            PackedB pwt = packed != null && x.requiresGrad() ? packed.transposed(w) : null;
            Runnable inputGrad = pwt != null
                    ? () -> K.sgemmPacked(false, batch, in, out, 1f, y.grad, y.gradOff, out, pwt, 1f, x.grad, x.gradOff, in)
                    : () -> K.sgemm(false, true, batch, in, out, 1f, y.grad, y.gradOff, out, w.data, w.off, out, 1f, x.grad, x.gradOff, in);
            WeightGradients later = t.deferredWeightGradients();
            if (w.requiresGrad() && later != null && later.takes(w)) {  // a batch shard: dW after every shard's backward pass
                later.record(K, x, y, w, batch, in, out);
                if (x.requiresGrad()) inputGrad.run();
            } else if (w.requiresGrad() && x.requiresGrad() && K.threads() == 2) bothAtOnce(K, weightGrad, inputGrad);
            else {
                if (w.requiresGrad()) weightGrad.run();
                if (x.requiresGrad()) inputGrad.run();
            }
        });
        return y;
    }

    /**
     * The two gradient products of a layer, dW = xᵀ·dy and dx = dy·Wᵀ, read the same dy and write
     * different tensors, and have the same FLOP count (2·batch·in·out). On two threads each runs
     * whole on one thread (a product inside a parallel task stays on its thread), which spends
     * nothing on splitting a product and joining its halves, where one after the other, each on
     * both threads, does so twice. The results are the same floats either way: a product's
     * result does not depend on how many threads computed it. With more threads, each product
     * on all of them is the better use; on a busy machine, where the second thread is late, the
     * first simply runs both.
     */
    private static void bothAtOnce(Kernels K, Runnable first, Runnable second) {
        K.parallelFor(2, i -> (i == 0 ? first : second).run());
    }
}
