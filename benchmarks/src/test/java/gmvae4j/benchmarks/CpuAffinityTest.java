package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calling thread's CPUs, asked and set ({@link CpuAffinity}); Linux, where the tests run with
 * native access (the build's surefire options), so "unknown" is a failure here, not a skip.
 */
class CpuAffinityTest {

    @Test
    void pinsTheCallingThreadToOneCpuAndGivesTheOthersBack() {
        int[] before = CpuAffinity.allowed();
        assertTrue(before.length >= 1, "sched_getaffinity answered nothing: " + Arrays.toString(before));
        int last = before[before.length - 1];
        try {
            assertTrue(CpuAffinity.allow(last));
            assertArrayEquals(new int[] {last}, CpuAffinity.allowed());
        } finally {
            assertTrue(CpuAffinity.allow(before));
        }
        assertArrayEquals(before, CpuAffinity.allowed());
    }

    @Test
    void refusesWhatCannotBeACpuSet() {
        int[] before = CpuAffinity.allowed();
        assertFalse(CpuAffinity.allow());
        assertFalse(CpuAffinity.allow(-1));
        assertFalse(CpuAffinity.allow(1 << 20));
        assertArrayEquals(before, CpuAffinity.allowed(), "a refused call changes nothing");
    }
}
