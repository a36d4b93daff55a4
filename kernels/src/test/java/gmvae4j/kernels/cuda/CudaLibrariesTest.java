package gmvae4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library finder, on fake files in temporary folders: runs everywhere, needs no GPU. */
class CudaLibrariesTest {

    @TempDir Path tmp;

    private Path touch(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), "not a real library");
    }

    @Test
    void picksVersionedNamesWhenTheUnversionedLinksAreAbsent() throws IOException {
        Path rt = touch(tmp, "libcudart.so.12");
        Path bl = touch(tmp, "libcublas.so.12.4.5.8");
        touch(tmp, "libcublasLt.so.12.4.5.8");      // must not be taken for libcublas
        touch(tmp, "libcudart.so.12.debug");        // not a version suffix
        CudaLibraries.Found f = CudaLibraries.locate(List.of(tmp));
        assertEquals(rt, f.cudart().file());
        assertEquals(12, f.cudart().major());
        assertEquals(bl, f.cublas().orElseThrow().file());
        assertEquals(12, f.cublas().orElseThrow().major());
    }

    @Test
    void prefersTheNewestPairOfTheSameMajorVersion() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        touch(a, "libcudart.so.13");
        Path rt12 = touch(a, "libcudart.so.12");
        Path bl12 = touch(b, "libcublas.so.12");
        touch(b, "libcublas.so.11");
        CudaLibraries.Found f = CudaLibraries.locate(List.of(a, b));
        assertEquals(rt12, f.cudart().file(), "runtime 13 has no cuBLAS 13 to go with it");
        assertEquals(bl12, f.cublas().orElseThrow().file());
    }

    @Test
    void withinOneMajorTheEarlierFolderThenTheSonameLinkWins() throws IOException {
        Path first = tmp.resolve("first"), second = tmp.resolve("second");
        Path soname = touch(first, "libcublas.so.12");
        touch(first, "libcublas.so.12.4.5.8");
        touch(second, "libcublas.so.12");
        List<CudaLibraries.Candidate> c = CudaLibraries.candidates("libcublas", List.of(first, second));
        assertEquals(3, c.size());
        assertEquals(soname, c.getFirst().file());
        assertEquals(first.resolve("libcublas.so.12.4.5.8"), c.get(1).file());
    }

    @Test
    void unversionedNameIsTheLastResort() throws IOException {
        touch(tmp, "libcudart.so");
        Path v11 = touch(tmp, "libcudart.so.11.0");
        List<CudaLibraries.Candidate> c = CudaLibraries.candidates("libcudart", List.of(tmp));
        assertEquals(v11, c.getFirst().file());
        assertEquals(-1, c.getLast().major());
    }

    @Test
    void danglingLinksAreIgnored() throws IOException {
        Files.createSymbolicLink(tmp.resolve("libcudart.so.12"), tmp.resolve("gone.so"));
        assertTrue(CudaLibraries.candidates("libcudart", List.of(tmp)).isEmpty());
    }

    @Test
    void missingRuntimeNamesEveryFolderSearchedOnOneLine() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaLibraries.locate(List.of(a, b)));
        assertTrue(e.getMessage().startsWith("no libcudart.so.* found in: " + a + ", " + b), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void missingCublasIsReportedWithWhereTheRuntimeIs() throws IOException {
        Path rt = touch(tmp, "libcudart.so.12");
        CudaLibraries.Found f = CudaLibraries.locate(List.of(tmp));
        assertTrue(f.cublas().isEmpty());
        String msg = CudaLibraries.cublasNotFound(f);
        assertTrue(msg.startsWith("no libcublas.so.* found in: " + tmp), msg);
        assertTrue(msg.contains(rt.toString()), msg);
    }

    @Test
    void findsPythonWheelFoldersUnderSitePackages() throws IOException {
        Path site = tmp.resolve("site-packages");
        Path rt = touch(site.resolve("nvidia/cuda_runtime/lib"), "libcudart.so.12");
        Path bl = touch(site.resolve("nvidia/cublas/lib"), "libcublas.so.12");
        Files.createDirectories(site.resolve("nvidia/nccl"));          // a package without lib/
        assertEquals(List.of(bl.getParent(), rt.getParent()), CudaLibraries.nvidiaWheelDirs(site));

        String old = System.getProperty(CudaLibraries.SITE_PACKAGES_PROPERTY);
        System.setProperty(CudaLibraries.SITE_PACKAGES_PROPERTY, site.toString());
        try {
            List<Path> dirs = CudaLibraries.defaultSearchDirs();
            assertTrue(dirs.contains(rt.getParent().toRealPath()), dirs.toString());
            CudaLibraries.Found f = CudaLibraries.locate(List.of(rt.getParent().toRealPath(), bl.getParent().toRealPath()));
            assertEquals(rt.toRealPath(), f.cudart().file());
        } finally {
            if (old == null) System.clearProperty(CudaLibraries.SITE_PACKAGES_PROPERTY);
            else System.setProperty(CudaLibraries.SITE_PACKAGES_PROPERTY, old);
        }
    }

    @Test
    void explicitPathPropertyIsSearchedFirst() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        String old = System.getProperty(CudaLibraries.PATH_PROPERTY);
        System.setProperty(CudaLibraries.PATH_PROPERTY, mine.toString());
        try {
            assertEquals(mine.toRealPath(), CudaLibraries.defaultSearchDirs().getFirst());
        } finally {
            if (old == null) System.clearProperty(CudaLibraries.PATH_PROPERTY);
            else System.setProperty(CudaLibraries.PATH_PROPERTY, old);
        }
    }

    @Test
    void fakeFilesFailToLoadCleanlyNamingTheFile() throws IOException {
        Path rt = touch(tmp, "libcudart.so.12");
        touch(tmp, "libcublas.so.12.4.5.8");
        CudaBackend.Probe p = CudaBackend.probe(List.of(tmp));
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("cannot load " + rt + ": "), p.reason());
        assertFalse(p.reason().contains("\n"));
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaBackend.open(List.of(tmp), 0));
        assertEquals(p.reason(), e.getMessage());
    }
}
