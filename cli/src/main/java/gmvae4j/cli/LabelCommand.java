package gmvae4j.cli;

import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.eval.LatentNeighbours;
import gmvae4j.engine.eval.LatentPropagation;
import gmvae4j.engine.eval.Rows;
import gmvae4j.engine.gmvae.ConsoleProgress;
import gmvae4j.engine.gmvae.EpochReport;
import gmvae4j.engine.gmvae.Gmvae;
import gmvae4j.engine.gmvae.GmvaeTraining;
import gmvae4j.engine.gmvae.MixtureGmvae;
import gmvae4j.io.TerminalText;
import gmvae4j.engine.gmvae.ModelFileException;
import gmvae4j.engine.gmvae.ProgressListener;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.engine.gmvae.TrainingImages;
import gmvae4j.label.Access;
import gmvae4j.label.LabelImages;
import gmvae4j.label.LabelServer;
import gmvae4j.label.ModelView;
import gmvae4j.label.Session;
import gmvae4j.label.SessionException;
import gmvae4j.label.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code gmvae label}: a local labeling page on top of the model's clusters (see {@link LabelServer}). */
final class LabelCommand implements Command {
    @Override public String name() { return "label"; }

    @Override public String summary() { return "label images in the browser: the model asks, you answer, every image ends up labeled"; }

    @Override public String usage() {
        return """
                usage: ./gmvae label (--images DIR | --dataset D [--data DIR]) [--model M.gmvae] [--session DIR] [--port 8080] [--host 127.0.0.1]
                       ./gmvae label (--images DIR | --dataset D) --model M.gmvae --simulate --answers N [--json]

                Serves one page (print its URL, open it in a browser): round 1 shows the most central image of
                each component with a strip of its members; type a class name (completion) or press a shortcut,
                Enter accepts, Escape skips, Ctrl+Z undoes. Later rounds ask about the least certain decisions,
                one per component. A whole cluster can be labeled at once, with exceptions. Every answer is
                journaled in the session folder before the page is told it is saved; restarting resumes.

                  --images DIR     a folder of pictures (flags below); the page links each picture's original file
                  --dataset D      glyphs, mnist, fashion-mnist, emnist-letters (the pool: train then test)
                  --data DIR, --size N   as for experiment
                  --model FILE     the trained model; without it one is trained first (saved in the session)
                  --epochs E       epochs of that training (default 20)
                  --session DIR    the session folder (default gmvae-label-D): journal, exports, model
                  --port P         port (default 8080; 0 = any free port)
                  --host H         address to bind (default 127.0.0.1; anything else is reachable from other machines)
                  --batch B        questions per later round (default 10)
                  --simulate       no server: answer with the true labels, print accuracy after every round
                  --answers N      answers the simulation spends (default 300)
                  --draws N        random-label draws to average beside it (default 3, at most 1000)
                  --rule R         decisions: latent (default: the clusters' answer mix refined by label propagation over
                                   each image's 5 nearest latent neighbours; mixture models) or soft-dot
                  --json           simulation: one JSON object per round
                """ + ImageArgs.USAGE;
    }

    @Override public int run(Args a) throws Exception {
        Path modelFile = a.path("model", null);
        int epochs = a.integer("epochs", 20);
        if (epochs < 0) throw new UserError("--epochs must be ≥ 0, got " + epochs);
        String sessionFlag = a.string("session", null);
        int port = a.integer("port", 8080);
        if (port < 0 || port > 65535) throw new UserError("--port must be in 0..65535, got " + port);
        String host = a.string("host", "127.0.0.1");
        int batch = a.positiveInt("batch", 10);
        boolean simulate = a.flag("simulate");
        int answers = a.positiveInt("answers", 300);
        int draws = a.intIn("draws", 3, 1, Evaluation.MAX_DRAWS);   // each draw refits on every image: as select and experiment
        boolean json = a.flag("json");
        String rule = a.choice("rule", "latent", "latent", "soft-dot");
        if (simulate && modelFile == null) throw new UserError("--simulate needs --model (train one with ./gmvae train)");
        // With a model, a folder's pictures are converted to its size; read after every other flag (the folder loads last).
        Gmvae given = modelFile == null ? null : Inputs.model(modelFile);
        int side = given == null ? 0 : (int) Math.round(Math.sqrt(given.inputDim()));
        WarmUp warm = given instanceof MixtureGmvae mix ? new WarmUp(mix) : null;
        Evaluation.Data data = Inputs.data(a, null, ExperimentCommand.GLYPHS_SIZE, false, side);
        a.finish();
        LabelImages images = images(data);
        Path sessionDir = sessionFlag != null ? Path.of(sessionFlag) : Path.of("gmvae-label-" + images.name().replaceAll("[^A-Za-z0-9._-]", "_"));
        if (simulate) return simulate(images, given, answers, batch, draws, json, rule);

        if (!Access.isLoopback(host))
            System.err.println("gmvae label: WARNING: --host " + TerminalText.safe(host) + " is not a loopback address: other machines can reach this server "
                    + "(the token still guards it, but it travels unencrypted over plain HTTP)");
        Session session;
        try {
            session = Session.open(sessionDir, images, given(data));
        } catch (SessionException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (session.repaired() != null) System.err.println("gmvae label: " + TerminalText.safe(session.repaired()));   // names the journal
        Access access = Access.random();
        LabelServer server;
        try {
            server = new LabelServer(images, session, access, host, port, batch);
        } catch (java.net.BindException e) {
            session.close();
            throw new UserError("--port " + port + ": cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); try --port 0");
        }
        server.start();
        System.out.println("gmvae label: session " + TerminalText.safe(sessionDir) + " (" + session.labeledCount() + " images labeled so far)");
        System.out.println("open " + server.url(host));
        long t0 = System.nanoTime();
        Gmvae model = given != null ? given : trainOrReuse(images, sessionDir, epochs, server);
        if (model == null) { server.close(); session.close(); return 1; }
        if (model.inputDim() != images.dim())
            throw new UserError("the model takes " + model.inputDim() + " pixels per image, the images have " + images.dim());
        long tModel = System.nanoTime();
        if (warm != null) warm.stop();
        // Round 1 first from a sample, while the encoder reads every image (its first pass in a
        // fresh JVM takes seconds: the JIT compiles the kernels on the cores the pass runs on).
        int[] sample = sample(images.n(), model.k());
        if (model instanceof MixtureGmvae mix && sample != null && server.ready(sampleView(mix, images, sample)) >= 0)
            System.out.printf(Locale.ROOT, "ready: page usable %.0f ms after the model was loaded (round 1 from %,d of the %,d images; the rest follows)%n",
                    (System.nanoTime() - tModel) / 1e6, sample.length, images.n());
        Encoded enc = view(model, images);
        double firstQuestionMs = server.ready(enc.view());
        System.out.printf(Locale.ROOT, "ready: all %,d images read %.0f ms after the model was loaded (first question from them %.0f ms)%n",
                images.n(), (System.nanoTime() - tModel) / 1e6, firstQuestionMs);
        // The neighbour graph takes seconds to minutes: the page works with plain soft-dot until it is there.
        if (rule.equals("latent")) server.improve(withNeighbours(enc));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            var t = server.times();
            if (t.count() > 0)
                System.out.printf(Locale.ROOT, "%nserver time per answer over %d answers: median %.1f ms, 95th percentile %.1f ms, max %.1f ms%n",
                        t.count(), t.quantile(0.5), t.quantile(0.95), t.quantile(1.0));
        }));
        Thread.currentThread().join(); // serve until interrupted (Ctrl+C)
        return 0;
    }

    private int simulate(LabelImages images, Gmvae model, int answers, int batch, int draws, boolean json, String rule) {
        if (images.truth() == null) throw new UserError(images.name() + " has no true label for every image to simulate answers with");
        if (model.inputDim() != images.dim())
            throw new UserError("the model takes " + model.inputDim() + " pixels per image, the images have " + images.dim());
        Encoded enc = view(model, images);
        ModelView view = rule.equals("latent") ? withNeighbours(enc) : enc.view();
        if (!json) System.out.printf(Locale.ROOT, "%s, %d images, K=%d; oracle answers; accuracy of the labels on all images%n  %5s %7s %9s %12s %9s%n",
                images.name(), images.n(), model.k(), "round", "answers", "accuracy", "random(soft)", "LOO est.");
        Simulation.run(view, images.truth(), images.truthNames(), answers, batch, draws, p -> {
            if (json) System.out.printf(Locale.ROOT, "{\"round\":%d,\"answers\":%d,\"accuracy\":%.5f,\"random_soft_dot\":%.5f,\"loo_estimate\":%.5f}%n",
                    p.round(), p.answers(), p.accuracy(), p.randomSoftDot(), p.looEstimate());
            else System.out.printf(Locale.ROOT, "  %5d %7d %8.2f%% %11.2f%% %8.1f%%%n", p.round(), p.answers(), 100 * p.accuracy(),
                    100 * p.randomSoftDot(), 100 * p.looEstimate());
            System.out.flush();
        });
        return 0;
    }

    /**
     * The images as the server sees them: a folder's keep their paths (the page links the original
     * files, served only from inside the folder); true labels only where every image has one (the
     * simulation's oracle; a partly labeled folder's labels are not used as answers yet).
     */
    static LabelImages images(Evaluation.Data data) {
        var d = data.pool();
        if (data.images() == null) return LabelImages.of(d);
        int[] truth = d.labels() == null || java.util.Arrays.stream(d.labels()).anyMatch(l -> l < 0) ? null : d.labels();
        return new LabelImages(d.name(), d.pixels(), d.n(), d.rows(), d.cols(), data.images().root(), data.images().paths(), truth, d.classNames());
    }

    /**
     * A partly labeled folder's labels (images inside class folders, others not): the session
     * starts from them (see {@link Session#open(Path, LabelImages, String[])}). Null when no image
     * or every image has one: a fully labeled folder has nothing left to label, and its labels are
     * the oracle of {@code --simulate} instead.
     */
    static String[] given(Evaluation.Data data) {
        var d = data.pool();
        if (data.images() == null || d.labels() == null) return null;
        long known = java.util.Arrays.stream(d.labels()).filter(l -> l >= 0).count();
        if (known == 0 || known == d.n()) return null;
        String[] g = new String[d.n()];
        for (int i = 0; i < g.length; i++) if (d.labels()[i] >= 0) g[i] = d.classNames().get(d.labels()[i]);
        return g;
    }

    /**
     * Noise images through the model's encoder on another thread while the real images load:
     * the first pass over them would otherwise run the kernels before the JIT has compiled them
     * (measured, 70,000 MNIST images on 2 cores: 1.7-2.4 s for the first pass, 0.57-0.78 s for
     * later ones; the JIT spends 1.6-2.2 s of CPU compiling that pass's code), and the page is
     * waiting for that pass. Whole batches of the size the real pass uses: with smaller ones the
     * first real batches were as slow as without a warm-up (the compiled code had only seen small
     * products). One batch at a time, so that {@link WarmUp#stop} waits for one batch at most: the
     * compilations it set off go on either way, and waiting for all the noise cost 470-730 ms.
     */
    static final class WarmUp {
        private final Thread thread;
        private volatile boolean stop;

        WarmUp(MixtureGmvae model) {
            thread = Thread.ofPlatform().daemon().name("gmvae-warm-up").start(() -> {
                byte[] noise = new byte[WARM_UP_BATCH * model.inputDim()];
                new java.util.Random(1).nextBytes(noise);
                for (int done = 0; done < WARM_UP_IMAGES && !stop; done += WARM_UP_BATCH) model.encodeAll(noise, WARM_UP_BATCH);
            });
        }

        /** Stops after the batch under way (the real images are loaded) and waits for it. */
        void stop() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /** At most this many noise images (a folder of pictures loads for long: the warm-up must not take a core all that time). */
    static final int WARM_UP_IMAGES = 4000;
    static final int WARM_UP_BATCH = MixtureGmvae.ENCODE_BATCH;

    /**
     * The images round 1 starts from: SAMPLE_PER_COMPONENT × k of them, evenly spaced (a folder's
     * images come sorted by name, often by class: a block would not do); null when that is more
     * than half of them (the whole pass is short then). Measured on 70,000 MNIST images, 2 cores,
     * fresh JVM, saved model: the page was usable 817-1,030 ms after the model was loaded with
     * 1 in 8 images (about 90 per component), 537-826 ms with 1 in 16 and 489-693 ms with 1 in
     * 32, against 1.3-2.2 s for all of them (the JIT compiles the kernels during the first pass,
     * on the same two cores); 40 per component (4,000 images): 509-735 ms. Every image was read
     * about a second later, and the page then goes on with round 1 from all of them.
     */
    static int[] sample(int n, int k) {
        long size = (long) SAMPLE_PER_COMPONENT * k;
        if (2 * size > n) return null;
        return java.util.stream.IntStream.range(0, (int) size).map(j -> (int) ((long) j * n / size)).toArray();
    }

    static final int SAMPLE_PER_COMPONENT = 40;

    /** {@link #view} of a sample's images only ({@link ModelView#ofSample}). */
    static ModelView sampleView(MixtureGmvae model, LabelImages images, int[] sample) {
        int dim = images.dim(), k = model.k();
        byte[] px = new byte[sample.length * dim];
        for (int j = 0; j < sample.length; j++) System.arraycopy(images.pixels(), sample[j] * dim, px, j * dim, dim);
        Read r = read(model, px, sample.length);
        return ModelView.ofSample(images.n(), sample, r.e().posterior(), k, r.centrality());
    }

    /** One encoder pass over n images: q(c|x) and latent means, and each image's centrality in its component. */
    private record Read(MixtureGmvae.Encoding e, double[] centrality) {}

    private static Read read(MixtureGmvae model, byte[] pixels, int n) {
        MixtureGmvae.Encoding e = model.encodeAll(pixels, n);
        return new Read(e, model.latentLogDensity(e.means(), n, Rows.argmaxAll(e.posterior(), n, model.k())));
    }

    /** What the page reads from the model, and the latent means it came from (null for models without them). */
    /** means and metric: null for models without latent means (see {@link LatentNeighbours#build}'s metric). */
    record Encoded(ModelView view, float[] means, float[] metric) {}

    /**
     * q(c|x) of every image and how central each is in its own component; for mixture models from
     * one encoder pass that also gives the latent means the neighbour graph needs.
     */
    static Encoded view(Gmvae model, LabelImages images) {
        int n = images.n(), k = model.k();
        if (model instanceof MixtureGmvae mix) {
            Read r = read(mix, images.pixels(), n);
            return new Encoded(ModelView.of(r.e().posterior(), n, k, r.centrality()), r.e().means(), mix.precisionFactors());
        }
        float[] q = model.posterior(images.pixels(), n);
        int[] arg = Rows.argmaxAll(q, n, k);
        double[] centrality = new double[n];
        for (int i = 0; i < n; i++) centrality[i] = q[i * k + arg[i]];
        return new Encoded(ModelView.of(q, n, k, centrality), null, null);
    }

    /** The view with the latent neighbour graph, for mixture models (others have no latent means to search). */
    static ModelView withNeighbours(Encoded e) {
        ModelView v = e.view();
        if (e.means() == null) return v;
        long t0 = System.nanoTime();
        v = v.withNeighbours(LatentNeighbours.build(e.means(), v.n(), e.means().length / v.n(), v.q(), v.k(), LatentPropagation.GRAPH_NEIGHBOURS,
                e.metric()));
        System.err.printf(Locale.ROOT, "latent neighbour graph of %d images: %.1f s%n", v.n(), (System.nanoTime() - t0) / 1e9);
        return v;
    }

    /** The session's own model: reused when an earlier run trained it, else trained now (progress on the page too). */
    private static Gmvae trainOrReuse(LabelImages images, Path sessionDir, int epochs, LabelServer server) throws IOException {
        Path file = sessionDir.resolve("model.gmvae");
        if (Files.exists(file)) {
            System.out.println("using the session's model " + TerminalText.safe(file));
            return Inputs.model(file);
        }
        TrainOptions o = new TrainOptions();
        o.epochs = epochs;
        o.out = file;
        TrainingImages data = new TrainingImages(images.name(), images.pixels(), images.truth(), images.n(), images.rows(), images.cols(),
                images.truth() == null ? 0 : images.truthNames().size());
        ConsoleProgress console = ConsoleProgress.standard();
        server.progress("training the model: starting");
        ProgressListener tee = new ProgressListener() {
            @Override public void message(String line) { console.message(line); server.progress(line); }
            @Override public void batch(String phase, int epoch, int total, int done, int all, double ips) {
                console.batch(phase, epoch, total, done, all, ips);
                server.progress(String.format(Locale.ROOT, "training the model: %s epoch %d/%d, %d%% (%.0f images/s)",
                        phase, epoch, total, 100 * done / Math.max(1, all), ips));
            }
            @Override public void epoch(EpochReport r) { console.epoch(r); }
        };
        try {
            return GmvaeTraining.train(data, o, tee).model();
        } catch (ModelFileException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        } catch (NonFiniteException e) {
            System.err.println("gmvae label: training stopped: " + e.getMessage());
            return null;
        }
    }
}
