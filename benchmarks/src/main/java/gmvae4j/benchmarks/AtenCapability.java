package gmvae4j.benchmarks;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which of ATen's own vector kernel sets the PyTorch peer runs its elementwise work on, and whether
 * its AVX-512 set is worth a try.
 *
 * <p>PyTorch builds its elementwise kernels several times (DEFAULT, AVX2, AVX512) and picks one
 * when it loads, from {@code ATEN_CPU_CAPABILITY} if set, else by its own rule, which on some
 * AVX-512 CPUs is AVX2 (Debian's torch 1.13 chose AVX2 on both the AMD Zen 5 and the Intel Xeon
 * this project has run on). Which set is faster for a training step depends on the CPU: on the
 * Zen 5, AVX-512 made the peer's step slower (15.0 against 12.7 ms). So the peer's best is not
 * decided here but measured: where the CPU has AVX-512 and the environment does not already ask
 * for it, {@code bench train} runs the peer's best setting both ways and keeps the faster.
 *
 * <p>A pure function of the CPU's flags and the environment, tested without either.
 */
public final class AtenCapability {
    private AtenCapability() {}

    public static final String VAR = "ATEN_CPU_CAPABILITY";

    /**
     * {@code base} with {@value #VAR}=avx512 added, or null when there is nothing to try: the CPU
     * lacks AVX-512 F, BW, DQ or VL (what ATen's AVX512 set needs), or the environment
     * ({@code env}, this process's) already asks for avx512.
     *
     * @param base the environment the peer's best run starts from (OpenBLAS's best core already in
     *             it where that differs), never null
     */
    public static Map<String, String> avx512Env(Set<String> cpuFlags, Map<String, String> env, Map<String, String> base) {
        if (!cpuFlags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) return null;
        String yours = env.get(VAR);
        if (yours != null && yours.strip().toLowerCase(Locale.ROOT).equals("avx512")) return null;
        Map<String, String> child = new HashMap<>(base);
        child.put(VAR, "avx512");
        return Map.copyOf(child);
    }
}
