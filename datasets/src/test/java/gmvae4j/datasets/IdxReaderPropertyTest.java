package gmvae4j.datasets;

import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Whatever bytes the reader is given (random, or a valid small IDX file, gzipped or not, with
 * bytes flipped, cut or inserted), it returns a well-formed result or throws DataException, and
 * nothing else: no EOFException, OutOfMemoryError, NegativeArraySize...
 */
class IdxReaderPropertyTest {

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 64) byte[] data, @ForAll boolean gz) throws IOException {
        check(gz ? IdxFixtures.gzip(data) : data);
    }

    @Property(tries = 600)
    void mutatedValidFiles(@ForAll @IntRange(min = 0, max = 3) int n, @ForAll boolean labels, @ForAll boolean gz,
                           @ForAll("mutations") List<int[]> mutations) throws IOException {
        byte[] valid = labels ? IdxFixtures.labels(Arrays.copyOf(new int[]{3, 1, 4}, n)) : IdxFixtures.images(n, 28, 28);
        byte[] data = gz ? IdxFixtures.gzip(valid) : valid;
        for (int[] m : mutations) data = mutate(data, m);
        check(data);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        // {kind, position, value}: 0 = flip a byte, 1 = truncate, 2 = insert a byte, 3 = set a header int
        Arbitrary<int[]> one = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4000),
                Arbitraries.integers()).as((k, p, v) -> new int[]{k, p, v});
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    private static byte[] mutate(byte[] d, int[] m) {
        if (d.length == 0) return d;
        int p = m[1] % d.length;
        return switch (m[0]) {
            case 0 -> { byte[] c = d.clone(); c[p] ^= (byte) (m[2] | 1); yield c; }
            case 1 -> Arrays.copyOf(d, p);
            case 2 -> {
                byte[] c = new byte[d.length + 1];
                System.arraycopy(d, 0, c, 0, p);
                c[p] = (byte) m[2];
                System.arraycopy(d, p, c, p + 1, d.length - p);
                yield c;
            }
            default -> {
                byte[] c = d.clone();
                int at = 4 * ((p % 16) / 4);
                if (at + 4 <= c.length) java.nio.ByteBuffer.wrap(c).putInt(at, m[2]);
                yield c;
            }
        };
    }

    private static void check(byte[] data) throws IOException {
        Path f = Files.createTempFile("idx-prop", ".bin");
        try {
            Files.write(f, data);
            try {
                IdxReader.Images img = IdxReader.readImages(f, 28, 28);
                if (img.pixels().length != img.n() * 784) throw new AssertionError("pixels do not match n");
            } catch (DataException e) {
                assertOneLine(e, f);
            }
            try {
                int[] lab = IdxReader.readLabels(f);
                for (int v : lab) if (v < 0 || v > 255) throw new AssertionError("label " + v);
            } catch (DataException e) {
                assertOneLine(e, f);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void assertOneLine(DataException e, Path f) {
        if (e.getMessage().contains("\n") || !e.getMessage().contains(f.toString()))
            throw new AssertionError("bad message: " + e.getMessage());
    }
}
