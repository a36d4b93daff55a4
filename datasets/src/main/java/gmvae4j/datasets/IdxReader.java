package gmvae4j.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST/EMNIST format): a big-endian header, magic 2051 for images
 * ({@code n, rows, cols}, then n·rows·cols unsigned bytes) or 2049 for labels ({@code n}, then n
 * bytes). Files may be gzipped or raw; gzip is recognised by its 0x1f8b magic, not by the name.
 *
 * <p>The header is checked before anything is allocated: the count against {@link #MAX_COUNT},
 * and the claimed size against the file size (raw) or the gzip trailer's uncompressed size
 * (ISIZE). So a corrupt header claiming 2^31 images fails with a message instead of an
 * OutOfMemoryError, and the only large allocation is the final pixel array. Every problem is a
 * one-line {@link DataException} naming the file.
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
        try (Source src = open(file)) {
            DataInputStream in = src.in;
            int[] h = header(src, IMAGES_MAGIC, 16, "image");
            int n = h[0], r = h[1], c = h[2];
            if (r != rows || c != cols)
                throw fail(file, "images are " + r + "x" + c + ", expected " + rows + "x" + cols);
            long bytes = (long) n * r * c;
            src.checkSize(16 + bytes, n + " images of " + r + "x" + c);
            byte[] px = new byte[(int) bytes];
            readFully(src, px, "pixels of " + n + " images");
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
            byte[] raw = new byte[n];
            readFully(src, raw, n + " labels");
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

    private static void readFully(Source src, byte[] dst, String what) throws IOException {
        int got = src.in.readNBytes(dst, 0, dst.length);
        if (got < dst.length)
            throw fail(src.file, "truncated data: expected " + dst.length + " bytes of " + what + ", found " + got);
    }

    /** An open file, buffered, gunzipped when it starts with the gzip magic. */
    private static final class Source implements AutoCloseable {
        final Path file;
        final boolean gzip;
        final long fileSize;
        /** Uncompressed size from the gzip trailer (mod 2^32), or -1 for raw files. */
        final long isize;
        final DataInputStream in;

        Source(Path file, boolean gzip, long fileSize, long isize, InputStream in) {
            this.file = file;
            this.gzip = gzip;
            this.fileSize = fileSize;
            this.isize = isize;
            this.in = new DataInputStream(in);
        }

        /** Checks the size the header implies against what the file can hold, before allocating. */
        void checkSize(long expected, String what) {
            if (!gzip) {
                if (fileSize < expected)
                    throw fail(file, "truncated: header claims " + what + " (" + expected + " bytes) but the file holds " + fileSize + " bytes");
                if (fileSize > expected)
                    throw fail(file, (fileSize - expected) + " unexpected bytes after " + what + " (file is " + fileSize + " bytes, expected " + expected + ")");
            } else if (isize != (expected & 0xffffffffL)) {
                throw fail(file, "header claims " + what + " (" + expected + " bytes) but the gzip trailer says "
                        + isize + " bytes uncompressed: truncated or corrupt");
            }
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
            boolean gzip = false;
            long isize = -1;
            if (size >= 2) {
                try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                    ByteBuffer head = ByteBuffer.allocate(2);
                    ch.read(head);
                    gzip = (head.get(0) & 0xff) == 0x1f && (head.get(1) & 0xff) == 0x8b;
                    if (gzip) {
                        // A gzip member is at least 18 bytes (10 header + 8 trailer).
                        if (size < 18) throw fail(file, "corrupt gzip: only " + size + " bytes");
                        ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                        ch.position(size - 4);
                        while (t.hasRemaining() && ch.read(t) > 0) { }
                        isize = t.getInt(0) & 0xffffffffL;
                    }
                }
            }
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            InputStream in = raw;
            if (gzip) {
                try {
                    in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
                } catch (IOException e) {
                    raw.close();
                    throw fail(file, "corrupt gzip header (" + e.getMessage() + ")");
                }
            }
            return new Source(file, gzip, size, isize, in);
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
