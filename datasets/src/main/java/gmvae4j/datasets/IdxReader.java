package gmvae4j.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST/EMNIST format): a big-endian header, magic 2051 for images
 * ({@code n, rows, cols}, then n·rows·cols unsigned bytes) or 2049 for labels ({@code n}, then n
 * bytes). Files may be gzipped or raw; gzip is recognised by its 0x1f8b magic, not by the name.
 *
 * <p>Sizes are never taken on trust. The header's count is checked against {@link #MAX_COUNT}
 * and its image shape against 1024x1024 first; a raw file's size must then match the header
 * exactly before the pixel array is allocated. A gzip file's uncompressed size is only known by
 * decompressing it (the trailer's ISIZE is forgeable, is mod 2^32, and describes only the last
 * member of a multi-member file such as {@code cat a.gz b.gz} makes), so gzipped data is read
 * into a buffer that grows as decompressed bytes actually arrive: a forged header can make us
 * allocate only about twice what the file really holds. Every problem is a one-line
 * {@link DataException} naming the file.
 */
public final class IdxReader {
    private IdxReader() {}

    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;
    /** More images than any split of the supported sets (EMNIST ByClass train has 697,932). */
    public static final int MAX_COUNT = 1 << 20;

    /** Images of one IDX file: n images of rows×cols bytes, row-major as stored. */
    public record Images(int n, int rows, int cols, byte[] pixels) {}

    /** Reads an image file, requiring {@code rows×cols} images. */
    public static Images readImages(Path file, int rows, int cols) {
        return readImages(file, rows, cols, -1, null, 0);
    }

    /**
     * Reads an image file holding exactly {@code n} images of rows×cols straight into {@code dst}
     * at byte offset {@code offset}: loading train and test into one pool array without a copy.
     */
    public static void readImagesInto(Path file, int rows, int cols, int n, byte[] dst, int offset) {
        readImages(file, rows, cols, n, dst, offset);
    }

    /**
     * The number of images in an image file, after checking its header (magic, shape, size
     * against the file or gzip trailer) without reading the pixels.
     */
    public static int imageCount(Path file, int rows, int cols) {
        return readImages(file, rows, cols, -2, null, 0).n();
    }

    private static Images readImages(Path file, int rows, int cols, int wantN, byte[] dst, int offset) {
        try (Source src = open(file)) {
            int[] h = header(src, IMAGES_MAGIC, 16, "image");
            int n = h[0], r = h[1], c = h[2];
            if (r != rows || c != cols)
                throw fail(file, "images are " + r + "x" + c + ", expected " + rows + "x" + cols);
            long bytes = (long) n * r * c;
            String what = n + " images of " + r + "x" + c;
            src.checkSize(16 + bytes, what);
            if (wantN == -2) { // header check only; for gzip that means counting what decompresses
                src.checkGzipSize(16, bytes, what);
                return new Images(n, r, c, null);
            }
            if (wantN >= 0 && n != wantN) throw fail(file, "holds " + n + " images, expected " + wantN + " (file changed while loading?)");
            byte[] px;
            if (dst != null) { // the caller sized dst from imageCount, which checked the real size
                int got = src.in.readNBytes(dst, offset, (int) bytes);
                if (got < bytes) throw src.tooShort(bytes, got, what);
                px = dst;
            } else {
                px = src.readData((int) bytes, what);
            }
            src.checkEnd();
            return new Images(n, r, c, px);
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    /** Reads a label file: one unsigned byte per label. */
    public static int[] readLabels(Path file) {
        try (Source src = open(file)) {
            int n = header(src, LABELS_MAGIC, 8, "label")[0];
            src.checkSize(8 + (long) n, n + " labels");
            byte[] raw = src.readData(n, n + " labels");
            src.checkEnd();
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = raw[i] & 0xff;
            return labels;
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    /**
     * The count in an IDX file's header (images or labels), reading only the header: for listing
     * what a directory holds without loading it.
     */
    public static int count(Path file) {
        try (Source src = open(file)) {
            byte[] h = new byte[8];
            int got = src.in.readNBytes(h, 0, 8);
            if (got < 8) throw fail(file, got == 0 ? "empty file" : "truncated header (" + got + " of 8 bytes)");
            ByteBuffer b = ByteBuffer.wrap(h);
            int m = b.getInt();
            if (m != IMAGES_MAGIC && m != LABELS_MAGIC) throw fail(file, "wrong magic number 0x" + Integer.toHexString(m) + " for an IDX file");
            int n = b.getInt();
            if (n < 0 || n > MAX_COUNT) throw fail(file, "header claims " + Integer.toUnsignedString(n) + " items, more than the sane maximum of " + MAX_COUNT);
            return n;
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    /** Whether the file starts with the gzip magic 0x1f 0x8b. */
    public static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    /** Reads and checks the header; returns {n} for labels or {n, rows, cols} for images. */
    private static int[] header(Source src, int magic, int headerBytes, String kind) throws IOException {
        byte[] h = new byte[headerBytes];
        int got = src.in.readNBytes(h, 0, headerBytes);
        if (got == 0) throw fail(src.file, src.gzip ? "empty gzip content" : "empty file");
        if (got < 4) throw fail(src.file, "truncated header (" + got + " of " + headerBytes + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN);
        int m = b.getInt();
        if (m != magic) {
            String other = m == IMAGES_MAGIC ? " (that is an image file)" : m == LABELS_MAGIC ? " (that is a label file)" : "";
            throw fail(src.file, "wrong magic number 0x" + Integer.toHexString(m) + " for an IDX " + kind
                    + " file, expected 0x" + Integer.toHexString(magic) + other);
        }
        if (got < headerBytes) throw fail(src.file, "truncated header (" + got + " of " + headerBytes + " bytes)");
        int n = b.getInt();
        if (n < 0 || n > MAX_COUNT)
            throw fail(src.file, "header claims " + Integer.toUnsignedString(n) + " " + kind + "s, more than the sane maximum of " + MAX_COUNT);
        if (headerBytes == 8) return new int[]{n};
        int r = b.getInt(), c = b.getInt();
        if (r <= 0 || c <= 0 || r > 1024 || c > 1024)
            throw fail(src.file, "header claims images of " + Integer.toUnsignedString(r) + "x" + Integer.toUnsignedString(c) + " pixels");
        return new int[]{n, r, c};
    }

    /** An open file, buffered, gunzipped when it starts with the gzip magic. */
    private static final class Source implements AutoCloseable {
        /** First buffer for gzipped data of unknown real size; it doubles as data arrives. */
        private static final int FIRST_CHUNK = 1 << 16;

        final Path file;
        final boolean gzip;
        final long fileSize;
        final DataInputStream in;

        Source(Path file, boolean gzip, long fileSize, InputStream in) {
            this.file = file;
            this.gzip = gzip;
            this.fileSize = fileSize;
            this.in = new DataInputStream(in);
        }

        /** Raw files: the size the header implies must be the file's size, checked before allocating. */
        void checkSize(long expected, String what) {
            if (gzip) return; // known only by decompressing: see readData and checkGzipSize
            if (fileSize < expected)
                throw fail(file, "truncated: header claims " + what + " (" + expected + " bytes) but the file holds " + fileSize + " bytes");
            if (fileSize > expected)
                throw fail(file, (fileSize - expected) + " unexpected bytes after " + what + " (file is " + fileSize + " bytes, expected " + expected + ")");
        }

        /**
         * Gzip files: decompresses the rest without keeping it and checks it is exactly
         * {@code bytes} long (stopping one byte past). Costs CPU, not memory.
         */
        void checkGzipSize(int headerBytes, long bytes, String what) throws IOException {
            if (!gzip) return;
            byte[] scratch = new byte[FIRST_CHUNK];
            long got = 0;
            for (int r; got <= bytes && (r = in.read(scratch, 0, (int) Math.min(scratch.length, bytes + 1 - got))) > 0; ) got += r;
            if (got < bytes) throw tooShort(bytes, got, what);
            if (got > bytes) throw fail(file, "unexpected bytes after the data");
        }

        /**
         * Reads exactly {@code bytes} bytes of data. A raw file's size was already checked, so the
         * array is allocated at once; gzipped data goes into a buffer that grows only as
         * decompressed bytes arrive, so a forged count costs what the file really holds.
         */
        byte[] readData(int bytes, String what) throws IOException {
            byte[] buf = new byte[gzip ? Math.min(bytes, FIRST_CHUNK) : bytes];
            int got = 0;
            while (got < bytes) {
                if (got == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(bytes, 2L * buf.length));
                int r = in.read(buf, got, buf.length - got);
                if (r < 0) break;
                got += r;
            }
            if (got < bytes) throw tooShort(bytes, got, what);
            return buf;
        }

        /** The data ended early: for gzip the header (or a cut file) lied about the size. */
        DataException tooShort(long bytes, long got, String what) {
            return fail(file, gzip
                    ? "header claims " + what + " (" + bytes + " bytes of data) but the gzip data holds " + got + ": truncated or corrupt"
                    : "truncated data: expected " + bytes + " bytes of " + what + ", found " + got);
        }

        /** After the data: nothing may follow (a mismatch means a corrupt or concatenated file). */
        void checkEnd() throws IOException {
            if (in.read() != -1) throw fail(file, "unexpected bytes after the data");
        }

        @Override public void close() throws IOException { in.close(); }
    }

    private static Source open(Path file) {
        if (Files.isDirectory(file)) throw fail(file, "is a directory, expected an IDX file");
        try {
            long size = Files.size(file);
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = raw;
            if (gzip) {
                // A gzip member is at least 18 bytes (10 header + 8 trailer).
                if (size < 18) {
                    raw.close();
                    throw fail(file, "corrupt gzip: only " + size + " bytes");
                }
                try {
                    // GZIPInputStream reads every member of a multi-member file, and skips the
                    // optional header fields (name, comment, extra, header CRC).
                    in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
                } catch (IOException e) {
                    raw.close();
                    throw fail(file, "corrupt gzip header (" + e.getMessage() + ")");
                }
            }
            return new Source(file, gzip, size, in);
        } catch (NoSuchFileException e) {
            throw fail(file, "no such file");
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    static DataException fail(Path file, String problem) {
        return new DataException(file + ": " + problem);
    }

    /** An I/O failure while reading, worded for the likely cause. */
    private static DataException io(Path file, IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof EOFException) return new DataException(file + ": truncated gzip data (" + msg + ")", e);
        if (e instanceof ZipException) return new DataException(file + ": corrupt gzip data (" + msg + ")", e);
        if (e instanceof NoSuchFileException) return new DataException(file + ": no such file", e);
        return new DataException(file + ": cannot read (" + msg + ")", e);
    }
}
