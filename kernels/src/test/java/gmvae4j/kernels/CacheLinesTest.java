package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CacheLines}: the index it gives is where an array's values cross a 64-byte line. */
class CacheLinesTest {

    @Test
    void theTestsRunWithNativeAccessSoTheAlignedPathIsTheOneTested() {
        assertTrue(CacheLines.known(), "surefire starts the JVM with --enable-native-access; without it panels are not aligned");
    }

    @Test
    void startIsTheFirstIndexOnALineBoundary() {
        for (int len : new int[] {1, 5, 16, 17, 1000, 4097, 1 << 20}) {
            float[] a = new float[len];
            long p = CacheLines.address(a);
            int s = CacheLines.start(a);
            assertTrue(s >= 0 && s < CacheLines.FLOATS, "start " + s);
            assertEquals(0, (p + 4L * s) % 64, "a[" + s + "] at " + Long.toHexString(p + 4L * s) + ", length " + len);
            assertTrue(s == 0 || (p + 4L * (s - 1)) % 64 != 0, "an earlier index was already on a line");
        }
    }

    @Test
    void anArrayAskedTwiceInARowGivesOneAddress() {
        float[] a = new float[64];
        long p = CacheLines.address(a);
        assertTrue(p > 0 && p % 4 == 0, Long.toHexString(p));
        assertEquals(p, CacheLines.address(a), "no GC between two questions in a row here: the same answer");
    }

    @Test
    void touchReadsOneFloatPerLineFromTheStartToTheEnd() {
        float[] a = new float[100];
        for (int i = 0; i < a.length; i++) a[i] = i;
        // from 3: indices 3, 19, 35, 51, 67 (83 is past the end); nothing before from
        assertEquals(3 + 19 + 35 + 51 + 67, CacheLines.touch(a, 3, 80));
        assertEquals(0f, CacheLines.touch(a, 50, 50), "an empty range reads nothing");
        assertEquals(99f, CacheLines.touch(a, 99, 100));
    }
}
