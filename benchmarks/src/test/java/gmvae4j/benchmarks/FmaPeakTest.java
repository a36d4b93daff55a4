package gmvae4j.benchmarks;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FMA peak of {@code bench kernels}: its loop does the FMAs it counts, and a run reports the
 * peak per thread count and each row's fraction of it. Plumbing, not speed: no time is asserted.
 */
class FmaPeakTest {

    @Test
    void theLoopDoesTheFmasItCounts() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        // x = 1, b = 1: every lane of every accumulator counts its FMAs, exactly (well below 2^24)
        assertEquals(16.0 * lanes * 1000, FmaPeak.spin(1000, 1f), 0.0);
        assertEquals(16.0 * lanes * 7, FmaPeak.spin(7, 1f), 0.0);
        assertEquals(0.0, FmaPeak.spin(0, 1f), 0.0);
        assertEquals(2.0 * 16 * lanes * 1000, FmaPeak.flops(1000), 0.0);
    }

    @Test
    void aRunReportsThePeakAndEachRowsFractionOfIt() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        KernelBench b = new KernelBench(new KernelBench.Options(new int[] {1}, false, true, false, "sgemm", null, 0),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        List<KernelBench.Row> rows = b.run(new OpenBlasCore.Choice(null, List.of()), c -> { throw new AssertionError("no child"); });
        double peak = b.fmaPeak().get(1);
        assertTrue(peak > 0 && Double.isFinite(peak), "peak " + peak);
        assertEquals(List.of(1), List.copyOf(b.fmaPeak().keySet()));
        String json = KernelBench.json(rows, "test", b.peerInfo(), b.fmaPeak());
        assertTrue(json.contains(String.format(Locale.ROOT, "\"fma_peak_gflops\":{\"1\":%.2f}", peak)), json);
        for (KernelBench.Row r : rows)
            assertTrue(json.contains(String.format(Locale.ROOT, "\"of_peak\":%.3f", r.gflops() / peak)), r + " in " + json);
        String table = progress.toString(StandardCharsets.UTF_8);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("peak") && l.contains(String.format(Locale.ROOT, "%.1f", peak))), table);
        // without the peak (the old signature), no fractions
        assertTrue(!KernelBench.json(rows, "test", b.peerInfo()).contains("of_peak"));
    }
}
