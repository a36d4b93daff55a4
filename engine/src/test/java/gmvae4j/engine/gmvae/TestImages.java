package gmvae4j.engine.gmvae;

import gmvae4j.datasets.Dataset;

/** Tests load real and synthetic data through the datasets module (a test-only dependency). */
final class TestImages {
    private TestImages() {}

    static TrainingImages of(Dataset d) {
        return new TrainingImages(d.name(), d.pixels(), d.labels(), d.n(), d.rows(), d.cols(),
                d.labels() == null ? 0 : d.numClasses());
    }
}
