package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading which CPU ran a benchmark: cpuinfo's fields and flags, /sys's cache names, this machine's. */
class CpuInfoTest {
    private static final List<String> X86 = List.of(
            "processor\t: 0",
            "vendor_id\t: GenuineIntel",
            "model name\t: Intel(R) Xeon(R) Processor",
            "flags\t\t: fpu sse2 avx2 fma avx512f avx512bw",
            "",
            "processor\t: 1",
            "model name\t: something else");
    private static final List<String> ARM = List.of("processor\t: 0", "Features\t: fp asimd evtstrm", "CPU part\t: 0xd0c");

    @Test
    void fieldsAreTheFirstLineWithThatKey() {
        assertEquals("Intel(R) Xeon(R) Processor", CpuInfo.field(X86, "model name"));
        assertEquals("GenuineIntel", CpuInfo.field(X86, "vendor_id"));
        assertNull(CpuInfo.field(X86, "model"), "a key is matched whole, not as a prefix of 'model name'");
        assertNull(CpuInfo.field(List.of(), "flags"));
    }

    @Test
    void flagsFromX86AndArm() {
        assertEquals(Set.of("fpu", "sse2", "avx2", "fma", "avx512f", "avx512bw"), CpuInfo.flags(X86));
        assertEquals(Set.of("fp", "asimd", "evtstrm"), CpuInfo.flags(ARM));
        assertTrue(CpuInfo.flags(List.of("processor : 0")).isEmpty());
    }

    @Test
    void cacheNames() {
        assertEquals("L1d", CpuInfo.cacheName("1", "Data"));
        assertEquals("L1i", CpuInfo.cacheName("1", "Instruction"));
        assertEquals("L2", CpuInfo.cacheName("2", "Unified"));
    }

    @Test
    void thisMachineIsNamed() {
        String d = CpuInfo.describe();
        assertFalse(d.isBlank(), "a name, or at least os.arch");
        assertTrue(d.startsWith(CpuInfo.model()), d);
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertTrue(CpuInfo.flags().contains("sse2"), "x86-64 Linux always lists sse2: " + CpuInfo.flags());
            assertFalse(CpuInfo.model().equals("amd64"), "x86 Linux names its CPU: " + CpuInfo.model());
        }
    }
}
