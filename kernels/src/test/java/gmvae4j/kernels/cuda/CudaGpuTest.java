package gmvae4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gmvae4j.kernels.ScalarKernels;

import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real thing: cuBLAS on a GPU, compared with {@link ScalarKernels}. Runs only where
 * {@link CudaBackend#probe()} finds a driver, a device, libcudart and libcublas; everywhere
 * else every test is reported as skipped with the probe's reason (never as passed).
 */
class CudaGpuTest {

    CudaContext ctx;

    @BeforeEach
    void requireCuda() {
        CudaBackend.Probe p = CudaBackend.probe();
        assumeTrue(p.available(), "needs a CUDA GPU with libcudart and libcublas; " + p);
        ctx = CudaBackend.shared();
    }

    @Test
    void deviceBufferRoundTrip() {
        float[] host = SgemmCases.fill(new Random(3), (int) (CudaContext.STAGING_BYTES / Float.BYTES) + 1001);
        try (DeviceBuffer d = DeviceBuffer.of(ctx, host)) {
            assertArrayEquals(host, d.download());
        }
    }

    @Test
    void sgemmAllFourTransposeFormsOnOddSizesMatchTheScalarKernels() {
        SgemmCases.checkDeviceSgemmAllForms(ctx, 100, "cuBLAS");
    }

    @Test
    void cudaKernelsSgemmMatchesTheScalarKernels() {
        try (CudaKernels k = new CudaKernels(ctx, new ScalarKernels(), 0)) {
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true}) {
                    SgemmCases.Case c = SgemmCases.Case.random(ta, tb, 131, 257, 63, 1f, 0.25f, 9);
                    float[] expected = c.expected();
                    float[] actual = c.c().clone();
                    k.sgemm(ta, tb, c.m(), c.n(), c.k(), c.alpha(), c.a(), c.aOff(), c.lda(), c.b(), c.bOff(), c.ldb(),
                            c.beta(), actual, c.cOff(), c.ldc());
                    c.assertMatches(expected, actual, "CudaKernels " + c.describe());
                }
        }
    }

    /** Our PTX kernels (never run by their author on a GPU: this is their first real check). */
    @Test
    void elementwiseKernelsMatchTheScalarKernels() {
        ScalarKernels ref = new ScalarKernels();
        CudaElementwise ew = ctx.elementwise();
        Random r = new Random(11);
        int rows = 37, cols = 101, n = rows * cols;
        float[] x = SgemmCases.fill(r, n), y = SgemmCases.fill(r, n), row = SgemmCases.fill(r, cols);
        float[] pos = new float[n];
        for (int i = 0; i < n; i++) { x[i] *= 8; pos[i] = Math.abs(y[i]) + 0.01f; }
        try (DeviceBuffer dx = DeviceBuffer.of(ctx, x); DeviceBuffer dy = DeviceBuffer.of(ctx, y);
             DeviceBuffer dpos = DeviceBuffer.of(ctx, pos); DeviceBuffer drow = DeviceBuffer.of(ctx, row);
             DeviceBuffer out = DeviceBuffer.allocate(ctx, n)) {
            float[] e = new float[n];
            ew.add(n, dx, 0, dy, 0, out, 0); ref.add(n, x, 0, y, 0, e, 0); close(e, out, "add");
            ew.sub(n, dx, 0, dy, 0, out, 0); ref.sub(n, x, 0, y, 0, e, 0); close(e, out, "sub");
            ew.exp(n, dy, 0, out, 0); ref.exp(n, y, 0, e, 0); close(e, out, "exp");
            ew.log(n, dpos, 0, out, 0); ref.log(n, pos, 0, e, 0); close(e, out, "log");
            ew.relu(n, dx, 0, out, 0); ref.relu(n, x, 0, e, 0); close(e, out, "relu");
            ew.sigmoid(n, dx, 0, out, 0); ref.sigmoid(n, x, 0, e, 0); close(e, out, "sigmoid");
            ew.tanh(n, dx, 0, out, 0); ref.tanh(n, x, 0, e, 0); close(e, out, "tanh");
            ew.softplus(n, dx, 0, out, 0); ref.softplus(n, x, 0, e, 0); close(e, out, "softplus");
            ew.addRow(rows, cols, dx, 0, drow, 0, out, 0); ref.addRow(rows, cols, x, 0, row, 0, e, 0); close(e, out, "addRow");
            ew.rowSoftmax(rows, cols, dx, 0, out, 0); ref.rowSoftmax(rows, cols, x, 0, e, 0); close(e, out, "rowSoftmax");
            // accumulating kernels: start both sides from the same gx
            out.upload(y, 0, 0, n); System.arraycopy(y, 0, e, 0, n);
            ew.mulAcc(n, dx, 0, dpos, 0, out, 0); ref.mulAcc(n, x, 0, pos, 0, e, 0); close(e, out, "mulAcc");
            ew.reluBackward(n, dx, 0, dy, 0, out, 0); ref.reluBackward(n, x, 0, y, 0, e, 0); close(e, out, "reluBackward");
            ew.sigmoidBackward(n, dpos, 0, dy, 0, out, 0); ref.sigmoidBackward(n, pos, 0, y, 0, e, 0); close(e, out, "sigmoidBackward");
            ew.tanhBackward(n, dy, 0, dx, 0, out, 0); ref.tanhBackward(n, y, 0, x, 0, e, 0); close(e, out, "tanhBackward");
            ew.softplusBackward(n, dx, 0, dy, 0, out, 0); ref.softplusBackward(n, x, 0, y, 0, e, 0); close(e, out, "softplusBackward");
        }
    }

    private static void close(float[] expected, DeviceBuffer actual, String what) {
        float[] got = actual.download();
        for (int i = 0; i < expected.length; i++)
            org.junit.jupiter.api.Assertions.assertEquals(expected[i], got[i],
                    1e-5f * Math.max(1f, Math.abs(expected[i])), what + " at " + i);
    }
}
