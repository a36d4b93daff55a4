package gmvae4j.cli.report;

import gmvae4j.engine.gmvae.Gmvae;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * What each component generates (the study's Figure 1): one row per component, {@code perRow}
 * samples z ~ p(z|c) decoded to pixel means, drawn white on black, component number on the left
 * (with its majority class when given, so a reader sees what the labels would call it).
 */
public final class SampleGrid {
    private SampleGrid() {}

    public static BufferedImage render(Gmvae model, int[] components, String[] names, int perRow, int side, int scale, long seed) {
        return render(model, components, names, perRow, side, scale, seed, null);
    }

    /**
     * The same, and when {@code real} is given, after a gap the real members of each row's
     * component ({@code real[r]}: up to perRow images of side×side bytes, bright strokes on dark):
     * what the component generates next to what it holds.
     */
    public static BufferedImage render(Gmvae model, int[] components, String[] names, int perRow, int side, int scale, long seed,
                                       byte[][] real) {
        int label = names == null ? 44 : 84, pad = 2, cell = side * scale + pad, gap = real == null ? 0 : 3 * pad;
        int columns = real == null ? perRow : 2 * perRow;
        BufferedImage img = new BufferedImage(label + columns * cell + pad + gap, components.length * cell + pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Palette.graphics(img);
        g.setColor(Color.BLACK);
        g.fillRect(label, 0, img.getWidth() - label, img.getHeight());
        for (int r = 0; r < components.length; r++) {
            float[] s = model.sample(components[r], perRow, seed + components[r]);
            for (int j = 0; j < perRow; j++)
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++) {
                        float v = Math.max(0f, Math.min(1f, s[j * side * side + y * side + x]));
                        int gray = Math.round(v * 255);
                        int rgb = (gray << 16) | (gray << 8) | gray;
                        int ox = label + pad + j * cell + x * scale, oy = pad + r * cell + y * scale;
                        for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) img.setRGB(ox + dx, oy + dy, rgb);
                    }
            if (real != null && real[r] != null) {
                int left = label + pad + perRow * cell + gap;
                g.setColor(Palette.AXIS);
                g.fillRect(left - gap + pad, pad + r * cell, pad, cell - pad);
                for (int j = 0; j < real[r].length / (side * side); j++)
                    for (int y = 0; y < side; y++)
                        for (int x = 0; x < side; x++) {
                            int gray = real[r][j * side * side + y * side + x] & 0xff;
                            int rgb = (gray << 16) | (gray << 8) | gray;
                            int ox = left + j * cell + x * scale, oy = pad + r * cell + y * scale;
                            for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) img.setRGB(ox + dx, oy + dy, rgb);
                        }
            }
            g.setColor(Palette.AXIS);
            String t = components[r] + (names == null ? "" : " " + names[r]);
            g.drawString(t, label - 6 - g.getFontMetrics().stringWidth(t), pad + r * cell + cell / 2 + 5);
        }
        g.dispose();
        return img;
    }
}
