package gmvae4j.benchmarks;

import gmvae4j.io.JsonText;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which OpenBLAS kernel a peer runs on, and the environments that give it its best one.
 *
 * <p>OpenBLAS built with DYNAMIC_ARCH (Debian's, and the copy PyTorch calls for its products)
 * picks its kernels once, when the library loads: from {@code OPENBLAS_CORETYPE} if that names a
 * core it knows, else from the CPU. A machine that exports an older core type (the development
 * machines have exported {@code OPENBLAS_CORETYPE=Haswell} on an AVX-512 CPU) makes the peer run
 * its AVX2 kernel, at about half the speed its users get on a Zen 5, and a benchmark against it
 * flatters us.
 *
 * <p>Which kernel is the peer's best is not a matter of the instruction set alone, though: on a
 * Zen 4, which runs a 512-bit instruction as two 256-bit halves, OpenBLAS 0.3.21's AVX2 (Haswell)
 * sgemm kernel was 4-7% faster than its AVX-512 (SkylakeX) one on most of {@code bench kernels}'
 * one-thread rows (2026-12-07, two runs, 24 of 28 rows), while on a Zen 5 the AVX-512 kernel was
 * about twice as fast. So nothing here ranks the kernels: every kernel family this CPU can run
 * (AVX-512, AVX2) that is not the one in use is measured too, each in a child process started
 * with that core type, and a benchmark keeps, case by case, the fastest peer it measured.
 *
 * <p>{@link #choose} is a pure function of the CPU's flags, the environment and the core the
 * loaded library reports, so it is tested without the CPU or the library it describes.
 */
public final class OpenBlasCore {
    private OpenBlasCore() {}

    public static final String VAR = "OPENBLAS_CORETYPE";

    /** The AVX-512 core types of OpenBLAS's x86-64 DYNAMIC_ARCH builds (upper case): one sgemm kernel, SkylakeX's. */
    private static final Set<String> AVX512 = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
    /** The AVX2 + FMA ones (Zen's sgemm kernel is Haswell's). */
    private static final Set<String> AVX2 = Set.of("HASWELL", "ZEN");

    /** A core type to measure the peer on besides the user's, and the whole environment of the child that runs it. */
    public record Other(String core, Map<String, String> env) {}

    /**
     * What the environment asks for, and what else to measure.
     *
     * @param yours  the environment's {@code OPENBLAS_CORETYPE}, or null when it is unset or blank
     *               (then OpenBLAS detects the CPU itself)
     * @param others the other kernel families this CPU runs, one core type each, with the child's
     *               environment (the user's with {@value #VAR} set); empty when the one in use is the
     *               only one (or none is known: not x86)
     */
    public record Choice(String yours, List<Other> others) {
        public Choice {
            others = List.copyOf(others);
        }

        /** True when there is another kernel to measure besides the user's setting. */
        public boolean differs() { return !others.isEmpty(); }

        /** The other core types, in order ("SkylakeX", "Haswell"). */
        public List<String> otherCores() { return others.stream().map(Other::core).toList(); }

        /** "OPENBLAS_CORETYPE=Haswell" or "OPENBLAS_CORETYPE unset": the user's setting, for labels. */
        public String yoursLabel() { return yours == null ? VAR + " unset" : VAR + "=" + yours; }

        /** {"user":..,"others":[..],"others_measured":..} for a benchmark's JSON header. */
        public String json(boolean othersMeasured) {
            return "{\"user\":" + JsonText.quote(yours) + ",\"others\":" + JsonText.quotedArray(otherCores())
                    + ",\"others_measured\":" + othersMeasured + "}";
        }
    }

    /**
     * The decision. The kernel families this CPU runs: AVX-512 (core type SkylakeX) when it has
     * AVX-512 F, BW, DQ and VL (Cooperlake and SapphireRapids add only bf16/fp16 kernels to it, and
     * older builds lack them), and AVX2 (Haswell) when it has AVX2 and FMA. The core in use is the
     * one the loaded library reports when known, else the one the environment names; every family
     * but its own is an other. When the core in use is not known (unset and not loaded here, or a
     * name OpenBLAS does not know), every family is: the extra rows cost time, never honesty.
     *
     * @param loadedCore what {@code openblas_get_corename} says in this process, or null when the
     *                   library is not loaded here
     */
    public static Choice choose(Set<String> cpuFlags, Map<String, String> env, String loadedCore) {
        String raw = env.get(VAR);
        String yours = raw == null || raw.isBlank() ? null : raw.strip();
        String inUse = loadedCore != null && !loadedCore.isBlank() && !loadedCore.equals("?") ? loadedCore : yours;
        List<Other> others = new ArrayList<>();
        for (String core : familiesOf(cpuFlags))
            if (inUse == null || family(inUse) == 0 || family(inUse) != family(core)) {
                Map<String, String> child = new HashMap<>(env);
                child.put(VAR, core);
                others.add(new Other(core, Map.copyOf(child)));
            }
        return new Choice(yours, others);
    }

    /** One core type per kernel family these CPU flags (as /proc/cpuinfo spells them) can run, AVX-512 first. */
    static List<String> familiesOf(Set<String> flags) {
        List<String> f = new ArrayList<>();
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) f.add("SkylakeX");
        if (flags.containsAll(Set.of("avx2", "fma"))) f.add("Haswell");
        return f;
    }

    /** 512 for an AVX-512 core type, 256 for an AVX2 one, 0 for anything else or unknown. */
    static int family(String core) {
        String c = core.toUpperCase(Locale.ROOT);
        return AVX512.contains(c) ? 512 : AVX2.contains(c) ? 256 : 0;
    }

    /** {@link #choose} for this machine and this process's environment and OpenBLAS (if loaded). */
    public static Choice forThisMachine(String loadedCore) { return choose(CpuInfo.flags(), System.getenv(), loadedCore); }
}
