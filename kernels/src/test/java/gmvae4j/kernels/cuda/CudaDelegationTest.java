package gmvae4j.kernels.cuda;

import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kernel the interface gives a scalar default is overridden by the cuBLAS backend (which
 * sends it on to its CPU backend, or to the device) and by the vector backend. A kernel added to
 * {@link Kernels} and to {@link VectorKernels} but forgotten here would run its scalar reference
 * under {@code --backend cuda}: correct, many times slower, and seen by no other test.
 */
class CudaDelegationTest {

    /**
     * Defaults that are meant to be inherited: written in terms of the other kernels, or (not a
     * kernel) a property of the backend that the CPU backends share. {@code packedB}'s default
     * shares nothing (the cuda backend runs a batch's shards one after another, so there is no
     * product beside another to share with), and {@code sgemmPacked}'s calls {@code sgemm}.
     */
    static final Set<String> INHERITED = Set.of("parallelRange", "concurrentCallers", "packedB", "sgemmPacked");

    @Test
    void everyKernelWithAScalarDefaultIsOverridden() {
        List<String> missing = new ArrayList<>();
        for (Method m : Kernels.class.getMethods()) {
            if (!m.isDefault() || Modifier.isStatic(m.getModifiers()) || INHERITED.contains(m.getName())) continue;
            for (Class<?> backend : List.of(CudaKernels.class, VectorKernels.class)) {
                try {
                    Method impl = backend.getMethod(m.getName(), m.getParameterTypes());
                    if (impl.getDeclaringClass() != backend) missing.add(backend.getSimpleName() + "." + m.getName());
                } catch (NoSuchMethodException e) {
                    missing.add(backend.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(List.of(), missing, "kernels that would run the scalar default");
    }
}
