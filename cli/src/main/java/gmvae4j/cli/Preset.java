package gmvae4j.cli;

/**
 * {@code --preset}: named defaults for the training flags of {@code train} and {@code experiment};
 * a flag given explicitly still wins.
 *
 * <ul>
 * <li>{@code default}: the {@code mlp} model, trained for the command's epochs, no time budget.</li>
 * <li>{@code quality}: the {@code conv} model with an 8-dimensional latent, full-covariance
 *     components and β = 3 (the prior terms weighted three times against reconstruction), up to 500
 *     epochs within 60 minutes per training run. On MNIST it ends purer than {@code mlp} and names
 *     more digits from the same labels (z=8 purer than z=10, z=16 and z=32; full covariances than
 *     diagonal ones; β = 3 than 0.5, 1, 2, 4 and 8, in the epochs measured),
 *     but takes about three times the training time, and at the glyph demo's short budget the
 *     conv model is worse: so it is a preset, not the default (README, "MNIST, the convolutional
 *     model").</li>
 * </ul>
 */
record Preset(String arch, int z, double beta, String covariance, int epochs, double minutes) {

    static final Preset QUALITY = new Preset("conv", 8, 3, "full", 500, 60);

    /** The preset named by --preset, or null for {@code default} (the command's own defaults). */
    static Preset of(Args a) {
        return a.choice("preset", "default", "default", "quality").equals("quality") ? QUALITY : null;
    }

    static String arch(Preset p) { return p == null ? "mlp" : p.arch; }

    static int z(Preset p, int otherwise) { return p == null ? otherwise : p.z; }

    static double beta(Preset p, double otherwise) { return p == null ? otherwise : p.beta; }

    static String covariance(Preset p, String otherwise) { return p == null ? otherwise : p.covariance; }

    static int epochs(Preset p, int otherwise) { return p == null ? otherwise : p.epochs; }

    static double minutes(Preset p) { return p == null ? 0 : p.minutes; }

    /**
     * The conv architecture, β ≠ 1 and full covariances are for the mixture variant only: refuses either with the
     * marginal one, naming the flag the user gave, or the preset when it set them.
     */
    static void refuseForMarginal(Args a, gmvae4j.engine.gmvae.TrainOptions o) {
        if (!o.variant.equals("marginal")) return;
        if (o.arch.equals("conv"))
            throw new UserError((a.has("arch") ? "--arch conv" : "--preset quality (the conv model)") + " is only available for --variant mixture");
        if (o.beta != 1)
            throw new UserError((a.has("beta") ? "--beta" : "--preset quality (β = 3)") + " is only available for --variant mixture");
        if (o.covariance.equals("full"))
            throw new UserError((a.has("covariance") ? "--covariance full" : "--preset quality (full covariance)") + " is only available for --variant mixture");
    }
}
