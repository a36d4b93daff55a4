package gmvae4j.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Colours, fonts and PNG encoding shared by the report's charts. */
final class Palette {
    private Palette() {}

    static final Color BACKGROUND = Color.WHITE, AXIS = new Color(60, 60, 60), GRID = new Color(228, 228, 228);
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13), TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    /** A fixed colour per method, so every chart and every report uses the same one. */
    static Color of(String method) {
        return switch (method) {
            case "hard" -> new Color(214, 39, 40);
            case "hard+fallback" -> new Color(255, 127, 14);
            case "soft-dot" -> new Color(31, 119, 180);
            case "soft-cos" -> new Color(148, 103, 189);
            case "soft-dot+T" -> new Color(23, 190, 207);
            case "latent-prop" -> new Color(20, 40, 110);
            case "logreg" -> new Color(127, 127, 127);
            case "mlp" -> new Color(44, 160, 44);
            case "xgboost" -> new Color(140, 86, 75);
            default -> new Color(188, 189, 34);
        };
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(FONT);
        return g;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this JVM");
        return out.toByteArray();
    }
}
