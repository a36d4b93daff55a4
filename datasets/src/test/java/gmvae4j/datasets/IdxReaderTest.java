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
        assertFails(g, "header claims 5 labels (5 bytes of data) but the gzip data holds 3: truncated or corrupt", () -> IdxReader.readLabels(g));
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
        // Under the cap but far beyond the file: checked against the file size (raw) or what decompresses.
        Path raw = write(dir, "claims-million", imageHeader(1_000_000, 28, 28));
        assertFails(raw, "header claims 1000000 images of 28x28 (784000016 bytes) but the file holds 16 bytes",
                () -> IdxReader.readImages(raw, 28, 28));
        Path gz = write(dir, "claims-million.gz", gzip(imageHeader(1_000_000, 28, 28)));
        assertFails(gz, "but the gzip data holds 0: truncated or corrupt", () -> IdxReader.readImages(gz, 28, 28));
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

    /**
     * Regression (issue 12 section 2): a 95 KB gzip whose header and forged trailer both claim a
     * million images made the reader allocate the 784 MB they describe before failing. Now it
     * may allocate only about what the file really decompresses to.
     */
    @Test
    void forgedGzipSizesCannotMakeUsAllocate() throws Exception {
        Path f = write(dir, "bomb.gz", forgedMillionImages());
        assertTrue(Files.size(f) < 200_000, "the crafted file is small: " + Files.size(f));
        long before = allocatedBytes();
        // the 100,000 real bytes run out (or the forged trailer fails its CRC) long before a million images
        for (Runnable r : new Runnable[]{() -> IdxReader.readImages(f, 28, 28), () -> IdxReader.imageCount(f, 28, 28)}) {
            String m = assertFails(f, "", r).getMessage();
            assertTrue(m.contains("corrupt gzip data") || m.contains("but the gzip data holds 100000"), m);
        }
        long used = allocatedBytes() - before;
        assertTrue(used < 32_000_000L, "reading a " + Files.size(f) + "-byte file allocated " + used + " bytes");
    }

    /** Same through the data set loader (labels read, pixel pool sized): still bounded by what is there. */
    @Test
    void forgedGzipSizesCannotMakeTheLoaderAllocate() throws Exception {
        Catalog.Spec spec = Catalog.spec("mnist");
        Path set = dir.resolve("set");
        int n = 1_000_000;
        write(set, spec.files().get(0) + ".gz", forgedMillionImages());
        write(set, spec.files().get(1) + ".gz", gzip(labels(new int[n])));
        write(set, spec.files().get(2) + ".gz", gzip(images(1, 28, 28)));
        write(set, spec.files().get(3) + ".gz", gzip(labels(0)));
        long before = allocatedBytes();
        DataException e = assertThrows(DataException.class, () -> Datasets.load(spec, Split.POOL, new DataLocator(set, java.util.Map.of(), dir.resolve("cache")).find(spec)));
        long used = allocatedBytes() - before;
        assertTrue(e.getMessage().contains("corrupt gzip data") || e.getMessage().contains("but the gzip data holds"), e.getMessage());
        assertTrue(used < 64_000_000L, "loading allocated " + used + " bytes");
    }

    /** Header and ISIZE trailer claim 1,000,000 images; the deflate stream holds 100,000 zero bytes. */
    private static byte[] forgedMillionImages() {
        byte[] content = Arrays.copyOf(imageHeader(1_000_000, 28, 28), 16 + 100_000);
        byte[] gz = gzip(content);
        java.nio.ByteBuffer.wrap(gz, gz.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16 + 784_000_000);
        return gz;
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** What {@code cat a.gz b.gz} makes (and {@code gzip -t} passes) loads: members split mid-pixels. */
    @Test
    void multiMemberGzipLoads() {
        byte[] img = images(5, 28, 28), lab = labels(1, 2, 3, 4, 5, 6, 7);
        Path f = write(dir, "two-members.gz", concat(gzip(Arrays.copyOf(img, 1000)), gzip(Arrays.copyOfRange(img, 1000, img.length))));
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), IdxReader.readImages(f, 28, 28).pixels());
        assertEquals(5, IdxReader.imageCount(f, 28, 28));
        Path g = write(dir, "three-members.gz", concat(gzip(Arrays.copyOf(lab, 3)), gzip(Arrays.copyOfRange(lab, 3, 9)),
                gzip(Arrays.copyOfRange(lab, 9, lab.length))));
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6, 7}, IdxReader.readLabels(g));
    }

    /** A gzip header with every optional field (extra, file name, comment, header CRC) loads. */
    @Test
    void gzipWithOptionalHeaderFieldsLoads() throws Exception {
        byte[] lab = labels(9, 8, 7);
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.write(new byte[]{0x1f, (byte) 0x8b, 8, 0x1e /* FEXTRA|FNAME|FCOMMENT */ | 0x02 /* FHCRC */, 0, 0, 0, 0, 0, 3});
        o.write(new byte[]{6, 0, 'a', 'b', 2, 0, 'x', 'y'}); // XLEN = 6: one subfield "ab" holding "xy"
        o.write("labels.idx\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        o.write("a comment\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        java.util.zip.CRC32 hcrc = new java.util.zip.CRC32();
        hcrc.update(o.toByteArray());
        o.write((int) hcrc.getValue() & 0xff);
        o.write((int) (hcrc.getValue() >> 8) & 0xff);
        java.util.zip.Deflater d = new java.util.zip.Deflater(6, true);
        d.setInput(lab);
        d.finish();
        byte[] buf = new byte[256];
        o.write(buf, 0, d.deflate(buf));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(lab);
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        t.putInt((int) crc.getValue()).putInt(lab.length);
        o.write(t.array());
        Path f = write(dir, "named.gz", o.toByteArray());
        assertArrayEquals(new int[]{9, 8, 7}, IdxReader.readLabels(f));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
