package gmvae4j.cli;

/**
 * A problem with what the user asked for or gave us (a flag, a file, a value). Main prints its
 * message as one line and exits non-zero, without a stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) { super(message); }
    public UserError(String message, Throwable cause) { super(message, cause); }
}
