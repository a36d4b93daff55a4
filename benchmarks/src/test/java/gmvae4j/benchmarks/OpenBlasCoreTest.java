package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer-environment decision: CPU flags + environment (+ the loaded core) → the other kernels to measure, each child's environment. */
class OpenBlasCoreTest {

    static final Set<String> AVX512_CPU = Set.of("sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl",
            "avx512_bf16");
    static final Set<String> AVX2_ONLY = Set.of("sse2", "avx", "avx2", "fma");

    private static Map<String, String> env(String coretype) {
        Map<String, String> e = new HashMap<>(Map.of("PATH", "/usr/bin", "HOME", "/root"));
        if (coretype != null) e.put(OpenBlasCore.VAR, coretype);
        return e;
    }

    @Test
    void aPinnedAvx2CoreOnAnAvx512CpuGetsAChildOnSkylakeX() {
        Map<String, String> user = env("Haswell");
        OpenBlasCore.Choice c = OpenBlasCore.choose(AVX512_CPU, user, "Haswell");
        assertTrue(c.differs());
        assertEquals("Haswell", c.yours());
        assertEquals(List.of("SkylakeX"), c.otherCores());
        Map<String, String> child = c.others().get(0).env();
        assertEquals("SkylakeX", child.get(OpenBlasCore.VAR));
        // the rest of the environment goes along unchanged, and the user's map is not touched
        assertEquals("/usr/bin", child.get("PATH"));
        assertEquals("/root", child.get("HOME"));
        assertEquals("Haswell", user.get(OpenBlasCore.VAR));
        assertEquals("OPENBLAS_CORETYPE=Haswell", c.yoursLabel());
        // Zen is OpenBLAS's other AVX2 core: same answer; and without the loaded name, the variable decides
        assertEquals(List.of("SkylakeX"), OpenBlasCore.choose(AVX512_CPU, env("Zen"), null).otherCores());
        assertEquals(List.of("SkylakeX"), OpenBlasCore.choose(AVX512_CPU, env("haswell"), null).otherCores());
    }

    /**
     * An AVX-512 core in use is not the end of it: on a Zen 4 OpenBLAS's AVX2 kernel was the faster
     * one on most rows, so the AVX2 family is measured too.
     */
    @Test
    void anAvx512CoreInUseGetsAChildOnHaswell() {
        for (String core : new String[] {"SkylakeX", "skylakex", "Cooperlake", "SAPPHIRERAPIDS"}) {
            OpenBlasCore.Choice c = OpenBlasCore.choose(AVX512_CPU, env(core), null);
            assertEquals(List.of("Haswell"), c.otherCores(), core);
            assertEquals("Haswell", c.others().get(0).env().get(OpenBlasCore.VAR), core);
        }
        // OpenBLAS 0.3.21 detects the Zen 4 and Zen 5 as Cooperlake when nothing is set
        OpenBlasCore.Choice detected = OpenBlasCore.choose(AVX512_CPU, env(null), "Cooperlake");
        assertNull(detected.yours());
        assertEquals("OPENBLAS_CORETYPE unset", detected.yoursLabel());
        assertEquals(List.of("Haswell"), detected.otherCores());
        assertFalse(detected.others().get(0).env().containsKey("GMVAE_NOT_THERE"));
        assertEquals("{\"user\":null,\"others\":[\"Haswell\"],\"others_measured\":true}", detected.json(true));
    }

    @Test
    void whereTheCoreInUseIsNotKnownEveryFamilyIsMeasured() {
        // not loaded here (a child loads it) and unset: OpenBLAS will detect the CPU itself, to a family not known here
        assertEquals(List.of("SkylakeX", "Haswell"), OpenBlasCore.choose(AVX512_CPU, env(null), null).otherCores());
        assertEquals(List.of("SkylakeX", "Haswell"), OpenBlasCore.choose(AVX512_CPU, env("  "), null).otherCores());
        // a name OpenBLAS does not know, not loaded here
        assertEquals(List.of("SkylakeX", "Haswell"), OpenBlasCore.choose(AVX512_CPU, env("Zen5"), null).otherCores());
        // the loaded core is the truth: an unknown name that OpenBLAS ignored and replaced by its detection
        assertEquals(List.of("Haswell"), OpenBlasCore.choose(AVX512_CPU, env("Zen5"), "Cooperlake").otherCores());
        // an older OpenBLAS that does not know the CPU falls back to an older core: both families then
        assertEquals(List.of("SkylakeX", "Haswell"), OpenBlasCore.choose(AVX512_CPU, env(null), "Sandybridge").otherCores());
    }

    @Test
    void withoutAvx512OnlyHaswellAndWithoutAvx2NothingIsClaimed() {
        assertFalse(OpenBlasCore.choose(AVX2_ONLY, env("Haswell"), null).differs());
        assertEquals("{\"user\":\"Haswell\",\"others\":[],\"others_measured\":false}",
                OpenBlasCore.choose(AVX2_ONLY, env("Haswell"), null).json(false));
        OpenBlasCore.Choice old = OpenBlasCore.choose(AVX2_ONLY, env("Sandybridge"), "Sandybridge");
        assertEquals(List.of("Haswell"), old.otherCores());
        assertEquals("Haswell", old.others().get(0).env().get(OpenBlasCore.VAR));
        // AVX-512 F alone (no BW/VL: Knights Landing) is not SkylakeX's instruction set
        assertEquals(List.of("Haswell"), OpenBlasCore.familiesOf(Set.of("avx2", "fma", "avx512f", "avx512cd")));
        OpenBlasCore.Choice arm = OpenBlasCore.choose(Set.of("fp", "asimd"), env("Haswell"), null);
        assertFalse(arm.differs());
        assertFalse(OpenBlasCore.choose(Set.of(), env("Haswell"), "Haswell").differs());
    }
}
