package gmvae4j.benchmarks;

import gmvae4j.kernels.ConvShape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory bound of {@code bench kernels}' conv2d rows: the bytes each pass must move, the
 * arithmetic of the bound, the sweeps doing the loads and stores they count, and the JSON field.
 * Plumbing, not speed: no rate is asserted beyond being a positive number.
 */
class MemoryFloorTest {
    // 128 one-channel 28×28 images → 32 channels, 3×3, stride 1, padding 1: x 401,408 B, y 12,845,056 B, w 1,152 B
    private static final ConvShape FIRST = new ConvShape(128, 1, 28, 28, 32, 3, 3, 1, 1);
    private static final long X = 4L * 128 * 784, Y = 4L * 128 * 32 * 784, W = 4L * 32 * 9;

    @Test
    void eachPassMovesItsInputsAndOutputs() {
        assertEquals(new MemoryFloor.Traffic(X + W, Y, X + W + Y), MemoryFloor.traffic(FIRST, "fwd"));
        assertEquals(new MemoryFloor.Traffic(Y + W + X, X, X + W + Y), MemoryFloor.traffic(FIRST, "bwd-input"));
        assertEquals(new MemoryFloor.Traffic(X + Y + W, W, X + W + Y), MemoryFloor.traffic(FIRST, "bwd-weight"));
        // stride 2 halves the output's sides: 14×14
        ConvShape s2 = new ConvShape(128, 1, 28, 28, 32, 4, 4, 2, 1);
        assertEquals(4L * 128 * 32 * 196, MemoryFloor.traffic(s2, "fwd").writtenBytes());
    }

    @Test
    void theBoundIsTheSlowerOfReadingAndWriting() {
        MemoryFloor.Rates r = new MemoryFloor.Rates(20, 10);               // GB/s
        MemoryFloor.Traffic reads = new MemoryFloor.Traffic(4_000_000_000L, 1_000_000_000L, 0);
        assertEquals(0.2, reads.seconds(r), 1e-12);                        // 4 GB at 20 > 1 GB at 10
        MemoryFloor.Traffic writes = new MemoryFloor.Traffic(1_000_000_000L, 3_000_000_000L, 0);
        assertEquals(0.3, writes.seconds(r), 1e-12);
        MemoryFloor.Bound b = MemoryFloor.Bound.of(writes, r, 6e9);         // 6 GFLOP in 0.3 s
        assertEquals(20.0, b.gflops(), 1e-9);
        String d = b.describe(40.0, 100.0);
        assertTrue(d.contains("at most 20.0 GFLOP/s = 0.50 of the peer"), d);
        assertTrue(b.describe(40.0, 15.0).contains("not the limit"), "a bound above the FMA peak does not limit");
    }

    @Test
    void theSweepsLoadAndStoreWhatTheyCount() {
        float[] a = new float[1000];
        java.util.Arrays.fill(a, 1f);
        assertEquals(3 * 997f, MemoryFloor.sum(a, 2, 997, 3), 0f);         // odd length: the tail counts too
        assertEquals(0f, MemoryFloor.sum(a, 0, 0, 5), 0f);
        assertEquals(7f, MemoryFloor.fill(a, 16, 32, 2, 7f), 0f);
        assertEquals(1f, a[15], 0f);
        for (int i = 16; i < 48; i++) assertEquals(7f, a[i], 0f);
        assertEquals(1f, a[48], 0f);
    }

    @Test
    void ratesAreMeasuredAndTheJsonCarriesTheBound() {
        MemoryFloor.Rates r = MemoryFloor.measure(1 << 20, 2, 1, 0.001);
        assertTrue(r.readGBps() > 0 && Double.isFinite(r.readGBps()), "read " + r);
        assertTrue(r.writeGBps() > 0 && Double.isFinite(r.writeGBps()), "write " + r);
        KernelBench.Row row = new KernelBench.Row("conv2d", "x", "fwd", 1, 10.0, "sgemm", 40.0, null, null, 0L);
        MemoryFloor.Bound b = MemoryFloor.Bound.of(new MemoryFloor.Traffic(100, 2_000_000_000L, 0), new MemoryFloor.Rates(10, 10), 4e9);
        String json = KernelBench.json(List.of(row), "test", null, new TreeMap<>(Map.of(1, 100.0)), Map.of(row, b));
        assertTrue(json.contains("\"memory_floor\":{\"read_bytes\":100,\"written_bytes\":2000000000,\"read_gbps\":10.00,"
                + "\"write_gbps\":10.00,\"gflops\":20.00,\"of_peer\":0.500}"), json);
    }
}
