package gmvae4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import gmvae4j.kernels.ScalarKernels;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probing and the "cuda was asked for but cannot be used" path. */
class CudaBackendTest {

    @Test
    void probeOfAnEmptyFolderSaysWhereItLooked(@TempDir Path empty) {
        CudaBackend.Probe p = CudaBackend.probe(List.of(empty));
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("no libcudart.so.* found in: " + empty + " "), p.reason());
        assertEquals("CUDA unavailable: " + p.reason(), p.toString());
    }

    @Test
    void probeOfThisMachineIsCachedAndOneLine() {
        CudaBackend.Probe p = CudaBackend.probe();
        assertSame(p, CudaBackend.probe());
        assertFalse(p.reason().isBlank());
        assertFalse(p.reason().contains("\n"), p.reason());
        System.out.println("[CudaBackendTest] " + p);
    }

    @Test
    void unavailableProbeGivesAKnownReason() {
        CudaBackend.Probe p = CudaBackend.probe();
        assumeFalse(p.available(), "CUDA is available on this machine (" + p.reason() + "); this test covers machines without it");
        assertTrue(p.reason().startsWith("no libcudart.so.* found in: ")
                        || p.reason().startsWith("no libcublas.so.* found in: ")
                        || p.reason().startsWith("cannot load ")
                        || p.reason().startsWith("cudaGetDeviceCount ")
                        || p.reason().startsWith("native access is disabled"),
                p.reason());
    }

    @Test
    void askingForCudaWhereItCannotLoadIsAClearOneLineError() {
        CudaBackend.Probe p = CudaBackend.probe();
        assumeFalse(p.available(), "CUDA is available on this machine; the error path cannot be reached");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaBackend.kernels(new ScalarKernels()));
        assertEquals("backend 'cuda' is unavailable: " + p.reason(), e.getMessage());
        CudaUnavailableException u = assertThrows(CudaUnavailableException.class, CudaBackend::shared);
        assertEquals(p.reason(), u.getMessage());
    }

    @Test
    void statusSaysWhichDeviceOrWhyNone() {
        assertEquals("cuda: none (no CUDA runtime installed)",
                CudaBackend.status(new CudaBackend.Probe(false, "no libcudart.so.* found in: /x (add ...)")));
        assertEquals("cuda: H100", CudaBackend.status(new CudaBackend.Probe(true, "H100")));
        assertEquals("cuda: not used, running on the CPU: cudaGetDeviceCount returned 0 devices",
                CudaBackend.status(new CudaBackend.Probe(false, "cudaGetDeviceCount returned 0 devices")));
    }
}
