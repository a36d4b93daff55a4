package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.Subnormals;

/**
 * Row-wise log-sum-exp, softmax and log-softmax, all computed the stable way (row max subtracted
 * first, inside the kernels). With p = softmax(x[i,:]):
 * <ul>
 *   <li>lse = log Σ e^x:      dx += dlse · p</li>
 *   <li>y = p:                 dx += y ⊙ (dy − Σ_j dy·y)</li>
 *   <li>y = x − lse (log p):   dx += dy − p · Σ_j dy</li>
 * </ul>
 * The backward passes take p as e^x that is 0 where it would be subnormal (as the responsibility
 * of a component far from an image is: {@link Subnormals#exp}, or for log p the backend's kernel,
 * {@link Kernels#logSoftmaxBackward}) and store no subnormal gradient.
 */
public final class Softmax {
    private Softmax() {}

    public static Tensor logSumExp(Tape t, Tensor x) {
        int rows = x.rows(), cols = x.cols();
        Tensor y = t.matrix(rows, 1, t.needsGrad(x));
        Kernels K = t.k;
        K.rowLogSumExp(rows, cols, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                float lse = y.data[y.off + i], g = y.grad[y.gradOff + i];
                int xi = x.off + i * cols, gi = x.gradOff + i * cols;
                for (int j = 0; j < cols; j++)
                    x.grad[gi + j] = Subnormals.flush(x.grad[gi + j] + g * Subnormals.exp(x.data[xi + j] - lse));
            }
        });
        return y;
    }

    public static Tensor softmax(Tape t, Tensor x) {
        int rows = x.rows(), cols = x.cols();
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        K.rowSoftmax(rows, cols, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                int yi = y.off + i * cols, gi = y.gradOff + i * cols, xi = x.gradOff + i * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += (double) y.grad[gi + j] * y.data[yi + j];
                for (int j = 0; j < cols; j++) x.grad[xi + j] += y.data[yi + j] * (y.grad[gi + j] - (float) dot);
            }
        });
        return y;
    }

    public static Tensor logSoftmax(Tape t, Tensor x) {
        int rows = x.rows(), cols = x.cols();
        Tensor y = t.like(x, t.needsGrad(x));
        Tensor lse = t.scratch(rows, 1);
        Kernels K = t.k;
        K.rowLogSumExp(rows, cols, x.data, x.off, lse.data, lse.off);
        for (int i = 0; i < rows; i++) {
            float l = lse.data[lse.off + i];
            int xi = x.off + i * cols, yi = y.off + i * cols;
            for (int j = 0; j < cols; j++) y.data[yi + j] = x.data[xi + j] - l;
        }
        // dx_ij += dy_ij − softmax_ij · Σ_j' dy_ij', softmax = e^y
        if (y.requiresGrad()) t.record(() -> K.logSoftmaxBackward(rows, cols, y.data, y.off, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }
}
