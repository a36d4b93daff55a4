package gmvae4j.kernels.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds {@code libcudart} and {@code libcublas} on disk.
 *
 * <p>Why not just {@code dlopen("libcudart.so")}: the unversioned {@code .so} link is a
 * development file that runtime installs (driver containers, distribution packages, Python's
 * {@code nvidia-*-cu12} wheels) usually lack; what they ship is {@code libcudart.so.12},
 * {@code libcublas.so.12.4.5.8} and the like, often in folders the dynamic loader does not
 * search. So we list the usual folders and pick the files by their versioned names.
 *
 * <p>Search order (first folder wins within a major version, existing folders only):
 * the system property {@value #PATH_PROPERTY} (a path list), {@code LD_LIBRARY_PATH},
 * {@code $CUDA_HOME} and {@code $CUDA_PATH}, {@code /usr/local/cuda} and
 * {@code /usr/local/cuda-*} (newest first; {@code lib64} and {@code targets/x86_64-linux/lib}),
 * {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/local/nvidia/lib64}, {@code /usr/lib64},
 * then {@code nvidia/*}{@code /lib} under every Python site-packages folder we know of (the
 * system ones, {@code ~/.local}, {@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX}, and those named
 * by the property {@value #SITE_PACKAGES_PROPERTY}).
 *
 * <p>Choice: a runtime and a cuBLAS of the <em>same</em> major version, the newest such pair;
 * failing that, the newest of each.
 */
public final class CudaLibraries {
    private CudaLibraries() {}

    /** Extra folders to search first, separated by {@link File#pathSeparator}. */
    public static final String PATH_PROPERTY = "gmvae.cuda.path";
    /** Extra Python site-packages folders whose {@code nvidia/*}{@code /lib} are searched. */
    public static final String SITE_PACKAGES_PROPERTY = "gmvae.cuda.sitePackages";

    public static final String CUDART = "libcudart";
    public static final String CUBLAS = "libcublas";

    /** A library file found on disk; {@code major} is -1 for an unversioned {@code lib.so}. */
    public record Candidate(Path file, int major) {}

    /** The folders to search on this machine, in order, existing ones only, no duplicates. */
    public static List<Path> defaultSearchDirs() {
        List<Path> dirs = new ArrayList<>();
        addPathList(dirs, System.getProperty(PATH_PROPERTY));
        addPathList(dirs, System.getenv("LD_LIBRARY_PATH"));
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) addToolkit(dirs, Path.of(home));
        }
        addToolkit(dirs, Path.of("/usr/local/cuda"));
        for (Path toolkit : glob(Path.of("/usr/local"), "cuda-*").stream()
                .sorted(Comparator.comparing(Path::toString).reversed()).toList())
            addToolkit(dirs, toolkit);
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        dirs.add(Path.of("/usr/local/nvidia/lib64"));
        dirs.add(Path.of("/usr/local/nvidia/lib"));
        dirs.add(Path.of("/usr/lib64"));
        dirs.add(Path.of("/usr/lib/wsl/lib"));       // WSL 2 puts the driver's libcuda here
        for (Path site : sitePackagesDirs()) dirs.addAll(nvidiaWheelDirs(site));
        return existingDistinct(dirs);
    }

    /**
     * The {@code lib} folders of NVIDIA's Python wheels under one site-packages folder:
     * {@code nvidia/cuda_runtime/lib}, {@code nvidia/cublas/lib} (CUDA 12 wheels) or
     * {@code nvidia/cu13/lib} (CUDA 13 wheels): all are {@code nvidia/*}{@code /lib}.
     */
    static List<Path> nvidiaWheelDirs(Path sitePackages) {
        List<Path> out = new ArrayList<>();
        for (Path pkg : glob(sitePackages.resolve("nvidia"), "*")) {
            Path lib = pkg.resolve("lib");
            if (Files.isDirectory(lib)) out.add(lib);
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    /** Python site-packages folders that may hold NVIDIA's CUDA wheels. */
    static List<Path> sitePackagesDirs() {
        List<Path> out = new ArrayList<>();
        addPathList(out, System.getProperty(SITE_PACKAGES_PROPERTY));
        for (String env : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String prefix = System.getenv(env);
            if (prefix != null && !prefix.isBlank())
                for (Path py : glob(Path.of(prefix, "lib"), "python3*")) out.add(py.resolve("site-packages"));
        }
        String home = System.getProperty("user.home");
        if (home != null)
            for (Path py : glob(Path.of(home, ".local", "lib"), "python3*")) out.add(py.resolve("site-packages"));
        for (Path py : glob(Path.of("/usr/local/lib"), "python3*")) {
            out.add(py.resolve("dist-packages"));
            out.add(py.resolve("site-packages"));
        }
        for (Path py : glob(Path.of("/usr/lib"), "python3*")) out.add(py.resolve("dist-packages"));
        return existingDistinct(out);
    }

    /**
     * What to load: the runtime, and cuBLAS when one was found. A missing cuBLAS is reported
     * only after the runtime has been asked about the driver and devices, because on a machine
     * without a driver that is the more useful thing to say.
     */
    public record Found(Candidate cudart, Optional<Candidate> cublas, List<Path> searched) {}

    /**
     * Picks the runtime and cuBLAS to load from {@code dirs}: the newest pair of the same major
     * version, failing that the newest of each.
     *
     * @throws CudaUnavailableException naming every folder searched when there is no runtime
     */
    public static Found locate(List<Path> dirs) {
        List<Candidate> cudart = candidates(CUDART, dirs);
        List<Candidate> cublas = candidates(CUBLAS, dirs);
        if (cudart.isEmpty()) throw new CudaUnavailableException(notFound(CUDART, dirs));
        // Candidates are sorted newest major first, so the first match is the newest pair.
        for (Candidate rt : cudart)
            for (Candidate bl : cublas)
                if (rt.major() == bl.major()) return new Found(rt, Optional.of(bl), dirs);
        return new Found(cudart.getFirst(), cublas.stream().findFirst(), dirs);
    }

    /** The error for a runtime without cuBLAS. */
    static String cublasNotFound(Found found) {
        return notFound(CUBLAS, found.searched()) + "; the CUDA runtime is at " + found.cudart().file()
                + " (cuBLAS comes with the full toolkit, libcublas packages or the nvidia-cublas wheel)";
    }

    /** The one-line message for a library that is nowhere to be found. */
    static String notFound(String base, List<Path> dirs) {
        String where = dirs.isEmpty() ? "(no candidate folder exists)"
                : dirs.stream().map(Path::toString).collect(Collectors.joining(", "));
        return "no " + base + ".so.* found in: " + where
                + " (add its folder to LD_LIBRARY_PATH or -D" + PATH_PROPERTY + "=DIR)";
    }

    private static final Pattern VERSIONED = Pattern.compile("\\.so\\.(\\d+)(?:\\.\\d+)*");

    /**
     * Every file named {@code base.so.MAJOR[.MINOR...]} (or plain {@code base.so}) in
     * {@code dirs}, best first: higher major first, then earlier folder, then the shorter
     * name (the {@code .so.12} soname link rather than the {@code .so.12.4.5.8} file it names).
     */
    public static List<Candidate> candidates(String base, List<Path> dirs) {
        record Ranked(Candidate c, int dirIndex, int nameLength) {}
        List<Ranked> found = new ArrayList<>();
        for (int d = 0; d < dirs.size(); d++) {
            for (Path f : glob(dirs.get(d), base + ".so*")) {
                String name = f.getFileName().toString();
                String rest = name.substring(base.length());
                int major;
                if (rest.equals(".so")) major = -1;
                else {
                    Matcher m = VERSIONED.matcher(rest);
                    if (!m.matches()) continue;          // e.g. libcudart.so.12.debug, libcublasLt
                    major = Integer.parseInt(m.group(1));
                }
                if (!Files.isRegularFile(f)) continue;   // follows links: a dangling one is useless
                found.add(new Ranked(new Candidate(f, major), d, name.length()));
            }
        }
        found.sort(Comparator.comparingInt((Ranked r) -> -r.c().major())
                .thenComparingInt(Ranked::dirIndex).thenComparingInt(Ranked::nameLength));
        return found.stream().map(Ranked::c).toList();
    }

    /** The library next to {@code cublas} that it needs: libcublasLt of the same major. */
    static Optional<Path> cublasLtNextTo(Candidate cublas) {
        Path dir = cublas.file().getParent();
        if (dir == null) return Optional.empty();
        return candidates("libcublasLt", List.of(dir)).stream()
                .filter(c -> c.major() == cublas.major()).map(Candidate::file).findFirst();
    }

    private static void addToolkit(List<Path> dirs, Path toolkit) {
        dirs.add(toolkit.resolve("lib64"));
        dirs.add(toolkit.resolve("targets/x86_64-linux/lib"));
        dirs.add(toolkit.resolve("lib"));
    }

    private static void addPathList(List<Path> dirs, String list) {
        if (list == null) return;
        for (String p : list.split(Pattern.quote(File.pathSeparator)))
            if (!p.isBlank()) dirs.add(Path.of(p.strip()));
    }

    private static List<Path> existingDistinct(List<Path> dirs) {
        LinkedHashSet<Path> seen = new LinkedHashSet<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) continue;
            Path key;
            try {
                key = d.toRealPath();      // /usr/local/cuda/lib64 and /usr/local/cuda-13.0/lib are one folder
            } catch (IOException | SecurityException e) {
                key = d.toAbsolutePath().normalize();
            }
            seen.add(key);
        }
        return List.copyOf(seen);
    }

    private static List<Path> glob(Path dir, String pattern) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
            for (Path p : ds) out.add(p);
        } catch (IOException | SecurityException e) {
            return List.of();        // an unreadable folder is simply not a place to find CUDA
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }
}
