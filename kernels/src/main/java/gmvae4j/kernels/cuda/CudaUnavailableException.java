package gmvae4j.kernels.cuda;

/**
 * CUDA cannot be used in this process: a library is missing or will not load, the driver is
 * absent or too old, there is no device, or native access is disabled. The message is one
 * line meant for a user, e.g. {@code no libcudart.so.* found in: /usr/local/cuda/lib64, ...}.
 */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }

    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
