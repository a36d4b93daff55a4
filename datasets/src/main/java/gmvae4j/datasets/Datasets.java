package gmvae4j.datasets;

import java.nio.file.Path;
import java.util.List;

/**
 * Entry point for every module that needs data: {@link #load} by name and split.
 *
 * <ul>
 *   <li>{@code mnist}, {@code fashion-mnist}, {@code emnist-letters}: IDX files found by
 *       {@link DataLocator} (--data dir, $GMVAE_DATA/NAME, the user cache) or, when found nowhere
 *       and downloads are allowed, fetched into the cache by {@link Downloader}. EMNIST images are
 *       transposed upright and its labels 1..26 mapped to 0..25 ('a'..'z').</li>
 *   <li>{@code glyphs}: the embedded synthetic set ({@link Glyphs}); train = 26,000 images (seed
 *       {@link Glyphs#TRAIN_SEED}), test = 5,200 (seed {@link Glyphs#TEST_SEED}), pool = both.</li>
 * </ul>
 * POOL is train followed by test. Downloads are disabled by {@code GMVAE_OFFLINE=1} or the
 * system property {@code gmvae4j.offline=true}; the error then says which files to put where.
 */
public final class Datasets {
    private Datasets() {}

    /** Loads a data set; {@code dataDir} is the --data directory or null. */
    public static Dataset load(String name, Split split, Path dataDir) {
        if (name.equals("glyphs")) return glyphs(split);
        Catalog.Spec spec = Catalog.spec(name);
        DataLocator loc = DataLocator.system(dataDir);
        return load(spec, split, ensure(spec, loc, downloadsAllowed() ? new Downloader(loc.cacheRoot()) : null));
    }

    /**
     * Labels only (0-based), for data sets whose label files are at hand without the images (the
     * shared EMNIST Letters copy holds labels only). Never downloads.
     */
    public static int[] loadLabels(String name, Split split, Path dataDir) {
        Catalog.Spec spec = Catalog.spec(name);
        DataLocator.Location l = DataLocator.system(dataDir).find(spec, Catalog.Spec.TRAIN_LABELS, Catalog.Spec.TEST_LABELS);
        if (!l.found()) throw new DataException(missingMessage(spec, DataLocator.system(dataDir), "label files"));
        return labels(spec, l, split);
    }

    /** The embedded glyphs at their default sizes. */
    public static Dataset glyphs(Split split) {
        return switch (split) {
            case TRAIN -> Glyphs.generate(Glyphs.TRAIN_N, Glyphs.TRAIN_SEED, Split.TRAIN);
            case TEST -> Glyphs.generate(Glyphs.TEST_N, Glyphs.TEST_SEED, Split.TEST);
            case POOL -> concat(glyphs(Split.TRAIN), glyphs(Split.TEST));
        };
    }

    /** Where the data set would be read from now (no download). */
    public static DataLocator.Location locate(String name, Path dataDir) {
        if (name.equals("glyphs")) return new DataLocator.Location(name, DataLocator.Kind.EMBEDDED, null, List.of());
        return DataLocator.system(dataDir).find(Catalog.spec(name));
    }

    /** Makes sure the files are available, downloading into the cache if needed; returns where they are. */
    public static DataLocator.Location fetch(String name, Path dataDir) {
        if (name.equals("glyphs")) return locate(name, dataDir);
        Catalog.Spec spec = Catalog.spec(name);
        DataLocator loc = DataLocator.system(dataDir);
        return ensure(spec, loc, new Downloader(loc.cacheRoot()));
    }

    public static boolean downloadsAllowed() {
        return !"1".equals(System.getenv("GMVAE_OFFLINE")) && !Boolean.getBoolean("gmvae4j.offline");
    }

    /** Located files, downloaded first when missing and a downloader is given. */
    static DataLocator.Location ensure(Catalog.Spec spec, DataLocator loc, Downloader downloader) {
        DataLocator.Location l = loc.find(spec);
        if (l.found()) return l;
        if (downloader == null) throw new DataException(missingMessage(spec, loc, "files") + " (downloads are off: GMVAE_OFFLINE=1)");
        downloader.fetch(spec, loc.cacheDir(spec.name()));
        l = loc.find(spec);
        if (!l.found()) throw new DataException(spec.name() + ": download finished but the files are not in " + loc.cacheDir(spec.name()));
        return l;
    }

    /** One line saying which files to put where. */
    static String missingMessage(Catalog.Spec spec, DataLocator loc, String what) {
        return spec.name() + ": " + what + " not found; put " + String.join(", ", spec.files().stream().map(f -> f + "[.gz]").toList())
                + " in a directory and pass --data DIR, or in $GMVAE_DATA/" + spec.name() + "/"
                + (loc.gmvaeData() == null ? " (GMVAE_DATA is unset)" : " (GMVAE_DATA=" + loc.gmvaeData() + ")")
                + ", or in the cache " + loc.cacheDir(spec.name()) + "/";
    }

    /** Reads a located data set's split. */
    static Dataset load(Catalog.Spec spec, Split split, DataLocator.Location l) {
        return switch (split) {
            case TRAIN -> part(spec, l, Catalog.Spec.TRAIN_IMAGES, Catalog.Spec.TRAIN_LABELS, Split.TRAIN);
            case TEST -> part(spec, l, Catalog.Spec.TEST_IMAGES, Catalog.Spec.TEST_LABELS, Split.TEST);
            case POOL -> concat(load(spec, Split.TRAIN, l), load(spec, Split.TEST, l));
        };
    }

    private static Dataset part(Catalog.Spec spec, DataLocator.Location l, int imagesKey, int labelsKey, Split split) {
        Path imgFile = l.file(imagesKey), labFile = l.file(labelsKey);
        IdxReader.Images img = IdxReader.readImages(imgFile, 28, 28);
        int[] labels = mapLabels(spec, IdxReader.readLabels(labFile), labFile);
        if (labels.length != img.n())
            throw new DataException(imgFile + ": holds " + img.n() + " images but " + labFile.getFileName() + " holds " + labels.length + " labels");
        if (spec.transpose()) transpose(img.pixels(), img.n(), img.rows());
        return new Dataset(spec.name(), split, img.pixels(), labels, img.n(), img.rows(), img.cols(), spec.classNames());
    }

    private static int[] labels(Catalog.Spec spec, DataLocator.Location l, Split split) {
        return switch (split) {
            case TRAIN -> mapLabels(spec, IdxReader.readLabels(l.file(Catalog.Spec.TRAIN_LABELS)), l.file(Catalog.Spec.TRAIN_LABELS));
            case TEST -> mapLabels(spec, IdxReader.readLabels(l.file(Catalog.Spec.TEST_LABELS)), l.file(Catalog.Spec.TEST_LABELS));
            case POOL -> {
                int[] a = labels(spec, l, Split.TRAIN), b = labels(spec, l, Split.TEST);
                int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, c, a.length, b.length);
                yield c;
            }
        };
    }

    /** Stored labels minus the offset, each checked to be a class of the data set. */
    static int[] mapLabels(Catalog.Spec spec, int[] stored, Path file) {
        int k = spec.classNames().size(), off = spec.labelOffset();
        for (int i = 0; i < stored.length; i++) {
            int v = stored[i] - off;
            if (v < 0 || v >= k)
                throw new DataException(file + ": label " + stored[i] + " at index " + i + " is outside " + off + ".." + (off + k - 1)
                        + " for " + spec.name());
            stored[i] = v;
        }
        return stored;
    }

    /** EMNIST stores each image column-major; transposing makes it upright like MNIST. */
    static void transpose(byte[] px, int n, int side) {
        int d = side * side;
        byte[] t = new byte[d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++) t[c * side + r] = px[o + r * side + c];
            System.arraycopy(t, 0, px, o, d);
        }
    }

    /** a followed by b, as split POOL. */
    static Dataset concat(Dataset a, Dataset b) {
        byte[] px = java.util.Arrays.copyOf(a.pixels(), a.pixels().length + b.pixels().length);
        System.arraycopy(b.pixels(), 0, px, a.pixels().length, b.pixels().length);
        int[] lb = java.util.Arrays.copyOf(a.labels(), a.n() + b.n());
        System.arraycopy(b.labels(), 0, lb, a.n(), b.n());
        return new Dataset(a.name(), Split.POOL, px, lb, a.n() + b.n(), a.rows(), a.cols(), a.classNames());
    }
}
