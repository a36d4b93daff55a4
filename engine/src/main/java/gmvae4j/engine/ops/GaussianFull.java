package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.Subnormals;

/**
 * Gaussians with a full covariance, given by the Cholesky factor of their precision: for component
 * k, P_k = Σ_k⁻¹ = L_k L_kᵀ with L_k lower triangular. The factor is stored raw, one row of d·d
 * values per component (row-major, entry (i,j) at i·d + j); only the lower triangle is read:
 *
 * <pre>
 *   L_ij = A_ij             i &gt; j
 *   L_ii = exp(a_i),  a_i = clamp(A_ii, {@value #A_MIN}, {@value #A_MAX})     (so the diagonal stays positive)
 *   L_ij = 0                i &lt; j   (A_ij ignored, its gradient 0)
 * </pre>
 *
 * <p>Then log det P_k = 2 Σ_i a_i, and the quadratic form of N(x; μ_k, P_k⁻¹) is ‖L_kᵀ (x − μ_k)‖².
 * With L diagonal, a_i = −½ log σ²_i: the clamp is the diagonal model's [−10, 10] on log σ².
 * Why the Cholesky factor of the precision and not of the covariance: the density needs P, not Σ;
 * with L of P neither a triangular solve nor an inverse is needed in the forward or the backward pass.
 */
public final class GaussianFull {
    private GaussianFull() {}

    /** Bounds on the log of L's diagonal: −½ of the log-variance bounds [−10, 10]. */
    public static final float A_MIN = -5f, A_MAX = 5f;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    public static float diag(float a) { return (float) Math.exp(Math.min(A_MAX, Math.max(A_MIN, a))); }
    static boolean inside(float a) { return a >= A_MIN && a <= A_MAX; }

    /** L's entry (i, j) from its stored value: as stored below the diagonal, {@link #diag} on it, 0 above. */
    public static float factor(float stored, int i, int j) { return j < i ? stored : j == i ? diag(stored) : 0f; }

    /**
     * y[b,k] = log N(z_b; μ_k, (L_k L_kᵀ)⁻¹) = −½ d log 2π + Σ_i a_ki − ½ Σ_j v_bkj²,  v_bk = L_kᵀ (z_b − μ_k).
     *
     * <p><b>Why a matrix product.</b> v_bkj = Σ_i z_bi L_k,ij − c_kj with c_kj = Σ_i μ_ki L_k,ij: the
     * projections of every row onto every component's factor are one product V = Z·W − 1cᵀ, with
     * W [d, K·d] holding L_k in columns k·d .. k·d+d−1. So this op is the kernels' sgemm (rows × d ×
     * K·d) plus a sum of squares, and its backward two more products: the per-pair loop it replaced
     * cost the z = 10 mlp step 27% of its time; d is small (8 to 32) and K·d is not, which is the shape
     * sgemm wants. The subtraction loses nothing that matters in float: v is a few units, the
     * products it comes from at most about L·|z| ≲ 10³ (L_ii ≤ e^5), an error near 10⁻⁴ at worst.
     *
     * <p>Backward, with g = ∂/∂y: G_bkj = ∂v_bkj = −g_bk v_bkj; ∂Z = G Wᵀ; ∂W = Zᵀ G; ∂c = −Σ_b G;
     * through c: ∂μ_ki = Σ_j L_k,ij ∂c_kj and ∂L_k,ij += μ_ki ∂c_kj; then ∂A_ij = ∂L_ij below the
     * diagonal, ∂a_i = L_ii ∂L_ii + Σ_b g_bk (the log det) on it, 0 where the clamp binds; nothing above.
     */
    public static Tensor logDensityPairs(Tape t, Tensor z, Tensor mu, Tensor a) {
        int rows = z.rows(), d = z.cols(), kk = mu.rows(), kd = kk * d;
        if (mu.cols() != d || a.rows() != kk || a.cols() != d * d)
            throw new IllegalArgumentException("full Gaussian pairs: z " + rows + "x" + d + ", mu " + kk + "x" + mu.cols()
                    + ", cholesky " + a.rows() + "x" + a.cols() + " (need " + kk + "x" + d * d + ")");
        boolean rg = t.needsGrad(z, mu) || t.needsGrad(a);
        Kernels K = t.k;
        Tensor y = t.matrix(rows, kk, rg);
        Tensor w = t.scratch(d, kd), c = t.scratch(1, kd), cst = t.scratch(1, kk), v = t.scratch(rows, kd);
        for (int k = 0; k < kk; k++) {
            double logDet = 0;   // ½ log det P_k = Σ_i a_ki
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++)
                    w.data[w.off + i * kd + k * d + j] = factor(a.data[a.off + k * d * d + i * d + j], i, j);
                logDet += Math.log(w.data[w.off + i * kd + k * d + i]);
            }
            cst.data[cst.off + k] = (float) (-0.5 * d * LOG_2PI + logDet);
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = j; i < d; i++) s += (double) mu.data[mu.off + k * d + i] * w.data[w.off + i * kd + k * d + j];
                c.data[c.off + k * d + j] = (float) s;
            }
        }
        // V = Z·W − 1cᵀ, then y = cst − ½ Σ_j V²
        K.sgemm(false, false, rows, kd, d, 1f, z.data, z.off, d, w.data, w.off, kd, 0f, v.data, v.off, kd);
        for (int b = 0; b < rows; b++) {
            int vo = v.off + b * kd;
            K.sub(kd, v.data, vo, c.data, c.off, v.data, vo);
            for (int k = 0; k < kk; k++) {
                float q = 0;
                for (int j = 0; j < d; j++) { float e = v.data[vo + k * d + j]; q += e * e; }
                y.data[y.off + b * kk + k] = cst.data[cst.off + k] - 0.5f * q;
            }
        }
        if (!rg) return y;
        // taken in the forward pass so that the tape's arena hands out the same tensors every step
        Tensor g = t.scratch(rows, kd), gw = t.scratch(d, kd), gc = t.scratch(1, kd), colSum = t.scratch(1, kk);
        t.record(() -> {
            for (int b = 0; b < rows; b++) {
                int vo = v.off + b * kd, go = g.off + b * kd;
                for (int k = 0; k < kk; k++) {
                    // a pair far from its component can have a subnormal gradient: as 0 it moves
                    // nothing, and the two products below read no subnormal (Subnormals)
                    float gy = Subnormals.flush(y.grad[y.gradOff + b * kk + k]);
                    for (int j = 0; j < d; j++) g.data[go + k * d + j] = -gy * v.data[vo + k * d + j];
                }
            }
            java.util.Arrays.fill(gc.data, gc.off, gc.off + kd, 0f);
            K.colSumsAcc(rows, kd, g.data, g.off, gc.data, gc.off);                // Σ_b G = −∂c
            java.util.Arrays.fill(colSum.data, colSum.off, colSum.off + kk, 0f);
            K.colSumsAcc(rows, kk, y.grad, y.gradOff, colSum.data, colSum.off);     // Σ_b g_bk (the log det)
            if (z.requiresGrad())                                                  // ∂Z += G·Wᵀ
                K.sgemm(false, true, rows, d, kd, 1f, g.data, g.off, kd, w.data, w.off, kd, 1f, z.grad, z.gradOff, d);
            if (!mu.requiresGrad() && !a.requiresGrad()) return;
            K.sgemm(true, false, d, kd, rows, 1f, z.data, z.off, d, g.data, g.off, kd, 0f, gw.data, gw.off, kd);   // ∂W = Zᵀ·G
            for (int k = 0; k < kk; k++)
                for (int i = 0; i < d; i++) {
                    float m = mu.data[mu.off + k * d + i];
                    double gm = 0;
                    for (int j = 0; j <= i; j++) {
                        float dc = -gc.data[gc.off + k * d + j];                   // ∂c_kj
                        gm += (double) w.data[w.off + i * kd + k * d + j] * dc;
                        gw.data[gw.off + i * kd + k * d + j] += m * dc;
                    }
                    if (mu.requiresGrad()) mu.grad[mu.gradOff + k * d + i] += (float) gm;
                    if (!a.requiresGrad()) continue;
                    int o = k * d * d + i * d;
                    for (int j = 0; j < i; j++) a.grad[a.gradOff + o + j] += gw.data[gw.off + i * kd + k * d + j];
                    if (inside(a.data[a.off + o + i]))
                        a.grad[a.gradOff + o + i] += gw.data[gw.off + i * kd + k * d + i] * w.data[w.off + i * kd + k * d + i]
                                + colSum.data[colSum.off + k];
                }
        });
        return y;
    }

    /**
     * The precision's diagonal, [K, d]: P_ii = Σ_{j ≤ i} L_ij². It turns E_{z~N(m, diag s²)} of the
     * quadratic form into ‖Lᵀ(m − μ)‖² + Σ_i s²_i P_ii, one matrix product over a batch.
     * Backward: ∂A_ij = 2 L_ij g_i below the diagonal, ∂a_i = 2 L_ii² g_i inside the clamp.
     */
    public static Tensor precisionDiagonal(Tape t, Tensor a, int d) {
        int kk = a.rows();
        if (a.cols() != d * d) throw new IllegalArgumentException("cholesky rows hold " + a.cols() + " values, need " + d * d);
        boolean rg = t.needsGrad(a);
        Tensor y = t.matrix(kk, d, rg);
        for (int k = 0; k < kk; k++)
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j <= i; j++) {
                    double lij = factor(a.data[a.off + k * d * d + i * d + j], i, j);
                    s += lij * lij;
                }
                y.data[y.off + k * d + i] = (float) s;
            }
        if (!rg) return y;
        t.record(() -> {
            if (!a.requiresGrad()) return;
            for (int k = 0; k < kk; k++)
                for (int i = 0; i < d; i++) {
                    float g = y.grad[y.gradOff + k * d + i];
                    for (int j = 0; j <= i; j++) {
                        int o = k * d * d + i * d + j;
                        float v = a.data[a.off + o];
                        if (j < i) a.grad[a.gradOff + o] += 2 * v * g;
                        else if (inside(v)) { float lii = diag(v); a.grad[a.gradOff + o] += 2 * lii * lii * g; }
                    }
                }
        });
        return y;
    }
}
