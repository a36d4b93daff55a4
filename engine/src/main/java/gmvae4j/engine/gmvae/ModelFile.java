package gmvae4j.engine.gmvae;

import gmvae4j.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The versioned binary format of a trained model (never Java serialization). Big-endian:
 *
 * <pre>
 *   magic        8 bytes  "GMVAE4J\n"
 *   version      int32    {@value #VERSION}
 *   bodyLength   int64    bytes of the body that follows
 *   body:
 *     config     int32 count, then count × (key, value) as length-prefixed UTF-8
 *                (variant, k, z, widths, ... : everything needed to rebuild the model)
 *     progress   same layout (epoch, step, lr, rng state, ...: what --resume continues from)
 *     params     int32 count, then count × (name, rank int32, dims int32×rank, data float32×Πdims)
 *     optimizer  same layout as params (Adam m and v per parameter), count 0 when absent
 *   crc32        int32    CRC-32 of every byte before it
 * </pre>
 *
 * Loading checks, in order: magic, version and length from the first 20 bytes (so a 3 GB file
 * of something else is never read whole), the length against the file's size and against
 * {@link #MAX_BYTES}, the checksum, then every size while parsing against the bytes left. A valid
 * checksum proves only that nobody damaged the file, not that its sizes are sane: the config's
 * sizes are checked again when the model is built ({@link GmvaeIo#loadAll}). Each failure is a
 * {@link ModelFileException} whose one-line message names the file and the problem. Written with
 * {@link AtomicFiles}.
 */
public final class ModelFile {

    public static final int VERSION = 1;
    static final byte[] MAGIC = "GMVAE4J\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 4 + 8;
    private static final int MAX_RANK = 8;
    /**
     * Largest model file read: 1 GiB, about 128 million parameters with their Adam state (the
     * largest documented model, K=100 with 512-wide layers, is about 1.4 million).
     */
    public static final long MAX_BYTES = 1L << 30;

    /** A named float tensor. */
    public record Array(String name, int[] shape, float[] data) {
        public Array {
            long size = 1;
            for (int s : shape) size *= s;
            if (size != data.length)
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
        }
    }

    /** Everything a model file holds. {@code optimizer} is empty when no optimizer state was saved. */
    public record Contents(Path file, Map<String, String> config, Map<String, String> progress,
                           List<Array> params, List<Array> optimizer) {

        /** The config value for key, or a ModelFileException naming the missing key. */
        public String config(String key) throws ModelFileException {
            String v = config.get(key);
            if (v == null) throw new ModelFileException(file, "config has no '" + key + "'");
            return v;
        }

        public int configInt(String key) throws ModelFileException {
            String v = config(key);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ModelFileException(file, "config '" + key + "' is not an integer: '" + v + "'");
            }
        }

        /**
         * A number of the progress section in [min, max], or {@code absent} when the key is
         * missing; anything else is a ModelFileException naming the file and the field, so a
         * damaged progress section stops {@code --resume} before anything is written.
         */
        public long progressLong(String key, long min, long max, long absent) throws ModelFileException {
            String v = progress.get(key);
            if (v == null) return absent;
            long x;
            try {
                x = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ModelFileException(file, "saved progress '" + key + "' is not an integer: '" + v + "'");
            }
            if (x < min || x > max)
                throw new ModelFileException(file, "saved progress '" + key + "' = " + x + " is outside [" + min + ", " + max + "]");
            return x;
        }

        /** The parameter of that name, checked to have exactly that shape. */
        public Array param(String name, int... shape) throws ModelFileException {
            return find(params, "parameter", name, shape);
        }

        public Array optimizerState(String name, int... shape) throws ModelFileException {
            return find(optimizer, "optimizer state", name, shape);
        }

        private Array find(List<Array> list, String what, String name, int[] shape) throws ModelFileException {
            for (Array a : list) {
                if (a.name().equals(name)) {
                    if (!Arrays.equals(a.shape(), shape))
                        throw new ModelFileException(file, what + " '" + name + "' has shape " + Arrays.toString(a.shape())
                                + ", the model needs " + Arrays.toString(shape));
                    return a;
                }
            }
            throw new ModelFileException(file, "has no " + what + " '" + name + "'");
        }
    }

    private ModelFile() {}

    /** Writes atomically: a reader never sees a partial file. */
    public static void write(Path file, Map<String, String> config, Map<String, String> progress,
                             List<Array> params, List<Array> optimizer) throws IOException {
        ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
        DataOutputStream body = new DataOutputStream(bodyBytes);
        writeMap(body, config);
        writeMap(body, progress);
        writeArrays(body, params);
        writeArrays(body, optimizer);
        body.flush();

        ByteArrayOutputStream all = new ByteArrayOutputStream(HEADER + bodyBytes.size() + 4);
        DataOutputStream out = new DataOutputStream(all);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(bodyBytes.size());
        bodyBytes.writeTo(out);
        out.flush();
        CRC32 crc = new CRC32();
        byte[] bytes = all.toByteArray();
        crc.update(bytes);
        AtomicFiles.write(file, o -> {
            o.write(bytes);
            new DataOutputStream(o).writeInt((int) crc.getValue());
        });
    }

    public static Contents read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new ModelFileException(file, "no such model file");
        byte[] b = readChecked(file);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        int stored = ByteBuffer.wrap(b, b.length - 4, 4).getInt();
        if (stored != (int) crc.getValue())
            throw new ModelFileException(file, "checksum mismatch: the file is corrupted");

        ByteBuffer body = ByteBuffer.wrap(b, HEADER, b.length - HEADER - 4).slice();
        try {
            Map<String, String> config = readMap(body);
            Map<String, String> progress = readMap(body);
            List<Array> params = readArrays(body, file);
            List<Array> optimizer = readArrays(body, file);
            if (body.hasRemaining()) throw new ModelFileException(file, body.remaining() + " unparsed bytes in the body");
            return new Contents(file, config, progress, params, optimizer);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new ModelFileException(file, "malformed body at byte " + (HEADER + body.position()) + " (sizes disagree with the content)");
        }
    }

    /**
     * The whole file, after its first bytes (magic, version, body length) were checked and the
     * length matched the file's size: nothing is allocated for a file that is not a model.
     */
    private static byte[] readChecked(Path file) throws IOException {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            while (head.hasRemaining() && ch.read(head) > 0) { }
            int got = head.position();
            if (got < MAGIC.length || !Arrays.equals(Arrays.copyOf(head.array(), MAGIC.length), MAGIC))
                throw new ModelFileException(file, "not a gmvae4j model file (bad magic)");
            if (size < HEADER + 4)
                throw new ModelFileException(file, "truncated: " + size + " bytes is shorter than the header");
            head.flip().position(MAGIC.length);
            int version = head.getInt();
            if (version != VERSION)
                throw new ModelFileException(file, "format version " + version + " is not supported (this build reads version " + VERSION + ")");
            long bodyLength = head.getLong();
            if (bodyLength < 0 || bodyLength > MAX_BYTES - HEADER - 4)
                throw new ModelFileException(file, "header claims a body of " + bodyLength + " bytes, the limit is " + (MAX_BYTES - HEADER - 4));
            long expected = HEADER + bodyLength + 4;
            if (size < expected)
                throw new ModelFileException(file, "truncated: the header promises " + expected + " bytes, the file has " + size);
            if (size > expected)
                throw new ModelFileException(file, (size - expected) + " unexpected bytes after the end of the model");
            ByteBuffer all = ByteBuffer.allocate((int) expected);
            all.put(head.array());
            while (all.hasRemaining() && ch.read(all) > 0) { }
            if (all.hasRemaining()) throw new ModelFileException(file, "changed while being read");
            return all.array();
        }
    }

    private static void writeMap(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static void writeArrays(DataOutputStream out, List<Array> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (Array a : arrays) {
            writeString(out, a.name());
            out.writeInt(a.shape().length);
            for (int s : a.shape()) out.writeInt(s);
            ByteBuffer bb = ByteBuffer.allocate(4 * a.data().length);
            bb.asFloatBuffer().put(a.data());
            out.write(bb.array());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(u.length);
        out.write(u);
    }

    private static Map<String, String> readMap(ByteBuffer in) {
        int n = count(in, 8);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) m.put(readString(in), readString(in));
        return m;
    }

    private static List<Array> readArrays(ByteBuffer in, Path file) throws ModelFileException {
        int n = count(in, 8);
        List<Array> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = readString(in);
            int rank = in.getInt();
            if (rank < 0 || rank > MAX_RANK) throw new ModelFileException(file, "tensor '" + name + "' claims rank " + rank);
            int[] shape = new int[rank];
            long size = 1;
            for (int r = 0; r < rank; r++) {
                shape[r] = in.getInt();
                if (shape[r] < 0) throw new ModelFileException(file, "tensor '" + name + "' has a negative dimension");
                size *= shape[r];
                if (size * 4 > in.remaining())
                    throw new ModelFileException(file, "tensor '" + name + "' of shape " + Arrays.toString(Arrays.copyOf(shape, r + 1))
                            + "... is larger than the rest of the file");
            }
            float[] data = new float[(int) size];
            in.asFloatBuffer().get(data);
            in.position(in.position() + 4 * data.length);
            list.add(new Array(name, shape, data));
        }
        return list;
    }

    /** A count that must be non-negative and fit in what is left (each item takes at least minBytes). */
    private static int count(ByteBuffer in, int minBytes) {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytes > in.remaining()) throw new IllegalArgumentException("bad count " + n);
        return n;
    }

    private static String readString(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) throw new IllegalArgumentException("bad string length " + len);
        byte[] u = new byte[len];
        in.get(u);
        return new String(u, StandardCharsets.UTF_8);
    }
}
