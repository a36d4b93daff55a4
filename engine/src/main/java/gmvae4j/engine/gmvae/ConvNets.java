package gmvae4j.engine.gmvae;

import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Activation;
import gmvae4j.engine.nn.Conv2d;
import gmvae4j.engine.nn.ConvTranspose2d;
import gmvae4j.engine.nn.Layer;
import gmvae4j.engine.nn.Mlp;

import java.util.random.RandomGenerator;

/**
 * The {@code conv} architecture of the mixture variant: a small convolutional encoder and its
 * transposed-convolution mirror as decoder, for rows×cols images with both sides divisible by 4.
 *
 * <pre>
 *   encoder: [B,1,H,W] conv 4×4/2 (32) relu → [B,32,H/2,W/2] conv 4×4/2 (64) relu → [B,64,H/4,W/4]
 *            flatten → MLP (hidden widths) → 2z          ([μ | log σ²], like the MLP encoder)
 *   decoder: z → MLP (decoder widths) → 64·H/4·W/4 relu → [B,64,H/4,W/4]
 *            convT 4×4/2 (32) relu → [B,32,H/2,W/2] convT 4×4/2 (1) → logits [B, H·W]
 * </pre>
 * Padding 1 with kernel 4 and stride 2 halves (doubles) each side exactly. "relu" is the
 * configured hidden activation (tanh in gradient checks).
 */
final class ConvNets {
    static final int C1 = 32, C2 = 64;

    private ConvNets() {}

    static void checkShape(int rows, int cols) {
        if (rows % 4 != 0 || cols % 4 != 0)
            throw new IllegalArgumentException("the conv architecture needs image sides divisible by 4, got " + rows + "x" + cols);
    }

    static final class Encoder implements Layer {
        private final Conv2d conv1, conv2;
        private final Mlp head;
        private final Activation act;
        private final int rows, cols;

        Encoder(Params p, int rows, int cols, int[] hidden, int out, Activation act, RandomGenerator rng) {
            checkShape(rows, cols);
            this.rows = rows;
            this.cols = cols;
            this.act = act;
            conv1 = new Conv2d(p, "encoder.conv0", 1, C1, 4, 2, 1, rng);
            conv2 = new Conv2d(p, "encoder.conv1", C1, C2, 4, 2, 1, rng);
            head = Mlp.builder("encoder.mlp").sizes(MixtureGmvae.widths(C2 * (rows / 4) * (cols / 4), hidden, out))
                    .hidden(act).build(p, rng);
        }

        @Override public Tensor forward(Tape t, Tensor x) {
            int b = x.rows();
            Tensor h = act.apply(t, conv1.forward(t, t.reshape(x, b, 1, rows, cols)));
            h = act.apply(t, conv2.forward(t, h));
            return head.forward(t, t.reshape(h, b, C2 * (rows / 4) * (cols / 4)));
        }
    }

    static final class Decoder implements Layer {
        private final Mlp head;
        private final ConvTranspose2d up1, up2;
        private final Activation act;
        private final int rows, cols;

        Decoder(Params p, int z, int[] hidden, int rows, int cols, Activation act, RandomGenerator rng) {
            checkShape(rows, cols);
            this.rows = rows;
            this.cols = cols;
            this.act = act;
            head = Mlp.builder("decoder.mlp").sizes(MixtureGmvae.widths(z, hidden, C2 * (rows / 4) * (cols / 4)))
                    .hidden(act).output(act).build(p, rng);
            up1 = new ConvTranspose2d(p, "decoder.convT0", C2, C1, 4, 2, 1, rng);
            up2 = new ConvTranspose2d(p, "decoder.convT1", C1, 1, 4, 2, 1, rng);
        }

        @Override public Tensor forward(Tape t, Tensor z) {
            int b = z.rows();
            Tensor h = t.reshape(head.forward(t, z), b, C2, rows / 4, cols / 4);
            h = act.apply(t, up1.forward(t, h));
            return t.reshape(up2.forward(t, h), b, rows * cols);
        }
    }
}
