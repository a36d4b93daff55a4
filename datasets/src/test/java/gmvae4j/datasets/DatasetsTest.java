package gmvae4j.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static gmvae4j.datasets.IdxFixtures.*;
import static gmvae4j.datasets.IdxReaderTest.assertFails;
import static org.junit.jupiter.api.Assertions.*;

/** Locating and loading the file-backed sets from small IDX files. */
class DatasetsTest {
    @TempDir Path tmp;

    private DataLocator locator(Path dataDir, Path gmvaeData) {
        Map<String, String> env = gmvaeData == null ? Map.of() : Map.of("GMVAE_DATA", gmvaeData.toString());
        return new DataLocator(dataDir, env, tmp.resolve("cache"));
    }

    @Test
    void loadsTrainTestAndPool() {
        Catalog.Spec mnist = Catalog.spec("mnist");
        writeSet(tmp.resolve("d"), mnist, new int[]{5, 0, 4}, new int[]{7, 2}, true);
        DataLocator.Location l = locator(tmp.resolve("d"), null).find(mnist);
        assertEquals(DataLocator.Kind.DATA_DIR, l.kind());
        Dataset train = Datasets.load(mnist, Split.TRAIN, l), test = Datasets.load(mnist, Split.TEST, l),
                pool = Datasets.load(mnist, Split.POOL, l);
        assertArrayEquals(new int[]{5, 0, 4}, train.labels());
        assertArrayEquals(new int[]{7, 2}, test.labels());
        assertArrayEquals(new int[]{5, 0, 4, 7, 2}, pool.labels());
        assertEquals(Split.POOL, pool.split());
        assertEquals(5, pool.n());
        assertArrayEquals(train.pixels(), java.util.Arrays.copyOf(pool.pixels(), 3 * 784));
        assertEquals("mnist", train.name());
        assertEquals("5", train.classNames().get(5));
        assertEquals("Ankle boot", Catalog.spec("fashion-mnist").classNames().get(9));
        assertEquals("T-shirt/top", Catalog.spec("fashion-mnist").classNames().get(0));
    }

    @Test
    void emnistIsTransposedAndLabelsStartAtZero() {
        Catalog.Spec em = Catalog.spec("emnist-letters");
        writeSet(tmp.resolve("e"), em, new int[]{1, 26, 3}, new int[]{2}, false);
        Dataset d = Datasets.load(em, Split.TRAIN, locator(tmp.resolve("e"), null).find(em));
        assertArrayEquals(new int[]{0, 25, 2}, d.labels());
        assertEquals("a", d.classNames().get(0));
        assertEquals("z", d.classNames().get(25));
        byte[] stored = images(3, 28, 28);
        for (int i = 0; i < 3; i++)
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                    assertEquals(stored[16 + i * 784 + c * 28 + r], d.pixels()[i * 784 + r * 28 + c], "pixel " + i + "," + r + "," + c);
    }

    @Test
    void searchOrderDataDirThenSubfolderThenGmvaeDataThenCache() {
        Catalog.Spec mnist = Catalog.spec("mnist");
        Path gd = tmp.resolve("gd");
        writeSet(gd.resolve("mnist"), mnist, new int[]{1}, new int[]{1}, true);
        // GMVAE_DATA only
        DataLocator.Location l = locator(null, gd).find(mnist);
        assertEquals(DataLocator.Kind.GMVAE_DATA, l.kind());
        assertEquals(gd.resolve("mnist"), l.dir());
        // --data DIR with the per-data-set subfolder wins over GMVAE_DATA
        Path dd = tmp.resolve("dd");
        writeSet(dd.resolve("mnist"), mnist, new int[]{2}, new int[]{2}, false);
        l = locator(dd, gd).find(mnist);
        assertEquals(DataLocator.Kind.DATA_DIR, l.kind());
        assertEquals(dd.resolve("mnist"), l.dir());
        // --data DIR that holds another data set's files only: falls through to GMVAE_DATA
        Path other = tmp.resolve("other");
        writeSet(other, Catalog.spec("emnist-letters"), new int[]{1}, new int[]{1}, true);
        assertEquals(DataLocator.Kind.GMVAE_DATA, locator(other, gd).find(mnist).kind());
        // cache last
        writeSet(tmp.resolve("cache/mnist"), mnist, new int[]{3}, new int[]{3}, true);
        assertEquals(DataLocator.Kind.CACHE, locator(null, null).find(mnist).kind());
        assertEquals(DataLocator.Kind.MISSING, locator(null, null).find(Catalog.spec("fashion-mnist")).kind());
    }

    @Test
    void directoryMissingOneOfTheFourFiles() throws Exception {
        Catalog.Spec mnist = Catalog.spec("mnist");
        Path d = tmp.resolve("partial");
        writeSet(d, mnist, new int[]{1}, new int[]{1}, true);
        Files.delete(d.resolve("t10k-labels-idx1-ubyte.gz"));
        assertFails(d, "incomplete mnist files: has train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz but no t10k-labels-idx1-ubyte[.gz]",
                () -> locator(d, null).find(mnist));
        // a partial cache is an interrupted download, not an error: it is reported missing (to be completed)
        writeSet(tmp.resolve("cache/mnist"), mnist, new int[]{1}, new int[]{1}, true);
        Files.delete(tmp.resolve("cache/mnist/train-images-idx3-ubyte.gz"));
        assertEquals(DataLocator.Kind.MISSING, locator(null, null).find(mnist).kind());
    }

    @Test
    void imageAndLabelCountsMustAgree() {
        Catalog.Spec mnist = Catalog.spec("mnist");
        Path d = tmp.resolve("mismatch");
        writeSet(d, mnist, new int[]{1, 2}, new int[]{1}, false);
        write(d, "train-images-idx3-ubyte", images(3, 28, 28));
        DataLocator.Location l = locator(d, null).find(mnist);
        assertFails(d.resolve("train-images-idx3-ubyte"), "holds 3 images but train-labels-idx1-ubyte holds 2 labels",
                () -> Datasets.load(mnist, Split.TRAIN, l));
        assertEquals(1, Datasets.load(mnist, Split.TEST, l).n());
    }

    @Test
    void labelsOutsideTheDataSetsRange() {
        Catalog.Spec mnist = Catalog.spec("mnist"), em = Catalog.spec("emnist-letters");
        Path d = tmp.resolve("m");
        writeSet(d, mnist, new int[]{1, 10}, new int[]{1}, true);
        assertFails(d.resolve("train-labels-idx1-ubyte.gz"), "label 10 at index 1 is outside 0..9 for mnist",
                () -> Datasets.load(mnist, Split.TRAIN, locator(d, null).find(mnist)));
        Path e = tmp.resolve("e");
        writeSet(e, em, new int[]{1}, new int[]{0}, true);
        assertFails(e.resolve("emnist-letters-test-labels-idx1-ubyte.gz"), "label 0 at index 0 is outside 1..26 for emnist-letters",
                () -> Datasets.load(em, Split.TEST, locator(e, null).find(em)));
        writeSet(e, em, new int[]{27}, new int[]{1}, true);
        assertFails(e.resolve("emnist-letters-train-labels-idx1-ubyte.gz"), "label 27 at index 0 is outside 1..26",
                () -> Datasets.load(em, Split.TRAIN, locator(e, null).find(em)));
    }

    @Test
    void missingEverywhereSaysWhatToPutWhere() {
        Catalog.Spec f = Catalog.spec("fashion-mnist");
        DataLocator loc = locator(null, tmp.resolve("gd"));
        DataException e = assertThrows(DataException.class, () -> Datasets.ensure(f, loc, null));
        String m = e.getMessage();
        assertFalse(m.contains("\n"));
        for (String s : new String[]{"fashion-mnist", "train-images-idx3-ubyte[.gz]", "t10k-labels-idx1-ubyte[.gz]", "--data DIR",
                "$GMVAE_DATA/fashion-mnist/", tmp.resolve("cache/fashion-mnist").toString()})
            assertTrue(m.contains(s), "message lacks '" + s + "': " + m);
        DataException nd = assertThrows(DataException.class, () -> locator(tmp.resolve("nope"), null).find(f));
        assertEquals("--data " + tmp.resolve("nope") + ": no such directory", nd.getMessage());
    }

    @Test
    void unknownNameAndGlyphsEntryPoint() {
        DataException e = assertThrows(DataException.class, () -> Datasets.load("cifar", Split.TRAIN, null));
        assertTrue(e.getMessage().contains("unknown data set 'cifar'"), e.getMessage());
        Dataset test = Datasets.load("glyphs", Split.TEST, null);
        assertEquals(Glyphs.TEST_N, test.n());
        assertEquals(Split.TEST, test.split());
        assertArrayEquals(Glyphs.generate(Glyphs.TEST_N, Glyphs.TEST_SEED).pixels(), test.pixels());
        assertEquals(DataLocator.Kind.EMBEDDED, Datasets.locate("glyphs", null).kind());
    }

    @Test
    void cacheRootHonoursXdgAndProperty() {
        String old = System.getProperty("gmvae4j.cache");
        try {
            System.clearProperty("gmvae4j.cache");
            assertEquals(Path.of("/x/gmvae4j"), DataLocator.cacheRoot(Map.of("XDG_CACHE_HOME", "/x")));
            assertEquals(Path.of(System.getProperty("user.home"), ".cache", "gmvae4j"), DataLocator.cacheRoot(Map.of()));
            System.setProperty("gmvae4j.cache", tmp.toString());
            assertEquals(tmp, DataLocator.cacheRoot(Map.of("XDG_CACHE_HOME", "/x")));
        } finally {
            if (old == null) System.clearProperty("gmvae4j.cache"); else System.setProperty("gmvae4j.cache", old);
        }
    }
}
