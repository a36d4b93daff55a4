package gmvae4j.benchmarks;

import gmvae4j.kernels.ScalarKernels;
import gmvae4j.kernels.VectorKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FLOP count behind {@code bench train}'s sgemm fraction: one mixture step counted through
 * {@link ProductFlops} against the count by hand, layer by layer.
 */
class ProductFlopsTest {

    @Test
    void oneProductCountsTwoMultiplyAddFlops() {
        ProductFlops f = ProductFlops.counting(new ScalarKernels());
        float[] a = new float[3 * 5], b = new float[5 * 7], c = new float[3 * 7];
        f.kernels().sgemm(false, false, 3, 7, 5, 1f, a, 0, 5, b, 0, 7, 0f, c, 0, 7);
        f.kernels().add(4, a, 0, a, 0, c, 0);
        assertEquals(2L * 3 * 7 * 5, f.flops(), "the product counts 2·m·n·k, the elementwise pass nothing");
    }

    @Test
    void aMixtureStepCountsEveryLayerForwardAndBackward() {
        int batch = 4, k = 3, z = 2, hidden = 8, dim = 784;
        TrainStepBench.Case c = new TrainStepBench.Case("mixture", k, z, new int[] {hidden});
        ProductFlops f = ProductFlops.counting(new ScalarKernels());
        new TrainStepBench.Ours(c.config(), f.kernels(), batch).step();
        // encoder dim→hidden→2z, decoder z→hidden→dim: forward x·W, backward xᵀ·dy for W, dy·Wᵀ for x
        // except into the first layer's input (the images)
        long fwd = 2L * batch * ((long) dim * hidden + hidden * 2L * z + (long) z * hidden + (long) hidden * dim);
        long dx = fwd - 2L * batch * dim * hidden;
        // the z-prior's ½ σ²·(1/σ²_c)ᵀ [B,z]·[z,K]: forward and both operands' gradients
        long prior = 3 * 2L * batch * z * k;
        assertEquals(fwd + fwd + dx + prior, f.flops());
    }

    /**
     * The step as {@code bench train} runs it on two threads (two batch shards side by side, their
     * products reading weights packed between them: sgemmPacked) counts what the scalar backend's
     * one pass counts. Products through sgemmPacked left out (as they were on the day it came) would
     * count 0.35 of 1.0 GFLOP for the mixture step.
     */
    @Test
    void theShardedStepCountsWhatOnePassCounts() {
        TrainStepBench.Case c = new TrainStepBench.Case("mixture", 3, 2, new int[] {40});
        ProductFlops one = ProductFlops.counting(new ScalarKernels()), two = ProductFlops.counting(new VectorKernels(2));
        new TrainStepBench.Ours(c.config(), one.kernels(), 8).step();
        TrainStepBench.Ours sharded = new TrainStepBench.Ours(c.config(), two.kernels(), 8);
        assertTrue(sharded.shards.sideBySide());
        sharded.step();
        assertEquals(one.flops(), two.flops());
    }
}
