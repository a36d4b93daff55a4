package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AtenCapabilityTest {

    private static final Set<String> AVX512 = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl");
    private static final Set<String> AVX2 = Set.of("avx2", "fma", "avx512f");   // F alone is not ATen's AVX512 set

    @Test
    void triedOnTopOfTheBaseWhereTheCpuHasIt() {
        Map<String, String> base = Map.of("OPENBLAS_CORETYPE", "SkylakeX", "PATH", "/bin");
        Map<String, String> env = AtenCapability.avx512Env(AVX512, Map.of("OPENBLAS_CORETYPE", "Haswell"), base);
        assertEquals(Map.of("OPENBLAS_CORETYPE", "SkylakeX", "PATH", "/bin", "ATEN_CPU_CAPABILITY", "avx512"), env);
    }

    @Test
    void alsoWhereTheUserAskedForALowerSet() {
        Map<String, String> yours = Map.of("ATEN_CPU_CAPABILITY", "avx2");
        assertEquals("avx512", AtenCapability.avx512Env(AVX512, yours, yours).get("ATEN_CPU_CAPABILITY"));
    }

    @Test
    void notWithoutAvx512OrWhereTheUserAlreadyAsksForIt() {
        assertNull(AtenCapability.avx512Env(AVX2, Map.of(), Map.of()));
        assertNull(AtenCapability.avx512Env(Set.of(), Map.of(), Map.of()));
        assertNull(AtenCapability.avx512Env(AVX512, Map.of("ATEN_CPU_CAPABILITY", " AVX512 "), Map.of()));
    }
}
