package gmvae4j.label;

import gmvae4j.datasets.Dataset;
import java.nio.file.Path;
import java.util.List;

/**
 * The images a labeling session works on, as the server needs them and no more: pixels
 * (rows × cols bytes per image, the model's input), and where they exist the original file of
 * each image inside a root folder and the true labels (only {@code --simulate} reads those).
 * Named data sets have no files: their pages show the pixels rendered as PNG.
 */
public record LabelImages(String name, byte[] pixels, int n, int rows, int cols, Path root, List<String> paths,
                          int[] truth, List<String> truthNames) {

    public LabelImages {
        if ((long) n * rows * cols != pixels.length) throw new IllegalArgumentException(pixels.length + " pixels for " + n + " images of " + rows + "x" + cols);
        if (paths != null && paths.size() != n) throw new IllegalArgumentException(paths.size() + " paths for " + n + " images");
        if (paths != null && root == null) throw new IllegalArgumentException("relative paths need their root folder");
        if (truth != null && truth.length != n) throw new IllegalArgumentException(truth.length + " labels for " + n + " images");
    }

    /** A named data set (e.g. the MNIST pool): no files, true labels where it has them. */
    public static LabelImages of(Dataset d) {
        return new LabelImages(d.name(), d.pixels(), d.n(), d.rows(), d.cols(), null, null, d.labels(), d.classNames());
    }

    public int dim() { return rows * cols; }

    /** The image's name in exports: its path relative to the root, or its index in the data set. */
    public String id(int i) { return paths == null ? Integer.toString(i) : paths.get(i); }
}
