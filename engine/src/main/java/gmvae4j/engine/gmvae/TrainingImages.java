package gmvae4j.engine.gmvae;

/**
 * The images a GMVAE trains on, as the engine sees them: n unsigned-byte images of rows×cols
 * (image i at i·rows·cols), and optionally their labels, used only to report purity while
 * training (never by the loss). The engine depends on the kernels alone, so the CLI turns a
 * {@code datasets.Dataset} into this.
 *
 * @param name       for messages and the model file's progress record
 * @param labels     n labels in 0..numClasses-1, or null for unlabeled images
 * @param numClasses how many classes the labels may name (0 when unlabeled)
 */
public record TrainingImages(String name, byte[] pixels, int[] labels, int n, int rows, int cols, int numClasses) {

    public TrainingImages {
        if (n < 0 || rows <= 0 || cols <= 0) throw new IllegalArgumentException("bad shape n=" + n + " " + rows + "x" + cols);
        if ((long) n * rows * cols != pixels.length)
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, expected " + (long) n * rows * cols);
        if (labels != null && labels.length != n) throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
    }

    /** Pixels per image. */
    public int dim() { return rows * cols; }
}
