package gmvae4j.datasets.images;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.DataException;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder layouts, labels, bad pictures and the cache, on small generated folders (no real data needed). */
class ImageSetsTest {
    @TempDir Path dir;
    @TempDir Path cache;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach void privateCache() { System.setProperty("gmvae4j.cache", cache.toString()); }

    private ImageSet load(Path root, ImageSets.Options o) {
        return ImageSets.load(root, o, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private String log() { return log.toString(StandardCharsets.UTF_8); }

    /** n glyphs as 28x28 grey PNGs under root/CLASS/i.png for the given classes. */
    private Dataset classFolders(Path root, int n, String... classes) throws Exception {
        Dataset g = Glyphs.generate(n, 3);
        for (int i = 0; i < n; i++)
            Pictures.write(Pictures.grey(g.pixels(), i * 784, 28), "png", root.resolve(classes[i % classes.length]).resolve(i + ".png"));
        return g;
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                    : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
        }
        return m;
    }

    @Test void classFoldersAreLabeledAndSplitByHashAndTheFolderIsNeverWritten() throws Exception {
        Dataset g = classFolders(dir, 60, "a", "b", "c");
        Map<String, String> before = snapshot(dir);
        ImageSet s = load(dir, ImageSets.Options.defaults());
        assertEquals(ImageFolder.Layout.CLASSES, s.layout());
        assertEquals(List.of("a", "b", "c"), s.pool().classNames());
        assertEquals(60, s.pool().n());
        assertTrue(s.trainCount() > 30 && s.trainCount() < 60, "about 1/6 to test: " + s.trainCount());
        for (int j = 0; j < s.pool().n(); j++) {
            String p = s.paths().get(j);
            int i = Integer.parseInt(p.substring(2, p.length() - 4));
            assertEquals(p.charAt(0) - 'a', s.pool().labels()[j], p);
            assertArrayEquals(java.util.Arrays.copyOfRange(g.pixels(), i * 784, i * 784 + 784),
                    java.util.Arrays.copyOfRange(s.pool().pixels(), j * 784, j * 784 + 784), "28x28 grey PNG reads back exactly: " + p);
            assertEquals(j >= s.trainCount(), ImageFolder.isTest(s.layout(), p));
        }
        assertTrue(log().startsWith("images: "), "the layout is stated first: " + log());
        assertTrue(log().contains("class folders"), log());
        assertEquals(before, snapshot(dir), "nothing in DIR is written");
    }

    @Test void trainAndTestFoldersAreTheSplits() throws Exception {
        classFolders(dir.resolve("train"), 20, "x", "y");
        classFolders(dir.resolve("test"), 6, "x", "y");
        ImageSet s = load(dir, ImageSets.Options.defaults());
        assertEquals(ImageFolder.Layout.SPLIT, s.layout());
        assertEquals(20, s.trainCount());
        assertEquals(26, s.pool().n());
        assertTrue(s.paths().get(0).startsWith("train/") && s.paths().get(25).startsWith("test/"));
    }

    @Test void aFlatFolderIsUnlabeledAndALabelsCsvLabelsSome() throws Exception {
        classFolders(dir, 12, "."); // files straight in dir
        ImageSet s = load(dir, ImageSets.Options.defaults());
        assertEquals(ImageFolder.Layout.FLAT, s.layout());
        assertNull(s.pool().labels());
        Path csv = cache.resolve("labels.csv");
        Files.writeString(csv, "path,label\n./0.png,zero\n\"1.png\",one\n3.png,one\n");
        s = load(dir, new ImageSets.Options(ConversionOptions.defaults(), csv, false, false, true));
        assertEquals(List.of("one", "zero"), s.pool().classNames());
        assertEquals(3, s.labeledIndices().length);
        assertFalse(s.fullyLabeled());
        assertEquals(ImageSet.UNLABELED, s.pool().labels()[s.paths().indexOf("2.png")]);
        assertEquals(1, s.pool().labels()[s.paths().indexOf("0.png")]);
        ImageSet l = s.labeledOnly();
        assertEquals(3, l.pool().n());
        assertTrue(l.fullyLabeled());
        assertEquals(List.of("0.png", "1.png", "3.png"), l.paths().stream().sorted().toList());
    }

    private void userError(String expected, Path root, ImageSets.Options o) {
        DataException e = assertThrows(DataException.class, () -> load(root, o));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private ImageSets.Options labels(Path csv) { return new ImageSets.Options(ConversionOptions.defaults(), csv, false, false, true); }

    @Test void everyBadInputIsOneLine() throws Exception {
        userError("no such folder", dir.resolve("nope"), ImageSets.Options.defaults());
        Files.writeString(dir.resolve("readme.txt"), "not a picture");
        userError("no pictures", dir, ImageSets.Options.defaults());
        Path one = dir.resolve("one");
        classFolders(one, 4, "cat");
        userError("only one class", one, ImageSets.Options.defaults());

        Path flat = dir.resolve("flat");
        classFolders(flat, 4, ".");
        Files.writeString(flat.resolve("notes.txt"), "x");
        Path csv = cache.resolve("l.csv");
        Files.writeString(csv, "0.png,a,extra\n");
        userError("l.csv line 1: expected 2 columns (path,label), got 3", flat, labels(csv));
        Files.writeString(csv, "0.png\n");
        userError("expected 2 columns", flat, labels(csv));
        Files.writeString(csv, "0.png,a\nmissing.png,b\n");
        userError("line 2: missing.png is no such file", flat, labels(csv));
        Files.writeString(csv, "notes.txt,b\n");
        userError("notes.txt is not a picture", flat, labels(csv));
        Files.writeString(csv, "../x.png,b\n");
        userError("outside the folder", flat, labels(csv));
        Files.writeString(csv, "0.png,a\n0.png,b\n");
        userError("labeled twice", flat, labels(csv));
        Files.writeString(csv, "0.png,\n");
        userError("empty label", flat, labels(csv));
        userError("--labels", flat, labels(cache.resolve("absent.csv")));
    }

    @Test void badPicturesAreSkippedCountedAndNamedOrAnErrorWhenStrict() throws Exception {
        classFolders(dir, 12, "a", "b");
        byte[] good = Files.readAllBytes(dir.resolve("a/0.png"));
        Files.write(dir.resolve("a/truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.write(dir.resolve("b/huge.png"), Pictures.pngClaiming(100_000, 100_000));
        Files.writeString(dir.resolve("b/text.jpg"), "this is not a JPEG");
        Files.write(dir.resolve("b/evil\u001b[31m.png"), new byte[] {1, 2, 3});
        ImageSet s = load(dir, ImageSets.Options.defaults());
        assertEquals(12, s.pool().n());
        assertEquals(4, s.skipped());
        String l = log();
        assertTrue(l.contains("skipped 4 of 16 pictures"), l);
        assertTrue(l.contains("a/truncated.png: corrupt or truncated"), l);
        assertTrue(l.contains("b/huge.png: its header claims 100000x100000 pixels, over the cap of 100000000"), l);
        assertTrue(l.contains("b/text.jpg: not a picture"), l);
        assertTrue(l.contains("b/evil\\e[31m.png"), "names are sanitised: " + l);
        assertFalse(l.contains("\u001b"), l);
        DataException e = assertThrows(DataException.class,
                () -> load(dir, new ImageSets.Options(ConversionOptions.defaults(), null, false, true, false)));
        assertTrue(e.getMessage().contains("(--strict)"), e.getMessage());
        // a cap below 28x28 refuses them all: one line, not an empty data set
        userError("none of the 16 pictures could be read", dir,
                new ImageSets.Options(new ConversionOptions(28, ConversionOptions.Invert.AUTO, 100), null, false, false, false));
    }

    @Test void symlinkLoopsAreNotedNotFollowedForever() throws Exception {
        classFolders(dir, 8, "a", "b");
        try {
            Files.createSymbolicLink(dir.resolve("a/loop"), dir);
        } catch (UnsupportedOperationException | java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no symbolic links here: " + e);
        }
        ImageSet s = load(dir, new ImageSets.Options(ConversionOptions.defaults(), null, false, false, false));
        assertEquals(8, s.pool().n());
        assertTrue(log().contains("symbolic link loop"), log());
        assertThrows(DataException.class, () -> load(dir, new ImageSets.Options(ConversionOptions.defaults(), null, false, true, false)));
    }

    @Test void theSecondLoadComesFromTheCacheAndAChangedFileIsDecodedAgain() throws Exception {
        Dataset g = classFolders(dir, 24, "a", "b");
        ImageSet first = load(dir, ImageSets.Options.defaults());
        assertFalse(first.fromCache());
        ImageSet second = load(dir, ImageSets.Options.defaults());
        assertTrue(second.fromCache(), log());
        assertArrayEquals(first.pool().pixels(), second.pool().pixels());
        assertEquals(first.paths(), second.paths());
        try (Stream<Path> s = Files.list(cache.resolve("images"))) {
            assertEquals(1, s.count(), "one cache entry per folder and options");
        }
        // other options: another entry, another conversion
        ImageSet big = load(dir, new ImageSets.Options(new ConversionOptions(32, ConversionOptions.Invert.AUTO, 1_000_000), null, false, false, true));
        assertFalse(big.fromCache());
        assertEquals(32 * 32, big.pool().dim());

        // change one file (same name): the cache must not serve the old pixels
        Path f = dir.resolve("a/0.png");
        Pictures.write(Pictures.grey(g.pixels(), 2 * 784, 28), "png", f);
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        ImageSet third = load(dir, ImageSets.Options.defaults());
        assertFalse(third.fromCache());
        int j = third.paths().indexOf("a/0.png");
        assertArrayEquals(java.util.Arrays.copyOfRange(g.pixels(), 2 * 784, 3 * 784),
                java.util.Arrays.copyOfRange(third.pool().pixels(), j * 784, (j + 1) * 784));
        // a damaged cache file is ignored, not trusted
        Path entry = ImageCache.entry(dir, ConversionOptions.defaults());
        byte[] b = Files.readAllBytes(entry);
        b[b.length / 2] ^= 0x55;
        Files.write(entry, b);
        assertFalse(load(dir, ImageSets.Options.defaults()).fromCache());
    }

    /** One glyph in every format and depth the JDK writes: each converts back to the glyph's bytes. */
    @Test void everyFormatAndDepthGivesTheSamePixels() throws Exception {
        Dataset g = Glyphs.generate(1, 11);
        byte[] want = g.pixels();
        java.awt.image.BufferedImage grey16 = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        java.awt.image.BufferedImage rgba = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < 784; i++) {
            int v = want[i] & 0xff, x = i % 28, y = i / 28;
            grey16.getRaster().setSample(x, y, 0, v * 257);
            rgba.setRGB(x, y, v << 24);                       // black ink, opacity = stroke: on white it reads 255 - v
            rgb.setRGB(x, y, (255 - v) * 0x010101);
        }
        Path f = dir.resolve("f");
        Pictures.write(grey16, "png", f.resolve("grey16.png"));
        Pictures.write(rgba, "png", f.resolve("rgba.png"));
        Pictures.write(rgb, "bmp", f.resolve("rgb.bmp"));
        Pictures.write(rgb, "gif", f.resolve("palette.gif"));
        Pictures.write(Pictures.grey(want, 0, 28), "png", f.resolve("grey8.png"));
        ConversionOptions o = ConversionOptions.defaults();
        for (String name : List.of("grey8.png", "grey16.png", "rgba.png", "rgb.bmp", "palette.gif")) {
            byte[] got = ImageConversion.load(f.resolve(name), o);
            int max = 0;
            for (int i = 0; i < 784; i++) max = Math.max(max, Math.abs((got[i] & 0xff) - (want[i] & 0xff)));
            // GIF: the JDK's writer quantises to a 256-colour palette; the others are exact
            assertTrue(max <= (name.endsWith(".gif") ? 8 : 1), name + ": max error " + max);
        }
    }

    @Test void conversionFitsKeepsTheAspectPadsWithTheBackgroundAndInvertsLightBackgrounds() {
        // 40 wide, 20 high, white background, one black 10x10 square in the middle
        float[] v = new float[40 * 20];
        java.util.Arrays.fill(v, 1f);
        for (int y = 5; y < 15; y++) for (int x = 15; x < 25; x++) v[y * 40 + x] = 0f;
        byte[] out = ImageConversion.convert(new GreyImage(40, 20, v), new ConversionOptions(8, ConversionOptions.Invert.AUTO, 1000));
        // scale 8/40: 8x4 centred at rows 2..5; the square 2x2 at rows 3..4, cols 3..4, bright after inversion
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) {
                int want = (y >= 3 && y <= 4 && x >= 3 && x <= 4) ? 255 : 0;
                assertEquals(want, out[y * 8 + x] & 0xff, "pixel " + x + "," + y);
            }
        byte[] kept = ImageConversion.convert(new GreyImage(40, 20, v), new ConversionOptions(8, ConversionOptions.Invert.NO, 1000));
        assertEquals(255, kept[0] & 0xff, "no inversion: padding is the (white) background");
        assertEquals(0, kept[3 * 8 + 3] & 0xff);
    }
}
