package gmvae4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Finds a data set's IDX files, in order: the {@code --data DIR} directory (the files themselves
 * or a {@code DIR/NAME/} subfolder), {@code $GMVAE_DATA/NAME/}, then the user cache
 * {@code CACHE/NAME/}. Each file may be gzipped or not ({@code name} or {@code name.gz}). A
 * directory holding none of the files is skipped; a data or GMVAE_DATA directory holding only some
 * of them is an error, since silently taking the rest from elsewhere would mix copies (a partial
 * cache directory is an interrupted download, which the downloader completes).
 */
public final class DataLocator {

    /** Where a data set was found. */
    public enum Kind {
        DATA_DIR("data dir"), GMVAE_DATA("GMVAE_DATA"), CACHE("cache"), EMBEDDED("embedded"), MISSING("missing");
        public final String label;
        Kind(String label) { this.label = label; }
    }

    /**
     * A located data set.
     *
     * @param dir   the directory searched last with success (or the cache directory when missing)
     * @param files the four files (train images, train labels, test images, test labels); entries
     *              not asked for, or not found, are null
     */
    public record Location(String name, Kind kind, Path dir, List<Path> files) {
        public boolean found() { return kind != Kind.MISSING; }
        public Path file(int k) { return files.get(k); }
    }

    private final Path dataDir;
    private final Map<String, String> env;
    private final Path cacheRoot;

    /**
     * @param dataDir   the {@code --data} directory, or null
     * @param env       environment variables (GMVAE_DATA is read from here)
     * @param cacheRoot the cache root ({@code ~/.cache/gmvae4j})
     */
    public DataLocator(Path dataDir, Map<String, String> env, Path cacheRoot) {
        this.dataDir = dataDir;
        this.env = env;
        this.cacheRoot = cacheRoot;
    }

    /** The locator the CLI and {@link Datasets#load} use: real environment, real cache. */
    public static DataLocator system(Path dataDir) {
        return new DataLocator(dataDir, System.getenv(), cacheRoot(System.getenv()));
    }

    /**
     * The cache root: system property {@code gmvae4j.cache} if set (tests), else
     * {@code $XDG_CACHE_HOME/gmvae4j}, else {@code ~/.cache/gmvae4j}.
     */
    public static Path cacheRoot(Map<String, String> env) {
        String p = System.getProperty("gmvae4j.cache");
        if (p != null && !p.isBlank()) return Path.of(p);
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "gmvae4j");
        return Path.of(System.getProperty("user.home"), ".cache", "gmvae4j");
    }

    public Path cacheRoot() { return cacheRoot; }

    public Path cacheDir(String name) { return cacheRoot.resolve(name); }

    /** The GMVAE_DATA directory, or null when unset. */
    public Path gmvaeData() {
        String g = env.get("GMVAE_DATA");
        return g == null || g.isBlank() ? null : Path.of(g);
    }

    /** Finds all four files of the data set. */
    public Location find(Catalog.Spec spec) { return find(spec, 0, 1, 2, 3); }

    /** Finds the files with the given indexes (see {@link Catalog.Spec#TRAIN_IMAGES} etc.). */
    public Location find(Catalog.Spec spec, int... needed) {
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir))
                throw new DataException("--data " + dataDir + ": no such directory");
            Location l = tryDir(spec, Kind.DATA_DIR, dataDir, needed);
            if (l == null) l = tryDir(spec, Kind.DATA_DIR, dataDir.resolve(spec.name()), needed);
            if (l != null) return l;
        }
        Path g = gmvaeData();
        if (g != null) {
            Location l = tryDir(spec, Kind.GMVAE_DATA, g.resolve(spec.name()), needed);
            if (l != null) return l;
        }
        Location l = tryDir(spec, Kind.CACHE, cacheDir(spec.name()), needed);
        if (l != null) return l;
        return new Location(spec.name(), Kind.MISSING, cacheDir(spec.name()), Arrays.asList(new Path[4]));
    }

    /** The files in {@code dir}, null if it holds none of them; DataException if only some. */
    private static Location tryDir(Catalog.Spec spec, Kind kind, Path dir, int[] needed) {
        if (!Files.isDirectory(dir)) return null;
        Path[] found = new Path[4];
        List<String> missing = new ArrayList<>(), present = new ArrayList<>();
        for (int k : needed) {
            found[k] = existing(dir, spec.files().get(k));
            if (found[k] == null) missing.add(spec.files().get(k) + "[.gz]");
            else present.add(found[k].getFileName().toString());
        }
        if (present.isEmpty()) return null;
        // A partial cache is an interrupted download: the downloader completes it.
        if (!missing.isEmpty() && kind == Kind.CACHE) return null;
        if (!missing.isEmpty())
            throw new DataException(dir + ": incomplete " + spec.name() + " files: has " + String.join(", ", present)
                    + " but no " + String.join(", ", missing));
        return new Location(spec.name(), kind, dir, Arrays.asList(found));
    }

    /** {@code dir/base} or {@code dir/base.gz}, whichever is a regular file (raw first), else null. */
    private static Path existing(Path dir, String base) {
        for (String n : new String[]{base, base + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
