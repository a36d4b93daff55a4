package gmvae4j.engine.gmvae;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import net.jqwik.api.*;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes a model file holds (random; a valid small model with bytes flipped, cut or
 * inserted and the checksum recomputed, so the damage reaches the parser; config values replaced
 * by arbitrary strings), loading either succeeds or throws a one-line {@link ModelFileException}
 * naming the file, and allocates little more than the file's own size: never an
 * OutOfMemoryError, NumberFormatException, BufferUnderflow or NegativeArraySize.
 */
class ModelFilePropertyTest {

    /** A valid model: mixture or marginal, mlp or conv, with and without optimizer state. */
    private static final byte[][] VALID = valid();

    private static byte[][] valid() {
        GmvaeConfig[] cfgs = {
                new GmvaeConfig("mixture", 3, 2, 4, 4, new int[] {5}, new int[] {5}, "mlp", "relu", false),
                new GmvaeConfig("marginal", 2, 2, 3, 3, new int[] {4, 3}, new int[] {4}, "mlp", "tanh", true),
                new GmvaeConfig("mixture", 2, 2, 8, 8, new int[] {4}, new int[] {4}, "conv", "relu", true)};
        byte[][] out = new byte[cfgs.length][];
        try {
            Path tmp = Files.createTempFile("valid", ".gmvae");
            for (int i = 0; i < cfgs.length; i++) {
                TrainableGmvae m = GmvaeIo.create(cfgs[i], i);
                GmvaeIo.save(tmp, m, i == 1 ? new gmvae4j.engine.Adam(m.params(), 1e-3f) : null, Map.of("epoch", "3"));
                out[i] = Files.readAllBytes(tmp);
            }
            Files.delete(tmp);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Property(tries = 100)
    void randomBytes(@ForAll @Size(max = 80) byte[] data, @ForAll boolean withMagic) throws IOException {
        byte[] d = data;
        if (withMagic) {
            d = Arrays.copyOf(ModelFile.MAGIC, ModelFile.MAGIC.length + data.length);
            System.arraycopy(data, 0, d, ModelFile.MAGIC.length, data.length);
        }
        check(d);
    }

    @Property(tries = 200)
    void damagedValidFilesWithARecomputedChecksum(@ForAll("which") int which, @ForAll("mutations") List<int[]> mutations) throws IOException {
        byte[] d = VALID[which];
        for (int[] m : mutations) d = mutate(d, m);
        check(withCrc(d));
    }

    /** Config values (k, z, widths, ...) replaced by anything, under a valid checksum. */
    @Property(tries = 100)
    void arbitraryConfigValues(@ForAll("which") int which, @ForAll("configKeys") String key, @ForAll("configValues") String value)
            throws IOException {
        Path f = Files.createTempFile("cfg", ".gmvae");
        try {
            Files.write(f, VALID[which]);
            ModelFile.Contents c = ModelFile.read(f);
            Map<String, String> config = new LinkedHashMap<>(c.config());
            config.put(key, value);
            ModelFile.write(f, config, c.progress(), c.params(), c.optimizer());
            check(Files.readAllBytes(f));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Provide Arbitrary<Integer> which() { return Arbitraries.integers().between(0, VALID.length - 1); }

    @Provide Arbitrary<String> configKeys() {
        return Arbitraries.of("variant", "k", "z", "rows", "cols", "hidden", "decoder_hidden", "arch", "activation", "learn_prior");
    }

    @Provide Arbitrary<String> configValues() {
        Arbitrary<String> ints = Arbitraries.integers().map(Object::toString);
        Arbitrary<String> lists = Arbitraries.integers().between(-5, 70000).map(Object::toString).list().ofMaxSize(4)
                .map(l -> String.join(",", l));
        return Arbitraries.oneOf(ints, lists, Arbitraries.of("", "mixture", "marginal", "conv", "mlp", "tanh", ",", "1,,2", "-0", "1e9"),
                Arbitraries.strings().ofMaxLength(6));
    }

    @Provide Arbitrary<List<int[]>> mutations() {
        // {kind, position, value}: 0 = flip a byte, 1 = truncate, 2 = insert a byte, 3 = set an int
        Arbitrary<int[]> one = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 100_000),
                Arbitraries.integers()).as((k, p, v) -> new int[] {k, p, v});
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    /** Mutates the body (after the 20-byte header) so the damage reaches the parser. */
    static byte[] mutate(byte[] d, int[] m) {
        int body = 20, span = d.length - body - 4;
        if (span <= 4) return d;
        int p = body + m[1] % span;
        return switch (m[0]) {
            case 0 -> { byte[] c = d.clone(); c[p] ^= (byte) (m[2] | 1); yield c; }
            case 1 -> fixLength(Arrays.copyOf(d, p));
            case 2 -> {
                byte[] c = new byte[d.length + 1];
                System.arraycopy(d, 0, c, 0, p);
                c[p] = (byte) m[2];
                System.arraycopy(d, p, c, p + 1, d.length - p);
                yield fixLength(c);
            }
            default -> { byte[] c = d.clone(); ByteBuffer.wrap(c).putInt(Math.min(p, c.length - 8), m[2]); yield c; }
        };
    }

    /** Rewrites the header's body length for a file whose last 4 bytes will be a checksum. */
    private static byte[] fixLength(byte[] d) {
        if (d.length >= 24) ByteBuffer.wrap(d).putLong(12, d.length - 24);
        return d;
    }

    /** The bytes with their last 4 replaced by the CRC-32 of the rest, as ModelFile writes it. */
    static byte[] withCrc(byte[] d) {
        if (d.length < 4) return d;
        CRC32 crc = new CRC32();
        crc.update(d, 0, d.length - 4);
        byte[] c = d.clone();
        ByteBuffer.wrap(c).putInt(c.length - 4, (int) crc.getValue());
        return c;
    }

    private static void check(byte[] data) throws IOException {
        Path f = Files.createTempFile("model-prop", ".gmvae");
        try {
            Files.write(f, data);
            long before = allocated();
            try {
                GmvaeIo.Loaded l = GmvaeIo.loadAll(f);
                if (l.model().params().size() <= 0) throw new AssertionError("empty model");
            } catch (ModelFileException e) {
                String m = e.getMessage();
                if (m.contains("\n") || !m.startsWith(f + ": ")) throw new AssertionError("bad message: " + m);
            }
            long used = allocated() - before;
            // the file, its parsed arrays, the model's values and gradients, and slack
            if (used > 16L * data.length + 4_000_000) throw new AssertionError("a " + data.length + "-byte file allocated " + used);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

}
