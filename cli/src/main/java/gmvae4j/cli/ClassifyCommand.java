package gmvae4j.cli;

import gmvae4j.datasets.DataException;
import gmvae4j.datasets.IdxReader;
import gmvae4j.engine.eval.Decoder;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.gmvae.Gmvae;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** {@code gmvae classify}: labels for new images with a trained model and a saved label map. */
final class ClassifyCommand implements Command {
    @Override public String name() { return "classify"; }

    @Override public String summary() { return "label new images (IDX or PNG) with a model and a label map"; }

    @Override public String usage() {
        return """
                usage: ./gmvae classify --model FILE --labelmap FILE [--decoder soft-dot] FILES...

                FILES: IDX image files (raw or gzipped; every image in them) or PNG files (one image each,
                converted to gray and scaled to the model's size; light backgrounds are inverted, since the
                models are trained on light strokes on black). Prints one line per image:
                file[index] <tab> label.

                  --decoder D   hard|hard+fallback|soft-dot|soft-cos|soft-dot+T|soft-prop (default soft-dot)""";
    }

    @Override public int run(Args a) throws Exception {
        Path model = Path.of(a.required("model"));
        Path mapFile = Path.of(a.required("labelmap"));
        String dec = a.choice("decoder", "soft-dot", "hard", "hard+fallback", "soft-dot", "soft-cos", "soft-dot+T", "soft-prop");
        a.finish();
        List<String> files = a.positionals();
        if (files.isEmpty()) throw new UserError("no image files given");
        Gmvae m = Inputs.model(model);
        LabelMap map = Inputs.labelMap(mapFile);
        if (map.k() != m.k()) throw new UserError("the label map is for K=" + map.k() + ", the model has K=" + m.k());
        Decoder d = Decoder.byName(dec);
        int side = (int) Math.round(Math.sqrt(m.inputDim()));
        if (side * side != m.inputDim()) throw new UserError("the model's input is not a square image");
        for (String f : files) {
            Path p = Path.of(f);
            if (!Files.isRegularFile(p)) throw new UserError("no such file: " + f);
            List<String> names = new ArrayList<>();
            byte[] px = read(p, side, names);
            int n = px.length / m.inputDim();
            float[] q = m.posterior(px, n);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) rows[i] = i;
            int[] pred = d.predict(map, q, rows);
            for (int i = 0; i < n; i++) {
                String label = map.classNames().isEmpty() ? Integer.toString(pred[i]) : map.classNames().get(pred[i]);
                System.out.println(names.get(i) + "\t" + label);
            }
        }
        return 0;
    }

    private static byte[] read(Path p, int side, List<String> names) throws IOException {
        if (p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) throw new UserError(p + " is not a readable PNG");
            names.add(p.toString());
            return toPixels(img, side);
        }
        try {
            IdxReader.Images im = IdxReader.readImages(p, side, side);
            for (int i = 0; i < im.n(); i++) names.add(p + "[" + i + "]");
            return im.pixels();
        } catch (DataException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** Gray, scaled to side×side, inverted when the background is light. */
    static byte[] toPixels(BufferedImage img, int side) {
        BufferedImage g = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D gr = g.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gr.drawImage(img, 0, 0, side, side, null);
        gr.dispose();
        byte[] px = new byte[side * side];
        long sum = 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                int v = g.getRaster().getSample(x, y, 0);
                px[y * side + x] = (byte) v;
                sum += v;
            }
        if (sum / (double) px.length > 127) for (int i = 0; i < px.length; i++) px[i] = (byte) (255 - (px[i] & 0xff));
        return px;
    }
}
