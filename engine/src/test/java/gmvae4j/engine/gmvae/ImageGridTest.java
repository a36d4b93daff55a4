package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    @TempDir Path dir;

    @Test
    void writesAScaledLabelledGrid() throws Exception {
        int h = 4, w = 3, scale = 2;
        float[] white = new float[2 * h * w];
        java.util.Arrays.fill(white, 1f);
        float[][] rows = {white, new float[2 * h * w]};
        Path f = dir.resolve("g.png");
        ImageGrid.writePng(f, rows, new int[] {7, 42}, h, w, scale);
        BufferedImage img = ImageIO.read(f.toFile());
        int margin = (2 * 4 + 2) * scale;
        assertEquals(margin + 2 * (w * scale + 1) + 1, img.getWidth());
        assertEquals(2 * (h * scale + 1) + 1, img.getHeight());
        // first row images are white, second row black, grid lines grey
        assertEquals(0xFFFFFF, img.getRGB(margin + 1, 1) & 0xFFFFFF);
        assertEquals(0x000000, img.getRGB(margin + 1, 1 + h * scale + 1) & 0xFFFFFF);
        assertEquals(0x808080, img.getRGB(margin, 0) & 0xFFFFFF);
        // the label area has some ink (digits) on each row
        for (int r = 0; r < 2; r++) {
            boolean ink = false;
            for (int y = r * (h * scale + 1); y < (r + 1) * (h * scale + 1); y++)
                for (int x = 0; x < margin; x++) ink |= (img.getRGB(x, y) & 0xFFFFFF) == 0;
            assertTrue(ink, "row " + r + " has a label");
        }
    }
}
