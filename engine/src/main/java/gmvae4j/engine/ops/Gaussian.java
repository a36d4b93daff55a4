package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/**
 * Diagonal-Gaussian terms, written out in closed form (fused) because composing them from exp/mul/sum
 * would cost several passes and buffers per term.
 *
 * <p><b>Log-variance clamp.</b> Every log-variance input is clamped to [−{@value #LOGVAR_CLAMP},
 * +{@value #LOGVAR_CLAMP}] before use: e^−lv then stays below 3.3·10⁶, so an encoder that drives a
 * variance towards 0 early in training cannot turn (z−μ)²/σ² into Inf. The derivative honours the
 * clamp (0 beyond it), so gradients are exactly those of the clamped function; inside the clamp
 * nothing changes.
 *
 * <p>Broadcasting: μ and log σ² arguments may be a single row [1, D] (one Gaussian for the batch).
 */
public final class Gaussian {
    private Gaussian() {}

    /** Log-variances are clamped to ± this (see class comment). */
    public static final float LOGVAR_CLAMP = 15f;
    static final double LOG_2PI = Math.log(2 * Math.PI);

    static float clamp(float lv) { return Math.max(-LOGVAR_CLAMP, Math.min(LOGVAR_CLAMP, lv)); }
    static boolean inside(float lv) { return lv > -LOGVAR_CLAMP && lv < LOGVAR_CLAMP; }

    /** Offset of row i of a tensor that is either [rows, D] or a broadcast single row. */
    static int row(Tensor x, int i, int d) { return x.rows() == 1 ? 0 : i * d; }

    static void checkRows(String what, Tensor x, int rows, int d) {
        if (x.cols() != d || (x.rows() != rows && x.rows() != 1))
            throw new IllegalArgumentException(what + " has shape [" + x.rows() + "," + x.cols() + "], expected [" + rows + "," + d + "] or [1," + d + "]");
    }

    /**
     * out[i] = −½ Σ_j ( log 2π + lv_j + (z_j − μ_j)² e^−lv_j ).
     * With u = (z−μ)e^−lv: dz = −u, dμ = +u, dlv = −½(1 − (z−μ)·u).
     */
    public static Tensor logDensity(Tape t, Tensor z, Tensor mu, Tensor logVar) {
        int rows = z.rows(), d = z.cols();
        checkRows("mu", mu, rows, d);
        checkRows("logVar", logVar, rows, d);
        boolean rg = t.needsGrad(z, mu) || t.needsGrad(logVar);
        Tensor y = t.matrix(rows, 1, rg);
        for (int i = 0; i < rows; i++) {
            int zi = z.off + i * d, mi = mu.off + row(mu, i, d), li = logVar.off + row(logVar, i, d);
            double s = 0;
            for (int j = 0; j < d; j++) {
                float lv = clamp(logVar.data[li + j]);
                float diff = z.data[zi + j] - mu.data[mi + j];
                s += LOG_2PI + lv + diff * diff * Math.exp(-lv);
            }
            y.data[y.off + i] = (float) (-0.5 * s);
        }
        if (rg) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                float g = y.grad[y.gradOff + i];
                int zi = i * d, mi = row(mu, i, d), li = row(logVar, i, d);
                for (int j = 0; j < d; j++) {
                    float raw = logVar.data[logVar.off + li + j], lv = clamp(raw);
                    float diff = z.data[z.off + zi + j] - mu.data[mu.off + mi + j];
                    float u = diff * (float) Math.exp(-lv);
                    if (z.requiresGrad()) z.grad[z.gradOff + zi + j] -= g * u;
                    if (mu.requiresGrad()) mu.grad[mu.gradOff + mi + j] += g * u;
                    if (logVar.requiresGrad() && inside(raw)) logVar.grad[logVar.gradOff + li + j] += g * -0.5f * (1f - diff * u);
                }
            }
        });
        return y;
    }

    /**
     * out[i] = ½ Σ_j ( lv2 − lv1 + (e^lv1 + (μ1 − μ2)²) e^−lv2 − 1 ), i.e. KL(q1 ‖ q2).
     * dμ1 = (μ1−μ2)e^−lv2 = −dμ2, dlv1 = ½(e^(lv1−lv2) − 1), dlv2 = ½(1 − (e^lv1 + (μ1−μ2)²)e^−lv2).
     */
    public static Tensor kl(Tape t, Tensor mu1, Tensor lv1, Tensor mu2, Tensor lv2) {
        int rows = mu1.rows(), d = mu1.cols();
        checkRows("logVar1", lv1, rows, d);
        if (lv1.rows() != rows) throw new IllegalArgumentException("logVar1 must have one row per mu1 row");
        checkRows("mu2", mu2, rows, d);
        checkRows("logVar2", lv2, rows, d);
        boolean rg = t.needsGrad(mu1, lv1) || t.needsGrad(mu2, lv2);
        Tensor y = t.matrix(rows, 1, rg);
        for (int i = 0; i < rows; i++) {
            int a = mu1.off + i * d, b = lv1.off + i * d, c = mu2.off + row(mu2, i, d), e = lv2.off + row(lv2, i, d);
            double s = 0;
            for (int j = 0; j < d; j++) {
                float l1 = clamp(lv1.data[b + j]), l2 = clamp(lv2.data[e + j]);
                float diff = mu1.data[a + j] - mu2.data[c + j];
                s += l2 - l1 + (Math.exp(l1) + diff * diff) * Math.exp(-l2) - 1;
            }
            y.data[y.off + i] = (float) (0.5 * s);
        }
        if (rg) t.record(() -> {
            for (int i = 0; i < rows; i++) {
                float g = y.grad[y.gradOff + i];
                int a = i * d, c = row(mu2, i, d), e = row(lv2, i, d);
                for (int j = 0; j < d; j++) {
                    float r1 = lv1.data[lv1.off + a + j], r2 = lv2.data[lv2.off + e + j];
                    float l1 = clamp(r1), l2 = clamp(r2);
                    float diff = mu1.data[mu1.off + a + j] - mu2.data[mu2.off + c + j];
                    float inv2 = (float) Math.exp(-l2), v1 = (float) Math.exp(l1);
                    float dm = g * diff * inv2;
                    if (mu1.requiresGrad()) mu1.grad[mu1.gradOff + a + j] += dm;
                    if (mu2.requiresGrad()) mu2.grad[mu2.gradOff + c + j] -= dm;
                    if (lv1.requiresGrad() && inside(r1)) lv1.grad[lv1.gradOff + a + j] += g * 0.5f * (v1 * inv2 - 1f);
                    if (lv2.requiresGrad() && inside(r2)) lv2.grad[lv2.gradOff + e + j] += g * 0.5f * (1f - (v1 + diff * diff) * inv2);
                }
            }
        });
        return y;
    }

    /**
     * out[b,k] = log N(z_b; μ_k, diag e^lv_k) for z [B,D] and μ, lv [K,D]: every image against every
     * mixture component, as the GMVAE responsibilities need. Same derivatives as {@link #logDensity},
     * summed over the pairs each input takes part in.
     */
    public static Tensor logDensityPairs(Tape t, Tensor z, Tensor mu, Tensor logVar) {
        int rows = z.rows(), d = z.cols(), kk = mu.rows();
        if (mu.cols() != d || logVar.rows() != kk || logVar.cols() != d)
            throw new IllegalArgumentException("pairs: z is [" + rows + "," + d + "], mu [" + mu.rows() + "," + mu.cols()
                    + "], logVar [" + logVar.rows() + "," + logVar.cols() + "]");
        return GaussianPairs.apply(t, z, mu, logVar);
    }

    /**
     * out[b,k] = E_{z ~ N(μ_b, e^lv_b)} log N(z; μ_k, e^lv_k)
     *          = −½ Σ_j ( log 2π + lvk_j + (e^lv_bj + (μ_bj − μk_j)²) e^−lvk_j )
     * for q rows μ, lv [B,D] and components μk, lvk [K,D]: the expected log density the GMVAE
     * "mixture" loss weighs by the responsibilities (no sampling noise for this term).
     * With w = e^−lvk and diff = μ − μk: dμ = −diff·w = −dμk, dlv = −½ e^lv·w, dlvk = −½(1 − (e^lv + diff²)·w).
     */
    public static Tensor expectedLogDensityPairs(Tape t, Tensor mu, Tensor logVar, Tensor muK, Tensor logVarK) {
        int rows = mu.rows(), d = mu.cols(), kk = muK.rows();
        if (logVar.rows() != rows || logVar.cols() != d || muK.cols() != d || logVarK.rows() != kk || logVarK.cols() != d)
            throw new IllegalArgumentException("expected-log-density pairs: shapes mu [" + rows + "," + d + "], logVar ["
                    + logVar.rows() + "," + logVar.cols() + "], muK [" + kk + "," + muK.cols() + "], logVarK ["
                    + logVarK.rows() + "," + logVarK.cols() + "]");
        boolean rg = t.needsGrad(mu, logVar) || t.needsGrad(muK, logVarK);
        Tensor y = t.matrix(rows, kk, rg);
        Tensor prec = t.scratch(kk, d), cst = t.scratch(kk, 1), var = t.scratch(rows, d);
        for (int k = 0; k < kk; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                float lv = clamp(logVarK.data[logVarK.off + k * d + j]);
                prec.data[prec.off + k * d + j] = (float) Math.exp(-lv);
                s += LOG_2PI + lv;
            }
            cst.data[cst.off + k] = (float) (-0.5 * s);
        }
        for (int i = 0; i < rows * d; i++) var.data[var.off + i] = (float) Math.exp(clamp(logVar.data[logVar.off + i]));
        for (int b = 0; b < rows; b++) {
            for (int k = 0; k < kk; k++) {
                float q = 0;
                for (int j = 0; j < d; j++) {
                    float diff = mu.data[mu.off + b * d + j] - muK.data[muK.off + k * d + j];
                    q += (var.data[var.off + b * d + j] + diff * diff) * prec.data[prec.off + k * d + j];
                }
                y.data[y.off + b * kk + k] = cst.data[cst.off + k] - 0.5f * q;
            }
        }
        if (rg) t.record(() -> {
            for (int b = 0; b < rows; b++) {
                for (int k = 0; k < kk; k++) {
                    float g = y.grad[y.gradOff + b * kk + k];
                    if (g == 0f) continue;
                    for (int j = 0; j < d; j++) {
                        int bj = b * d + j, kj = k * d + j;
                        float diff = mu.data[mu.off + bj] - muK.data[muK.off + kj];
                        float w = prec.data[prec.off + kj], v = var.data[var.off + bj];
                        if (mu.requiresGrad()) mu.grad[mu.gradOff + bj] -= g * diff * w;
                        if (muK.requiresGrad()) muK.grad[muK.gradOff + kj] += g * diff * w;
                        if (logVar.requiresGrad() && inside(logVar.data[logVar.off + bj]))
                            logVar.grad[logVar.gradOff + bj] += g * -0.5f * v * w;
                        if (logVarK.requiresGrad() && inside(logVarK.data[logVarK.off + kj]))
                            logVarK.grad[logVarK.gradOff + kj] += g * -0.5f * (1f - (v + diff * diff) * w);
                    }
                }
            }
        });
        return y;
    }
}
