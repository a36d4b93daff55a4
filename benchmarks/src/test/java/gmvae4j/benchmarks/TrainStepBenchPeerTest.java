package gmvae4j.benchmarks;

import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.ScalarKernels;
import gmvae4j.kernels.VectorKernels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The peer rows of {@code bench train}, with a stand-in peer script (no torch, no timing): a row
 * for the user's setting and one for the best when they differ, each naming its kernel. The
 * "best" environment here differs by a marker variable, not by OPENBLAS_CORETYPE.
 */
class TrainStepBenchPeerTest {

    /** What the last {@link #run} printed to its progress stream. */
    private String progress = "";

    private static final TrainStepBench.Case TINY = new TrainStepBench.Case("mixture", 3, 2, new int[] {8});

    private List<TrainStepBench.Row> run(OpenBlasCore.Choice choice) throws Exception { return run(choice, null); }

    private List<TrainStepBench.Row> run(OpenBlasCore.Choice choice, Map<String, String> atenEnv) throws Exception {
        return run(new ScalarKernels(), choice, atenEnv);
    }

    private List<TrainStepBench.Row> run(Kernels kernels, OpenBlasCore.Choice choice, Map<String, String> atenEnv) throws Exception {
        return run(kernels, choice, atenEnv, "cpu");
    }

    private List<TrainStepBench.Row> run(Kernels kernels, OpenBlasCore.Choice choice, Map<String, String> atenEnv, String device)
            throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 for the stand-in peer");
        Path script = Path.of(getClass().getResource("/fake_peer.py").toURI());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TrainStepBench b = new TrainStepBench(kernels, 4, 2, 1, 2, TorchPeer.of(python.toString(), script).onDevice(device),
                choice, atenEnv == null ? List.of() : List.of(atenEnv), new PrintStream(err, true, StandardCharsets.UTF_8), 0L,
                new int[] {4, 8, 16});
        List<TrainStepBench.Row> rows = b.run(TINY);
        progress = err.toString(StandardCharsets.UTF_8);
        assertFalse(progress.contains("peer failed"), progress);
        return rows;
    }

    /** The warm-up stops once two half-second windows in a row are each no more than 2% faster than the one before. */
    @Test
    void warmUpEndsWhenTheStepStopsGettingFaster() {
        assertFalse(TrainStepBench.settled(List.of()));
        assertFalse(TrainStepBench.settled(List.of(5.0, 5.0)), "one comparison is not enough");
        assertFalse(TrainStepBench.settled(List.of(28.2, 11.5, 6.2)), "still compiling");
        assertFalse(TrainStepBench.settled(List.of(6.2, 5.8, 5.8)), "6.5% faster, then level");
        assertFalse(TrainStepBench.settled(List.of(5.0, 5.0, 4.89)), "2.2% faster");
        assertTrue(TrainStepBench.settled(List.of(5.0, 4.91, 4.82)), "1.8% and 1.8% faster");
        assertTrue(TrainStepBench.settled(List.of(5.0, 5.3, 5.2)), "slower, then 1.9% faster: a busy moment, not the JIT");
        assertTrue(TrainStepBench.settled(List.of(9.0, 5.0, 5.0, 5.0)), "only the last three count");
    }

    /** ... and the JIT spent at most 10 ms of the last window compiling. */
    @Test
    void warmUpEndsOnlyWhenTheJitIsQuiet() {
        assertTrue(TrainStepBench.quiet(0));
        assertTrue(TrainStepBench.quiet(TrainStepBench.QUIET_MILLIS));
        assertFalse(TrainStepBench.quiet(TrainStepBench.QUIET_MILLIS + 1), "C2 still compiling the kernels");
    }

    /**
     * Each of the peer's runs takes its warm-up steps before the timed ones, and so does each of our
     * rounds after the first: counted by the products' FLOPs, ours take 1 (the count in run) + 5
     * (the warm-up, at least {@code warmup} steps) + 3 rounds × 2 timed + 2 rounds × 5 steps, and the
     * reference product a sample of 6 calls after each of those 5 warm-up steps (as after each timed
     * step) + 6. Without the rounds' warm-up: 10 steps fewer.
     */
    @Test
    void eachRoundAfterTheFirstStartsWithThePeersWarmUpSteps() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 for the stand-in peer");
        Path script = Path.of(getClass().getResource("/fake_peer.py").toURI());
        ProductFlops one = ProductFlops.counting(new ScalarKernels());
        new TrainStepBench.Ours(TINY.config(), one.kernels(), 4).step();
        double step = one.flops(), sample = 2.0 * 4 * 8 * 16 * 6;
        assertTrue(step > 0, "a step's products counted");
        ProductFlops all = ProductFlops.counting(new ScalarKernels());
        TrainStepBench b = new TrainStepBench(all.kernels(), 4, 2, 5, 3, TorchPeer.of(python.toString(), script),
                new OpenBlasCore.Choice("Haswell", List.of()), List.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 0L, new int[] {4, 8, 16});
        b.run(TINY);
        assertEquals((1 + 5 + 3 * 2 + 2 * 5) * step + (5 + 3 * 2) * sample, all.flops(), 1e-9 * all.flops());
    }

    @Test
    void bothRowsWhenTheUsersSettingDiffers() throws Exception {
        Map<String, String> bestEnv = new HashMap<>(System.getenv());
        bestEnv.put("GMVAE_FAKE_CORE", "BestCore");
        List<TrainStepBench.Row> rows = run(new OpenBlasCore.Choice("Haswell", List.of(new OpenBlasCore.Other("SkylakeX", bestEnv))));
        assertEquals(2, rows.size(), rows.toString());
        TrainStepBench.Row best = rows.get(0), user = rows.get(1);
        assertEquals("best", best.peerSetting());
        assertEquals("BestCore", best.peerKernel());
        assertEquals(2.5, best.peerMs());
        assertEquals("user", user.peerSetting());
        assertEquals("UserCore", user.peerKernel());
        assertEquals(5.0, user.peerMs());
        assertEquals("AVX2", user.peerCapability());
        assertEquals(best.ms(), user.ms(), "one measurement of ours, alternating with both peers");
        String json = TrainStepBench.jsonRows(rows);
        assertTrue(json.contains("\"peer_kernel\":\"BestCore\",\"peer_cpu_capability\":\"AVX2\",\"peer_setting\":\"best\""), json);
        assertTrue(json.contains("\"peer_kernel\":\"UserCore\",\"peer_cpu_capability\":\"AVX2\",\"peer_setting\":\"user\""), json);
        assertTrue(TrainStepBench.line(best).contains("(PyTorch on OpenBLAS BestCore, ATen AVX2, fake-malloc, 1 thread (OpenBLAS 2), best)"),
                TrainStepBench.line(best));
        assertTrue(json.contains("\"peer_allocator\":\"fake-malloc\",\"peer_threads\":1,\"peer_blas_threads\":2"), json);
        assertTrue(best.productGflop() > 0 && best.sgemmGflops() > 0, best.toString());
        assertEquals(best.productGflop() / (best.ms() / 1e3) / best.sgemmGflops(), best.sgemmFraction(), 1e-12);
        assertTrue(json.contains("\"sgemm_fraction\":"), json);
        assertTrue(TrainStepBench.line(best).contains(" of sgemm's "), TrainStepBench.line(best));
        assertTrue(progress.contains("OpenBLAS UserCore, ATen AVX2: 5.00 ms; OpenBLAS BestCore, ATen AVX2: 2.50 ms"), progress);
        // the floor: the products at a given FMA peak, and its ratio to each peer's time
        double peak = 100.0, floor = best.productGflop() / peak * 1e3;
        assertEquals(floor, best.floorMs(peak), 1e-12);
        String withPeak = TrainStepBench.jsonRows(rows, peak);
        assertTrue(withPeak.contains(String.format(java.util.Locale.ROOT, "\"floor_ms\":%.3f,\"floor_ratio\":%.3f}", floor, floor / 2.5)), withPeak);
        assertTrue(withPeak.contains(String.format(java.util.Locale.ROOT, "\"floor_ratio\":%.3f}", floor / 5.0)), withPeak);
        assertFalse(json.contains("floor"), "no floor without a peak: " + json);
        assertTrue(TrainStepBench.floor(best, peak).contains(String.format(java.util.Locale.ROOT, "floor %.2f ms", floor)), TrainStepBench.floor(best, peak));
        assertEquals("", TrainStepBench.floor(best, Double.NaN));
    }

    /** With our products on a GPU, the peer's step goes there too (--device), and the rows say where it ran. */
    @Test
    void thePeerRunsOnTheDeviceItIsGiven() throws Exception {
        List<TrainStepBench.Row> rows = run(new ScalarKernels(), new OpenBlasCore.Choice("Haswell", List.of()), null, "cuda");
        assertEquals("cuda:0", rows.getLast().peerDevice());
        assertTrue(TrainStepBench.line(rows.getLast()).contains("(PyTorch on cuda:0 (GPU), "), TrainStepBench.line(rows.getLast()));
        assertTrue(TrainStepBench.jsonRows(rows).contains("\"peer_device\":\"cuda:0\""), TrainStepBench.jsonRows(rows));
        rows = run(new ScalarKernels(), new OpenBlasCore.Choice("Haswell", List.of()), null, "cpu");
        assertEquals("cpu", rows.getLast().peerDevice());
        assertFalse(TrainStepBench.line(rows.getLast()).contains("GPU"), TrainStepBench.line(rows.getLast()));
    }

    /** ATen's AVX-512 kernels are tried on top of an OpenBLAS core, and kept where faster. */
    @Test
    void atensAvx512KernelsAreKeptWhereFaster() throws Exception {
        Map<String, String> bestEnv = new HashMap<>(System.getenv());
        bestEnv.put("GMVAE_FAKE_CORE", "BestCore");
        OpenBlasCore.Choice choice = new OpenBlasCore.Choice("Haswell", List.of(new OpenBlasCore.Other("SkylakeX", bestEnv)));
        Map<String, String> aten = new HashMap<>(bestEnv);
        aten.put(AtenCapability.VAR, "avx512");
        aten.put("GMVAE_FAKE_ATEN_MS", "1.5");
        List<TrainStepBench.Row> rows = run(choice, aten);
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("best", rows.get(0).peerSetting());
        assertEquals(1.5, rows.get(0).peerMs());
        assertEquals("AVX512", rows.get(0).peerCapability());
        assertEquals("BestCore", rows.get(0).peerKernel());
        assertEquals(5.0, rows.get(1).peerMs());
        assertTrue(progress.contains("OpenBLAS BestCore, ATen AVX512: 1.50 ms"), progress);

        aten.put("GMVAE_FAKE_ATEN_MS", "4.0");   // slower than AVX2 on the best core: not kept
        rows = run(choice, aten);
        assertEquals(2.5, rows.get(0).peerMs());
        assertEquals("AVX2", rows.get(0).peerCapability());
        assertTrue(progress.contains("OpenBLAS BestCore, ATen AVX512: 4.00 ms"), progress);
    }

    /** Where ours runs on two threads, every setting is also tried on one, and kept where faster. */
    @Test
    void thePeerOnOneThreadIsTriedAndKeptWhereFaster() throws Exception {
        Map<String, String> bestEnv = new HashMap<>(System.getenv());
        bestEnv.put("GMVAE_FAKE_CORE", "BestCore");
        bestEnv.put("GMVAE_FAKE_ONE_THREAD_MS", "1.0");
        List<TrainStepBench.Row> rows = run(new VectorKernels(2), new OpenBlasCore.Choice("Haswell", List.of(new OpenBlasCore.Other("SkylakeX", bestEnv))), null);
        assertEquals(2, rows.size(), rows.toString());
        TrainStepBench.Row best = rows.get(0), user = rows.get(1);
        assertEquals(1.0, best.peerMs());
        assertEquals(1, best.peerThreads());
        assertEquals(2, best.threads(), "ours on two threads");
        assertEquals(5.0, user.peerMs());
        assertEquals(2, user.peerThreads());
        assertTrue(progress.contains("OpenBLAS UserCore, ATen AVX2: 5.00 ms; OpenBLAS BestCore, ATen AVX2: 2.50 ms; "
                + "OpenBLAS BestCore, ATen AVX2, 1 thread (OpenBLAS 2): 1.00 ms"), progress);
        // the user's own setting on one thread is tried too (it may be the peer's best: on a Zen 4 the detected core can be)
        assertTrue(progress.contains("; OpenBLAS UserCore, ATen AVX2, 1 thread (OpenBLAS 2): 5.00 ms"), progress);
        assertTrue(TrainStepBench.line(best).contains("ATen AVX2, fake-malloc, 1 thread (OpenBLAS 2), best)"), TrainStepBench.line(best));
        assertTrue(TrainStepBench.line(user).contains("ATen AVX2, fake-malloc, 2 threads, user)"), TrainStepBench.line(user));
    }

    /** With no other OpenBLAS core to try, the ATen alternative alone makes the second row; the user's setting may win it. */
    @Test
    void theUsersOwnSettingCanBeTheBest() throws Exception {
        Map<String, String> aten = new HashMap<>(System.getenv());
        aten.put(AtenCapability.VAR, "avx512");
        aten.put("GMVAE_FAKE_ATEN_MS", "6.0");
        List<TrainStepBench.Row> rows = run(new OpenBlasCore.Choice(null, List.of()), aten);
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("best", rows.get(0).peerSetting());
        assertEquals(5.0, rows.get(0).peerMs(), "AVX-512 was slower: the best is the user's own setting");
        assertEquals("AVX2", rows.get(0).peerCapability());
        assertEquals("user", rows.get(1).peerSetting());
    }

    @Test
    void oneRowWhenThereIsNoOtherSetting() throws Exception {
        List<TrainStepBench.Row> rows = run(new OpenBlasCore.Choice(null, List.of()));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("user", rows.get(0).peerSetting());
        assertEquals("UserCore", rows.get(0).peerKernel());
    }

    @Test
    void oneRowWithoutAPeerEvenWhereTheSettingsDiffer() {
        Map<String, String> bestEnv = new HashMap<>(System.getenv());
        TrainStepBench b = new TrainStepBench(new ScalarKernels(), 4, 2, 1, 2, null,
                new OpenBlasCore.Choice("Haswell", List.of(new OpenBlasCore.Other("SkylakeX", bestEnv))), List.of(bestEnv),
                new PrintStream(new ByteArrayOutputStream()), 0L,
                new int[] {4, 8, 16});
        List<TrainStepBench.Row> rows = b.run(TINY);
        assertEquals(1, rows.size(), "no peer ran, so no second setting to show: " + rows);
        assertEquals(null, rows.get(0).peerMs());
        assertTrue(rows.get(0).ms() > 0, rows.toString());
    }
}
