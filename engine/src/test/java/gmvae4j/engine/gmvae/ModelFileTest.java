package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir Path dir;

    private Path writeSample() throws IOException {
        Path f = dir.resolve("m.gmvae");
        ModelFile.write(f,
                Map.of("variant", "mixture", "k", "3"),
                Map.of("epoch", "7"),
                List.of(new ModelFile.Array("enc.w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}),
                        new ModelFile.Array("prior.mu", new int[] {3}, new float[] {0.1f, Float.MIN_VALUE, -0f})),
                List.of(new ModelFile.Array("m.enc.w", new int[] {2, 3}, new float[6])));
        return f;
    }

    @Test
    void roundTrip() throws IOException {
        Path f = writeSample();
        ModelFile.Contents c = ModelFile.read(f);
        assertEquals("mixture", c.config("variant"));
        assertEquals(3, c.configInt("k"));
        assertEquals("7", c.progress().get("epoch"));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, c.param("enc.w", 2, 3).data());
        assertArrayEquals(new float[] {0.1f, Float.MIN_VALUE, -0f}, c.param("prior.mu", 3).data());
        assertEquals(1, c.optimizer().size());
        assertEquals(6, c.optimizerState("m.enc.w", 2, 3).data().length);
        // no temporary files are left behind
        try (var s = Files.list(dir)) { assertEquals(1, s.count()); }
    }

    @Test
    void wrongShapeAndMissingNamesAreNamed() throws IOException {
        ModelFile.Contents c = ModelFile.read(writeSample());
        var e = assertThrows(ModelFileException.class, () -> c.param("enc.w", 3, 2));
        assertTrue(e.getMessage().contains("'enc.w' has shape [2, 3], the model needs [3, 2]"), e.getMessage());
        e = assertThrows(ModelFileException.class, () -> c.param("dec.w", 1));
        assertTrue(e.getMessage().endsWith("has no parameter 'dec.w'"), e.getMessage());
        e = assertThrows(ModelFileException.class, () -> c.config("z"));
        assertTrue(e.getMessage().endsWith("config has no 'z'"), e.getMessage());
    }

    private String failure(Path f) {
        var e = assertThrows(ModelFileException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void truncated() throws IOException {
        Path f = writeSample();
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 5));
        assertTrue(failure(f).contains("truncated: the header promises " + b.length + " bytes, the file has " + (b.length - 5)));
        Files.write(f, Arrays.copyOf(b, 12));
        assertTrue(failure(f).contains("truncated"));
    }

    @Test
    void wrongMagic() throws IOException {
        Path f = writeSample();
        byte[] b = Files.readAllBytes(f);
        b[0] = 'X';
        Files.write(f, b);
        assertTrue(failure(f).endsWith("not a gmvae4j model file (bad magic)"));
        Files.write(f, new byte[0]);
        assertTrue(failure(f).endsWith("not a gmvae4j model file (bad magic)"));
    }

    @Test
    void wrongVersion() throws IOException {
        Path f = writeSample();
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).putInt(8, 9);
        Files.write(f, b);
        assertTrue(failure(f).endsWith("format version 9 is not supported (this build reads version 1)"));
    }

    @Test
    void flippedByteFailsTheChecksum() throws IOException {
        Path f = writeSample();
        byte[] b = Files.readAllBytes(f);
        for (int pos : new int[] {25, b.length / 2, b.length - 10}) {
            byte[] c = b.clone();
            c[pos] ^= 0x10;
            Files.write(f, c);
            assertTrue(failure(f).endsWith("checksum mismatch: the file is corrupted"), "byte " + pos);
        }
    }

    @Test
    void trailingBytesAndMissingFile() throws IOException {
        Path f = writeSample();
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length + 3));
        assertTrue(failure(f).endsWith("3 unexpected bytes after the end of the model"));
        assertTrue(failure(dir.resolve("none.gmvae")).endsWith("no such model file"));
    }
}
