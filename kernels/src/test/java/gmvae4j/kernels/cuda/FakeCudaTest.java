package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gmvae4j.kernels.ScalarKernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole binding stack (finder, FFM downcalls, status checks, staging copies, the
 * row-major-through-column-major sgemm trick) against a fake libcudart/libcublas compiled
 * from {@code fake_cuda.c} with gcc: real native calls, CPU arithmetic. The fake cuBLAS is
 * column-major as documented by NVIDIA, so a wrong operand swap or transpose flag in
 * {@link CudaBlas} fails here. Skipped, with the reason, where gcc is missing.
 * Nothing here runs on a GPU; {@link CudaGpuTest} does that where one exists.
 */
class FakeCudaTest {

    @TempDir static Path tmp;
    static Path ok;                  // fake runtime + cuBLAS, one device
    static CudaContext ctx;
    static MethodHandle liveAllocations, memcpyCalls;
    static Arena probeArena;

    @BeforeAll
    static void buildFakeLibraries() throws Exception {
        ok = tmp.resolve("ok");
        compile(ok.resolve("libcudart.so.12"), "-DFAKE_CUDART");
        compile(ok.resolve("libcublas.so.12"), "-DFAKE_CUBLAS");
        compile(ok.resolve("libcuda.so.1"), "-DFAKE_CUDA_DRIVER");
        ctx = CudaBackend.open(List.of(ok), 0);
        // counters the fake runtime keeps, read through the same library instance
        probeArena = Arena.ofShared();
        SymbolLookup rt = SymbolLookup.libraryLookup(ok.resolve("libcudart.so.12"), probeArena);
        Linker l = Linker.nativeLinker();
        liveAllocations = l.downcallHandle(rt.find("fake_live_allocations").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
        memcpyCalls = l.downcallHandle(rt.find("fake_memcpy_calls").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
    }

    @AfterAll
    static void close() {
        if (ctx != null) ctx.close();
        if (probeArena != null) probeArena.close();
    }

    /** Compiles fake_cuda.c with gcc, or skips the test class saying why. */
    static void compile(Path out, String... defines) throws IOException, InterruptedException {
        Files.createDirectories(out.getParent());
        Path src = tmp.resolve("fake_cuda.c");
        if (!Files.exists(src))
            try (InputStream in = FakeCudaTest.class.getResourceAsStream("fake_cuda.c")) {
                Files.copy(in, src);
            }
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-Wl,-z,noexecstack",
                "-o", out.toString()));
        cmd.addAll(List.of(defines));
        cmd.add(src.toString());
        cmd.add("-lm");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not on the PATH, so the fake CUDA libraries cannot be built: " + e.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        assertEquals(0, p.exitValue(), "gcc failed: " + log);
    }

    static long live() throws Throwable { return (long) liveAllocations.invokeExact(); }

    static long memcpys() throws Throwable { return (long) memcpyCalls.invokeExact(); }

    // ---------------------------------------------------------------- opening and probing

    @Test
    void opensAndDescribesTheDevice() {
        assertEquals("Fake CUDA device (CPU)", ctx.deviceName());
        String d = ctx.description();
        assertTrue(d.startsWith("Fake CUDA device (CPU) (device 0 of 1), CUDA runtime 12.4, driver 12.4, cuBLAS 120402; "), d);
        assertTrue(d.contains(ok.resolve("libcublas.so.12").toString()), d);
        assertTrue(CudaBackend.probe(List.of(ok)).available());
    }

    @Test
    void zeroDevicesIsExplained() throws Exception {
        Path dir = tmp.resolve("nodevice");
        compile(dir.resolve("libcudart.so.12"), "-DFAKE_CUDART", "-DFAKE_DEVICES=0");
        compile(dir.resolve("libcublas.so.12"), "-DFAKE_CUBLAS");
        CudaBackend.Probe p = CudaBackend.probe(List.of(dir));
        assertFalse(p.available());
        assertEquals("cudaGetDeviceCount returned 0 devices", p.reason());
    }

    @Test
    void missingDriverIsExplainedWithTheRuntimesOwnWords() throws Exception {
        Path dir = tmp.resolve("nodriver");
        compile(dir.resolve("libcudart.so.12"), "-DFAKE_CUDART", "-DFAKE_COUNT_STATUS=35");
        CudaBackend.Probe p = CudaBackend.probe(List.of(dir));   // no cuBLAS either: the driver is reported first
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("cudaGetDeviceCount failed: CUDA driver version is insufficient for "
                + "CUDA runtime version (cudaError 35; runtime " + dir.resolve("libcudart.so.12")), p.reason());
        assertTrue(p.reason().contains("none (no NVIDIA driver loaded)"), p.reason());
    }

    @Test
    void runtimeWithoutCublasIsExplained() throws Exception {
        Path dir = tmp.resolve("nocublas");
        compile(dir.resolve("libcudart.so.12"), "-DFAKE_CUDART");
        CudaBackend.Probe p = CudaBackend.probe(List.of(dir));
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("no libcublas.so.* found in: " + dir), p.reason());
    }

    @Test
    void deviceOutOfRangeIsExplained() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaBackend.open(List.of(ok), 3));
        assertTrue(e.getMessage().startsWith("CUDA device 3 requested"), e.getMessage());
        assertTrue(e.getMessage().contains("only 1 present"), e.getMessage());
    }

    // ---------------------------------------------------------------- memory

    @Test
    void deviceBufferRoundTripCrossesStagingChunks() throws Throwable {
        int n = (int) (CudaContext.STAGING_BYTES / Float.BYTES) * 2 + 12345;   // three chunks
        float[] host = SgemmCases.fill(new Random(1), n);
        long before = live();
        try (DeviceBuffer d = DeviceBuffer.allocate(ctx, n + 10)) {
            assertEquals(before + 1, live());
            d.upload(host, 0, 10, n);
            float[] back = new float[n + 3];
            d.download(10, back, 3, n);
            for (int i = 0; i < n; i += 997) assertEquals(host[i], back[i + 3], "element " + i);
            assertEquals(host[n - 1], back[n + 2]);
        }
        assertEquals(before, live(), "close() must cudaFree");
    }

    @Test
    void zeroAndDeviceToDeviceCopy() {
        float[] x = {1, 2, 3, 4, 5, 6};
        try (DeviceBuffer a = DeviceBuffer.of(ctx, x); DeviceBuffer b = DeviceBuffer.allocate(ctx, 6)) {
            b.zero(0, 6);
            b.copyFrom(a, 1, 2, 3);
            assertArrayEquals(new float[] {0, 0, 2, 3, 4, 0}, b.download());
            a.zero(4, 2);
            assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0}, a.download());
        }
    }

    @Test
    void boundsAreCheckedBeforeAnyNativeCall() {
        try (DeviceBuffer d = DeviceBuffer.allocate(ctx, 8)) {
            assertThrows(IndexOutOfBoundsException.class, () -> d.upload(new float[8], 0, 1, 8));
            assertThrows(IndexOutOfBoundsException.class, () -> d.download(0, new float[4], 0, 5));
            // a 3x3 product needs 9 floats of C
            assertThrows(IndexOutOfBoundsException.class, () -> ctx.blas().sgemm(false, false, 3, 3, 1,
                    1f, d, 0, 1, d, 0, 3, 0f, d, 0, 3));
            assertThrows(IllegalArgumentException.class, () -> ctx.blas().sgemm(false, false, 2, 2, 2,
                    1f, d, 0, 1, d, 0, 2, 0f, d, 4, 2), "lda 1 < k 2");
        }
        DeviceBuffer closed = DeviceBuffer.allocate(ctx, 1);
        closed.close();
        closed.close();   // idempotent
        assertThrows(IllegalStateException.class, () -> closed.upload(new float[1], 0, 0, 1));
    }

    @Test
    void cudaErrorsNameTheCallAndTheRuntimesMessage() {
        CudaException e = assertThrows(CudaException.class, () -> DeviceBuffer.allocate(ctx, 2L << 30));
        assertEquals("cudaMalloc(8589934592 bytes) failed: out of memory (cudaError 2)", e.getMessage());
        assertEquals(2, e.status());
    }

    @Test
    void cublasErrorsNameTheCallAndTheStatus() {
        try (Arena arena = Arena.ofConfined()) {
            Cublas lib = Cublas.load(new CudaLibraries.Candidate(ok.resolve("libcublas.so.12"), 12), arena);
            MemorySegment h = lib.create();
            MemorySegment x = arena.allocate(64);
            CudaException e = assertThrows(CudaException.class,
                    () -> lib.sgemm(h, Cublas.OP_N, Cublas.OP_N, 4, 4, 4, 1f, x, 1, x, 4, 0f, x, 4));
            assertEquals("cublasSgemm_v2(NN, m=4, n=4, k=4, lda=1, ldb=4, ldc=4) failed: "
                    + "CUBLAS_STATUS_INVALID_VALUE (cublasStatus 7)", e.getMessage());
            lib.destroy(h);
        }
    }

    // ---------------------------------------------------------------- BLAS on device buffers

    @Test
    void sgemmAllFourTransposeFormsOnOddSizes() {
        SgemmCases.checkDeviceSgemmAllForms(ctx, 0, "CudaBlas");
    }

    @Test
    void sgemmWithBetaZeroIgnoresNaNsInC() {
        SgemmCases.Case c = SgemmCases.Case.random(false, true, 9, 11, 13, 1f, 0f, 42);
        float[] expected = c.expected();
        float[] poisoned = c.c().clone();
        for (int i = 0; i < c.m(); i++) for (int j = 0; j < c.n(); j++) poisoned[c.cOff() + i * c.ldc() + j] = Float.NaN;
        try (DeviceBuffer a = DeviceBuffer.of(ctx, c.a()); DeviceBuffer b = DeviceBuffer.of(ctx, c.b());
             DeviceBuffer dc = DeviceBuffer.of(ctx, poisoned)) {
            ctx.blas().sgemm(false, true, c.m(), c.n(), c.k(), 1f, a, c.aOff(), c.lda(), b, c.bOff(), c.ldb(),
                    0f, dc, c.cOff(), c.ldc());
            c.assertMatches(expected, dc.download(), "beta = 0 over NaNs");
        }
    }

    @Test
    void cudaKernelsCopiesBigProductsAndLeavesSmallOnesOnTheCpu() throws Throwable {
        try (CudaKernels k = new CudaKernels(ctx, new ScalarKernels(), 1000)) {
            assertTrue(k.name().startsWith("cuda(Fake CUDA device (CPU), sgemm only)+scalar"), k.name());
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true})
                    for (float beta : new float[] {0f, -0.75f}) {
                        SgemmCases.Case c = SgemmCases.Case.random(ta, tb, 17, 23, 29, 0.5f, beta, 7);
                        float[] expected = c.expected();
                        float[] actual = c.c().clone();
                        long before = memcpys();
                        k.sgemm(ta, tb, c.m(), c.n(), c.k(), c.alpha(), c.a(), c.aOff(), c.lda(), c.b(), c.bOff(), c.ldb(),
                                c.beta(), actual, c.cOff(), c.ldc());
                        assertTrue(memcpys() > before, "17*23*29 >= 1000 must run on the device");
                        c.assertMatches(expected, actual, "CudaKernels " + c.describe());
                    }
            SgemmCases.Case small = SgemmCases.Case.random(false, false, 5, 5, 5, 1f, 0f, 8);
            float[] expected = small.expected();
            float[] actual = small.c().clone();
            long before = memcpys();
            k.sgemm(false, false, 5, 5, 5, 1f, small.a(), small.aOff(), small.lda(), small.b(), small.bOff(), small.ldb(),
                    0f, actual, small.cOff(), small.ldc());
            assertEquals(before, memcpys(), "125 < 1000 must stay on the CPU");
            small.assertMatches(expected, actual, "small product on the CPU");
            // the other kernels are the CPU's
            float[] out = new float[3];
            k.add(3, new float[] {1, 2, 3}, 0, new float[] {10, 20, 30}, 0, out, 0);
            assertArrayEquals(new float[] {11, 22, 33}, out);
        }
    }

    @Test
    void geamTransposesAndAdds() {
        // A is 2x3 row-major; C = 2·Aᵀ + 1·B with B 3x2
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {10, 20, 30, 40, 50, 60};
        try (DeviceBuffer da = DeviceBuffer.of(ctx, a); DeviceBuffer db = DeviceBuffer.of(ctx, b);
             DeviceBuffer dc = DeviceBuffer.allocate(ctx, 6)) {
            ctx.blas().geam(true, false, 3, 2, 2f, da, 0, 3, 1f, db, 0, 2, dc, 0, 2);
            assertArrayEquals(new float[] {12, 28, 34, 50, 56, 72}, dc.download());
        }
    }

    @Test
    void vectorOpsAxpyScaleMul() {
        try (DeviceBuffer x = DeviceBuffer.of(ctx, new float[] {1, 2, 3, 4});
             DeviceBuffer y = DeviceBuffer.of(ctx, new float[] {10, 20, 30, 40});
             DeviceBuffer out = DeviceBuffer.allocate(ctx, 4)) {
            ctx.blas().axpy(3, 2f, x, 1, y, 0);            // y[0..3) += 2·x[1..4)
            assertArrayEquals(new float[] {14, 26, 38, 40}, y.download());
            ctx.blas().scale(2, 0.5f, y, 2);
            assertArrayEquals(new float[] {14, 26, 19, 20}, y.download());
            ctx.blas().mul(4, x, 0, y, 0, out, 0);
            assertArrayEquals(new float[] {14, 52, 57, 80}, out.download());
        }
    }

    @Test
    void rowAndColumnScalingAndBiasHelpers() {
        float[] x = {1, 2, 3, 4, 5, 6};           // 2x3
        try (DeviceBuffer dx = DeviceBuffer.of(ctx, x);
             DeviceBuffer cols = DeviceBuffer.of(ctx, new float[] {1, 10, 100});
             DeviceBuffer rows = DeviceBuffer.of(ctx, new float[] {2, -1});
             DeviceBuffer ones = DeviceBuffer.of(ctx, new float[] {1, 1});
             DeviceBuffer out = DeviceBuffer.allocate(ctx, 6);
             DeviceBuffer sums = DeviceBuffer.of(ctx, new float[] {1, 1, 1})) {
            ctx.blas().scaleColumns(2, 3, dx, 0, 3, cols, 0, out, 0, 3);
            assertArrayEquals(new float[] {1, 20, 300, 4, 50, 600}, out.download());
            ctx.blas().scaleRows(2, 3, dx, 0, 3, rows, 0, out, 0, 3);
            assertArrayEquals(new float[] {2, 4, 6, -4, -5, -6}, out.download());
            ctx.blas().addRowAcc(2, 3, cols, 0, ones, out, 0, 3);
            assertArrayEquals(new float[] {3, 14, 106, -3, 5, 94}, out.download());
            ctx.blas().colSumsAcc(2, 3, dx, 0, 3, ones, sums, 0);
            assertArrayEquals(new float[] {6, 8, 10}, sums.download());
        }
    }

    // ---------------------------------------------------------------- our kernels (fake driver)

    @Test
    void elementwiseKernelsPassIntFloatAndPointerArguments() {
        ScalarKernels ref = new ScalarKernels();
        Random r = new Random(5);
        int n = 1000;
        float[] x = SgemmCases.fill(r, n + 3);
        CudaElementwise ew = ctx.elementwise();
        try (DeviceBuffer dx = DeviceBuffer.of(ctx, x); DeviceBuffer out = DeviceBuffer.allocate(ctx, n + 3)) {
            out.zero(0, n + 3);
            ew.relu(n, dx, 3, out, 1);
            float[] expected = new float[n + 3];
            ref.relu(n, x, 3, expected, 1);
            assertArrayEquals(expected, out.download());

            ew.rowSoftmax(10, 100, dx, 0, out, 0);
            ref.rowSoftmax(10, 100, x, 0, expected, 0);
            float[] got = out.download();
            for (int i = 0; i < n; i++) assertEquals(expected[i], got[i], 1e-6f, "softmax " + i);
        }
        float[] p = SgemmCases.fill(r, n), g = SgemmCases.fill(r, n), m = SgemmCases.fill(r, n), v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Math.abs(m[i]);
        try (DeviceBuffer dp = DeviceBuffer.of(ctx, p); DeviceBuffer dg = DeviceBuffer.of(ctx, g);
             DeviceBuffer dm = DeviceBuffer.of(ctx, m); DeviceBuffer dv = DeviceBuffer.of(ctx, v)) {
            ew.adam(n, dp, 0, dg, 0, dm, 0, dv, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f);
            ref.adam(n, p, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f);
            float[] gp = dp.download(), gm = dm.download(), gv = dv.download();
            for (int i = 0; i < n; i++) {
                assertEquals(p[i], gp[i], 1e-6f, "adam p " + i);
                assertEquals(m[i], gm[i], 1e-6f, "adam m " + i);
                assertEquals(v[i], gv[i], 1e-6f, "adam v " + i);
            }
        }
        float[] logits = SgemmCases.fill(r, n), targets = new float[n];
        for (int i = 0; i < n; i++) { logits[i] *= 20; targets[i] = r.nextFloat(); }
        try (DeviceBuffer dl = DeviceBuffer.of(ctx, logits); DeviceBuffer dt = DeviceBuffer.of(ctx, targets);
             DeviceBuffer loss = DeviceBuffer.allocate(ctx, n); DeviceBuffer grad = DeviceBuffer.allocate(ctx, n)) {
            ew.bceWithLogits(n, dl, 0, dt, 0, loss, 0, grad, 0, 0.5f);
            float[] expectedGrad = new float[n];
            double total = ref.bceWithLogits(n, logits, 0, targets, 0, expectedGrad, 0, 0.5f);
            double sum = 0;
            for (float l : loss.download()) sum += l;
            assertEquals(total, sum, 1e-3 * total);
            assertArrayEquals(expectedGrad, grad.download(), 1e-6f);
        }
    }

    @Test
    void kernelLaunchFailuresNameTheKernel() {
        try (DeviceBuffer d = DeviceBuffer.allocate(ctx, 4)) {
            CudaException e = assertThrows(CudaException.class, () -> ctx.elementwise().exp(4, d, 0, d, 0));
            assertEquals("cuLaunchKernel(gmvae_exp, grid 1, block 256) failed: operation not supported (CUresult 801)",
                    e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> ctx.elementwise().relu(5, d, 0, d, 0));
        }
    }
}
