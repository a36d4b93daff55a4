package gmvae4j.cli.report;

import gmvae4j.engine.eval.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a report directory all or nothing. Every file is first written into a fresh sibling
 * directory; only when all of them exist is that directory renamed into place (the previous report,
 * if any, is moved aside first and deleted after). A crash or an exception while producing any file
 * leaves the previous report untouched and only a hidden temporary directory behind.
 */
public final class ReportDirectory {
    private ReportDirectory() {}

    /** One file of a report: its name and how to produce its bytes. */
    public record Artifact(String name, Producer content) {}

    @FunctionalInterface
    public interface Producer { byte[] bytes() throws Exception; }

    public static void write(Path out, List<Artifact> artifacts) throws Exception {
        Path abs = out.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        if (Files.exists(abs) && !Files.isDirectory(abs))
            throw new IOException(abs + " exists and is not a directory");
        Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
        try {
            for (Artifact a : artifacts) AtomicFiles.write(tmp.resolve(a.name()), a.content().bytes());
            Path old = null;
            if (Files.exists(abs)) {
                old = parent.resolve("." + abs.getFileName() + ".old-" + System.nanoTime());
                AtomicFiles.move(abs, old);
            }
            AtomicFiles.move(tmp, abs);
            if (old != null) deleteTree(old);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
