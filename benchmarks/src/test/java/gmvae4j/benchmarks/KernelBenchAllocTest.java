package gmvae4j.benchmarks;

import gmvae4j.kernels.ConvShape;
import gmvae4j.kernels.VectorKernels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap-per-call figure of {@code bench kernels}: it sees an allocation of known size, and
 * it reports one per row, in the table, the JSON and the child's TSV.
 */
class KernelBenchAllocTest {

    /** Bytes per call of the 16-image pass below: 24 KB of tap-plane bookkeeping, 85 KB when it boxed. */
    static final double BOUND = 48 * 1024;

    /** Where the allocating op stores its array, so that escape analysis cannot remove it. */
    static volatile Object sink;

    @Test
    void countsWhatAnOpAllocates() {
        assertTrue(KernelBench.allocatedBytes() >= 0, "this JVM counts allocated bytes (HotSpot does)");
        double mb = KernelBench.allocatedPerCall(() -> sink = new float[262_144], 50);      // 1 MiB + header
        assertTrue(mb >= 1 << 20 && mb < 1.05 * (1 << 20), "1 MiB per call, measured " + mb);
        float[] x = new float[1024];
        double none = KernelBench.allocatedPerCall(() -> { for (int i = 0; i < x.length; i++) x[i] += 1f; }, 2000);
        assertTrue(none < 64, "a loop over an existing array allocates nothing, measured " + none);
    }

    @Test
    void aSteadyConvolutionPassAllocatesLittle() {
        // The 4×4 stride-2 one-channel weight gradient once boxed 13 of its 16 lane sums per tile
        // when C2 had compiled them as calls (85 KB per call of 16 images here, 678 KB of 128);
        // compiled, it now allocates its tap planes' bookkeeping only. Until C2 has compiled it,
        // the Vector API allocates much more, so this measures again until the figure drops below
        // the bound, for up to 30 s: code that boxes in steady state never gets there.
        ConvShape s = new ConvShape(16, 1, 28, 28, 32, 4, 4, 2, 1);
        Runnable pass = KernelBench.conv(new VectorKernels(1), s, "bwd-weight");
        long end = System.nanoTime() + 30_000_000_000L;
        double perCall;
        do {
            for (int i = 0; i < 200; i++) pass.run();
            perCall = KernelBench.allocatedPerCall(pass, 100);
        } while (perCall >= BOUND && System.nanoTime() < end);
        assertTrue(perCall < BOUND, "bytes per call of 16 images: " + perCall);
    }

    @Test
    void everyRowCarriesItsFigure() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        KernelBench b = new KernelBench(new KernelBench.Options(new int[] {1}, false, true, false, "sgemm", null, 0),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        List<KernelBench.Row> rows = b.run(new OpenBlasCore.Choice(null, List.of()),
                c -> { throw new AssertionError("no child"); });
        assertFalse(rows.isEmpty());
        for (KernelBench.Row r : rows) {
            assertNotNull(r.allocPerCall(), r.toString());
            assertTrue(r.allocPerCall() >= 0, r.toString());
            assertEquals(r, KernelBench.Row.fromTsv(r.toTsv()));
        }
        assertTrue(KernelBench.json(rows, "test", b.peerInfo()).contains("\"alloc_bytes_per_call\":" + rows.get(0).allocPerCall()));
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("/call"), progress.toString(StandardCharsets.UTF_8));
    }
}
