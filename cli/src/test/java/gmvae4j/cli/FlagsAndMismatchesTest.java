package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.gmvae.GmvaeConfig;
import gmvae4j.engine.gmvae.GmvaeIo;
import gmvae4j.engine.gmvae.TrainableGmvae;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, sections 3 and 4 on the command line: every bad flag, size or file pairing is one
 * line on stderr and exit code 2, naming what is wrong; nothing is silently ignored or misread.
 */
class FlagsAndMismatchesTest {

    @TempDir Path tmp;

    static void oneLineExit2(CliRun r, String... expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
    }

    /** A small untrained model for 28x28 images (its weights are what matter here, not its skill). */
    Path model(String name, int k) throws Exception {
        TrainableGmvae m = GmvaeIo.create(new GmvaeConfig("mixture", k, 2, 28, 28, new int[] {8}, new int[] {8}, "mlp", "relu", true), 1);
        Path p = tmp.resolve(name);
        GmvaeIo.save(p, m, null, Map.of());
        return p;
    }

    /** A label map for k clusters and the given class names, fitted on made-up posteriors. */
    Path labelMap(String name, int k, List<String> classes, boolean nan) throws Exception {
        int rows = classes.size();
        float[] q = new float[rows * k];
        int[] idx = new int[rows], labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            q[i * k + i % k] = 1f;
            idx[i] = i;
            labels[i] = i;
        }
        Path p = tmp.resolve(name);
        LabelMap.fit(q, k, idx, labels, rows).withClassNames(classes).save(p);
        if (nan) poisonFirstProfile(p, k, classes);
        return p;
    }

    /**
     * Writes NaN into m(0)[0] and recomputes the checksum: a file that is well-formed in every
     * respect but its numbers (format: magic, version, k, classes, names, counts, profiles, ...; CRC32 last).
     */
    static void poisonFirstProfile(Path p, int k, List<String> classes) throws Exception {
        byte[] b = Files.readAllBytes(p);
        int off = 8 + 4 * 4;
        for (String c : classes) off += 2 + c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        off += k * classes.size() * 4;
        java.nio.ByteBuffer.wrap(b).putFloat(off, Float.NaN);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 8);
        java.nio.ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
        Files.write(p, b);
    }

    static List<String> letters() {
        List<String> l = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) l.add(String.valueOf(c));
        return l;
    }

    static List<String> digits() {
        List<String> l = new ArrayList<>();
        for (int d = 0; d <= 9; d++) l.add(String.valueOf(d));
        return l;
    }

    @Test void aRepeatedFlagIsAnErrorNamingIt() {
        oneLineExit2(CliRun.run("bounds", "--k", "5", "--k", "7"), "--k is given twice", "'5'", "'7'");
        oneLineExit2(CliRun.run("bounds", "--k=5", "--k", "7"), "--k is given twice");
        oneLineExit2(CliRun.run("version", "--backend", "cpu", "--backend", "cpu"), "--backend is given twice");
    }

    @Test void aFlagValueThatLooksLikeHelpIsAValueNotARequestForHelp() {
        CliRun r = CliRun.run("train", "--dataset", "glyphs", "--out", "-h");
        oneLineExit2(r, "--out -h", "looks like a flag");
        assertFalse(r.out().contains("usage"), r.out());
        r = CliRun.run("train", "--out", "m.gmvae", "-h");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("usage: ./gmvae train"), r.out());
        assertEquals(0, CliRun.run("train", "--help").code());
    }

    @Test void sizeFlagsHaveUpperBounds() throws Exception {
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--batch", "2147483647"),
                "--batch must be in 1..8192");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--shards", "-1"),
                "--shards must be in 0..256");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--hidden", "2147483647"),
                "--hidden widths must be in 1..16384");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--k", "100000000"),
                "--k must be in 1..5000");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--beta", "0"),
                "--beta must be in (0, 100], got 0");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--beta", "2",
                "--variant", "marginal"), "--beta is only available for --variant mixture");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--covariance", "full",
                "--variant", "marginal"), "--covariance full is only available for --variant mixture");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--covariance", "spherical"),
                "--covariance");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs:2147483647", "--out", tmp.resolve("m.gmvae").toString()),
                "glyphs:N needs N in 1..300000");
        oneLineExit2(CliRun.run("explain", "--model", model("m.gmvae", 4).toString(), "--dataset", "glyphs", "--size", "2147483647",
                "--index", "0"), "--size must be in 1..300000");
        oneLineExit2(CliRun.run("experiment", "--draws", "2147483647"), "--draws must be in 1..1000");
        oneLineExit2(CliRun.run("bounds", "--k", "5", "--n", "100", "--model", model("m2.gmvae", 4).toString(), "--dataset", "glyphs",
                "--trials", "2147483647"), "--trials must be in 1..100000");
        // 100 components x 1000 samples at scale 16: a 449,001 x 44,901 PNG
        CliRun r = CliRun.run("sample", "--model", model("k100.gmvae", 100).toString(), "--n", "1000", "--scale", "16",
                "--components", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19", "--png", tmp.resolve("s.png").toString());
        oneLineExit2(r, "at most 20,000 images and 40,000,000 pixels");
        assertFalse(Files.exists(tmp.resolve("s.png")));
    }

    @Test void selectNeedsAPositiveN() throws Exception {
        oneLineExit2(CliRun.run("select", "--model", model("m.gmvae", 4).toString(), "--dataset", "glyphs", "--size", "60", "--n", "-1"),
                "--n must be positive, got -1");
        oneLineExit2(CliRun.run("select", "--model", model("m2.gmvae", 4).toString(), "--dataset", "glyphs", "--size", "60",
                "--n", "1000000000"), "too large");
    }

    @Test void resumeWithConflictingArchitectureFlagsNamesBothValues() throws Exception {
        Path m = model("m.gmvae", 4);
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--k", "7"),
                "--k 7 conflicts with", "which has k 4");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--z", "3"), "--z 3", "z 2");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--variant", "marginal"),
                "--variant marginal", "variant mixture");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--hidden", "16"), "--hidden 16", "hidden 8");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--prior", "uniform"),
                "--prior uniform", "prior learned");
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs", "--out", m.toString(), "--resume", "--covariance", "full"),
                "--covariance full", "covariance diag");
    }

    @Test void resumeOnOtherImagesIsRefusedNamingBoth() throws Exception {
        TrainableGmvae m = GmvaeIo.create(new GmvaeConfig("mixture", 4, 2, 28, 28, new int[] {8}, new int[] {8}, "mlp", "relu", true), 1);
        Path p = tmp.resolve("r.gmvae");
        GmvaeIo.save(p, m, null, Map.of("epoch", "1", "dataset", "glyphs", "images", "60"));
        byte[] before = Files.readAllBytes(p);
        oneLineExit2(CliRun.run("train", "--dataset", "glyphs:120", "--out", p.toString(), "--resume", "--epochs", "2"),
                "was trained on glyphs (60 images), the data now is glyphs (120 images)");
        assertArrayEquals(before, Files.readAllBytes(p), "the model is untouched");
        // The same images continue.
        CliRun ok = CliRun.run("train", "--dataset", "glyphs:60", "--out", p.toString(), "--resume", "--epochs", "2");
        assertEquals(0, ok.code(), ok.err());
    }

    /** evaluate's default data set is the glyph demo's: a model trained on MNIST is not evaluated on letters. */
    @Test void evaluateWithoutADataSetRefusesAModelTrainedOnAnother() throws Exception {
        TrainableGmvae m = GmvaeIo.create(new GmvaeConfig("mixture", 4, 2, 28, 28, new int[] {8}, new int[] {8}, "mlp", "relu", true), 1);
        Path p = tmp.resolve("mnist.gmvae");
        GmvaeIo.save(p, m, null, Map.of("epoch", "1", "dataset", "mnist", "images", "70000"));
        oneLineExit2(CliRun.run("evaluate", "--model", p.toString(), "--no-baselines", "--draws", "1"),
                "was trained on mnist; evaluate it with --dataset mnist");
        // a glyph model, and a model without the record, still take the default
        Path g = tmp.resolve("glyphs.gmvae");
        GmvaeIo.save(g, m, null, Map.of("epoch", "1", "dataset", "glyphs", "images", "60"));
        Path none = model("none.gmvae", 4);
        for (Path ok : new Path[] {g, none}) {
            CliRun r = CliRun.run("evaluate", "--model", ok.toString(), "--size", "520", "--no-baselines", "--draws", "1",
                    "--labels-per-class", "2", "--out", tmp.resolve("rep-" + ok.getFileName()).toString());
            assertFalse(r.err().contains("was trained on"), r.err());
        }
    }

    /** Issue 12: a 26-letter map on MNIST printed wrong names and died with ArrayIndexOutOfBounds. */
    @Test void aLabelMapForOtherClassesIsRefusedNamingBothFiles() throws Exception {
        Path m = model("m.gmvae", 10);
        Path digitsMap = labelMap("digits.labelmap", 10, digits(), false);
        CliRun r = CliRun.run("explain", "--model", m.toString(), "--dataset", "glyphs", "--size", "60", "--index", "0",
                "--labelmap", digitsMap.toString());
        oneLineExit2(r, "digits.labelmap has 10 classes (0, 1 .. 9)", "the data set glyphs has 26 (a, b .. z)");
        assertEquals("", r.out(), "nothing printed before the refusal");
        // same number of classes, other names
        List<String> upper = new ArrayList<>();
        for (char c = 'A'; c <= 'Z'; c++) upper.add(String.valueOf(c));
        Path upperMap = labelMap("upper.labelmap", 10, upper, false);
        oneLineExit2(CliRun.run("explain", "--model", m.toString(), "--dataset", "glyphs", "--size", "60", "--index", "0",
                "--labelmap", upperMap.toString()), "upper.labelmap names its classes (A, B .. Z)", "glyphs (a, b .. z)");
        // a map for another K, with the model
        Path k4 = labelMap("k4.labelmap", 4, letters(), false);
        oneLineExit2(CliRun.run("explain", "--model", m.toString(), "--dataset", "glyphs", "--size", "60", "--index", "0",
                "--labelmap", k4.toString()), "k4.labelmap is for K=4", "m.gmvae has K=10");
        oneLineExit2(CliRun.run("classify", "--model", m.toString(), "--labelmap", k4.toString(), m.toString()),
                "k4.labelmap is for K=4", "m.gmvae has K=10");
    }

    @Test void aModelWithNaNWeightsAndAMapWithNaNProfilesAreRefusedAtLoad() throws Exception {
        TrainableGmvae m = GmvaeIo.create(new GmvaeConfig("mixture", 10, 2, 28, 28, new int[] {8}, new int[] {8}, "mlp", "relu", true), 1);
        m.params().data()[3] = Float.NaN;
        Path bad = tmp.resolve("nan.gmvae");
        GmvaeIo.save(bad, m, null, Map.of());
        oneLineExit2(CliRun.run("explain", "--model", bad.toString(), "--dataset", "glyphs", "--size", "60", "--index", "0"),
                "nan.gmvae", "NaN");
        oneLineExit2(CliRun.run("sample", "--model", bad.toString(), "--png", tmp.resolve("s.png").toString()), "nan.gmvae", "NaN");
        oneLineExit2(CliRun.run("evaluate", "--model", bad.toString(), "--size", "60", "--out", tmp.resolve("rep").toString()),
                "nan.gmvae", "NaN");
        Path nanMap = labelMap("nan.labelmap", 10, letters(), true);
        oneLineExit2(CliRun.run("classify", "--model", model("ok.gmvae", 10).toString(), "--labelmap", nanMap.toString(), bad.toString()),
                "nan.labelmap", "NaN");
    }

    @Test void boundsAtTheDocumentedMaximumAndBelowK() {
        CliRun r = CliRun.run("bounds", "--k", "5000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exact inclusion-exclusion"), r.out());
        oneLineExit2(CliRun.run("bounds", "--k", "100", "--n", "5"), "--n 5 points cannot fill 100 clusters");
        r = CliRun.run("bounds", "--k", "100", "--n", "500");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().matches("(?s).*\\d{3,}(\\.\\d+)?%.*"), "no share above 100%: " + r.out());
        assertTrue(r.out().contains("more than the 500 points"), r.out());
        oneLineExit2(CliRun.run("bounds", "--delta", "0.9"), "--delta must be in (0, 0.5]");
    }

    @Test void aBadThreadsPropertyIsOneLine() {
        String old = System.getProperty("gmvae.threads");
        try {
            System.setProperty("gmvae.threads", "abc");
            oneLineExit2(CliRun.run("version"), "-Dgmvae.threads", "'abc'");
            System.setProperty("gmvae.threads", "0");
            oneLineExit2(CliRun.run("bounds"), "-Dgmvae.threads", "'0'");
        } finally {
            if (old == null) System.clearProperty("gmvae.threads"); else System.setProperty("gmvae.threads", old);
        }
    }

    /** A named pipe given to classify: refused at once, not waited on (opening it blocks until a writer comes). */
    @Test void aPipeIsRefusedNotWaitedOn() throws Exception {
        Path fifo = tmp.resolve("pipe.png");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        Path m = model("m.gmvae", 10);
        Path map = labelMap("m.labelmap", 10, letters(), false);
        CliRun r;
        try {
            r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> CliRun.run("classify", "--model", m.toString(), "--labelmap", map.toString(), fifo.toString()));
        } catch (AssertionError stuck) {
            // a writer lets the stuck open return, so the command gives CliRun's lock back to the other tests
            Thread writer = new Thread(() -> {
                try (var o = Files.newOutputStream(fifo)) { o.write(0); } catch (Exception ignored) { }
            });
            writer.setDaemon(true);
            writer.start();
            writer.join(10_000);
            throw stuck;
        }
        oneLineExit2(r, fifo + ": not a file or folder of pictures");
    }

    @Test void namesFromFilesReachTheTerminalEscaped() throws Exception {
        Path evil = tmp.resolve("evil\u001b]0;owned\u0007.gmvae");
        CliRun r = CliRun.run("sample", "--model", evil.toString(), "--png", tmp.resolve("x.png").toString());
        assertEquals(2, r.code());
        assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r.err());
        assertTrue(r.err().contains("evil\\e]0;owned\\x07.gmvae"), r.err());
        // class names from a label map, printed by classify
        Path m = model("m.gmvae", 10);
        List<String> names = new ArrayList<>(letters());
        names.set(0, "a\u001b[2J\rfake");
        Path map = labelMap("evil.labelmap", 10, names, false);
        Path png = tmp.resolve("img.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        r = CliRun.run("classify", "--model", m.toString(), "--labelmap", map.toString(), "--decoder", "hard", png.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("\u001b") || r.out().contains("\r"), r.out());
    }
}
