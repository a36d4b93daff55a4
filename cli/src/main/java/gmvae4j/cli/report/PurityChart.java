package gmvae4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Cluster purity at a glance: one bar per component (sorted by size, largest first), its height
 * the component's size, the dark part the share of its majority class. Pale bars are
 * mixed clusters, where hard decoding must be wrong for the minority.
 */
public final class PurityChart {
    private PurityChart() {}

    /** sizes[c]: points whose argmax is c; majority[c]: points of c's most common class. */
    public static BufferedImage render(int[] sizes, int[] majority, String title, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Palette.graphics(img);
        int left = 70, right = 20, top = 40, bottom = 60;
        int pw = width - left - right, ph = height - top - bottom;
        Integer[] order = new Integer[sizes.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> sizes[b] - sizes[a]);
        int max = 1;
        long total = 0, pure = 0;
        for (int i = 0; i < sizes.length; i++) { max = Math.max(max, sizes[i]); total += sizes[i]; pure += majority[i]; }
        int nonEmpty = 0;
        for (int s : sizes) if (s > 0) nonEmpty++;
        double bw = pw / (double) sizes.length;
        Color full = new Color(31, 119, 180), rest = new Color(174, 199, 232);
        for (int i = 0; i < order.length; i++) {
            int c = order[i];
            int x = left + (int) Math.round(i * bw), w = Math.max(1, (int) Math.round((i + 1) * bw) - (int) Math.round(i * bw) - 1);
            int h = (int) Math.round(sizes[c] / (double) max * ph), hm = (int) Math.round(majority[c] / (double) max * ph);
            g.setColor(rest);
            g.fillRect(x, top + ph - h, w, h);
            g.setColor(full);
            g.fillRect(x, top + ph - hm, w, hm);
        }
        g.setColor(Palette.AXIS);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, top + ph, left + pw, top + ph);
        g.drawLine(left, top, left, top + ph);
        for (int i = 0; i <= 4; i++) {
            int v = (int) Math.round(max * i / 4.0), py = top + ph - i * ph / 4;
            g.drawLine(left - 5, py, left, py);
            String s = Integer.toString(v);
            g.drawString(s, left - 10 - g.getFontMetrics().stringWidth(s), py + 5);
        }
        g.drawString("components, largest first (" + nonEmpty + " of " + sizes.length + " non-empty)", left, top + ph + 22);
        g.drawString(String.format(Locale.ROOT, "dark: majority class share; overall purity %.1f%%",
                total == 0 ? 0 : 100.0 * pure / total), left, top + ph + 42);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString("points", -(top + ph / 2) - 20, 20);
        gy.dispose();
        g.setFont(Palette.TITLE);
        g.drawString(title, left, top - 14);
        g.dispose();
        return img;
    }
}
