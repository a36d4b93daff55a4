package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --images} through the commands, and classify's folders, CSV and bad pictures. */
class ImagesCommandTest {
    @TempDir Path dir;
    @TempDir Path cache;

    @BeforeEach void privateCache() { System.setProperty("gmvae4j.cache", cache.toString()); }

    /** Image i of d as a 28x28 grey PNG, or (every 4th) 56x56 RGB on white, under root/LABEL/. */
    static void writePicture(Dataset d, int i, Path root, String name) throws IOException {
        Path cls = root.resolve(d.classNames().get(d.labels()[i]));
        Files.createDirectories(cls);
        boolean big = i % 4 == 1;
        int f = big ? 2 : 1;
        BufferedImage img = new BufferedImage(28 * f, 28 * f, big ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28 * f; y++)
            for (int x = 0; x < 28 * f; x++) {
                int v = d.pixels()[i * 784 + (y / f) * 28 + x / f] & 0xff;
                if (big) { v = 255 - v; img.setRGB(x, y, v << 16 | v << 8 | v); }
                else img.getRaster().setSample(x, y, 0, v);
            }
        ImageIO.write(img, "png", cls.resolve(name + ".png").toFile());
    }

    static void writeIdx(Path images, Path labels, Dataset d, int from, int to) throws IOException {
        try (OutputStream o = Files.newOutputStream(images); DataOutputStream out = new DataOutputStream(o)) {
            out.writeInt(0x803); out.writeInt(to - from); out.writeInt(28); out.writeInt(28);
            out.write(d.pixels(), from * 784, (to - from) * 784);
        }
        try (OutputStream o = Files.newOutputStream(labels); DataOutputStream out = new DataOutputStream(o)) {
            out.writeInt(0x801); out.writeInt(to - from);
            for (int i = from; i < to; i++) out.writeByte(d.labels()[i]);
        }
    }

    static double softDot(Path report, String fraction) throws IOException {
        for (String line : Files.readAllLines(report.resolve("results.csv")))
            if (line.startsWith("transductive,soft-dot," + fraction + ",")) return Double.parseDouble(line.split(",")[4]);
        throw new AssertionError("no soft-dot row at " + fraction + " in " + Files.readString(report.resolve("results.csv")));
    }

    /**
     * The same 4,000 MNIST images as IDX files and as a train/test picture tree: a short
     * experiment reaches about the same accuracy both ways. Then train, select, sample, explain
     * and classify on the folder.
     */
    @Test void experimentOnPicturesMatchesTheIdxPathAndEveryCommandTakesTheFolder() throws Exception {
        String g = System.getenv("GMVAE_DATA");
        assumeTrue(g != null && !g.isBlank() && !g.startsWith("${"), "GMVAE_DATA is not set: SKIPPED, not passed");
        Path data = Path.of(g);
        String root = System.getProperty("gmvae4j.projectRoot");
        if (!data.isAbsolute() && !Files.isDirectory(data) && root != null) data = Path.of(root).resolve(g).normalize();
        Dataset test = Datasets.load("mnist", Split.TEST, data.resolve("mnist"));
        int nTrain = 3000, n = 4000;
        Path idx = dir.resolve("idx"), pics = dir.resolve("pics");
        Files.createDirectories(idx);
        writeIdx(idx.resolve("train-images-idx3-ubyte"), idx.resolve("train-labels-idx1-ubyte"), test, 0, nTrain);
        writeIdx(idx.resolve("t10k-images-idx3-ubyte"), idx.resolve("t10k-labels-idx1-ubyte"), test, nTrain, n);
        for (int i = 0; i < n; i++) writePicture(test, i, pics.resolve(i < nTrain ? "train" : "test"), String.format("%05d", i));

        String[] common = {"--protocol", "transductive", "--k", "20", "--epochs", "4", "--pretrain-epochs", "2",
                "--fractions", "0.01,0.05", "--draws", "2", "--no-baselines"};
        CliRun a = CliRun.run(concat(new String[] {"experiment", "--dataset", "mnist", "--data", idx.toString(),
                "--out", dir.resolve("r-idx").toString()}, common));
        assertEquals(0, a.code(), a.err());
        CliRun b = CliRun.run(concat(new String[] {"experiment", "--images", pics.toString(),
                "--out", dir.resolve("r-pics").toString()}, common));
        assertEquals(0, b.code(), b.err());
        assertTrue(b.err().startsWith("images: " + pics + ": class folders in train/ and test/, 4,000 pictures, 10 classes"), b.err());
        double accIdx = softDot(dir.resolve("r-idx"), "0.05"), accPics = softDot(dir.resolve("r-pics"), "0.05");
        System.err.printf("soft-dot at 5%%: IDX %.3f, pictures %.3f%n", accIdx, accPics);
        assertTrue(accIdx > 0.6, "the short run learns something: " + accIdx);
        assertTrue(Math.abs(accIdx - accPics) < 0.05, "IDX " + accIdx + " vs pictures " + accPics);
        String md = Files.readString(dir.resolve("r-pics/REPORT.md"));
        assertTrue(md.contains("class folders in train/ and test/") && md.contains("invert auto"), "the report says where the images came from");
        Path model = dir.resolve("r-pics/model-transductive.gmvae");
        String header = new String(Files.readAllBytes(model), 0, 4096, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("images.layout") && header.contains("split"), "the model records its images");

        // select: the chosen pictures by path, and a label map from their folder labels
        Path chosen = dir.resolve("chosen.txt"), map = dir.resolve("sel.labelmap");
        CliRun r = CliRun.run("select", "--model", model.toString(), "--images", pics.toString(), "--n", "20",
                "--out", chosen.toString(), "--labelmap", map.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("loaded from the cache"), "second run over the folder: " + r.err());
        List<String> lines = Files.readAllLines(chosen);
        assertEquals(20, lines.size());
        for (String l : lines) assertTrue(Files.isRegularFile(pics.resolve(l)), l);

        // sample: generated images next to real members
        r = CliRun.run("sample", "--model", model.toString(), "--images", pics.toString(), "--components", "0,1",
                "--n", "4", "--png", dir.resolve("s.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("real members") && r.out().contains("component 0: "), r.out());
        BufferedImage grid = ImageIO.read(dir.resolve("s.png").toFile());
        assertTrue(grid.getWidth() > 8 * 28 * 2, "4 samples + separator + members per row: " + grid.getWidth());

        r = CliRun.run("explain", "--model", model.toString(), "--images", pics.toString(), "--index", "3",
                "--labelmap", map.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("image 3: train/"), r.out());

        // classify the test folder into a CSV
        Path csv = dir.resolve("out.csv");
        r = CliRun.run("classify", "--model", model.toString(), "--labelmap", map.toString(), pics.resolve("test").toString(),
                "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("path,label,score,runner_up,cluster", rows.get(0));
        assertEquals(n - nTrain + 1, rows.size());
        int right = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals(5, f.length, row);
            String truth = Path.of(f[0]).getParent().getFileName().toString();
            if (truth.equals(f[1])) right++;
            double score = Double.parseDouble(f[2]);
            assertTrue(score >= 0 && score <= 1, row);
            assertNotEquals(f[1], f[3], "the runner-up is another class: " + row);
        }
        assertTrue(right > 0.6 * (n - nTrain), right + " of " + (n - nTrain) + " right with 20 chosen labels");
    }

    /** A small glyphs folder and a model trained on it: for classify's bad-input cases. */
    private Path[] tinyModel() throws Exception {
        Dataset g = Glyphs.generate(130, 5);
        Path pics = dir.resolve("glyphs");
        for (int i = 0; i < g.n(); i++) writePicture(g, i, pics, "g" + i);
        Path model = dir.resolve("m.gmvae"), map = dir.resolve("m.labelmap");
        CliRun r = CliRun.run("train", "--images", pics.toString(), "--k", "5", "--epochs", "1", "--pretrain-epochs", "1",
                "--hidden", "32", "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("images: ") && r.out().contains("class folders"), r.out());
        r = CliRun.run("select", "--model", model.toString(), "--images", pics.toString(), "--n", "10", "--labelmap", map.toString());
        assertEquals(0, r.code(), r.err());
        return new Path[] {pics, model, map};
    }

    /** Exit 2 with one line, before any work started. */
    private static void oneLineExit2(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    /** Exit 2 when a problem turns up during the work: the progress shown so far, then one line. */
    private static void lastLineExit2(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertTrue(lines.getLast().startsWith("gmvae ") && lines.getLast().contains(expected), r.err());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("gmvae ")).count(), r.err());
    }

    @Test void classifyBadPicturesAreOneLineForNamedFilesAndSkippedInFolders() throws Exception {
        Path[] t = tinyModel();
        String model = t[1].toString(), map = t[2].toString();
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Path aGood;
        try (var s = Files.walk(t[0])) { aGood = s.filter(p -> p.toString().endsWith(".png")).findFirst().orElseThrow(); }
        byte[] good = Files.readAllBytes(aGood);
        Path truncated = bad.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
        Path huge = bad.resolve("huge.png");
        Files.write(huge, hugePng());
        oneLineExit2(CliRun.run("classify", "--model", model, "--labelmap", map, truncated.toString()), "truncated.png: corrupt or truncated");
        oneLineExit2(CliRun.run("classify", "--model", model, "--labelmap", map, huge.toString()),
                "huge.png: its header claims 100000x100000 pixels, over the cap");
        oneLineExit2(CliRun.run("classify", "--model", model, "--labelmap", map, dir.resolve("nothing").toString()), "no such file or folder");

        // in a folder they are skipped and counted; --strict stops
        Files.copy(aGood, bad.resolve("ok.png"));
        Path csv = dir.resolve("c.csv");
        CliRun r = CliRun.run("classify", "--model", model, "--labelmap", map, bad.toString(), "--csv", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("skipped 2 pictures"), r.err());
        assertEquals(2, Files.readAllLines(csv).size(), "header + the one good picture");
        Files.writeString(csv, "kept");
        lastLineExit2(CliRun.run("classify", "--model", model, "--labelmap", map, bad.toString(), "--csv", csv.toString(), "--strict", "--force"),
                "(--strict)");
        assertEquals("kept", Files.readString(csv), "a failed run leaves the old output alone");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary file left behind");
        }
    }

    @Test void folderFlagsAreCheckedAndUnlabeledFoldersSayWhatTheyCannotDo() throws Exception {
        Path[] t = tinyModel();
        oneLineExit2(CliRun.run("train", "--images", dir.resolve("none").toString(), "--out", dir.resolve("x.gmvae").toString()), "no such folder");
        oneLineExit2(CliRun.run("train", "--images", t[0].toString(), "--image-size", "65", "--out", dir.resolve("x.gmvae").toString()),
                "--image-size is at most 64");
        oneLineExit2(CliRun.run("train", "--images", t[0].toString(), "--invert", "maybe", "--out", dir.resolve("x.gmvae").toString()),
                "--invert must be one of auto|yes|no");
        oneLineExit2(CliRun.run("experiment", "--images", t[0].toString(), "--dataset", "mnist"), "alternatives");
        // a flat folder: unlabeled
        Path flat = dir.resolve("flat");
        Files.createDirectories(flat);
        try (var s = Files.walk(t[0])) {
            for (Path p : s.filter(Files::isRegularFile).toList()) Files.copy(p, flat.resolve(p.getParent().getFileName() + "-" + p.getFileName()));
        }
        oneLineExit2(CliRun.run("experiment", "--images", flat.toString(), "--out", dir.resolve("rep").toString()), "no picture has a label (flat)");
        Path labels = dir.resolve("l.csv");
        String one;
        try (var s = Files.list(flat)) { one = s.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow(); }
        Files.writeString(labels, "path,label\n" + one + ",b\n");
        CliRun r = CliRun.run("select", "--model", t[1].toString(), "--images", flat.toString(), "--labels", labels.toString(), "--n", "5",
                "--labelmap", dir.resolve("f\u001b[2J.labelmap").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 of 130 pictures labeled") && r.out().contains("from the 1 labeled pictures"), r.out());
        assertTrue(r.out().contains("label map written to " + dir + "/f\\e[2J.labelmap"), "the name escaped: " + r.out());
        assertFalse(r.out().contains("\u001b"), r.out());
        oneLineExit2(CliRun.run("select", "--model", t[1].toString(), "--images", flat.toString(), "--labels", labels.toString(),
                "--image-size", "20"), "--image-size 20: the model takes 28x28 images");
    }

    private static byte[] hugePng() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        byte[] ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(100_000).putInt(100_000)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr);
        b.putInt(13).put(ihdr).putInt((int) crc.getValue());
        b.putInt(0).put("IEND".getBytes());
        crc.reset();
        crc.update("IEND".getBytes());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
