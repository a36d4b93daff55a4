package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapPeakTest {
    static byte[] held;

    @Test void thePeakOutlivesTheGarbageAndStaysBelowTheMaximumHeap() throws InterruptedException {
        HeapPeak.start();
        long max = Runtime.getRuntime().maxMemory();
        int size = (int) Math.min(256L << 20, max / 4);
        held = new byte[size];
        held[size - 1] = 1;
        // churn: eden fills and empties many times while the big array sits in the old generation
        long sink = 0;
        for (int i = 0; i < 400; i++) { byte[] g = new byte[4 << 20]; g[i] = (byte) i; sink += g[i]; }
        System.gc();
        long whileHeld = HeapPeak.bytes();
        assertTrue(whileHeld >= size, "peak " + whileHeld + " below the live array " + size);
        held = null;
        System.gc();
        System.gc();
        long after = HeapPeak.bytes();
        for (int wait = 0; wait < 40 && after < size; wait++) { Thread.sleep(50); after = HeapPeak.bytes(); } // GC notices arrive on a service thread
        assertTrue(after >= size, "the peak forgot the array once it was collected: " + after + " < " + size + " (" + sink + ")");
        assertTrue(after <= max, "peak " + after + " above the maximum heap " + max);
        HeapPeak.start();
        assertTrue(HeapPeak.bytes() < after, "start() resets the peak");
    }
}
