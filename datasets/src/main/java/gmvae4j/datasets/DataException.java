package gmvae4j.datasets;

/**
 * A data file or data set that cannot be used: missing, truncated, corrupt, inconsistent, or not
 * downloadable. The message is one line that names the file (or data set) and the problem, fit to
 * show a user as is; the CLI turns it into a usage error without a stack trace.
 */
public class DataException extends RuntimeException {
    public DataException(String message) { super(message); }
    public DataException(String message, Throwable cause) { super(message, cause); }
}
