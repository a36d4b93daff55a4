package gmvae4j.cli;

import gmvae4j.io.TerminalText;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The output rules of every command, checked before any work starts (an hour of training must
 * not end in "cannot write"):
 *
 * <ul>
 *   <li>an output file needs an existing, writable folder, and must not be a folder itself;</li>
 *   <li>an existing file is replaced only when the user says so with {@code --force} (or, for
 *       {@code train}, {@code --resume}); the replacement itself is atomic
 *       ({@link gmvae4j.io.AtomicFiles}) and happens only once the new content is complete;</li>
 *   <li>a report folder is checked by {@link gmvae4j.cli.report.ReportDirectory#check}.</li>
 * </ul>
 */
final class Outputs {
    private Outputs() {}

    /**
     * Checks an output file named by {@code --flag}: refuses a folder, a missing or read-only
     * parent, and an existing file unless {@code replace} (the user's --force or --resume).
     */
    static void checkFile(String flag, Path file, boolean replace) {
        String name = "--" + flag + " " + TerminalText.safe(file);
        if (file.toString().startsWith("-"))
            throw new UserError(name + ": looks like a flag, not a file name (write ./" + TerminalText.safe(file) + " if you mean it)");
        if (file.getFileName() == null || Files.isDirectory(file))
            throw new UserError(name + ": is a folder; name the file to write");
        checkParent(name, file);
        if (Files.exists(file) && !replace)
            throw new UserError(name + ": the file exists; add --force to replace it");
    }

    /** The folder an output goes into: it must exist, be a folder, and be writable. */
    static void checkParent(String name, Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) throw new UserError(name + ": has no parent folder");
        if (!Files.exists(parent))
            throw new UserError(name + ": the folder " + TerminalText.safe(parent) + " does not exist");
        if (!Files.isDirectory(parent))
            throw new UserError(name + ": " + TerminalText.safe(parent) + " is not a folder");
        if (!Files.isWritable(parent))
            throw new UserError(name + ": the folder " + TerminalText.safe(parent) + " is not writable");
    }
}
