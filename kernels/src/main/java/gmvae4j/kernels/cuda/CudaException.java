package gmvae4j.kernels.cuda;

/**
 * A CUDA or cuBLAS call returned an error status. The message names the call, the numeric
 * status and the library's own description of it, e.g.
 * {@code cudaMalloc(68719476736 bytes) failed: out of memory (cudaError 2)}.
 */
public class CudaException extends RuntimeException {

    private final int status;

    public CudaException(String message, int status) {
        super(message);
        this.status = status;
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** The status code the call returned, or -1 when the failure was on the Java side. */
    public int status() { return status; }
}
