package gmvae4j.engine.gmvae;

import gmvae4j.engine.Adam;
import gmvae4j.engine.NamedParam;
import gmvae4j.engine.Params;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads GMVAEs as {@link ModelFile}s: the {@link GmvaeConfig} as the config section, every
 * parameter by name, and optionally the Adam state ({@code adam.m/NAME}, {@code adam.v/NAME}, step
 * count in the progress section) with the training progress, so {@code --resume} continues exactly.
 */
public final class GmvaeIo {

    private GmvaeIo() {}

    /** A loaded model and what else the file held (progress, optimizer state). */
    public record Loaded(TrainableGmvae model, ModelFile.Contents contents) {}

    /** Builds an untrained model of the given architecture (either variant). */
    public static TrainableGmvae create(GmvaeConfig cfg, long seed) {
        return create(cfg, seed, new Params());
    }

    private static TrainableGmvae create(GmvaeConfig cfg, long seed, Params into) {
        return switch (cfg.variant()) {
            case "mixture" -> new MixtureGmvae(cfg, seed, into);
            case "marginal" -> new MarginalGmvae(cfg, seed, into);
            default -> throw new IllegalArgumentException("unknown variant '" + cfg.variant() + "'");
        };
    }

    /** Writes the model (and, when adam is not null, its optimizer state and the progress) atomically. */
    public static void save(Path file, TrainableGmvae model, Adam adam, Map<String, String> progress) throws IOException {
        Params p = model.params();
        List<ModelFile.Array> params = new ArrayList<>(), opt = new ArrayList<>();
        for (NamedParam np : p.list()) {
            params.add(new ModelFile.Array(np.name(), np.shape(),
                    Arrays.copyOfRange(p.data(), np.offset(), np.offset() + np.size())));
            if (adam != null) {
                opt.add(new ModelFile.Array("adam.m/" + np.name(), np.shape(),
                        Arrays.copyOfRange(adam.m(), np.offset(), np.offset() + np.size())));
                opt.add(new ModelFile.Array("adam.v/" + np.name(), np.shape(),
                        Arrays.copyOfRange(adam.v(), np.offset(), np.offset() + np.size())));
            }
        }
        Map<String, String> prog = new java.util.LinkedHashMap<>(progress);
        if (adam != null) prog.put("adam.steps", Long.toString(adam.steps()));
        ModelFile.write(file, model.config().toMap(), prog, params, opt);
    }

    /** Loads a model for use (posterior, sample). */
    public static TrainableGmvae load(Path file) throws IOException {
        return loadAll(file).model();
    }

    /**
     * Loads a model and keeps the rest of the file (for --resume). Every parameter's shape is checked.
     *
     * <p>The config's sizes (K, z, widths) are only vouched for by the checksum, so the model is
     * built into parameters {@link Params#capped capped} at the values the file holds: a config
     * claiming K = 100,000,000 fails as soon as its first oversized tensor is declared, before
     * it is allocated, instead of allocating gigabytes and then finding the weights missing.
     */
    public static Loaded loadAll(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        GmvaeConfig cfg = GmvaeConfig.fromContents(c);
        long held = 0;
        for (ModelFile.Array a : c.params()) held += a.data().length;
        TrainableGmvae m;
        try {
            m = create(cfg, 0, Params.capped(held));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "cannot build the model it describes: " + e.getMessage());
        }
        Params p = m.params();
        for (NamedParam np : p.list()) {
            ModelFile.Array a = c.param(np.name(), np.shape());
            System.arraycopy(a.data(), 0, p.data(), np.offset(), np.size());
        }
        if (c.params().size() != p.list().size())
            throw new ModelFileException(file, "holds " + c.params().size() + " parameters, the model has " + p.list().size());
        return new Loaded(m, c);
    }

    /** Puts the saved Adam state back into {@code adam}; false when the file holds none. */
    public static boolean restoreOptimizer(Loaded loaded, Adam adam) throws ModelFileException {
        ModelFile.Contents c = loaded.contents();
        if (c.optimizer().isEmpty()) return false;
        Params p = loaded.model().params();
        float[] m = new float[p.size()], v = new float[p.size()];
        for (NamedParam np : p.list()) {
            System.arraycopy(c.optimizerState("adam.m/" + np.name(), np.shape()).data(), 0, m, np.offset(), np.size());
            System.arraycopy(c.optimizerState("adam.v/" + np.name(), np.shape()).data(), 0, v, np.offset(), np.size());
        }
        String steps = c.progress().get("adam.steps");
        if (steps == null) throw new ModelFileException(c.file(), "optimizer state without a step count");
        adam.restore(m, v, c.progressLong("adam.steps", 0, Long.MAX_VALUE, 0));
        return true;
    }
}
