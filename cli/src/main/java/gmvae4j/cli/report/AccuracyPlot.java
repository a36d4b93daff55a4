package gmvae4j.cli.report;

import gmvae4j.engine.eval.Stats;
import gmvae4j.engine.eval.Sweep;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Accuracy against the number of labels: log-scaled x axis (labels n), one line per method with
 * its 95% confidence band, grid, ticks at powers of ten, axis labels and a legend. Skipped points
 * (a baseline over its cap) break the line rather than being drawn as zero.
 */
public final class AccuracyPlot {
    private AccuracyPlot() {}

    public static BufferedImage render(Sweep.Result r, String title, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Palette.graphics(img);
        int left = 70, right = 190, top = 40, bottom = 60;
        int pw = width - left - right, ph = height - top - bottom;
        double lo = Math.log10(Math.max(1, r.n()[0])), hi = Math.log10(r.n()[r.n().length - 1]);
        double x0 = Math.floor(lo), x1 = Math.max(Math.ceil(hi), x0 + 1);

        // grid and ticks
        g.setColor(Palette.GRID);
        for (int e = (int) x0; e <= (int) x1; e++)
            for (int m = 1; m < 10; m++) {
                double lx = e + Math.log10(m);
                if (lx > x1) break;
                int px = left + (int) Math.round((lx - x0) / (x1 - x0) * pw);
                g.setStroke(new BasicStroke(m == 1 ? 1.2f : 0.6f));
                g.drawLine(px, top, px, top + ph);
            }
        for (int i = 0; i <= 10; i++) {
            int py = top + ph - i * ph / 10;
            g.setStroke(new BasicStroke(i % 2 == 0 ? 1.2f : 0.6f));
            g.drawLine(left, py, left + pw, py);
        }
        g.setColor(Palette.AXIS);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect(left, top, pw, ph);
        for (int e = (int) x0; e <= (int) x1; e++) {
            int px = left + (int) Math.round((e - x0) / (x1 - x0) * pw);
            String label = e <= 0 ? "1" : e < 4 ? Long.toString((long) Math.pow(10, e)) : "1e" + e;
            g.drawLine(px, top + ph, px, top + ph + 5);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, top + ph + 20);
        }
        for (int i = 0; i <= 10; i += 2) {
            int py = top + ph - i * ph / 10;
            String label = String.format(Locale.ROOT, "%.1f", i / 10.0);
            g.drawLine(left - 5, py, left, py);
            g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), py + 5);
        }
        String xl = "labeled points n (log scale)";
        g.drawString(xl, left + pw / 2 - g.getFontMetrics().stringWidth(xl) / 2, top + ph + 42);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString("accuracy", -(top + ph / 2) - 28, 20);
        gy.dispose();
        g.setFont(Palette.TITLE);
        g.drawString(title, left, top - 14);
        g.setFont(Palette.FONT);

        // bands, then lines on top
        g.setClip(left, top, pw + 1, ph + 1);
        for (Sweep.MethodResult m : r.methods()) {
            Path2D band = band(r, m, left, top, pw, ph, x0, x1);
            if (band == null) continue;
            Color c = Palette.of(m.name());
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.18f));
            g.setColor(c);
            g.fill(band);
        }
        g.setComposite(AlphaComposite.SrcOver);
        for (Sweep.MethodResult m : r.methods()) {
            g.setColor(Palette.of(m.name()));
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            int px = -1, py = -1;
            for (int f = 0; f < r.n().length; f++) {
                double mean = m.stats()[f].mean();
                if (Double.isNaN(mean)) { px = -1; continue; }
                int x = xPix(r.n()[f], left, pw, x0, x1), y = yPix(mean, top, ph);
                if (px >= 0) g.drawLine(px, py, x, y);
                g.fillOval(x - 3, y - 3, 7, 7);
                px = x; py = y;
            }
        }
        g.setClip(null);

        // legend
        int ly = top + 10;
        for (Sweep.MethodResult m : r.methods()) {
            g.setColor(Palette.of(m.name()));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(left + pw + 20, ly, left + pw + 45, ly);
            g.setColor(Palette.AXIS);
            g.drawString(m.name(), left + pw + 52, ly + 5);
            ly += 22;
        }
        g.setColor(Palette.AXIS);
        g.drawString("bands: 95% CI", left + pw + 20, ly + 12);
        g.drawString(r.draws() + " draws", left + pw + 20, ly + 30);
        g.dispose();
        return img;
    }

    private static Path2D band(Sweep.Result r, Sweep.MethodResult m, int left, int top, int pw, int ph, double x0, double x1) {
        Path2D p = new Path2D.Double();
        java.util.List<int[]> upper = new java.util.ArrayList<>(), lower = new java.util.ArrayList<>();
        for (int f = 0; f < r.n().length; f++) {
            Stats s = m.stats()[f];
            if (Double.isNaN(s.mean()) || Double.isNaN(s.ci95())) continue;
            int x = xPix(r.n()[f], left, pw, x0, x1);
            upper.add(new int[] {x, yPix(Math.min(1, s.mean() + s.ci95()), top, ph)});
            lower.add(new int[] {x, yPix(Math.max(0, s.mean() - s.ci95()), top, ph)});
        }
        if (upper.size() < 2) return null;
        p.moveTo(upper.get(0)[0], upper.get(0)[1]);
        for (int[] u : upper) p.lineTo(u[0], u[1]);
        for (int i = lower.size() - 1; i >= 0; i--) p.lineTo(lower.get(i)[0], lower.get(i)[1]);
        p.closePath();
        return p;
    }

    private static int xPix(int n, int left, int pw, double x0, double x1) {
        return left + (int) Math.round((Math.log10(Math.max(1, n)) - x0) / (x1 - x0) * pw);
    }

    private static int yPix(double acc, int top, int ph) {
        return top + ph - (int) Math.round(acc * ph);
    }
}
