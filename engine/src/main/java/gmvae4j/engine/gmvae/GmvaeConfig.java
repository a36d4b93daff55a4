package gmvae4j.engine.gmvae;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The architecture of a GMVAE: everything needed to rebuild it before its weights are loaded.
 * Stored as the key=value config section of a {@link ModelFile}.
 *
 * @param variant       {@code mixture} or {@code marginal}
 * @param k             mixture components
 * @param z             latent dimension
 * @param rows          image height
 * @param cols          image width
 * @param hidden        encoder hidden widths (the shared trunk for {@code marginal})
 * @param decoderHidden decoder hidden widths
 * @param arch          {@code mlp} (or {@code conv})
 * @param activation    hidden nonlinearity: {@code relu} (default) or {@code tanh} (smooth, for gradient checks)
 * @param learnPrior    whether π = softmax(α) is learned (else uniform)
 * @param covariance    the components' covariance: {@code diag} (default) or {@code full} ({@code mixture} only);
 *                      written to the file only when full, so a diagonal model's file is what it always was
 */
public record GmvaeConfig(String variant, int k, int z, int rows, int cols, int[] hidden, int[] decoderHidden,
                          String arch, String activation, boolean learnPrior, String covariance) {

    public GmvaeConfig {
        hidden = hidden.clone();
        decoderHidden = decoderHidden.clone();
        if (!covariance.equals("diag") && !covariance.equals("full"))
            throw new IllegalArgumentException("unknown covariance '" + covariance + "' (diag or full)");
    }

    /** A model with diagonal covariances. */
    public GmvaeConfig(String variant, int k, int z, int rows, int cols, int[] hidden, int[] decoderHidden,
                       String arch, String activation, boolean learnPrior) {
        this(variant, k, z, rows, cols, hidden, decoderHidden, arch, activation, learnPrior, "diag");
    }

    public int inputDim() { return rows * cols; }

    /** The architecture the training options ask for, for images of rows×cols. */
    public static GmvaeConfig from(TrainOptions o, int rows, int cols) {
        return new GmvaeConfig(o.variant, o.k, o.z, rows, cols, o.hidden, o.decoderWidths(), o.arch, "relu", o.learnPrior,
                o.covariance);
    }

    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("variant", variant);
        m.put("k", Integer.toString(k));
        m.put("z", Integer.toString(z));
        m.put("rows", Integer.toString(rows));
        m.put("cols", Integer.toString(cols));
        m.put("hidden", join(hidden));
        m.put("decoder_hidden", join(decoderHidden));
        m.put("arch", arch);
        m.put("activation", activation);
        m.put("learn_prior", Boolean.toString(learnPrior));
        if (!covariance.equals("diag")) m.put("covariance", covariance);
        return m;
    }

    public static GmvaeConfig fromContents(ModelFile.Contents c) throws ModelFileException {
        String covariance = c.config().getOrDefault("covariance", "diag");
        if (!covariance.equals("diag") && !covariance.equals("full"))
            throw new ModelFileException(c.file(), "config 'covariance' is '" + covariance + "', not diag or full");
        try {
            return new GmvaeConfig(c.config("variant"), c.configInt("k"), c.configInt("z"), c.configInt("rows"),
                    c.configInt("cols"), split(c.config("hidden")), split(c.config("decoder_hidden")), c.config("arch"),
                    c.config("activation"), Boolean.parseBoolean(c.config("learn_prior")), covariance);
        } catch (NumberFormatException e) {
            throw new ModelFileException(c.file(), "config has a malformed width list (" + e.getMessage() + ")");
        }
    }

    private static String join(int[] a) { return Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(",")); }

    private static int[] split(String s) {
        return s.isEmpty() ? new int[0] : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Override public String toString() {
        String enc, dec;
        if (arch.equals("conv")) {   // ConvNets: two 4x4/2 convolutions (32, 64 channels) before the MLP, mirrored
            int flat = ConvNets.C2 * (rows / 4) * (cols / 4);
            enc = rows + "x" + cols + " conv32-conv64-" + flat + "-" + join(hidden).replace(',', '-');
            dec = z + "-" + join(decoderHidden).replace(',', '-') + "-" + flat + "-convT32-convT1";
        } else {
            enc = inputDim() + "-" + join(hidden).replace(',', '-');
            dec = z + "-" + join(decoderHidden).replace(',', '-') + "-" + inputDim();
        }
        return variant + " K=" + k + " z=" + z + " " + arch + " enc " + enc + " dec " + dec
                + (learnPrior ? " learned π" : " uniform π") + (covariance.equals("full") ? " full covariance" : "");
    }
}
