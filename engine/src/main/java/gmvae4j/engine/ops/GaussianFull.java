package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

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

    /** L of every component, [K, d·d] (zeros above the diagonal). */
    private static void factors(Tensor a, int d, Tensor l) {
        int kk = a.rows();
        for (int k = 0; k < kk; k++)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) {
                    int o = k * d * d + i * d + j;
                    l.data[l.off + o] = factor(a.data[a.off + o], i, j);
                }
    }

    /**
     * y[b,k] = log N(z_b; μ_k, (L_k L_kᵀ)⁻¹) = −½ d log 2π + Σ_i a_ki − ½ Σ_j v_j²,  v = L_kᵀ (z_b − μ_k).
     *
     * <p>Backward, for one pair with g = ∂/∂y[b,k]: ∂v_j = −g v_j; ∂(z_b − μ_k) = L_k ∂v (added to z_b,
     * subtracted from μ_k); ∂L_ij = ∂v_j (z_b − μ_k)_i for i ≥ j; ∂a_i = L_ii ∂L_ii + g (the log det),
     * 0 where the clamp binds.
     */
    public static Tensor logDensityPairs(Tape t, Tensor z, Tensor mu, Tensor a) {
        int rows = z.rows(), d = z.cols(), kk = mu.rows();
        if (mu.cols() != d || a.rows() != kk || a.cols() != d * d)
            throw new IllegalArgumentException("full Gaussian pairs: z " + rows + "x" + d + ", mu " + kk + "x" + mu.cols()
                    + ", cholesky " + a.rows() + "x" + a.cols() + " (need " + kk + "x" + d * d + ")");
        boolean rg = t.needsGrad(z, mu) || t.needsGrad(a);
        Tensor y = t.matrix(rows, kk, rg);
        Tensor l = t.scratch(kk, d * d);
        factors(a, d, l);
        double[] diff = new double[d], v = new double[d];
        for (int k = 0; k < kk; k++) {
            double cst = -0.5 * d * LOG_2PI;
            for (int i = 0; i < d; i++) cst += Math.log(l.data[l.off + k * d * d + i * d + i]);
            int lo = l.off + k * d * d;
            for (int b = 0; b < rows; b++) {
                double q = project(z, b, mu, k, d, l.data, lo, diff, v);
                y.data[y.off + b * kk + k] = (float) (cst - 0.5 * q);
            }
        }
        if (!rg) return y;
        Tensor gl = t.scratch(kk, d * d);
        t.record(() -> {
            double[] df = new double[d], vv = new double[d], gd = new double[d];
            java.util.Arrays.fill(gl.data, gl.off, gl.off + kk * d * d, 0f);
            for (int k = 0; k < kk; k++) {
                int lo = l.off + k * d * d, go = gl.off + k * d * d;
                double colSum = 0;
                for (int b = 0; b < rows; b++) {
                    double g = y.grad[y.gradOff + b * kk + k];
                    if (g == 0) continue;
                    colSum += g;
                    project(z, b, mu, k, d, l.data, lo, df, vv);
                    for (int j = 0; j < d; j++) vv[j] *= -g;                  // ∂v
                    for (int i = 0; i < d; i++) {
                        double s = 0;
                        for (int j = 0; j <= i; j++) {
                            s += l.data[lo + i * d + j] * vv[j];
                            gl.data[go + i * d + j] += (float) (vv[j] * df[i]);
                        }
                        gd[i] = s;                                             // ∂(z_b − μ_k)_i
                    }
                    if (z.requiresGrad()) for (int i = 0; i < d; i++) z.grad[z.gradOff + b * d + i] += (float) gd[i];
                    if (mu.requiresGrad()) for (int i = 0; i < d; i++) mu.grad[mu.gradOff + k * d + i] -= (float) gd[i];
                }
                if (a.requiresGrad())
                    for (int i = 0; i < d; i++)
                        for (int j = 0; j <= i; j++) {
                            int o = k * d * d + i * d + j;
                            if (j < i) a.grad[a.gradOff + o] += gl.data[gl.off + o];
                            else if (inside(a.data[a.off + o]))
                                a.grad[a.gradOff + o] += (float) (gl.data[gl.off + o] * l.data[l.off + o] + colSum);
                        }
            }
        });
        return y;
    }

    /** diff = z_b − μ_k, v = L_kᵀ diff; returns ‖v‖². */
    private static double project(Tensor z, int b, Tensor mu, int k, int d, float[] l, int lo, double[] diff, double[] v) {
        for (int i = 0; i < d; i++) diff[i] = z.data[z.off + b * d + i] - mu.data[mu.off + k * d + i];
        double q = 0;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int i = j; i < d; i++) s += l[lo + i * d + j] * diff[i];
            v[j] = s;
            q += s * s;
        }
        return q;
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
