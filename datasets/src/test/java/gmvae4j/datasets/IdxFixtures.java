package gmvae4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small IDX files built in tests. */
final class IdxFixtures {
    private IdxFixtures() {}

    /** An image file of n images rows×cols; pixel (i, r, c) = (i*31 + r*7 + c) & 0xff. */
    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n; i++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) b.put((byte) (i * 31 + r * 7 + c));
        return b.array();
    }

    static byte[] labels(int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(values.length);
        for (int v : values) b.put((byte) v);
        return b.array();
    }

    /** A header only, claiming whatever count and shape. */
    static byte[] imageHeader(int n, int rows, int cols) {
        return ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols).array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static Path write(Path dir, String name, byte[] data) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete four-file set in dir: train n images, test m images, labels given. */
    static void writeSet(Path dir, Catalog.Spec spec, int[] trainLabels, int[] testLabels, boolean gz) {
        byte[][] content = {images(trainLabels.length, 28, 28), labels(trainLabels), images(testLabels.length, 28, 28), labels(testLabels)};
        for (int k = 0; k < 4; k++)
            write(dir, spec.files().get(k) + (gz ? ".gz" : ""), gz ? gzip(content[k]) : content[k]);
    }
}
