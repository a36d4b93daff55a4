package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackendsTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() { return errBytes.toString(StandardCharsets.UTF_8); }

    @Test
    void autoTakesTheVectorBackendSilentlyWhenTheModuleIsThere() {
        assertTrue(Backends.vectorApiPresent(), "surefire runs with --add-modules jdk.incubator.vector");
        assertInstanceOf(VectorKernels.class, Backends.choose("auto", true, err));
        // auto may add one line about CUDA (installed here without a driver); never the slow-path one
        assertFalse(err().contains("slow"), err());
        assertTrue(err().isEmpty() || err().strip().lines().count() == 1 && err().contains("CUDA"), err());
    }

    @Test
    void cpuIsTheVectorBackendOrTheScalarOneWithItsNotice() {
        assertInstanceOf(VectorKernels.class, Backends.choose("cpu", true, err));
        assertEquals("", err());
        assertInstanceOf(ScalarKernels.class, Backends.choose("cpu", false, err));
        assertTrue(err().contains("slow"), err());
    }

    @Test
    void cudaWithoutAUsableDeviceIsAOneLineError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(gmvae4j.kernels.cuda.CudaBackend.probe().available(),
                "a CUDA device is present: the unavailable path cannot be exercised here");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.choose("cuda", true, err));
        assertTrue(e.getMessage().startsWith("backend 'cuda' is unavailable: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Issue 12: a CUDA runtime without a usable driver printed "CUDA not used" on every command. */
    @Test
    void autoFallsBackToTheCpuSilentlyWhenCudaIsBroken() {
        Kernels cpu = new ScalarKernels();
        assertSame(cpu, Backends.auto(cpu, new gmvae4j.kernels.cuda.CudaBackend.Probe(false, "cudaGetDeviceCount: no CUDA-capable device")));
        Backends.choose("auto", true, err);
        assertFalse(err().contains("CUDA"), err());
    }

    @Test
    void threadsPropertyThatIsNotACountIsAnErrorNotIgnored() {
        String old = System.getProperty("gmvae.threads");
        try {
            for (String bad : new String[] {"abc", "0", "-3", "100000", ""}) {
                System.setProperty("gmvae.threads", bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Parallel::defaultThreads, bad);
                assertTrue(e.getMessage().contains("-Dgmvae.threads") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
            }
            System.setProperty("gmvae.threads", "3");
            assertEquals(3, Parallel.defaultThreads());
        } finally {
            if (old == null) System.clearProperty("gmvae.threads"); else System.setProperty("gmvae.threads", old);
        }
    }

    @Test
    void autoWithoutTheModuleFallsBackAndSaysSoOnce() {
        Kernels k = Backends.choose("auto", false, err);
        assertInstanceOf(ScalarKernels.class, k);
        // exactly one line about the slow path (auto may add one about CUDA on a machine that has its runtime)
        var slow = err().lines().filter(l -> l.contains("slow")).toList();
        assertEquals(1, slow.size(), err());
        assertTrue(slow.get(0).contains("--add-modules jdk.incubator.vector"), slow.get(0));
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
