package gmvae4j.datasets;

import java.util.List;

/**
 * A labeled image set held as bytes: n images of rows×cols unsigned pixels (0..255, upright,
 * row-major), one label per image in 0..classNames.size()-1. Pixels stay bytes (a full EMNIST
 * pool is 114 MB this way, four times that as floats); models convert a batch at a time.
 *
 * @param name       data set name, e.g. {@code mnist}, {@code emnist-letters}, {@code glyphs}
 * @param split      which part of the data set this is
 * @param pixels     n·rows·cols bytes, image i at offset i·rows·cols
 * @param labels     n labels, or null for unlabeled images
 * @param classNames class names, index = label
 */
public record Dataset(String name, Split split, byte[] pixels, int[] labels, int n, int rows, int cols,
                      List<String> classNames) {

    public Dataset {
        if (n < 0 || rows <= 0 || cols <= 0) throw new IllegalArgumentException("bad shape n=" + n + " " + rows + "x" + cols);
        if ((long) n * rows * cols != pixels.length)
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, expected " + (long) n * rows * cols);
        if (labels != null && labels.length != n)
            throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
    }

    /** Pixels per image. */
    public int dim() { return rows * cols; }

    public int numClasses() { return classNames.size(); }

    /** Pixel j of image i as a float in [0,1]. */
    public float pixel(int i, int j) { return (pixels[i * dim() + j] & 0xff) / 255f; }

    /** Images [from, to) as a new data set sharing nothing with this one. */
    public Dataset slice(int from, int to) {
        int d = dim();
        byte[] px = java.util.Arrays.copyOfRange(pixels, from * d, to * d);
        int[] lb = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to);
        return new Dataset(name, split, px, lb, to - from, rows, cols, classNames);
    }
}
