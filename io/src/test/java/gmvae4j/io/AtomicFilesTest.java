package gmvae4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test void newFileGetsThePermissionsOfAPlainWrite() throws IOException {
        Path plain = dir.resolve("plain.txt");
        Files.write(plain, new byte[] {1});
        Path ours = dir.resolve("ours.gmvae");
        AtomicFiles.write(ours, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(ours));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(ours),
                "a new output must follow the umask like a plain write, not createTempFile's 0600");
    }

    @Test void replacingKeepsTheExistingFilesPermissions() throws IOException {
        Path f = dir.resolve("model.gmvae");
        Files.write(f, new byte[] {1});
        Set<PosixFilePermission> p = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(f, p);
        AtomicFiles.write(f, new byte[] {9});
        assertEquals(p, Files.getPosixFilePermissions(f));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
    }

    @Test void aFileRenamedOverAnotherTakesItsPermissions() throws IOException {
        Path model = Files.write(dir.resolve("m.gmvae"), new byte[] {1});
        Set<PosixFilePermission> p = PosixFilePermissions.fromString("rw-rw----");
        Files.setPosixFilePermissions(model, p);
        Path partial = dir.resolve("m.gmvae.partial");
        AtomicFiles.write(partial, new byte[] {2});
        AtomicFiles.move(partial, model);
        assertEquals(p, Files.getPosixFilePermissions(model));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(model));
    }

    @Test void aFailingBodyLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("a.csv");
        Files.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "the hidden temporary must be gone");
        }
    }

    @Test void siblingDirectoryFollowsTheUmaskLikeMkdir() throws IOException {
        Path plain = Files.createDirectory(dir.resolve("plain"));
        Path ours = AtomicFiles.newSiblingDirectory(dir.resolve("report"), "tmp");
        assertEquals(dir, ours.getParent());
        assertTrue(ours.getFileName().toString().startsWith(".report.tmp-"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(ours));
    }
}
