package gmvae4j.engine.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import net.jqwik.api.*;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes a label map holds (random; a valid map with bytes flipped, cut, inserted or
 * header ints replaced, and the checksum recomputed so the damage reaches the parser), loading
 * either succeeds or throws an IOException whose one line names the file, allocating little
 * more than the file's size: never "null", an EOFException, NegativeArraySize or OutOfMemory.
 */
class LabelMapPropertyTest {

    private static final byte[] MAGIC = "GMVLMAP\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VALID = valid();

    private static byte[] valid() {
        try {
            Path f = Files.createTempFile("valid", ".labelmap");
            DecodersTest.map().withClassNames(List.of("a", "bé", "c")).save(f);
            byte[] b = Files.readAllBytes(f);
            Files.delete(f);
            return b;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Property(tries = 100)
    void randomBytes(@ForAll @Size(max = 80) byte[] data, @ForAll boolean withMagic) throws IOException {
        byte[] d = data;
        if (withMagic) {
            d = Arrays.copyOf(MAGIC, MAGIC.length + data.length);
            System.arraycopy(data, 0, d, MAGIC.length, data.length);
        }
        check(withCrc(d));
    }

    @Property(tries = 250)
    void damagedValidMapsWithARecomputedChecksum(@ForAll("mutations") List<int[]> mutations) throws IOException {
        byte[] d = VALID;
        for (int[] m : mutations) d = mutate(d, m);
        check(withCrc(d));
    }

    @Provide Arbitrary<List<int[]>> mutations() {
        // {kind, position, value}: 0 = flip a byte, 1 = truncate, 2 = insert a byte, 3 = set a header int
        Arbitrary<int[]> one = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000),
                Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-2, 70_000))).as((k, p, v) -> new int[] {k, p, v});
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    /** Damage after the magic, leaving room for the 8-byte checksum withCrc puts back. */
    private static byte[] mutate(byte[] d, int[] m) {
        int span = d.length - MAGIC.length - 8;
        if (span <= 4) return d;
        int p = MAGIC.length + m[1] % span;
        return switch (m[0]) {
            case 0 -> { byte[] c = d.clone(); c[p] ^= (byte) (m[2] | 1); yield c; }
            case 1 -> Arrays.copyOf(d, p + 8);
            case 2 -> {
                byte[] c = new byte[d.length + 1];
                System.arraycopy(d, 0, c, 0, p);
                c[p] = (byte) m[2];
                System.arraycopy(d, p, c, p + 1, d.length - p);
                yield c;
            }
            default -> {
                int at = MAGIC.length + 4 * (m[1] % 4);
                if (at + 4 > d.length - 8) yield d;     // a truncated map may end before that header int
                byte[] c = d.clone();
                ByteBuffer.wrap(c).putInt(at, m[2]);
                yield c;
            }
        };
    }

    /** The bytes with their last 8 replaced by the CRC32 of the rest, as LabelMap.save writes it. */
    private static byte[] withCrc(byte[] d) {
        if (d.length < 8) return d;
        CRC32 crc = new CRC32();
        crc.update(d, 0, d.length - 8);
        byte[] c = d.clone();
        ByteBuffer.wrap(c).putLong(c.length - 8, crc.getValue());
        return c;
    }

    private static void check(byte[] data) throws IOException {
        Path f = Files.createTempFile("map-prop", ".labelmap");
        try {
            Files.write(f, data);
            long before = LabelMapFileTest.allocatedBytes();
            try {
                LabelMap m = LabelMap.load(f);
                if (m.k() <= 0 || m.numClasses() <= 0) throw new AssertionError("empty map");
            } catch (IOException e) {
                String msg = e.getMessage();
                if (msg == null || msg.contains("\n") || !msg.startsWith("label map " + f + ": ") || msg.contains("null"))
                    throw new AssertionError("bad message: " + msg);
            }
            long used = LabelMapFileTest.allocatedBytes() - before;
            if (used > 16L * data.length + 2_000_000) throw new AssertionError("a " + data.length + "-byte file allocated " + used);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
