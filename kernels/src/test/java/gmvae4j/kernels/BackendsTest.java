package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() { return errBytes.toString(StandardCharsets.UTF_8); }

    @Test
    void autoTakesTheVectorBackendSilentlyWhenTheModuleIsThere() {
        assertTrue(Backends.vectorApiPresent(), "surefire runs with --add-modules jdk.incubator.vector");
        assertInstanceOf(VectorKernels.class, Backends.choose("auto", true, err));
        assertEquals("", err());
    }

    @Test
    void autoWithoutTheModuleFallsBackAndSaysSoOnce() {
        Kernels k = Backends.choose("auto", false, err);
        assertInstanceOf(ScalarKernels.class, k);
        String[] lines = err().strip().split("\n");
        assertEquals(1, lines.length, err());
        assertTrue(lines[0].contains("slow") && lines[0].contains("--add-modules jdk.incubator.vector"), lines[0]);
    }

    @Test
    void explicitChoices() {
        assertInstanceOf(ScalarKernels.class, Backends.choose("scalar", true, err));
        assertInstanceOf(VectorKernels.class, Backends.choose("vector", true, err));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.choose("vector", false, err));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"));
        e = assertThrows(IllegalArgumentException.class, () -> Backends.choose("cuda-ish", true, err));
        assertTrue(e.getMessage().contains("cuda-ish"));
        assertEquals("", err());
    }

    @Test
    void systemPropertyIsHonoured() {
        String old = System.getProperty("gmvae.backend");
        try {
            System.setProperty("gmvae.backend", "scalar");
            assertInstanceOf(ScalarKernels.class, Backends.fromSystemProperty());
            System.setProperty("gmvae.backend", "vector");
            assertInstanceOf(VectorKernels.class, Backends.fromSystemProperty());
            System.setProperty("gmvae.backend", "nope");
            assertThrows(IllegalArgumentException.class, Backends::fromSystemProperty);
        } finally {
            if (old == null) System.clearProperty("gmvae.backend");
            else System.setProperty("gmvae.backend", old);
        }
    }

    @Test
    void vectorBackendNamesItsWidthAndHonoursThreads() {
        VectorKernels k = new VectorKernels(2);
        assertTrue(k.name().startsWith("vector("), k.name());
        assertEquals(2, k.threads());
    }
}
