package gmvae4j.engine.gmvae;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be used: the message is one line naming the file and what is wrong with
 * it. Whatever the file put into the message (config values, tensor names) is printable: control
 * characters are shown as {@code \\uXXXX}, so a crafted file cannot break the line or drive the
 * terminal.
 */
public final class ModelFileException extends IOException {
    public ModelFileException(Path file, String problem) {
        super(printable(file + ": " + problem));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
