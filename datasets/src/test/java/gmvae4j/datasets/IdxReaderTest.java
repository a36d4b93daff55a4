package gmvae4j.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static gmvae4j.datasets.IdxFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every bad-input case gives a one-line DataException naming the file and the problem. */
class IdxReaderTest {
    @TempDir Path dir;

    /** Asserts the failure is one line, names the file, and says {@code problem}. */
    static DataException assertFails(Path file, String problem, Runnable r) {
        DataException e = assertThrows(DataException.class, r::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "message must be one line: " + m);
        assertTrue(m.contains(file.toString()), "message must name " + file + ": " + m);
        assertTrue(m.contains(problem), "message must say '" + problem + "': " + m);
        return e;
    }

    @Test
    void readsRawAndGzippedAlike() {
        byte[] img = images(3, 28, 28);
        Path raw = write(dir, "raw-images", img), gz = write(dir, "gz-images.idx", gzip(img));
        IdxReader.Images a = IdxReader.readImages(raw, 28, 28), b = IdxReader.readImages(gz, 28, 28);
        assertEquals(3, a.n());
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), a.pixels());
        assertArrayEquals(a.pixels(), b.pixels());
        assertTrue(IdxReader.isGzip(gz));
        assertFalse(IdxReader.isGzip(raw));
        // gzip is detected by content, not by name
        Path named = write(dir, "looks-gzipped.gz", img);
        assertEquals(3, IdxReader.readImages(named, 28, 28).n());
        assertArrayEquals(new int[]{0, 9, 255}, IdxReader.readLabels(write(dir, "l", gzip(labels(0, 9, 255)))));
    }

    @Test
    void wrongMagic() {
        byte[] img = images(1, 28, 28);
        img[3] = 0x05;
        Path f = write(dir, "bad-magic", img);
        assertFails(f, "wrong magic number 0x805", () -> IdxReader.readImages(f, 28, 28));
        Path lab = write(dir, "labels-as-images", labels(1, 2));
        assertFails(lab, "that is a label file", () -> IdxReader.readImages(lab, 28, 28));
        Path img2 = write(dir, "images-as-labels.gz", gzip(images(1, 28, 28)));
        assertFails(img2, "that is an image file", () -> IdxReader.readLabels(img2));
    }

    @Test
    void truncatedHeader() {
        Path f = write(dir, "short-header", Arrays.copyOf(images(1, 28, 28), 10));
        assertFails(f, "truncated header (10 of 16 bytes)", () -> IdxReader.readImages(f, 28, 28));
        Path g = write(dir, "short-header.gz", gzip(Arrays.copyOf(labels(1), 6)));
        assertFails(g, "truncated header (6 of 8 bytes)", () -> IdxReader.readLabels(g));
        Path h = write(dir, "three-bytes", new byte[]{0, 0, 8});
        assertFails(h, "truncated header (3 of 16 bytes)", () -> IdxReader.readImages(h, 28, 28));
    }

    @Test
    void truncatedData() {
        byte[] img = images(4, 28, 28);
        Path f = write(dir, "short-data", Arrays.copyOf(img, img.length - 100));
        assertFails(f, "truncated: header claims 4 images of 28x28 (3152 bytes) but the file holds 3052 bytes",
                () -> IdxReader.readImages(f, 28, 28));
        // gzip of a truncated IDX: the stream is valid, the content too short.
        byte[] lab = labels(1, 2, 3, 4, 5);
        Path g = write(dir, "short-labels.gz", gzip(Arrays.copyOf(lab, lab.length - 2)));
        assertFails(g, "header claims 5 labels (13 bytes) but the gzip trailer says 11 bytes", () -> IdxReader.readLabels(g));
    }

    @Test
    void truncatedGzip() {
        byte[] gz = gzip(images(20, 28, 28));
        Path f = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertFails(f, "", () -> IdxReader.readImages(f, 28, 28));
        assertTrue(e.getMessage().matches(".*(truncated|corrupt).*"), e.getMessage());
        Path tiny = write(dir, "tiny.gz", new byte[]{0x1f, (byte) 0x8b, 8, 0});
        assertFails(tiny, "corrupt gzip: only 4 bytes", () -> IdxReader.readImages(tiny, 28, 28));
    }

    @Test
    void corruptGzip() {
        byte[] gz = gzip(images(20, 28, 28));
        for (int i = 20; i < gz.length - 20; i += 7) gz[i] ^= 0x5a; // scramble the deflate stream, keep header and trailer
        Path f = write(dir, "scrambled.gz", gz);
        assertFails(f, "corrupt gzip data", () -> IdxReader.readImages(f, 28, 28));
        byte[] badHeader = gzip(labels(1, 2));
        badHeader[2] = 99; // compression method must be 8
        Path h = write(dir, "bad-method.gz", badHeader);
        assertFails(h, "corrupt gzip header", () -> IdxReader.readLabels(h));
    }

    @Test
    void wrongImageSize() {
        Path f = write(dir, "big-images", images(2, 32, 32));
        assertFails(f, "images are 32x32, expected 28x28", () -> IdxReader.readImages(f, 28, 28));
        Path z = write(dir, "zero-rows", imageHeader(1, 0, 28));
        assertFails(z, "header claims images of 0x28 pixels", () -> IdxReader.readImages(z, 28, 28));
    }

    @Test
    void absurdCountsFailBeforeAllocating() {
        // 2^31 - 1 images: above the cap, rejected on the header alone.
        Path f = write(dir, "huge", imageHeader(Integer.MAX_VALUE, 28, 28));
        assertFails(f, "header claims 2147483647 images, more than the sane maximum of 1048576", () -> IdxReader.readImages(f, 28, 28));
        Path neg = write(dir, "negative", imageHeader(0x80000000, 28, 28));
        assertFails(neg, "header claims 2147483648 images", () -> IdxReader.readImages(neg, 28, 28));
        // Under the cap but far beyond the file: checked against the file size (raw) or gzip trailer.
        Path raw = write(dir, "claims-million", imageHeader(1_000_000, 28, 28));
        assertFails(raw, "header claims 1000000 images of 28x28 (784000016 bytes) but the file holds 16 bytes",
                () -> IdxReader.readImages(raw, 28, 28));
        Path gz = write(dir, "claims-million.gz", gzip(imageHeader(1_000_000, 28, 28)));
        assertFails(gz, "but the gzip trailer says 16 bytes uncompressed", () -> IdxReader.readImages(gz, 28, 28));
        // Takes no memory to speak of: the whole test runs in the default test heap many times over.
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        for (int i = 0; i < 50; i++) assertThrows(DataException.class, () -> IdxReader.readImages(gz, 28, 28));
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 200_000_000L, "rejecting a bad header allocated " + (after - before) + " bytes");
    }

    @Test
    void emptyFileAndTrailingBytesAndNoFile() throws Exception {
        Path f = write(dir, "empty", new byte[0]);
        assertFails(f, "empty file", () -> IdxReader.readImages(f, 28, 28));
        Path g = write(dir, "empty.gz", gzip(new byte[0]));
        assertFails(g, "", () -> IdxReader.readLabels(g));
        byte[] lab = labels(1, 2);
        Path t = write(dir, "trailing", Arrays.copyOf(lab, lab.length + 3));
        assertFails(t, "3 unexpected bytes after 2 labels", () -> IdxReader.readLabels(t));
        Path none = dir.resolve("absent");
        assertFails(none, "no such file", () -> IdxReader.readLabels(none));
        Path d = Files.createDirectory(dir.resolve("a-dir"));
        assertFails(d, "is a directory", () -> IdxReader.readLabels(d));
    }
}
