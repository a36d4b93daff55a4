package gmvae4j.label;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The bytes the page shows for an image: its original file when the images came from a folder
 * (only ever a file inside that folder), else its pixels rendered as a grey PNG.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Image i's pixels (rows × cols bytes, 0 = black background as stored) as a PNG, white ink on black. */
    public static byte[] png(LabelImages images, int i) throws IOException {
        BufferedImage img = new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
        int off = i * images.dim();
        byte[] row = new byte[images.cols()];
        for (int r = 0; r < images.rows(); r++) {
            System.arraycopy(images.pixels(), off + r * images.cols(), row, 0, images.cols());
            img.getRaster().setDataElements(0, r, images.cols(), 1, row);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * The file at relative inside root, or null when it is not a regular file inside root: a
     * path that is absolute, climbs out with "..", holds a NUL or backslash, or is (or passes
     * through) a symbolic link leading outside root is refused. The real path is checked, so a
     * link anywhere on the way counts.
     */
    public static Path inside(Path root, String relative) {
        if (relative == null || relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) return null;
        if (relative.startsWith("/") || relative.matches("^[A-Za-z]:.*")) return null;
        for (String part : relative.split("/")) if (part.equals("..")) return null;
        try {
            Path realRoot = root.toRealPath();
            Path candidate = realRoot.resolve(relative).normalize();
            if (!candidate.startsWith(realRoot) || !Files.exists(candidate)) return null;
            Path real = candidate.toRealPath();
            if (!real.startsWith(realRoot) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) return null;
            return real;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** The content type of an original file by its extension (octet-stream when unknown). */
    public static String contentType(Path file) {
        String f = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (f.endsWith(".png")) return "image/png";
        if (f.endsWith(".jpg") || f.endsWith(".jpeg")) return "image/jpeg";
        if (f.endsWith(".gif")) return "image/gif";
        if (f.endsWith(".bmp")) return "image/bmp";
        if (f.endsWith(".webp")) return "image/webp";
        return "application/octet-stream";
    }
}
