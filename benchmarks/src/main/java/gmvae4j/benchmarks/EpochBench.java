package gmvae4j.benchmarks;

import gmvae4j.datasets.Dataset;
import gmvae4j.engine.gmvae.GmvaeTraining;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.engine.gmvae.TrainResult;
import gmvae4j.kernels.Kernels;

import java.io.IOException;

/**
 * {@code bench train --epoch}: one real GMVAE epoch through {@link GmvaeTraining} (shuffle, byte
 * pixels converted batch by batch, noise, step, then the posterior pass over the whole data set),
 * reported as images per second, with the peak heap the JVM saw while it ran.
 *
 * <p>Pretraining is skipped and the prior initialisation cut short (2 k-means iterations, 1 EM
 * step): they do not change the step and would only lengthen the measurement.
 */
public final class EpochBench {
    private EpochBench() {}

    /**
     * @param imagesPerSecond GMVAE training throughput of the epoch (steps only)
     * @param seconds         the whole run: initialisation, the epoch, the posterior pass
     * @param peakHeapBytes   the most heap in use at one moment during the run ({@link HeapPeak})
     */
    public record Result(int images, double imagesPerSecond, double seconds, long peakHeapBytes, long maxHeapBytes) {}

    public static Result run(Dataset data, String variant, int z, Kernels kernels) throws IOException {
        TrainOptions o = new TrainOptions();
        o.variant = variant;
        o.z = z;
        o.epochs = 1;
        o.pretrainEpochs = 0;
        o.kmeansIterations = 2;
        o.emSteps = 1;
        o.kernels = kernels;
        HeapPeak.start();
        TrainResult r = GmvaeTraining.train(new gmvae4j.engine.gmvae.TrainingImages(data.name(), data.pixels(),
                data.labels(), data.n(), data.rows(), data.cols(), data.numClasses()), o, gmvae4j.engine.gmvae.ProgressListener.NONE);
        return new Result(data.n(), r.imagesPerSecond(), r.seconds(), HeapPeak.bytes(),
                Runtime.getRuntime().maxMemory());
    }
}
