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
        long seed = 100;
        for (int[] s : SgemmCases.ODD_SIZES)
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true})
                    for (float beta : new float[] {0f, 0.5f}) {
                        SgemmCases.Case c = SgemmCases.Case.random(ta, tb, s[0], s[1], s[2], 1.25f, beta, seed++);
                        float[] expected = c.expected();
                        try (DeviceBuffer a = DeviceBuffer.of(ctx, c.a()); DeviceBuffer b = DeviceBuffer.of(ctx, c.b());
                             DeviceBuffer dc = DeviceBuffer.of(ctx, c.c())) {
                            ctx.blas().sgemm(ta, tb, c.m(), c.n(), c.k(), c.alpha(), a, c.aOff(), c.lda(),
                                    b, c.bOff(), c.ldb(), c.beta(), dc, c.cOff(), c.ldc());
                            c.assertMatches(expected, dc.download(), "cuBLAS " + c.describe());
                        }
                    }
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
}
