package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

/**
 * log N(z_b; μ_k, diag e^lv_k) for every image b against every mixture component k: the B×K
 * table the GMVAE responsibilities are made of (see {@link Gaussian#logDensityPairs}).
 *
 * <pre>
 *   y[b,k] = cst_k − ½ Q[b,k],   Q[b,k] = Σ_j (z_bj − μ_kj)² w_kj,   w = e^−lv,   cst_k = −½ Σ_j (log 2π + lv_kj)
 * </pre>
 *
 * <p><b>Why this shape.</b> D (the latent size, 10 to 32) is too short to vectorise over, K (100)
 * is not: μ and w are transposed once per call to [D, K] and Q comes from the kernels'
 * {@link Kernels#pairSqDist} (one SIMD vector of components at a time). The plain per-pair loop this
 * replaced spent about 0.4 ms of the 6 to 7 ms mixture training step here (forward + backward, z = 10).
 *
 * <p>Backward: dQ = −½ dy; the kernel gives dz, dμᵀ and dwᵀ; dlv_kj = −½ Σ_b dy_bk − w_kj·dwᵀ_jk
 * (0 where the clamp binds).
 */
final class GaussianPairs {
    private GaussianPairs() {}

    static Tensor apply(Tape t, Tensor z, Tensor mu, Tensor logVar) {
        int rows = z.rows(), d = z.cols(), kk = mu.rows();
        boolean rg = t.needsGrad(z, mu) || t.needsGrad(logVar);
        Kernels K = t.k;
        Tensor y = t.matrix(rows, kk, rg);
        Tensor muT = t.scratch(d, kk), wT = t.scratch(d, kk), cst = t.scratch(1, kk);
        for (int k = 0; k < kk; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                float lv = Gaussian.clamp(logVar.data[logVar.off + k * d + j]);
                wT.data[wT.off + j * kk + k] = (float) Math.exp(-lv);
                muT.data[muT.off + j * kk + k] = mu.data[mu.off + k * d + j];
                s += Gaussian.LOG_2PI + lv;
            }
            cst.data[cst.off + k] = (float) (-0.5 * s);
        }
        K.pairSqDist(rows, d, kk, z.data, z.off, muT.data, muT.off, wT.data, wT.off, y.data, y.off);
        for (int b = 0; b < rows; b++) {
            int o = y.off + b * kk;
            for (int k = 0; k < kk; k++) y.data[o + k] = cst.data[cst.off + k] - 0.5f * y.data[o + k];
        }
        if (!rg) return y;
        // taken in the forward pass so that the tape's arena hands out the same tensors every step
        Tensor gQ = t.scratch(rows, kk), gz = t.scratch(rows, d), gMuT = t.scratch(d, kk), gWT = t.scratch(d, kk);
        t.record(() -> {
            for (int i = 0; i < rows * kk; i++) gQ.data[gQ.off + i] = -0.5f * y.grad[y.gradOff + i];
            java.util.Arrays.fill(gz.data, gz.off, gz.off + rows * d, 0f);
            java.util.Arrays.fill(gMuT.data, gMuT.off, gMuT.off + d * kk, 0f);
            java.util.Arrays.fill(gWT.data, gWT.off, gWT.off + d * kk, 0f);
            K.pairSqDistBackward(rows, d, kk, z.data, z.off, muT.data, muT.off, wT.data, wT.off, gQ.data, gQ.off,
                    gz.data, gz.off, gMuT.data, gMuT.off, gWT.data, gWT.off);
            if (z.requiresGrad()) K.add(rows * d, z.grad, z.gradOff, gz.data, gz.off, z.grad, z.gradOff);
            for (int k = 0; k < kk; k++) {
                float colSum = 0;   // Σ_b dy[b,k]: the gradient through cst_k
                for (int b = 0; b < rows; b++) colSum += y.grad[y.gradOff + b * kk + k];
                for (int j = 0; j < d; j++) {
                    int kj = k * d + j, jk = j * kk + k;
                    if (mu.requiresGrad()) mu.grad[mu.gradOff + kj] += gMuT.data[gMuT.off + jk];
                    if (logVar.requiresGrad() && Gaussian.inside(logVar.data[logVar.off + kj]))
                        logVar.grad[logVar.gradOff + kj] += -0.5f * colSum - wT.data[wT.off + jk] * gWT.data[gWT.off + jk];
                }
            }
        });
        return y;
    }
}
