package gmvae4j.engine.gmvae;

import gmvae4j.io.TerminalText;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be used: the message is one line naming the file and what is wrong with
 * it. Whatever the file put into the message (config values, tensor names) goes through
 * {@link TerminalText#safe}, so a crafted file cannot break the line or drive the terminal.
 */
public final class ModelFileException extends IOException {
    public ModelFileException(Path file, String problem) {
        super(TerminalText.safe(file + ": " + problem));
    }
}
