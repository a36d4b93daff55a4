package gmvae4j.label;

/** A session folder that cannot be used as it is: made for other images, held by another server, or damaged. */
public final class SessionException extends java.io.IOException {
    public SessionException(String message) { super(message); }
}
