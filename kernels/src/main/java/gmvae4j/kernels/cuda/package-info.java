/**
 * The optional CUDA backend, bound with the Foreign Function &amp; Memory API
 * ({@code java.lang.foreign}): no JNI, no binding library, nothing to compile.
 *
 * <ul>
 *   <li>{@link gmvae4j.kernels.cuda.CudaLibraries} finds {@code libcudart.so.N} and
 *       {@code libcublas.so.N} on disk (versioned names, toolkit, distribution and Python-wheel
 *       folders).</li>
 *   <li>{@link gmvae4j.kernels.cuda.CudaRuntime} and {@code Cublas} are the raw bindings; every
 *       status is checked and reported with the call's name.</li>
 *   <li>{@link gmvae4j.kernels.cuda.CudaBackend} probes (never throws, one-line reason) and
 *       opens a {@link gmvae4j.kernels.cuda.CudaContext}.</li>
 *   <li>{@link gmvae4j.kernels.cuda.DeviceBuffer} and {@link gmvae4j.kernels.cuda.CudaBlas}
 *       are the device-resident primitives (row-major sgemm, geam, axpy, scal, dgmm).</li>
 *   <li>{@link gmvae4j.kernels.cuda.CudaElementwise}: activations, softmax, BCE and Adam as
 *       PTX kernels through the driver API ({@code CudaDriver}). <b>Never run on a GPU by
 *       their author</b>; checked with ptxas, a PTX-signature test and a fake libcuda.</li>
 *   <li>{@link gmvae4j.kernels.cuda.CudaKernels} is the simple copy-in/copy-out
 *       {@link gmvae4j.kernels.Kernels} backend: sgemm on the GPU, the rest on the CPU.</li>
 * </ul>
 *
 * The JVM needs {@code --enable-native-access=ALL-UNNAMED} (the launcher and the test
 * configuration pass it).
 */
package gmvae4j.kernels.cuda;
