package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The peer rows of {@code bench kernels}: which kernel ran, and both settings when the user's
 * differs from the best. The "tiny" options time one small shape for milliseconds: plumbing, not
 * speed (nothing here asserts a time). OPENBLAS_CORETYPE is never changed: the child gets this
 * process's own environment.
 */
class KernelBenchPeerTest {

    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    private KernelBench tiny() {
        return new KernelBench(new KernelBench.Options(new int[] {1}, false, true, false),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    @Test
    void kernelAndShapeFiltersKeepOnlyTheRowsAskedForAndReachTheChild() {
        KernelBench.Options o = new KernelBench.Options(new int[] {1}, false, false, false, "conv2d", "1x28x28", 0);
        assertTrue(o.wants("conv2d", "128x1x28x28->32,3x3,s1,p1"));
        assertFalse(o.wants("conv2d", "128x32x14x14->64,3x3,s1,p1"));
        assertFalse(o.wants("sgemm", "128x784x512"));
        assertTrue(String.join(" ", o.childArgs()).contains("--kernel conv2d --shape 1x28x28"), o.childArgs().toString());
        assertFalse(o.childArgs().contains("--samples"), "the default count is the child's own default");
        KernelBench.Options more = new KernelBench.Options(new int[] {1}, false, false, false, null, null, 12);
        assertTrue(String.join(" ", more.childArgs()).endsWith("--samples 12"), more.childArgs().toString());
        // no sgemm row matches: nothing is measured and no child is started for the best-kernel rows
        KernelBench b = new KernelBench(new KernelBench.Options(new int[] {1}, false, true, false, "sgemm", "no-such-shape", 0),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        List<KernelBench.Row> rows = b.run(skylakeXToo(), c -> { throw new AssertionError("child started for no rows"); });
        assertTrue(rows.isEmpty(), rows.toString());
    }

    @Test
    void roundsKeepEachSidesBestPerCaseInFirstMeasuredOrder() {
        KernelBench.Row a1 = new KernelBench.Row("sgemm", "128x784x512", "NN", 2, 240, "openblas", 250.0, "SkylakeX", "other", 0L);
        KernelBench.Row b1 = new KernelBench.Row("sgemm", "128x784x512", "NT", 2, 250, "openblas", 240.0, "SkylakeX", "other", 64L);
        KernelBench.Row u1 = new KernelBench.Row("sgemm", "128x784x512", "NN", 2, 230, "openblas", 150.0, "Haswell", "user", 0L);
        // round 2: ours faster on NN, the peer slower; on NT ours slower, the peer faster
        KernelBench.Row a2 = new KernelBench.Row("sgemm", "128x784x512", "NN", 2, 260, "openblas", 245.0, "SkylakeX", "other", 32L);
        KernelBench.Row b2 = new KernelBench.Row("sgemm", "128x784x512", "NT", 2, 210, "openblas", 255.0, "SkylakeX", "other", 0L);
        List<KernelBench.Row> best = KernelBench.bestOfRounds(List.of(a1, b1, u1, a2, b2));
        assertEquals(List.of(
                new KernelBench.Row("sgemm", "128x784x512", "NN", 2, 260, "openblas", 250.0, "SkylakeX", "other", 32L),
                new KernelBench.Row("sgemm", "128x784x512", "NT", 2, 250, "openblas", 255.0, "SkylakeX", "other", 64L),
                u1), best);
        KernelBench.Row conv = new KernelBench.Row("conv2d", "c", "fwd", 1, 100, "sgemm 307^3", 180.0, null, null, null);
        KernelBench.Row conv2 = new KernelBench.Row("conv2d", "c", "fwd", 1, 90, "sgemm 307^3", 190.0, null, null, 8L);
        assertEquals(List.of(new KernelBench.Row("conv2d", "c", "fwd", 1, 100, "sgemm 307^3", 190.0, null, null, 8L)),
                KernelBench.bestOfRounds(List.of(conv, conv2)));
        // no OpenBLAS: no peer figure in any round
        KernelBench.Row alone = new KernelBench.Row("sgemm", "16x24x32", "NN", 1, 3.5, null, null, null, null, null);
        KernelBench.Row alone2 = new KernelBench.Row("sgemm", "16x24x32", "NN", 1, 4.5, null, null, null, null, null);
        assertEquals(List.of(alone2), KernelBench.bestOfRounds(List.of(alone, alone2)));
    }

    @Test
    void eachMergedConvRowKeepsTheFloorOfItsLeastDisturbedRound() {
        KernelBench.Row r1 = new KernelBench.Row("conv2d", "c", "fwd", 1, 100, "sgemm", 180.0, null, null, null);
        KernelBench.Row r2 = new KernelBench.Row("conv2d", "c", "fwd", 1, 90, "sgemm", 190.0, null, null, null);
        KernelBench.Row s1 = new KernelBench.Row("sgemm", "c", "NN", 1, 90, "openblas", 80.0, "SkylakeX", "other", null);
        MemoryFloor.Bound slow = new MemoryFloor.Bound(null, null, 300), fast = new MemoryFloor.Bound(null, null, 400);
        java.util.Map<KernelBench.Row, MemoryFloor.Bound> floors = new java.util.IdentityHashMap<>(Map.of(r1, slow, r2, fast));
        List<KernelBench.Row> merged = KernelBench.bestOfRounds(List.of(r1, s1, r2));
        java.util.Map<KernelBench.Row, MemoryFloor.Bound> best = KernelBench.bestFloors(List.of(r1, s1, r2), merged, floors);
        assertEquals(1, best.size(), best.toString());
        assertTrue(best.get(merged.get(0)) == fast, best.toString());
    }

    @Test
    void roundsReachTheChildAndARunReturnsOneRowPerCase() {
        KernelBench.Options o = new KernelBench.Options(new int[] {1}, false, true, false, null, null, 0, 3);
        assertTrue(String.join(" ", o.childArgs()).endsWith("--rounds 3"), o.childArgs().toString());
        assertFalse(new KernelBench.Options(new int[] {1}, false, true, false).childArgs().contains("--rounds"));
        KernelBench b = new KernelBench(new KernelBench.Options(new int[] {1}, false, true, false, "sgemm", null, 0, 3),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        int[] cpus = CpuAffinity.allowed();
        List<KernelBench.Row> rows = b.run(new OpenBlasCore.Choice(null, List.of()), c -> {
            throw new AssertionError("no child when there is no other kernel family");
        });
        assertEquals(4, rows.stream().filter(r -> !"best".equals(r.peerSetting())).count(), "one row per form over three rounds: " + rows);
        String table = progress.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("round 3 of 3:") && table.contains("best of 3 rounds"), table);
        // each round's one-thread rows on the next CPU, and the thread's CPUs given back after
        assertTrue(cpus.length > 1, "these tests run on at least two CPUs: " + java.util.Arrays.toString(cpus));
        assertTrue(table.contains("one-thread rows of this round on cpu " + cpus[0] + "\n")
                && table.contains("one-thread rows of this round on cpu " + cpus[1] + "\n"), table);
        assertArrayEquals(cpus, CpuAffinity.allowed());
        assertTrue(KernelBench.json(rows, "test", b.peerInfo(), b.fmaPeak(), b.memoryFloors(), 3).contains("\"rounds\":3,"));
    }

    @Test
    void rowsSurviveTheTripFromTheChild() {
        KernelBench.Row full = new KernelBench.Row("sgemm", "128x784x512", "NT", 2, 251.25, "openblas", 230.5, "SkylakeX", "other", 4096L);
        assertEquals(full, KernelBench.Row.fromTsv(full.toTsv()));
        KernelBench.Row bare = new KernelBench.Row("sgemm", "16x24x32", "NN", 1, 3.5, null, null, null, null, null);
        assertEquals(bare, KernelBench.Row.fromTsv(bare.toTsv()));
    }

    /** A choice whose other family is SkylakeX, with a child environment nobody starts (the tests hand in the child's rows). */
    private static OpenBlasCore.Choice skylakeXToo() {
        return new OpenBlasCore.Choice("Haswell", List.of(new OpenBlasCore.Other("SkylakeX", Map.of(OpenBlasCore.VAR, "SkylakeX"))));
    }

    @Test
    void everySettingsRowsEachNamingItsKernelAndTheFasterPeerMarkedBest() {
        assumeTrue(OpenBlas.isAvailable(), "needs libopenblas: " + OpenBlas.unavailableReason());
        String here = OpenBlas.coreName();
        assertFalse(here.isBlank() || here.equals("?"), "openblas_get_corename: " + here);
        // the child's peer far faster than any real one on this tiny shape: its row is the best
        KernelBench.Row fromChild = new KernelBench.Row("sgemm", "16x24x32", "NN", 1, 10, "openblas", 1e6, "SkylakeX", "other", 0L);
        OpenBlasCore.Other[] asked = {null};
        KernelBench b = tiny();
        List<KernelBench.Row> rows = b.run(skylakeXToo(), o -> {
            asked[0] = o;
            return new KernelBench.ChildRun(List.of(fromChild), "OpenBLAS x SkylakeX");
        });
        assertEquals(skylakeXToo().others().get(0), asked[0]);
        assertTrue(rows.contains(fromChild), rows.toString());
        KernelBench.Row user = rows.stream().filter(r -> "user".equals(r.peerSetting())).findFirst().orElseThrow();
        assertEquals("16x24x32", user.shape());
        assertEquals(here, user.peerKernel());
        assertNotNull(user.peerGflops());
        List<KernelBench.Row> best = rows.stream().filter(r -> "best".equals(r.peerSetting())).toList();
        assertEquals(4, best.size(), "one best row per form: " + rows);
        KernelBench.Row nn = best.stream().filter(r -> r.trans().equals("NN")).findFirst().orElseThrow();
        assertEquals(new KernelBench.Row("sgemm", "16x24x32", "NN", 1, 10, "openblas", 1e6, "SkylakeX", "best", 0L), nn);
        // the forms the child did not measure: the user's rows are the best there
        for (KernelBench.Row r : best)
            if (!r.trans().equals("NN")) assertEquals(here, r.peerKernel(), r.toString());
        String json = KernelBench.json(rows, "test", b.peerInfo());
        assertTrue(json.contains("\"peer_kernel\":\"SkylakeX\",\"peer_setting\":\"other\""), json);
        assertTrue(json.contains("\"peer_kernel\":\"SkylakeX\",\"peer_setting\":\"best\""), json);
        assertTrue(json.contains("\"peer_kernel\":\"" + here + "\",\"peer_setting\":\"user\""), json);
        assertTrue(json.contains("\"others\":[\"SkylakeX\"],\"others_measured\":true")
                && json.contains("\"other_configs\":[\"OpenBLAS x SkylakeX\"]"), json);
        String table = progress.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("(openblas " + here + ", user)") && table.contains("(openblas SkylakeX, best)"), table);
    }

    @Test
    void theBestRowIsTheFastestPeerOfEachCaseWithOursFromItsProcess() {
        KernelBench.Row u = new KernelBench.Row("sgemm", "s", "NN", 1, 100, "openblas", 95.0, "Cooperlake", "user", 0L);
        KernelBench.Row o = new KernelBench.Row("sgemm", "s", "NN", 1, 98, "openblas", 104.0, "Haswell", "other", 0L);
        KernelBench.Row u2 = new KernelBench.Row("sgemm", "s", "NN", 2, 190, "openblas", 180.0, "Cooperlake", "user", 0L);
        KernelBench.Row o2 = new KernelBench.Row("sgemm", "s", "NN", 2, 185, "openblas", 170.0, "Haswell", "other", 0L);
        KernelBench.Row conv = new KernelBench.Row("conv2d", "c", "fwd", 1, 100, "sgemm", 180.0, null, null, null);
        List<KernelBench.Row> all = KernelBench.withBest(List.of(u, o, u2, o2, conv));
        assertEquals(List.of(u, o, u2, o2, conv,
                new KernelBench.Row("sgemm", "s", "NN", 1, 98, "openblas", 104.0, "Haswell", "best", 0L),
                new KernelBench.Row("sgemm", "s", "NN", 2, 190, "openblas", 180.0, "Cooperlake", "best", 0L)), all);
        assertEquals(98.0 / 104.0, all.get(5).ratio(), 1e-12);
        // no peer (no OpenBLAS): no best rows
        KernelBench.Row alone = new KernelBench.Row("sgemm", "s", "NN", 1, 3.5, null, null, null, null, null);
        assertEquals(List.of(alone), KernelBench.withBest(List.of(alone)));
    }

    @Test
    void withoutAnotherFamilyNoChildAndTheUsersRowsAreTheBest() {
        assumeTrue(OpenBlas.isAvailable(), "needs libopenblas: " + OpenBlas.unavailableReason());
        KernelBench b = tiny();
        List<KernelBench.Row> rows = b.run(new OpenBlasCore.Choice(null, List.of()), c -> {
            throw new AssertionError("no child when there is no other kernel family");
        });
        assertEquals(8, rows.size(), "one row per form, then its copy marked best: " + rows);
        for (int i = 0; i < 4; i++) {
            KernelBench.Row r = rows.get(i), b4 = rows.get(i + 4);
            assertTrue("user".equals(r.peerSetting()) && OpenBlas.coreName().equals(r.peerKernel()), r.toString());
            assertEquals("best", b4.peerSetting());
            assertEquals(r.peerGflops(), b4.peerGflops());
            assertEquals(r.gflops(), b4.gflops());
        }
        assertFalse(b.peerInfo().othersMeasured());
        assertTrue(b.peerInfo().otherConfigs().isEmpty());
    }

    @Test
    void theChildJvmReportsItsRowsAndKernel() {
        assumeTrue(OpenBlas.isAvailable(), "needs libopenblas: " + OpenBlas.unavailableReason());
        // the child gets this process's environment unchanged, so it must load the same core
        KernelBench.ChildRun run = tiny().inChild(new OpenBlasCore.Other("x", System.getenv()));
        assertEquals(4, run.rows().size(), "rows from the child; its output: " + progress.toString(StandardCharsets.UTF_8));
        for (KernelBench.Row r : run.rows()) {
            assertEquals("other", r.peerSetting());
            assertEquals(OpenBlas.coreName(), r.peerKernel());
            assertTrue(r.gflops() > 0 && r.peerGflops() > 0, r.toString());
        }
        assertEquals(OpenBlas.config(), run.config());
        assertNotEquals(-1, progress.toString(StandardCharsets.UTF_8).indexOf("16x24x32"), "the child's table lines are passed on");
    }
}
