package gmvae4j.cli.report;

import gmvae4j.cli.UserError;
import gmvae4j.io.AtomicFiles;
import gmvae4j.io.TerminalText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a report folder all or nothing, and only where it may. Every file is first written
 * into a fresh hidden sibling folder; only when all of them exist is that folder renamed into
 * place (the previous report, if any, is moved aside first and deleted after). A crash or an
 * exception while producing any file leaves the previous report untouched and only a hidden
 * temporary folder behind.
 *
 * <p>Every report holds a marker file, {@value #MARKER}. An existing folder is replaced only if
 * it holds that marker (a report this tool wrote) or is empty: a folder of the user's, and the
 * current folder ({@code --out .}), is refused before any work starts ({@link #check}).
 */
public final class ReportDirectory {
    /** The file that says "this folder is a gmvae4j report": only such a folder is ever replaced. */
    public static final String MARKER = ".gmvae4j-report";

    private ReportDirectory() {}

    /** One file of a report: its name and how to write it. */
    public record Artifact(String name, Writer content) {
        /** A file whose bytes are produced in memory. */
        public static Artifact bytes(String name, Producer producer) {
            return new Artifact(name, file -> AtomicFiles.write(file, producer.bytes()));
        }
    }

    @FunctionalInterface
    public interface Producer { byte[] bytes() throws Exception; }

    /** Writes one file of the report at the path given (inside the folder being built). */
    @FunctionalInterface
    public interface Writer { void write(Path file) throws Exception; }

    /**
     * Checks before any work that {@code out} may become a report: not a file, not the current
     * folder or one above it, not an existing folder of the user's; its parent folder (created
     * when {@code createParent}, for the default {@code reports/}) exists and is writable.
     */
    public static void check(String flag, Path out, boolean createParent) {
        Path abs = out.toAbsolutePath().normalize();
        String name = "--" + flag + " " + TerminalText.safe(out);
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (abs.getParent() == null || cwd.startsWith(abs) || holdsCurrentFolder(abs))
            throw new UserError(name + ": is the current folder or contains it; name a new folder for the report");
        if (Files.exists(abs) && !Files.isDirectory(abs))
            throw new UserError(name + ": is a file, not a folder; name a folder for the report");
        if (Files.isDirectory(abs) && !isReport(abs) && !isEmpty(abs))
            throw new UserError(name + ": the folder exists and is not a gmvae4j report (no " + MARKER
                    + " in it); name a new folder, nothing in it was touched");
        Path parent = abs.getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (!createParent && existing != parent)
            throw new UserError(name + ": the folder " + TerminalText.safe(parent) + " does not exist");
        if (existing == null || !Files.isDirectory(existing))
            throw new UserError(name + ": " + TerminalText.safe(existing) + " is not a folder");
        if (!Files.isWritable(existing))
            throw new UserError(name + ": the folder " + TerminalText.safe(existing) + " is not writable");
    }

    /**
     * Whether an existing folder is the current folder or one above it once links are resolved:
     * an output that replaces it would pull the folder out from under the user's shell.
     */
    public static boolean holdsCurrentFolder(Path dir) {
        try {
            return Files.exists(dir) && Path.of("").toAbsolutePath().toRealPath().startsWith(dir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether dir is a report this tool wrote. */
    public static boolean isReport(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER));
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    public static void write(Path out, List<Artifact> artifacts) throws Exception {
        Path abs = out.toAbsolutePath().normalize();
        check("out", abs, true);   // again: the folder may have appeared while we worked
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = AtomicFiles.newSiblingDirectory(abs, "tmp");
        try {
            AtomicFiles.write(tmp.resolve(MARKER), ("This folder is a report written by gmvae4j. The next report written "
                    + "to this path replaces it whole.\n").getBytes(StandardCharsets.UTF_8));
            for (Artifact a : artifacts) a.content().write(tmp.resolve(a.name()));
            Path old = null;
            if (Files.exists(abs)) {
                old = AtomicFiles.newSiblingDirectory(abs, "old");
                AtomicFiles.move(abs, old);
            }
            AtomicFiles.move(tmp, abs);
            if (old != null) AtomicFiles.deleteSibling(old);
        } finally {
            AtomicFiles.deleteSibling(tmp);
        }
    }
}
