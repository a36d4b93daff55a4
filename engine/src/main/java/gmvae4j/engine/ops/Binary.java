package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

/**
 * a ∘ b for ∘ in {+, −, ×, ÷}, elementwise on the 2-D views, where either operand may have a single
 * row (broadcast down the rows, like a bias) or a single column (broadcast across, like a per-image
 * weight). The result has the larger of each dimension.
 *
 * <p>Backward: ∂(a+b) = (1, 1), ∂(a−b) = (1, −1), ∂(a·b) = (b, a), ∂(a/b) = (1/b, −a/b²). A broadcast
 * operand's gradient is the sum over the positions it was copied to, which the index mapping does by
 * itself: every output position adds into the one input position it read.
 */
public final class Binary {
    private Binary() {}

    public enum Kind { ADD, SUB, MUL, DIV }

    public static Tensor apply(Tape t, Kind kind, Tensor a, Tensor b) {
        int ar = a.rows(), ac = a.cols(), br = b.rows(), bc = b.cols();
        int rows = Math.max(ar, br), cols = Math.max(ac, bc);
        if ((ar != rows && ar != 1) || (br != rows && br != 1) || (ac != cols && ac != 1) || (bc != cols && bc != 1))
            throw new IllegalArgumentException(kind + ": shapes [" + ar + "," + ac + "] and [" + br + "," + bc + "] do not broadcast");
        boolean same = ar == br && ac == bc;
        boolean rg = t.needsGrad(a, b);
        // keep a full operand's own shape (e.g. NCHW) when the result has its size
        Tensor y = ar == rows && ac == cols ? t.like(a, rg) : br == rows && bc == cols ? t.like(b, rg) : t.matrix(rows, cols, rg);
        Kernels K = t.k;
        int n = rows * cols;
        if (same && kind != Kind.DIV) {
            switch (kind) {
                case ADD -> K.add(n, a.data, a.off, b.data, b.off, y.data, y.off);
                case SUB -> K.sub(n, a.data, a.off, b.data, b.off, y.data, y.off);
                default -> K.mul(n, a.data, a.off, b.data, b.off, y.data, y.off);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                int ai = a.off + (ar == 1 ? 0 : i * ac), bi = b.off + (br == 1 ? 0 : i * bc), yi = y.off + i * cols;
                for (int j = 0; j < cols; j++) {
                    float x1 = a.data[ai + (ac == 1 ? 0 : j)], x2 = b.data[bi + (bc == 1 ? 0 : j)];
                    y.data[yi + j] = switch (kind) {
                        case ADD -> x1 + x2;
                        case SUB -> x1 - x2;
                        case MUL -> x1 * x2;
                        case DIV -> x1 / x2;
                    };
                }
            }
        }
        if (rg) t.record(() -> {
            if (same && kind != Kind.DIV) {
                switch (kind) {
                    case ADD -> {
                        if (a.requiresGrad()) K.axpy(n, 1f, y.grad, y.gradOff, a.grad, a.gradOff);
                        if (b.requiresGrad()) K.axpy(n, 1f, y.grad, y.gradOff, b.grad, b.gradOff);
                    }
                    case SUB -> {
                        if (a.requiresGrad()) K.axpy(n, 1f, y.grad, y.gradOff, a.grad, a.gradOff);
                        if (b.requiresGrad()) K.axpy(n, -1f, y.grad, y.gradOff, b.grad, b.gradOff);
                    }
                    default -> {
                        if (a.requiresGrad()) K.mulAcc(n, y.grad, y.gradOff, b.data, b.off, a.grad, a.gradOff);
                        if (b.requiresGrad()) K.mulAcc(n, y.grad, y.gradOff, a.data, a.off, b.grad, b.gradOff);
                    }
                }
                return;
            }
            boolean ga = a.requiresGrad(), gb = b.requiresGrad();
            for (int i = 0; i < rows; i++) {
                int ai = (ar == 1 ? 0 : i * ac), bi = (br == 1 ? 0 : i * bc), yi = i * cols;
                for (int j = 0; j < cols; j++) {
                    int pa = ai + (ac == 1 ? 0 : j), pb = bi + (bc == 1 ? 0 : j);
                    float g = y.grad[y.gradOff + yi + j];
                    float x1 = a.data[a.off + pa], x2 = b.data[b.off + pb];
                    float da, db;
                    switch (kind) {
                        case ADD -> { da = g; db = g; }
                        case SUB -> { da = g; db = -g; }
                        case MUL -> { da = g * x2; db = g * x1; }
                        default -> { da = g / x2; db = -g * x1 / (x2 * x2); }
                    }
                    if (ga) a.grad[a.gradOff + pa] += da;
                    if (gb) b.grad[b.gradOff + pb] += db;
                }
            }
        });
        return y;
    }
}
