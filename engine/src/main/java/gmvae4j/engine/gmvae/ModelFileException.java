package gmvae4j.engine.gmvae;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be used: the message is one line naming the file and what is wrong with it. */
public final class ModelFileException extends IOException {
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
