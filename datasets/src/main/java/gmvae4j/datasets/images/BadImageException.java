package gmvae4j.datasets.images;

/**
 * One picture that cannot be used: unreadable, corrupt, truncated, an unknown format, or over the
 * pixel cap. The message is the reason alone (no path), short enough to follow a file name on
 * one line. Folder loads skip such files and count them; {@code --strict} and explicitly named
 * files make them errors.
 */
public final class BadImageException extends Exception {
    public BadImageException(String reason) { super(reason); }
}
