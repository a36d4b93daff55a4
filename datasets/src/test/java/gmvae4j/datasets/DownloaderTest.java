package gmvae4j.datasets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static gmvae4j.datasets.IdxFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The downloader against a real HTTP server on loopback: a small archive laid out like the NIST
 * one, a truncated file, a wrong checksum, a server that drops the connection, resuming with Range,
 * and MNIST-style mirrors tried in order.
 */
@Timeout(30)
class DownloaderTest {
    @TempDir Path tmp;
    private HttpServer server;
    private String base;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> rangeRequests = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private final Catalog.Spec letters = Catalog.spec("emnist-letters");
    private final int[] trainLabels = {1, 2, 26, 5}, testLabels = {3, 4};
    private byte[][] members;

    @BeforeEach
    void start() throws IOException {
        members = new byte[][]{gzip(images(4, 28, 28)), gzip(labels(trainLabels)), gzip(images(2, 28, 28)), gzip(labels(testLabels))};
        byte[] zip = nistLikeZip(members);
        files.put("/good.zip", zip);
        files.put("/truncated.zip", Arrays.copyOf(zip, zip.length / 2));
        byte[][] tampered = members.clone();
        tampered[1] = gzip(labels(1, 2, 3, 4)); // a valid file, just not the one whose checksum we expect
        files.put("/wrongsum.zip", nistLikeZip(tampered));
        files.put("/mnist/train-images-idx3-ubyte.gz", gzip(images(3, 28, 28)));
        files.put("/mnist/train-labels-idx1-ubyte.gz", gzip(labels(1, 2, 3)));
        files.put("/mnist/t10k-images-idx3-ubyte.gz", gzip(images(1, 28, 28)));
        files.put("/mnist/t10k-labels-idx1-ubyte.gz", gzip(labels(9)));

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() { server.stop(0); }

    /** Serves files; /drop* drops the connection half-way; /flaky* drops the first time, then honours Range. */
    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) rangeRequests.add(path + " " + range);
        boolean drop = path.startsWith("/drop"), flaky = path.startsWith("/flaky");
        byte[] body = files.get(drop || flaky ? "/good.zip" : path);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        if (drop || (flaky && flakyCalls.getAndIncrement() == 0)) {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            // Close the socket under the exchange: the client sees the body end early.
            closeAbruptly(ex);
            return;
        }
        int from = 0;
        if (flaky && range != null && range.startsWith("bytes=")) {
            from = Integer.parseInt(range.substring(6, range.indexOf('-')));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - from);
        } else {
            ex.sendResponseHeaders(200, body.length);
        }
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body, from, body.length - from);
        }
    }

    private static void closeAbruptly(HttpExchange ex) {
        try {
            ex.close(); // fewer bytes than Content-Length: the server closes the connection
        } catch (RuntimeException ignored) {
            // the server complains about the short body; that is the point
        }
    }

    /** A zip laid out like the NIST archive: gzip/emnist-*.gz members, letters among other splits. */
    private static byte[] nistLikeZip(byte[][] letterMembers) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            z.putNextEntry(new ZipEntry("gzip/"));
            z.closeEntry();
            put(z, "gzip/emnist-balanced-train-images-idx3-ubyte.gz", gzip(images(2, 28, 28)));
            String[] names = {"emnist-letters-train-images-idx3-ubyte.gz", "emnist-letters-train-labels-idx1-ubyte.gz",
                    "emnist-letters-test-images-idx3-ubyte.gz", "emnist-letters-test-labels-idx1-ubyte.gz"};
            for (int k = 0; k < 4; k++) {
                put(z, "gzip/" + names[k], letterMembers[k]);
                if (k == 1) put(z, "gzip/emnist-mnist-test-labels-idx1-ubyte.gz", gzip(labels(1, 2)));
            }
        }
        return bo.toByteArray();
    }

    private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(data);
        z.closeEntry();
    }

    private Catalog.Spec lettersAt(String path) {
        return letters.withUrls(List.of(base + path)).withMd5(Arrays.stream(members).map(Md5::of).toList());
    }

    private Downloader downloader() {
        return new Downloader(tmp.resolve("cache"), new PrintStream(log, true, StandardCharsets.UTF_8), false, 3, 5_000);
    }

    private DataLocator.Location located(Catalog.Spec spec) {
        return new DataLocator(null, Map.of(), tmp.resolve("cache")).find(spec);
    }

    private List<String> cacheFiles() throws IOException {
        Path d = tmp.resolve("cache/emnist-letters");
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void nistLikeArchiveDownloadsExtractsOnlyLettersAndLoads() throws IOException {
        Catalog.Spec spec = lettersAt("/good.zip");
        downloader().fetch(spec, tmp.resolve("cache/emnist-letters"));
        assertEquals(List.of("emnist-letters-test-images-idx3-ubyte.gz", "emnist-letters-test-labels-idx1-ubyte.gz",
                "emnist-letters-train-images-idx3-ubyte.gz", "emnist-letters-train-labels-idx1-ubyte.gz"), cacheFiles(),
                "only the letters members, no archive, no temp files");
        DataLocator.Location l = located(spec);
        assertEquals(DataLocator.Kind.CACHE, l.kind());
        Dataset train = Datasets.load(spec, Split.TRAIN, l);
        assertArrayEquals(new int[]{0, 1, 25, 4}, train.labels());
        assertEquals(6, Datasets.load(spec, Split.POOL, l).n());
        String out = log.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("downloading emnist-letters archive"), out);
        assertTrue(out.contains("done"), out);
        // Already there: a second fetch does not touch the network.
        server.removeContext("/");
        downloader().fetch(spec, tmp.resolve("cache/emnist-letters"));
    }

    @Test
    void truncatedArchiveFailsCleanly() throws IOException {
        DataException e = assertThrows(DataException.class,
                () -> downloader().fetch(lettersAt("/truncated.zip"), tmp.resolve("cache/emnist-letters")));
        assertOneLineMentioning(e, base + "/truncated.zip");
        assertTrue(e.getMessage().matches(".*(truncated or corrupt|has no member).*"), e.getMessage());
        assertNothingUsable(lettersAt("/truncated.zip"));
    }

    @Test
    void wrongChecksumFailsCleanly() throws IOException {
        DataException e = assertThrows(DataException.class,
                () -> downloader().fetch(lettersAt("/wrongsum.zip"), tmp.resolve("cache/emnist-letters")));
        assertOneLineMentioning(e, "member gzip/emnist-letters-train-labels-idx1-ubyte.gz: checksum mismatch, got MD5 "
                + Md5.of(gzip(labels(1, 2, 3, 4))) + ", expected " + Md5.of(members[1]));
        assertNothingUsable(lettersAt("/wrongsum.zip"));
    }

    @Test
    void droppedConnectionFailsCleanlyAfterRetries() throws IOException {
        DataException e = assertThrows(DataException.class,
                () -> downloader().fetch(lettersAt("/drop.zip"), tmp.resolve("cache/emnist-letters")));
        assertOneLineMentioning(e, base + "/drop.zip");
        assertTrue(e.getMessage().matches(".*connection (lost|closed).*"), e.getMessage());
        assertTrue(e.getMessage().contains("To work offline, put emnist-letters-train-images-idx3-ubyte[.gz]"), e.getMessage());
        assertNothingUsable(lettersAt("/drop.zip"));
    }

    @Test
    void droppedConnectionResumesWithRange() throws IOException {
        Catalog.Spec spec = lettersAt("/flaky.zip");
        downloader().fetch(spec, tmp.resolve("cache/emnist-letters"));
        assertEquals(1, rangeRequests.size(), "one resumed request: " + rangeRequests);
        String r = rangeRequests.get(0);
        assertTrue(r.matches("/flaky\\.zip bytes=\\d+-"), r);
        long from = Long.parseLong(r.substring(r.indexOf('=') + 1, r.length() - 1));
        assertTrue(from > 0 && from <= files.get("/good.zip").length / 2, "resumed at " + from);
        assertEquals(4, Datasets.load(spec, Split.TRAIN, located(spec)).n());
    }

    @Test
    void mirrorsAreTriedInOrderAndChecksumsChecked() throws IOException {
        Catalog.Spec mnist = Catalog.spec("mnist");
        List<String> md5 = Stream.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz").map(n -> Md5.of(files.get("/mnist/" + n))).toList();
        Catalog.Spec spec = mnist.withUrls(List.of(base + "/missing/", base + "/mnist")).withMd5(md5);
        downloader().fetch(spec, tmp.resolve("cache/mnist"));
        DataLocator.Location l = new DataLocator(null, Map.of(), tmp.resolve("cache")).find(spec);
        assertEquals(DataLocator.Kind.CACHE, l.kind());
        assertArrayEquals(new int[]{9}, Datasets.load(spec, Split.TEST, l).labels());

        // A wrong checksum at the only mirror: clean failure, file not kept.
        Catalog.Spec bad = spec.withUrls(List.of(base + "/mnist/")).withMd5(List.of(md5.get(0), md5.get(1), md5.get(2), "0".repeat(32)));
        Path dir = tmp.resolve("cache2/mnist");
        DataException e = assertThrows(DataException.class, () -> downloader().fetch(bad, dir));
        assertOneLineMentioning(e, base + "/mnist/t10k-labels-idx1-ubyte.gz: checksum mismatch");
        assertFalse(Files.exists(dir.resolve("t10k-labels-idx1-ubyte.gz")));
        assertFalse(Files.exists(dir.resolve("t10k-labels-idx1-ubyte.gz.part")));
        assertEquals(DataLocator.Kind.MISSING, new DataLocator(null, Map.of(), tmp.resolve("cache2")).find(bad).kind());
    }

    @Test
    void unreachableServerSaysWhatToDoOffline() {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Catalog.Spec spec = letters.withUrls(List.of("http://127.0.0.1:" + deadPort + "/gzip.zip"));
        DataException e = assertThrows(DataException.class, () -> downloader().fetch(spec, tmp.resolve("cache/emnist-letters")));
        assertOneLineMentioning(e, "cannot connect");
        assertTrue(e.getMessage().contains("pass --data DIR, or in $GMVAE_DATA/emnist-letters/, or in the cache "
                + tmp.resolve("cache/emnist-letters")), e.getMessage());
    }

    private static void assertOneLineMentioning(DataException e, String s) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(s), "message lacks '" + s + "': " + e.getMessage());
    }

    /**
     * Nothing that would later be taken as good: the data set is still missing, and every file under
     * a final name is a member verified against its checksum (kept so a retry need not redo it);
     * anything else may only be a .part file, which never counts.
     */
    private void assertNothingUsable(Catalog.Spec spec) throws IOException {
        Path d = tmp.resolve("cache/emnist-letters");
        for (String f : cacheFiles()) {
            if (f.endsWith(".part")) continue;
            int k = spec.files().indexOf(f.replace(".gz", ""));
            assertTrue(k >= 0, "left in the cache: " + f + " (all: " + cacheFiles() + ")");
            assertEquals(spec.md5().get(k), Md5.of(d.resolve(f)), f + " kept without matching its checksum");
        }
        assertEquals(DataLocator.Kind.MISSING, located(spec).kind());
    }
}
