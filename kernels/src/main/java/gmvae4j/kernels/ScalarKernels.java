package gmvae4j.kernels;

/**
 * Plain-loop reference implementation of every kernel. Single-threaded, obviously correct,
 * and the twin every faster backend is differentially tested against. It is also what runs
 * when the Vector API module is not available (plain {@code java -jar}).
 */
public final class ScalarKernels implements Kernels {

    @Override public String name() { return "scalar"; }

    @Override public int threads() { return 1; }

    @Override public void parallelFor(int tasks, java.util.function.IntConsumer task) {
        for (int i = 0; i < tasks; i++) task.accept(i);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }

    @Override public void add(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override public void sub(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    @Override public void mul(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override public void mulAcc(int n, float[] a, int ao, float[] b, int bo, float[] acc, int co) {
        for (int i = 0; i < n; i++) acc[co + i] += a[ao + i] * b[bo + i];
    }

    @Override public void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override public void scale(int n, float alpha, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = alpha * x[xo + i];
    }

    @Override public void exp(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = Subnormals.exp(x[xo + i]);
    }

    @Override public void log(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.log(x[xo + i]);
    }

    @Override public void sigmoid(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = sigmoid(x[xo + i]);
    }

    @Override public void softplus(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = softplus(x[xo + i]);
    }

    @Override public void relu(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = Math.max(x[xo + i], 0f);
    }

    @Override public void tanh(int n, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < n; i++) out[oo + i] = (float) Math.tanh(x[xo + i]);
    }

    @Override public void reluBackward(int n, float[] x, int xo, float[] gy, int go, float[] gx, int gxo) {
        for (int i = 0; i < n; i++) if (x[xo + i] > 0f) gx[gxo + i] += gy[go + i];
    }

    @Override public void sigmoidBackward(int n, float[] y, int yo, float[] gy, int go, float[] gx, int gxo) {
        for (int i = 0; i < n; i++) {
            float s = y[yo + i];
            gx[gxo + i] += gy[go + i] * s * (1f - s);
        }
    }

    @Override public void tanhBackward(int n, float[] y, int yo, float[] gy, int go, float[] gx, int gxo) {
        for (int i = 0; i < n; i++) {
            float t = y[yo + i];
            gx[gxo + i] += gy[go + i] * (1f - t * t);
        }
    }

    @Override public void softplusBackward(int n, float[] x, int xo, float[] gy, int go, float[] gx, int gxo) {
        for (int i = 0; i < n; i++) gx[gxo + i] += gy[go + i] * sigmoid(x[xo + i]);
    }

    @Override public void addRow(int rows, int cols, float[] x, int xo, float[] row, int ro, float[] out, int oo) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                out[oo + i * cols + j] = x[xo + i * cols + j] + row[ro + j];
    }

    @Override public void colSumsAcc(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                out[oo + j] += x[xo + i * cols + j];
    }

    @Override public void rowSums(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < rows; i++) {
            float s = 0f;
            for (int j = 0; j < cols; j++) s += x[xo + i * cols + j];
            out[oo + i] = s;
        }
    }

    @Override public void rowMax(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < rows; i++) {
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) mx = Math.max(mx, x[xo + i * cols + j]);
            out[oo + i] = mx;
        }
    }

    @Override public void rowLogSumExp(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < rows; i++) {
            int r = xo + i * cols;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) mx = Math.max(mx, x[r + j]);
            if (mx == Float.NEGATIVE_INFINITY) { out[oo + i] = mx; continue; }
            float s = 0f;
            for (int j = 0; j < cols; j++) s += (float) Math.exp(x[r + j] - mx);
            out[oo + i] = mx + (float) Math.log(s);
        }
    }

    @Override public void rowSoftmax(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        for (int i = 0; i < rows; i++) {
            int r = xo + i * cols, w = oo + i * cols;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) mx = Math.max(mx, x[r + j]);
            float s = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[r + j] - mx);
                out[w + j] = e;
                s += e;
            }
            float inv = 1f / s;
            for (int j = 0; j < cols; j++) out[w + j] *= inv;
        }
    }

    @Override public double sumSquares(int n, float[] x, int xo) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xo + i] * x[xo + i];
        return s;
    }

    @Override public double sum(int n, float[] x, int xo) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xo + i];
        return s;
    }

    @Override
    public double bceWithLogits(int n, float[] logits, int lo, float[] targets, int to,
                                float[] grad, int go, float scale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            float l = logits[lo + i], t = targets[to + i];
            total += bce(l, t);
            if (grad != null) grad[go + i] = scale * (sigmoid(l) - t);
        }
        return total;
    }

    @Override
    public void adam(int n, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                     float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            float mi = Subnormals.flush(beta1 * m[mo + i] + (1f - beta1) * gi);
            float vi = Subnormals.flush(beta2 * v[vo + i] + (1f - beta2) * gi * gi);
            m[mo + i] = mi;
            v[vo + i] = vi;
            float update = (mi / bc1) / ((float) Math.sqrt(vi / bc2) + eps);
            p[po + i] -= lr * (update + weightDecay * p[po + i]);
        }
    }

    static float sigmoid(float x) {
        // split on sign so exp never overflows
        if (x >= 0f) return 1f / (1f + (float) Math.exp(-x));
        float e = (float) Math.exp(x);
        return e / (1f + e);
    }

    static float softplus(float x) {
        return Math.max(x, 0f) + (float) Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * One element of binary cross-entropy from logit l and target t: max(l,0) − l·t + log(1 +
     * e^−|l|), which never exponentiates a large positive number; the first two terms in one
     * rounding (an fma), so that a small loss next to large l·t keeps its digits (see VectorMath.bce).
     */
    static float bce(float l, float t) {
        return Math.fma(-l, t, Math.max(l, 0f)) + (float) Math.log1p(Math.exp(-Math.abs(l)));
    }
}
