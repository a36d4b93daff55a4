package gmvae4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which CPU ran a benchmark, from Linux's /proc/cpuinfo and /sys: its name and cache sizes go into
 * {@code bench kernels} and {@code bench train} (header line and JSON "cpu"), because the same
 * kernels rank differently on different cores (on 2026-12-06 our sgemm was level with OpenBLAS's
 * AVX-512 kernel on one Zen 5 core and 0.78-1.00× of it on one Intel Xeon core), and its feature
 * flags choose the peer's best OpenBLAS core ({@link OpenBlasCore}). Where there is no /proc
 * (macOS, Windows) the name is the JVM's os.arch and there are no flags or caches.
 */
public final class CpuInfo {
    private CpuInfo() {}

    /** The CPU's feature flags from /proc/cpuinfo (empty where there is none, e.g. macOS). */
    public static Set<String> flags() {
        return flags(cpuinfo());
    }

    /** The CPU's name ("model name" on x86), else os.arch. */
    public static String model() {
        String m = field(cpuinfo(), "model name");
        return m == null || m.isBlank() ? System.getProperty("os.arch") : m;
    }

    /** "L1d 48K, L1i 64K, L2 2048K, L3 491520K": cpu0's caches as /sys names them, or "" where it does not. */
    public static String caches() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Path d = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
            try {
                String level = Files.readString(d.resolve("level")).strip(), type = Files.readString(d.resolve("type")).strip();
                String size = Files.readString(d.resolve("size")).strip();
                parts.add(cacheName(level, type) + " " + size);
            } catch (IOException | RuntimeException e) {
                break;          // no more levels, or no /sys
            }
        }
        return String.join(", ", parts);
    }

    /** {@link #model()} with {@link #caches()} in brackets when known; read once a process (the CPU does not change). */
    public static String describe() {
        return Described.TEXT;
    }

    private static final class Described {
        static final String TEXT = describe(model(), caches());
    }

    private static String describe(String model, String caches) {
        return model + (caches.isEmpty() ? "" : " (" + caches + ")");
    }

    /** "L1d", "L1i", "L2": the level, and for a split level the kind. */
    static String cacheName(String level, String type) {
        return "L" + level + (type.equals("Data") ? "d" : type.equals("Instruction") ? "i" : "");
    }

    /** The flags line ("flags" on x86, "Features" on arm64) of cpuinfo's text, split. */
    static Set<String> flags(List<String> lines) {
        String f = field(lines, "flags");
        if (f == null) f = field(lines, "Features");
        return f == null ? Set.of() : new TreeSet<>(Arrays.asList(f.strip().split("\\s+")));
    }

    /** The value after the colon of the first line whose key (before the colon, trimmed) is {@code key}, or null. */
    static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(key)) return line.substring(colon + 1).strip();
        }
        return null;
    }

    /** /proc/cpuinfo's lines, read once a process (the name and the flags both come from them). */
    private static List<String> cpuinfo() {
        return ProcCpuinfo.LINES;
    }

    private static final class ProcCpuinfo {
        static final List<String> LINES = read();

        private static List<String> read() {
            try {
                return List.copyOf(Files.readAllLines(Path.of("/proc/cpuinfo")));
            } catch (IOException | RuntimeException e) {
                return List.of();      // no /proc (or unreadable): no name, no flags, so no better core is claimed
            }
        }
    }
}
