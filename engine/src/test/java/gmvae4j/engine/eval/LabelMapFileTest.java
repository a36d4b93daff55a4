package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapFileTest {
    @TempDir Path dir;

    @Test void roundTripKeepsEveryDecision() throws IOException {
        LabelMap m = DecodersTest.map().withClassNames(java.util.List.of("a", "b", "ç"));
        Path f = dir.resolve("a.labelmap");
        m.save(f);
        LabelMap r = LabelMap.load(f);
        assertEquals(java.util.List.of("a", "b", "ç"), r.classNames());
        assertEquals(m.k(), r.k());
        assertEquals(m.numClasses(), r.numClasses());
        for (int c = 0; c < m.k(); c++) {
            assertEquals(m.hardLabel(c), r.hardLabel(c));
            for (int l = 0; l < m.numClasses(); l++) {
                assertEquals(m.count(c, l), r.count(c, l));
                assertEquals(m.profile(l, c), r.profile(l, c));
            }
        }
        for (Decoder d : Decoder.all())
            assertArrayEquals(d.predict(m, DecodersTest.Q, new int[] {4, 5, 6}), d.predict(r, DecodersTest.Q, new int[] {4, 5, 6}));
        try (var s = Files.list(dir)) { assertEquals(1, s.count(), "no temporary file left behind"); }
    }

    @Test void damageIsDetected() throws IOException {
        Path f = dir.resolve("a.labelmap");
        DecodersTest.map().save(f);
        byte[] good = Files.readAllBytes(f);

        byte[] flipped = good.clone();
        flipped[30] ^= 1;
        Files.write(f, flipped);
        assertTrue(assertThrows(IOException.class, () -> LabelMap.load(f)).getMessage().contains("checksum"));

        Files.write(f, java.util.Arrays.copyOf(good, good.length - 5));
        assertThrows(IOException.class, () -> LabelMap.load(f));

        byte[] magic = good.clone();
        magic[0] = 'X';
        Files.write(f, magic);
        assertTrue(assertThrows(IOException.class, () -> LabelMap.load(f)).getMessage().contains("magic"));

        Files.write(f, new byte[3]);
        assertTrue(assertThrows(IOException.class, () -> LabelMap.load(f)).getMessage().contains("too short"));
    }

    /** An old-format map of k = 2 clusters and 2 classes: the version-1 part, then extra (later versions' fields). */
    private Path oldMap(int version, float[] extra) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(new byte[] {'G', 'M', 'V', 'L', 'M', 'A', 'P', '\n'});
        out.writeInt(version);
        out.writeInt(2);                                    // k
        out.writeInt(2);                                    // classes
        out.writeInt(0);                                    // no names
        for (int v : new int[] {3, 0, 0, 2}) out.writeInt(v);                  // counts[c][l]
        for (float v : new float[] {0.9f, 0.1f, 0.2f, 0.8f}) out.writeFloat(v); // m[l][c]
        for (float v : extra) out.writeFloat(v);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Path f = dir.resolve("v" + version + ".labelmap");
        Files.write(f, bytes.toByteArray());
        return f;
    }

    @Test void versionOneFilesStillLoadWithTemperatureOne() throws IOException {
        LabelMap r = LabelMap.load(oldMap(1, new float[0]));
        assertEquals(1f, r.temperature());
        assertEquals(0.8f, r.temperedProfile(1, 1));
        assertEquals(1, r.hardLabel(1));
        assertEquals(0f, r.propagationStrength(), "version 1 had no propagation");
    }

    @Test void versionTwoFilesLoadWithTheFixedStrengthOfTheirTime() throws IOException {
        // T, then mT and mP (2 x 2 each)
        LabelMap r = LabelMap.load(oldMap(2, new float[] {2f, 0.8f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f, 0.4f, 0.6f}));
        assertEquals(2f, r.temperature());
        assertEquals(0.6f, r.propagatedProfile(1, 1));
        assertEquals(0.9f, r.propagationStrength(), "version 2 propagated with α = 0.9");
    }

    /** Regression (issue 12 section 3): a body cut short under a valid checksum said "null". */
    @Test void aBodyThatEndsEarlyIsNamed() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream o = new java.io.DataOutputStream(b);
        o.write("GMVLMAP\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        o.writeInt(2);
        o.writeInt(2);     // k
        o.writeInt(3);     // classes
        o.writeInt(3);     // three names promised
        o.writeUTF("a");   // one given, then nothing
        Path f = withCrc(b.toByteArray());
        String m = assertThrows(IOException.class, () -> LabelMap.load(f)).getMessage();
        assertEquals("label map " + f + ": the body ends early, in the class names", m);
        // and one cut in the profiles
        LabelMap good = DecodersTest.map();
        Path g = dir.resolve("good.labelmap");
        good.save(g);
        byte[] all = Files.readAllBytes(g);
        Path cut = withCrc(java.util.Arrays.copyOf(all, all.length - 8 - 20));
        m = assertThrows(IOException.class, () -> LabelMap.load(cut)).getMessage();
        assertTrue(m.startsWith("label map " + cut + ": ") && !m.contains("null"), m);
    }

    /** The bytes followed by their CRC32, as save writes them. */
    private Path withCrc(byte[] body) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body);
        Path f = Files.createTempFile(dir, "crafted", ".labelmap");
        Files.write(f, java.nio.ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array());
        return f;
    }

    /**
     * Regression (issue 12 section 2): a 3 GB file given as --labelmap was read whole before its
     * magic was looked at. Sparse files: they take no disk.
     */
    @Test void aHugeFileIsJudgedByItsFirstBytes() throws IOException {
        for (boolean magic : new boolean[] {false, true}) {
            Path f = dir.resolve("huge-" + magic);
            try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                if (magic) r.write("GMVLMAP\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                r.setLength(magic ? 3L << 30 : 600L << 20);
            }
            long before = allocatedBytes();
            String m = assertThrows(IOException.class, () -> LabelMap.load(f)).getMessage();
            long used = allocatedBytes() - before;
            assertTrue(m.startsWith("label map " + f + ": ") && m.contains(magic ? "more than the 268435456 a label map may have" : "bad magic"), m);
            assertTrue(used < 1_000_000, "rejecting it allocated " + used + " bytes");
        }
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
