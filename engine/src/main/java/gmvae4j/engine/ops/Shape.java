package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.Arrays;
import java.util.List;

/** Ops that move values without arithmetic: reshape (a view), column slices, concatenation, row gathers. */
public final class Shape {
    private Shape() {}

    /**
     * The same values and gradient seen through another shape. No copy and no backward step: the
     * view writes its gradient straight into x's buffer.
     */
    public static Tensor reshape(Tensor x, int... shape) {
        return x.view(shape);
    }

    /** y = x[:, from:to];  dx[:, from:to] += dy */
    public static Tensor sliceCols(Tape t, Tensor x, int from, int to) {
        int rows = x.rows(), cols = x.cols(), w = to - from;
        if (from < 0 || to > cols || w <= 0) throw new IllegalArgumentException("slice [" + from + "," + to + ") of " + cols + " columns");
        Tensor y = t.matrix(rows, w, t.needsGrad(x));
        for (int i = 0; i < rows; i++) System.arraycopy(x.data, x.off + i * cols + from, y.data, y.off + i * w, w);
        if (y.requiresGrad()) t.record(() -> {
            // a plain loop, not an axpy call per row: the slices here are a latent code, 10 to 32 wide
            for (int i = 0; i < rows; i++) {
                int gy = y.gradOff + i * w, gx = x.gradOff + i * cols + from;
                for (int j = 0; j < w; j++) x.grad[gx + j] += y.grad[gy + j];
            }
        });
        return y;
    }

    /** y = [x0 | x1 | ...];  each dxk += its block of dy */
    public static Tensor concatCols(Tape t, List<Tensor> xs) {
        int rows = xs.get(0).rows(), cols = 0;
        boolean rg = false;
        for (Tensor x : xs) {
            if (x.rows() != rows) throw new IllegalArgumentException("concat: " + x.rows() + " rows vs " + rows);
            cols += x.cols();
            rg |= t.needsGrad(x);
        }
        Tensor y = t.matrix(rows, cols, rg);
        int total = cols;
        Tensor[] parts = xs.toArray(new Tensor[0]);
        int at = 0;
        for (Tensor x : parts) {
            int w = x.cols();
            for (int i = 0; i < rows; i++) System.arraycopy(x.data, x.off + i * w, y.data, y.off + i * total + at, w);
            at += w;
        }
        if (rg) t.record(() -> {
            int c0 = 0;
            for (Tensor x : parts) {
                int w = x.cols();
                if (x.requiresGrad())
                    for (int i = 0; i < rows; i++) t.k.axpy(w, 1f, y.grad, y.gradOff + i * total + c0, x.grad, x.gradOff + i * w);
                c0 += w;
            }
        });
        return y;
    }

    /** y[r,:] = x[idx[r],:];  dx[idx[r],:] += dy[r,:] (repeated indices add up) */
    public static Tensor gatherRows(Tape t, Tensor x, int[] idx) {
        int rows = x.rows(), cols = x.cols();
        Tensor y = t.matrix(idx.length, cols, t.needsGrad(x));
        for (int r = 0; r < idx.length; r++) {
            if (idx[r] < 0 || idx[r] >= rows) throw new IndexOutOfBoundsException("row " + idx[r] + " of " + rows);
            System.arraycopy(x.data, x.off + idx[r] * cols, y.data, y.off + r * cols, cols);
        }
        if (y.requiresGrad()) t.record(() -> {
            for (int r = 0; r < idx.length; r++) t.k.axpy(cols, 1f, y.grad, y.gradOff + r * cols, x.grad, x.gradOff + idx[r] * cols);
        });
        return y;
    }
}
