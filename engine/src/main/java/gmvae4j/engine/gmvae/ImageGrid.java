package gmvae4j.engine.gmvae;

import gmvae4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG of images laid out in rows (one row per mixture component in {@code gmvae sample}),
 * each row labelled on the left with a number (the component index), images scaled up and
 * separated by a thin grid. Labels use a built-in 3×5 pixel digit font, so nothing depends on
 * the fonts installed on the machine (headless servers often have none).
 */
public final class ImageGrid {

    private static final int GRID = 0x808080, BACKGROUND = 0xFFFFFF, INK = 0x000000;

    /** 3×5 glyphs for 0-9, one 15-bit row-major mask per digit (bit 14 = top-left). */
    private static final int[] DIGITS = {
            0b111_101_101_101_111, 0b010_110_010_010_111, 0b111_001_111_100_111, 0b111_001_111_001_111,
            0b101_101_111_001_001, 0b111_100_111_001_111, 0b111_100_111_101_111, 0b111_001_010_010_010,
            0b111_101_111_101_111, 0b111_101_111_001_111};

    private ImageGrid() {}

    /**
     * Renders the grid and writes it atomically as PNG.
     *
     * @param rows   rows[r] holds that row's images: count × (h·w) floats in [0,1], row-major
     * @param labels a number printed left of each row (e.g. the component index), or null
     * @param h      image height in pixels
     * @param w      image width in pixels
     * @param scale  each image pixel becomes scale×scale output pixels
     */
    public static void writePng(Path file, float[][] rows, int[] labels, int h, int w, int scale) throws IOException {
        BufferedImage img = render(rows, labels, h, w, scale);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available in this JVM");
        });
    }

    /** The picture itself (for callers that compose it further). */
    public static BufferedImage render(float[][] rows, int[] labels, int h, int w, int scale) {
        int perRow = 0;
        for (float[] r : rows) perRow = Math.max(perRow, r.length / (h * w));
        int glyph = Math.max(1, scale); // font pixel size
        int maxDigits = 1;
        if (labels != null) for (int l : labels) maxDigits = Math.max(maxDigits, Integer.toString(Math.abs(l)).length());
        int margin = labels == null ? 0 : (maxDigits * 4 + 2) * glyph;
        int cellW = w * scale, cellH = h * scale;
        int width = margin + perRow * (cellW + 1) + 1;
        int height = rows.length * (cellH + 1) + 1;
        BufferedImage img = new BufferedImage(width, Math.max(height, 1), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < width; x++) img.setRGB(x, y, x >= margin ? GRID : BACKGROUND);
        for (int r = 0; r < rows.length; r++) {
            int top = 1 + r * (cellH + 1);
            int count = rows[r].length / (h * w);
            for (int i = 0; i < count; i++) {
                int left = margin + 1 + i * (cellW + 1);
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        float v = rows[r][i * h * w + py * w + px];
                        int g = Math.round(255 * Math.min(1f, Math.max(0f, v)));
                        int rgb = (g << 16) | (g << 8) | g;
                        for (int sy = 0; sy < scale; sy++)
                            for (int sx = 0; sx < scale; sx++) img.setRGB(left + px * scale + sx, top + py * scale + sy, rgb);
                    }
                }
            }
            if (labels != null) drawNumber(img, labels[r], glyph, glyph, top + (cellH - 5 * glyph) / 2);
        }
        return img;
    }

    private static void drawNumber(BufferedImage img, int value, int size, int x, int y) {
        String s = Integer.toString(value);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            int left = x + i * 4 * size;
            if (ch == '-') {
                fill(img, left, y + 2 * size, 3 * size, size);
                continue;
            }
            int mask = DIGITS[ch - '0'];
            for (int gy = 0; gy < 5; gy++)
                for (int gx = 0; gx < 3; gx++)
                    if ((mask >> (14 - (gy * 3 + gx)) & 1) != 0) fill(img, left + gx * size, y + gy * size, size, size);
        }
    }

    private static void fill(BufferedImage img, int x, int y, int w, int h) {
        for (int yy = Math.max(0, y); yy < Math.min(img.getHeight(), y + h); yy++)
            for (int xx = Math.max(0, x); xx < Math.min(img.getWidth(), x + w); xx++) img.setRGB(xx, yy, INK);
    }
}
