package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

/**
 * Sums and means, over everything or over one axis of the 2-D view. Backward copies the output
 * gradient back to every element that was summed (times 1/count for a mean).
 */
public final class Reduce {
    private Reduce() {}

    public static Tensor sum(Tape t, Tensor x) { return total(t, x, 1f); }

    public static Tensor mean(Tape t, Tensor x) { return total(t, x, 1f / x.size()); }

    private static Tensor total(Tape t, Tensor x, float scale) {
        Tensor y = t.matrix(1, 1, t.needsGrad(x));
        int n = x.size();
        y.data[y.off] = (float) (t.k.sum(n, x.data, x.off) * scale);   // summed in double
        if (y.requiresGrad()) t.record(() -> {
            float g = y.grad[y.gradOff] * scale;
            for (int i = 0; i < n; i++) x.grad[x.gradOff + i] += g;
        });
        return y;
    }

    public static Tensor sum(Tape t, Tensor x, int axis) { return axis(t, x, axis, false); }

    public static Tensor mean(Tape t, Tensor x, int axis) { return axis(t, x, axis, true); }

    /** axis 0: [1, cols] (column sums, like a bias gradient); axis 1: [rows, 1] (per-row totals). */
    private static Tensor axis(Tape t, Tensor x, int axis, boolean mean) {
        int rows = x.rows(), cols = x.cols();
        Kernels K = t.k;
        boolean rg = t.needsGrad(x);
        Tensor y;
        float scale;
        if (axis == 0) {
            y = t.matrix(1, cols, rg);
            scale = mean ? 1f / rows : 1f;
            java.util.Arrays.fill(y.data, y.off, y.off + cols, 0f);
            K.colSumsAcc(rows, cols, x.data, x.off, y.data, y.off);
        } else if (axis == 1) {
            y = t.matrix(rows, 1, rg);
            scale = mean ? 1f / cols : 1f;
            K.rowSums(rows, cols, x.data, x.off, y.data, y.off);
        } else throw new IllegalArgumentException("axis must be 0 or 1, got " + axis);
        if (scale != 1f) K.scale(y.size(), scale, y.data, y.off, y.data, y.off);
        if (rg) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                int xi = x.gradOff + i * cols;
                if (axis == 0) K.axpy(cols, scale, y.grad, y.gradOff, x.grad, xi);
                else {
                    float g = y.grad[y.gradOff + i] * scale;
                    for (int j = 0; j < cols; j++) x.grad[xi + j] += g;
                }
            }
        });
        return y;
    }
}
