package gmvae4j.benchmarks;

import gmvae4j.io.JsonText;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which OpenBLAS kernel a peer runs on, and the environment that gives it its best one.
 *
 * <p>OpenBLAS built with DYNAMIC_ARCH (Debian's, and the copy PyTorch calls for its products)
 * picks its kernels once, when the library loads: from {@code OPENBLAS_CORETYPE} if that names a
 * core it knows, else from the CPU. A machine that exports an older core type (the development
 * machines export {@code OPENBLAS_CORETYPE=Haswell}, on an AVX-512 CPU) makes the peer run its
 * AVX2 kernel at about half the speed its users get, and a benchmark against it flatters us. So
 * when the CPU has AVX-512 and the environment pins a core below it, the peer is measured twice:
 * as the environment has it ("yours") and, in a child process started with the core type that
 * matches the CPU, at its best ("best").
 *
 * <p>{@link #choose} is a pure function of the CPU's flags, the environment and the core the
 * loaded library reports, so it is tested without the CPU or the library it describes.
 */
public final class OpenBlasCore {
    private OpenBlasCore() {}

    public static final String VAR = "OPENBLAS_CORETYPE";

    /** The AVX-512 core types of OpenBLAS's x86-64 DYNAMIC_ARCH builds (upper case). */
    private static final Set<String> AVX512 = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
    /** The AVX2 + FMA ones (Zen's sgemm kernel is Haswell's). */
    private static final Set<String> AVX2 = Set.of("HASWELL", "ZEN");

    /**
     * What the environment asks for and what this CPU does best.
     *
     * @param yours   the environment's {@code OPENBLAS_CORETYPE}, or null when it is unset or blank
     *                (then OpenBLAS detects the CPU itself)
     * @param best    the core type matching the CPU, or null when none better than the library's own
     *                choice is known (no AVX2, or not x86)
     * @param bestEnv the whole environment for a child that runs the peer at its best; null when the
     *                environment's own setting is already that (or not pinned), i.e. one row is enough
     */
    public record Choice(String yours, String best, Map<String, String> bestEnv) {
        /** True when the user's setting and the best differ: measure both. */
        public boolean differs() { return bestEnv != null; }

        /** "OPENBLAS_CORETYPE=Haswell" or "OPENBLAS_CORETYPE unset": the user's setting, for labels. */
        public String yoursLabel() { return yours == null ? VAR + " unset" : VAR + "=" + yours; }

        /** {"user":..,"best":..,"both_measured":..} for a benchmark's JSON header. */
        public String json(boolean bothMeasured) {
            return "{\"user\":" + JsonText.quote(yours) + ",\"best\":"
                    + JsonText.quote(best) + ",\"both_measured\":" + bothMeasured + "}";
        }
    }

    /**
     * The decision. The best core is SkylakeX when the CPU has AVX-512 F, BW, DQ and VL (the
     * AVX-512 sgemm kernel; Cooperlake and SapphireRapids add only bf16/fp16 kernels on top, and
     * older builds lack them), Haswell when it has AVX2 and FMA. The core in use is the one the
     * loaded library reports when known, else the one the environment names. A child is asked for
     * when that core ranks below the best; an unknown name ranks lowest (the extra row costs
     * time, never honesty).
     *
     * @param loadedCore what {@code openblas_get_corename} says in this process, or null when the
     *                   library is not loaded here (the PyTorch peer's)
     */
    public static Choice choose(Set<String> cpuFlags, Map<String, String> env, String loadedCore) {
        String raw = env.get(VAR);
        String yours = raw == null || raw.isBlank() ? null : raw.strip();
        String best = bestFor(cpuFlags);
        String inUse = loadedCore != null && !loadedCore.isBlank() && !loadedCore.equals("?") ? loadedCore : yours;
        // unpinned and not loaded here: OpenBLAS will detect the CPU itself, nothing to correct
        if (inUse == null || best == null || rank(inUse) >= rank(best)) return new Choice(yours, best, null);
        Map<String, String> child = new HashMap<>(env);
        child.put(VAR, best);
        return new Choice(yours, best, Map.copyOf(child));
    }

    /** The core type matching these CPU flags (as /proc/cpuinfo spells them), or null. */
    static String bestFor(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) return "SkylakeX";
        if (flags.containsAll(Set.of("avx2", "fma"))) return "Haswell";
        return null;
    }

    /** 512 for an AVX-512 core type, 256 for an AVX2 one, 0 for anything else or unknown. */
    static int rank(String core) {
        String c = core.toUpperCase(Locale.ROOT);
        return AVX512.contains(c) ? 512 : AVX2.contains(c) ? 256 : 0;
    }

    /** {@link #choose} for this machine and this process's environment and OpenBLAS (if loaded). */
    public static Choice forThisMachine(String loadedCore) { return choose(CpuInfo.flags(), System.getenv(), loadedCore); }
}
