package gmvae4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one way gmvae4j writes an output file: models, label maps, report files, PNGs, CSVs and
 * downloads all come through here, so the rules hold everywhere at once.
 *
 * <ul>
 *   <li>All or nothing: the bytes go to a hidden sibling ({@code .NAME.tmp-XXXX}), are forced to
 *       disk, and only then renamed over the target in one step. A reader (or a crash, or
 *       {@code kill -9}) sees the old file or the complete new one, never half of it.</li>
 *   <li>Ordinary permissions: {@link Files#createTempFile} makes 0600 files, which would leave the
 *       user with a model nobody else may read. The sibling is created the way a plain write
 *       creates a file (mode 0666 masked by the umask); replacing an existing file keeps that
 *       file's permissions, as writing into it would.</li>
 * </ul>
 *
 * Whether a target may be replaced at all is the caller's decision (the command line refuses to
 * replace what the user did not name as an output); this class only makes the replacement safe.
 */
public final class AtomicFiles {

    /** What produces a file's bytes. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes target atomically; its parent folder is created if missing. */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = newSibling(abs, "tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                body.write(out);
                out.flush();
                ch.force(true);
            }
            move(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates a new empty file next to target ({@code .NAME.TAG-XXXXXXXX}), with the permissions a
     * plain write would give (0666 under the umask), and returns it.
     */
    public static Path newSibling(Path target, String tag) throws IOException {
        Path abs = target.toAbsolutePath();
        for (int attempt = 0; ; attempt++) {
            Path p = abs.resolveSibling(siblingName(abs, tag));
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    /** Creates a new empty folder next to target, with the permissions mkdir gives (0777 under the umask). */
    public static Path newSiblingDirectory(Path target, String tag) throws IOException {
        Path abs = target.toAbsolutePath();
        for (int attempt = 0; ; attempt++) {
            Path p = abs.resolveSibling(siblingName(abs, tag));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    /** The names {@link #siblingName} gives: only such a path is ever deleted by {@link #deleteSibling}. */
    private static final Pattern SIBLING = Pattern.compile("\\..+\\.[a-z]+-[0-9a-f]{8}");

    /**
     * Deletes a hidden sibling made by {@link #newSibling} or {@link #newSiblingDirectory}, with
     * everything in it (links are removed, never followed). A path with any other name is
     * refused: this is a way to clean up after ourselves, never to delete a user's file.
     */
    public static void deleteSibling(Path sibling) throws IOException {
        Path name = sibling.getFileName();
        if (name == null || !SIBLING.matcher(name.toString()).matches())
            throw new IllegalArgumentException("not a temporary sibling of ours: " + sibling);
        if (!Files.exists(sibling, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> all;
        try (Stream<Path> s = Files.walk(sibling)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path q : all) Files.deleteIfExists(q);
    }

    private static String siblingName(Path abs, String tag) {
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return "." + abs.getFileName() + "." + tag + "-" + HexFormat.of().formatHex(r);
    }

    /**
     * Renames source over target: atomic on one file system, a plain replace where it cannot be.
     * A file it replaces hands its permissions on, as if it had been written in place.
     */
    public static void move(Path source, Path target) throws IOException {
        keepPermissions(target, source);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** An existing target keeps its permissions when replaced, as a file written in place would. */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView old = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (old == null || !Files.isRegularFile(target)) return;
        try {
            Files.setPosixFilePermissions(tmp, old.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException e) {
            // not ours to change (another owner): the umask's permissions stay
        }
    }
}
