package gmvae4j.datasets.images;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads one picture file with {@code javax.imageio} (PNG, JPEG, BMP, GIF: whatever the JDK reads;
 * 1 to 16 bits per sample, grey, palette, colour, alpha) into a {@link GreyImage}.
 *
 * <p>The format is recognised from the content, not the file name. The header is read first
 * ({@code ImageReader.getWidth/getHeight}) and a picture over the pixel cap is refused before a
 * single pixel is decoded. Large pictures are decoded subsampled to a few times the target side
 * (the reader skips rows and columns), so a 6000×4000 photo costs little memory. A reader's
 * warning (a truncated JPEG decodes to a half-grey picture with a warning) makes the file bad.
 *
 * <p>Samples are read from the raster, not through {@code getRGB}: Java's grey colour space is
 * linear, and {@code getRGB} would brighten every grey pixel by the sRGB curve. Palette images go
 * through their (sRGB) palette.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    static {
        ImageIO.setUseCache(false); // decode in memory, never into temporary files
    }

    /** Decodes a file for fitting into a {@code side}×{@code side} square. */
    public static GreyImage read(Path file, int side, long maxPixels) throws BadImageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new BadImageException("cannot be opened");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new BadImageException("not a picture this JVM reads (PNG, JPEG, BMP, GIF)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w < 1 || h < 1) throw new BadImageException("its header claims " + w + "x" + h + " pixels");
                if ((long) w * h > maxPixels)
                    throw new BadImageException("its header claims " + w + "x" + h + " pixels, over the cap of " + maxPixels);
                ImageReadParam p = reader.getDefaultReadParam();
                int sub = Math.max(1, Math.max(w, h) / (4 * side));
                if (sub > 1) p.setSourceSubsampling(sub, sub, 0, 0);
                String[] warning = {null};
                reader.addIIOReadWarningListener((r, msg) -> { if (warning[0] == null) warning[0] = msg; });
                BufferedImage img = reader.read(0, p);
                if (warning[0] != null) throw new BadImageException("damaged or truncated (" + oneLine(warning[0]) + ")");
                return grey(img);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Readers throw IIOException for corrupt data, and now and then a RuntimeException
            // (an index out of bounds in a broken GIF): either way the file is bad, not the run.
            String m = e.getMessage();
            throw new BadImageException("corrupt or truncated (" + (m == null ? e.getClass().getSimpleName() : oneLine(m)) + ")");
        }
    }

    /** Grey levels of a decoded picture, alpha composited onto white. */
    static GreyImage grey(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        float[] v = new float[w * h];
        ColorModel cm = img.getColorModel();
        int colours = cm.getNumColorComponents();
        boolean raw = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel) && (colours == 1 || colours == 3);
        if (!raw) { // palette (GIF, some PNGs) or an unusual colour space: take the model's sRGB
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int c = row[x];
                    float lum = (0.299f * (c >> 16 & 0xff) + 0.587f * (c >> 8 & 0xff) + 0.114f * (c & 0xff)) / 255f;
                    float a = (c >>> 24) / 255f;
                    v[y * w + x] = a * lum + (1 - a);
                }
            }
            return new GreyImage(w, h, v);
        }
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        boolean alpha = cm.hasAlpha(), premultiplied = cm.isAlphaPremultiplied();
        float[] scale = new float[bands];
        for (int b = 0; b < bands; b++) scale[b] = 1f / ((1L << cm.getComponentSize(b)) - 1);
        int[] px = new int[bands * w];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, px);
            for (int x = 0, o = 0; x < w; x++, o += bands) {
                float g = colours == 1 ? px[o] * scale[0]
                        : 0.299f * px[o] * scale[0] + 0.587f * px[o + 1] * scale[1] + 0.114f * px[o + 2] * scale[2];
                if (alpha) {
                    float a = px[o + colours] * scale[colours];
                    g = premultiplied ? g + (1 - a) : a * g + (1 - a);
                }
                v[y * w + x] = Math.min(1f, Math.max(0f, g));
            }
        }
        return new GreyImage(w, h, v);
    }

    /** A reader's message on one line, short. */
    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 120 ? t.substring(0, 117) + "..." : t;
    }
}
