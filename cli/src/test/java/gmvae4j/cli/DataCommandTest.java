package gmvae4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataCommandTest {
    @TempDir Path tmp;

    /** Runs Main with argv; returns {exit code, stdout, stderr}. */
    private static String[] run(String... argv) { return CliRun.run(argv).parts(); }

    @Test
    void showsAGlyphAsAsciiAndPng() throws Exception {
        Path png = tmp.resolve("g.png");
        String[] r = run("data", "show", "glyphs", "--index", "3", "--split", "test", "--png", png.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("glyphs test #3: label "), r[1]);
        assertEquals(28 + 2, r[1].lines().filter(l -> l.startsWith("|") || l.startsWith("+")).count());
        assertTrue(r[1].matches("(?s).*[#%@].*"), "some ink drawn");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(224, img.getWidth());
        assertEquals(224, img.getHeight());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temp file left beside the PNG");
        }
    }

    @Test
    void showsAnImageFromADataDirectory() throws Exception {
        Path d = tinyMnist(6);
        String[] r = run("data", "show", "mnist", "--index", "2", "--split", "pool", "--data", tmp.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("mnist pool #2: label 6 '6'"), r[1]);
        String[] v = run("data", "verify", "mnist", "--data", d.toString());
        assertEquals("0", v[0], v[2]);
        assertTrue(v[1].contains("uncompressed: no published checksum"), v[1]);
        assertTrue(v[1].contains("train: 2 images of 28x28"), v[1]);
    }

    @Test
    void badInputIsAOneLineUsageError() {
        String[] r = run("data", "show", "glyphs", "--index", "26000");
        assertEquals("2", r[0]);
        assertEquals("gmvae data: --index 26000 is out of range 0..25999 for glyphs train", r[2].strip());
        assertEquals("2", run("data", "show", "glyphs", "--index", "1", "--colour", "red")[0]);
        assertEquals("2", run("data", "show", "glyphs")[0]);
        assertEquals("2", run("data", "show", "cifar", "--index", "1")[0]);
        assertEquals("2", run("data", "frobnicate")[0]);
        String[] bad = run("data", "show", "mnist", "--index", "0", "--data", tmp.resolve("nope").toString());
        assertEquals("2", bad[0]);
        assertEquals("gmvae data: --data " + tmp.resolve("nope") + ": no such directory", bad[2].strip());
    }

    @Test
    void fetchFailureIsOneCleanLine() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "not the real file".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (var o = ex.getResponseBody()) { o.write(body); }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/fashion/";
        try {
            System.setProperty("gmvae4j.url.fashion-mnist", url);
            System.setProperty("gmvae4j.cache", tmp.resolve("cache").toString());
            // GMVAE_DATA cannot be unset from here: if it holds fashion-mnist, there is nothing to fetch.
            org.junit.jupiter.api.Assumptions.assumeFalse(gmvae4j.datasets.Datasets.locate("fashion-mnist", null).found(),
                    "fashion-mnist is already in GMVAE_DATA");
            String[] r = run("data", "fetch", "fashion-mnist");
            assertEquals("2", r[0], r[2]);
            String last = r[2].strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("gmvae data: fashion-mnist: download failed: " + url + "train-images-idx3-ubyte.gz: checksum mismatch"), r[2]);
            assertFalse(Files.exists(tmp.resolve("cache/fashion-mnist/train-images-idx3-ubyte.gz")));
        } finally {
            System.clearProperty("gmvae4j.url.fashion-mnist");
            System.clearProperty("gmvae4j.cache");
            server.stop(0);
        }
    }

    @Test
    void listShowsEverySet() {
        String[] r = run("data", "list", "--data", tmp.toString());
        assertEquals("0", r[0], r[2]);
        for (String n : new String[]{"emnist-letters", "mnist", "fashion-mnist", "glyphs"}) assertTrue(r[1].contains(n), r[1]);
        assertTrue(r[1].contains("embedded    26000 + 5200"), r[1]);
    }

    /**
     * data export writes into a hidden sibling and renames it into place at the end: a failure
     * part-way (here the test split of a crafted mnist, read after the train pictures are written)
     * leaves neither the folder nor any leftover; a complete export appears whole, with the
     * pictures as stored and the folder's permissions from the umask.
     */
    @Test
    void exportWritesTheFolderWholeOrNotAtAll() throws Exception {
        Path d = tinyMnist(6, 7);   // two test labels for one test image
        Path to = tmp.resolve("pics");
        String[] r = run("data", "export", "mnist", "--to", to.toString(), "--data", tmp.toString());
        assertEquals("2", r[0], r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertFalse(Files.exists(to), "a failed export leaves no folder");
        assertEquals(List.of("mnist"), names(tmp), "and no hidden leftover");

        write(d.resolve("t10k-labels-idx1-ubyte"), labels(6));
        r = run("data", "export", "mnist", "--to", to.toString(), "--data", tmp.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("mnist", "pics"), names(tmp));
        assertEquals(List.of("test", "train"), names(to));
        assertEquals(List.of("3", "8"), names(to.resolve("train")));
        BufferedImage img = ImageIO.read(to.resolve("train/8/00001.png").toFile());
        assertEquals(28, img.getWidth());
        assertEquals((byte) (784 + 5 * 28 + 3), (byte) img.getRaster().getSample(3, 5, 0), "image 1, row 5, column 3");
        assertTrue(Files.isRegularFile(to.resolve("test/6/00000.png")));
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(to), "the umask's permissions");
    }

    @Test
    void exportFillsOnlyANewOrEmptyFolder() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        String[] r = run("data", "export", "glyphs", "--to", empty.toString(), "--split", "test", "--limit", "3");
        assertEquals("0", r[0], r[2]);
        try (var s = Files.walk(empty)) {
            assertEquals(3, s.filter(Files::isRegularFile).count());
        }
        assertEquals(List.of("empty"), names(tmp), "no hidden leftover");
        // now it holds pictures: a second export is refused, as is a folder of the user's and a file
        Path mine = Files.createDirectory(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        for (Path to : List.of(empty, mine, file)) {
            r = run("data", "export", "glyphs", "--to", to.toString(), "--limit", "3");
            assertEquals("2", r[0], r[2]);
            assertEquals("gmvae data: --to " + to + ": exists and is not an empty folder; name a new folder, nothing in it was touched",
                    r[2].strip());
        }
        assertEquals(List.of("notes.txt"), names(mine));
        assertEquals("x", Files.readString(file));
        assertEquals(List.of("empty", "file.txt", "mine"), names(tmp));
    }

    /**
     * --to . in an empty current folder: the rename would put the pictures in a new folder while
     * the user's shell stays in the old, now deleted one. Refused (a child process, so that its
     * current folder can be an empty one).
     */
    @Test
    void exportRefusesTheCurrentFolder() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("here"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "data", "export", "glyphs", "--to", ".", "--limit", "1");
        Process p = new ProcessBuilder(cmd).directory(empty.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.strip().endsWith("gmvae data: --to .: is the current folder; name a new folder for the pictures"), out);
        assertEquals(List.of(), names(empty));
        assertEquals(List.of("here"), names(tmp), "nothing beside it either");
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** tmp/mnist: two train images labeled 3 and 8, one test image with the test labels given. */
    private Path tinyMnist(int... testLabels) throws Exception {
        Path d = tmp.resolve("mnist");
        write(d.resolve("train-images-idx3-ubyte"), images(2));
        write(d.resolve("train-labels-idx1-ubyte"), labels(3, 8));
        write(d.resolve("t10k-images-idx3-ubyte"), images(1));
        write(d.resolve("t10k-labels-idx1-ubyte"), labels(testLabels));
        return d;
    }

    private static byte[] images(int n) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 784).putInt(2051).putInt(n).putInt(28).putInt(28);
        for (int i = 0; i < n * 784; i++) b.put((byte) i);
        return b.array();
    }

    private static byte[] labels(int... v) {
        ByteBuffer b = ByteBuffer.allocate(8 + v.length).putInt(2049).putInt(v.length);
        for (int x : v) b.put((byte) x);
        return b.array();
    }

    private static void write(Path p, byte[] data) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }
}
