package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer-environment decision: CPU flags + environment (+ the loaded core) → the child's environment. */
class OpenBlasCoreTest {

    static final Set<String> ZEN5 = Set.of("sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl",
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
        OpenBlasCore.Choice c = OpenBlasCore.choose(ZEN5, user, "Haswell");
        assertTrue(c.differs());
        assertEquals("Haswell", c.yours());
        assertEquals("SkylakeX", c.best());
        assertEquals("SkylakeX", c.bestEnv().get(OpenBlasCore.VAR));
        // the rest of the environment goes along unchanged, and the user's map is not touched
        assertEquals("/usr/bin", c.bestEnv().get("PATH"));
        assertEquals("/root", c.bestEnv().get("HOME"));
        assertEquals("Haswell", user.get(OpenBlasCore.VAR));
        assertEquals("OPENBLAS_CORETYPE=Haswell", c.yoursLabel());
        // Zen is OpenBLAS's other AVX2 core: same answer; and without the loaded name, the variable decides
        assertTrue(OpenBlasCore.choose(ZEN5, env("Zen"), null).differs());
        assertTrue(OpenBlasCore.choose(ZEN5, env("haswell"), null).differs());
    }

    @Test
    void anAvx512SettingIsAlreadyTheBest() {
        for (String core : new String[] {"SkylakeX", "skylakex", "Cooperlake", "SAPPHIRERAPIDS"}) {
            OpenBlasCore.Choice c = OpenBlasCore.choose(ZEN5, env(core), null);
            assertFalse(c.differs(), core);
            assertNull(c.bestEnv(), core);
        }
    }

    @Test
    void unpinnedTrustsOpenBlasUnlessItsDetectionFellShort() {
        // OpenBLAS 0.3.21 detects Zen 5 as Cooperlake (AVX-512): one row
        OpenBlasCore.Choice detected = OpenBlasCore.choose(ZEN5, env(null), "Cooperlake");
        assertFalse(detected.differs());
        assertNull(detected.yours());
        assertEquals("OPENBLAS_CORETYPE unset", detected.yoursLabel());
        // not loaded here (the PyTorch child): OpenBLAS will detect the CPU itself
        assertFalse(OpenBlasCore.choose(ZEN5, env(null), null).differs());
        assertFalse(OpenBlasCore.choose(ZEN5, env("  "), null).differs());
        // an older OpenBLAS that does not know the CPU falls back to an AVX2 (or older) core: correct it
        OpenBlasCore.Choice fell = OpenBlasCore.choose(ZEN5, env(null), "Haswell");
        assertTrue(fell.differs());
        assertEquals("SkylakeX", fell.bestEnv().get(OpenBlasCore.VAR));
        // the loaded core is the truth: an unknown name that OpenBLAS ignored and replaced by its detection
        assertFalse(OpenBlasCore.choose(ZEN5, env("Zen5"), "Cooperlake").differs());
        assertTrue(OpenBlasCore.choose(ZEN5, env("Zen5"), null).differs(), "unknown and not loaded: measure the best too");
    }

    @Test
    void withoutAvx512TheBestIsHaswellAndWithoutAvx2NothingIsClaimed() {
        assertFalse(OpenBlasCore.choose(AVX2_ONLY, env("Haswell"), null).differs());
        OpenBlasCore.Choice old = OpenBlasCore.choose(AVX2_ONLY, env("Sandybridge"), "Sandybridge");
        assertTrue(old.differs());
        assertEquals("Haswell", old.bestEnv().get(OpenBlasCore.VAR));
        // AVX-512 F alone (no BW/VL: Knights Landing) is not SkylakeX's instruction set
        assertEquals("Haswell", OpenBlasCore.bestFor(Set.of("avx2", "fma", "avx512f", "avx512cd")));
        OpenBlasCore.Choice arm = OpenBlasCore.choose(Set.of("fp", "asimd"), env("Haswell"), null);
        assertFalse(arm.differs());
        assertNull(arm.best());
        assertFalse(OpenBlasCore.choose(Set.of(), env("Haswell"), "Haswell").differs());
    }
}
