package gmvae4j.datasets.images;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Writes test pictures: MNIST-style bytes as grey PNG/JPEG, enlarged colour on white, broken files. */
final class Pictures {
    private Pictures() {}

    /** A 28x28 grey picture of the bytes (bright strokes on black, as stored). */
    static BufferedImage grey(byte[] px, int off, int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < side * side; i++) img.getRaster().setSample(i % side, i / side, 0, px[off + i] & 0xff);
        return img;
    }

    /** Enlarged by {@code f} (pixel replication), RGB, dark strokes on a white background. */
    static BufferedImage enlargedOnWhite(byte[] px, int off, int side, int f) {
        BufferedImage img = new BufferedImage(side * f, side * f, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side * f; y++)
            for (int x = 0; x < side * f; x++) {
                int v = 255 - (px[off + (y / f) * side + x / f] & 0xff);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        return img;
    }

    static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no writer for " + format);
    }

    static byte[] pngBytes(BufferedImage img) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    /** A PNG whose header claims w x h pixels, followed by a tiny bogus IDAT and IEND. */
    static byte[] pngClaiming(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 4 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        chunk(b, "IDAT", new byte[] {1, 2, 3, 4});
        chunk(b, "IEND", new byte[0]);
        return b.array();
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        b.putInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
    }
}
