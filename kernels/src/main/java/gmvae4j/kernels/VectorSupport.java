package gmvae4j.kernels;

/**
 * The only class that names the Vector API backend, so that it is loaded (and the incubator
 * module touched) only after {@link Backends} has checked the module is present.
 */
final class VectorSupport {
    private VectorSupport() {}

    static Kernels create() {
        return new VectorKernels();
    }
}
