package gmvae4j.datasets;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What is known about each downloadable data set: its file names, class names, label offset,
 * orientation, where it can be downloaded and the MD5s of the published (gzipped) files.
 */
public final class Catalog {
    private Catalog() {}

    /** Names accepted by {@link Datasets#load}, in the order {@code data list} shows them. */
    public static final List<String> NAMES = List.of("emnist-letters", "mnist", "fashion-mnist", "glyphs");

    /** The official EMNIST archive: every split as gzip members, e.g. gzip/emnist-letters-train-images-idx3-ubyte.gz. */
    public static final String EMNIST_ZIP = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip";

    /**
     * One data set stored as four IDX files.
     *
     * @param files       base names (without .gz) in the order train images, train labels, test images, test labels
     * @param md5         MD5 of each published .gz file, same order (null entries: unknown)
     * @param labelOffset subtracted from stored labels (EMNIST Letters stores 1..26)
     * @param transpose   whether images are stored transposed (EMNIST) and must be flipped upright
     * @param urls        where to download: base URLs (file name appended) or, for {@code zip}, archive URLs
     * @param zip         whether the files come as gzip members inside a zip archive
     * @param zipFolder   the folder of the members inside the archive (e.g. {@code gzip/})
     */
    public record Spec(String name, List<String> classNames, List<String> files, List<String> md5, int labelOffset,
                       boolean transpose, List<String> urls, boolean zip, String zipFolder) {
        public static final int TRAIN_IMAGES = 0, TRAIN_LABELS = 1, TEST_IMAGES = 2, TEST_LABELS = 3;

        /** The same data set downloaded from other URLs (tests point these at a loopback server). */
        public Spec withUrls(List<String> u) { return new Spec(name, classNames, files, md5, labelOffset, transpose, List.copyOf(u), zip, zipFolder); }

        /** The same data set with other expected checksums (tests use small stand-in files). */
        public Spec withMd5(List<String> m) { return new Spec(name, classNames, files, m, labelOffset, transpose, urls, zip, zipFolder); }

        public String gzName(int k) { return files.get(k) + ".gz"; }
    }

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final List<String> STD_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static final Map<String, Spec> DEFAULTS = Map.of(
            "emnist-letters", new Spec("emnist-letters", Glyphs.CLASS_NAMES,
                    List.of("emnist-letters-train-images-idx3-ubyte", "emnist-letters-train-labels-idx1-ubyte",
                            "emnist-letters-test-images-idx3-ubyte", "emnist-letters-test-labels-idx1-ubyte"),
                    // The .gz members of the NIST archive (as published by torchvision and others).
                    List.of("8795078f199c478165fe18db82625747", "c16de4f1848ddcdddd39ab65d2a7be52",
                            "382093a19703f68edac6d01b8dfdfcad", "d4108920cd86601ec7689a97f2de7f59"),
                    1, true, List.of(EMNIST_ZIP), true, "gzip/"),
            "mnist", new Spec("mnist", DIGITS, STD_FILES,
                    // Checked against the files in the shared data directory.
                    List.of("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                            "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
                    0, false, List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
                            "https://storage.googleapis.com/cvdf-datasets/mnist/",
                            "http://yann.lecun.com/exdb/mnist/"), false, ""),
            "fashion-mnist", new Spec("fashion-mnist", FASHION, STD_FILES,
                    List.of("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                            "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
                    0, false, List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
                    false, ""));

    /**
     * The spec of a file-backed data set, with download URLs overridden by the system property
     * {@code gmvae4j.url.NAME} (comma-separated) when set. Throws DataException for unknown names
     * (and for {@code glyphs}, which has no files).
     */
    public static Spec spec(String name) {
        Spec s = DEFAULTS.get(name);
        if (s == null) {
            throw new DataException(name.equals("glyphs") ? "glyphs: embedded, generated in code; it has no files"
                    : "unknown data set '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
        String override = System.getProperty("gmvae4j.url." + name);
        if (override != null && !override.isBlank())
            s = s.withUrls(Arrays.stream(override.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList());
        return s;
    }
}
