package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

/**
 * Fused losses whose naive compositions overflow: BCE from logits and softmax cross-entropy. Both
 * return one value per row (per image), so a model can weight images before averaging.
 */
public final class Losses {
    private Losses() {}

    /**
     * loss[i] = Σ_j softplus(l) − l·t for logits l and targets t in [0,1]: the stable form
     * max(l,0) − l·t + log(1 + e^−|l|) of −t·log σ(l) − (1−t)·log(1−σ(l)), the same formula as
     * {@link Kernels#bceWithLogits}. d loss/d l = σ(l) − t is computed in the same pass
     * ({@link Kernels#bceRows}: e^−|l| once for both) into a saved buffer, so backward is one axpy
     * per row, the rows spread over the threads. Targets get no gradient.
     *
     * <p>History: one {@code Kernels.bceWithLogits} call per row made this op 3 ms of a 13 ms MLP
     * step (its vector loop works in 1024-element blocks and never ran on 784-element rows); six
     * whole-batch elementwise passes (softplus, mul, sub, row sums, sigmoid, sub) took about
     * 0.3 ms; the one fused pass reads the logits and targets once.
     */
    public static Tensor bceWithLogits(Tape t, Tensor logits, Tensor targets) {
        if (logits.size() != targets.size())
            throw new IllegalArgumentException("bce: " + logits.size() + " logits vs " + targets.size() + " targets");
        int rows = logits.rows(), cols = logits.cols();
        boolean rg = t.needsGrad(logits);
        Tensor y = t.matrix(rows, 1, rg);
        Tensor d = rg ? t.scratch(rows, cols) : null;
        Kernels K = t.k;
        K.bceRows(rows, cols, logits.data, logits.off, targets.data, targets.off, y.data, y.off,
                rg ? d.data : null, rg ? d.off : 0);
        // rows over the threads (each row its own output: the same floats for any split): the
        // marginal model's 12,800 rows of 784 a step, alone, 2.4 ms in order against 1.45 on two threads
        if (rg) t.record(() -> K.parallelRange(rows,
                i -> K.axpy(cols, y.grad[y.gradOff + i], d.data, d.off + i * cols, logits.grad, logits.gradOff + i * cols)));
        return y;
    }

    /**
     * loss[i] = log Σ_j e^{x_ij} − x_{i,label_i};  dx_ij += dloss_i · (softmax_ij − [j = label_i])
     *
     * <p>Computed as (m − x_c) + log1p(Σ_{j ≠ a} e^{x_j − m}), m = x_a the row's largest logit, in
     * double: both parts are ≥ 0, so a small loss (the labeled class far ahead, the usual case late
     * in training) keeps its digits. log Σ e^x − x_c in float cancels them: logits (−3.79, 3.32)
     * with label 1 have a loss of 8.2e-4 known to about 1e-3 of itself that way, which a gradient
     * check sees (OpGradientProperties found it).
     */
    public static Tensor softmaxCrossEntropy(Tape t, Tensor logits, int[] labels) {
        int rows = logits.rows(), cols = logits.cols();
        if (labels.length != rows) throw new IllegalArgumentException(labels.length + " labels for " + rows + " rows");
        boolean rg = t.needsGrad(logits);
        Tensor y = t.matrix(rows, 1, rg);
        Tensor p = t.scratch(rows, cols);
        Kernels K = t.k;
        K.rowSoftmax(rows, cols, logits.data, logits.off, p.data, p.off);
        for (int i = 0; i < rows; i++) {
            int c = labels[i], o = logits.off + i * cols;
            if (c < 0 || c >= cols) throw new IndexOutOfBoundsException("label " + c + " with " + cols + " classes");
            int a = 0;
            for (int j = 1; j < cols; j++) if (logits.data[o + j] > logits.data[o + a]) a = j;
            double m = logits.data[o + a], rest = 0;
            for (int j = 0; j < cols; j++) if (j != a) rest += Math.exp(logits.data[o + j] - m);
            y.data[y.off + i] = (float) ((m - logits.data[o + c]) + Math.log1p(rest));
        }
        if (rg) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                float g = y.grad[y.gradOff + i];
                int o = i * cols;
                K.axpy(cols, g, p.data, p.off + o, logits.grad, logits.gradOff + o);
                logits.grad[logits.gradOff + o + labels[i]] -= g;
            }
        });
        return y;
    }
}
