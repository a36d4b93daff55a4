package gmvae4j.cli;

import gmvae4j.benchmarks.AtenCapability;
import gmvae4j.benchmarks.CpuInfo;
import gmvae4j.benchmarks.EpochBench;
import gmvae4j.benchmarks.FmaPeak;
import gmvae4j.benchmarks.HeapPeak;
import gmvae4j.benchmarks.OpenBlas;
import gmvae4j.benchmarks.OpenBlasCore;
import gmvae4j.benchmarks.TorchPeer;
import gmvae4j.benchmarks.TrainStepBench;
import gmvae4j.datasets.DataException;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Split;
import gmvae4j.io.JsonText;
import gmvae4j.io.TerminalText;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;
import gmvae4j.kernels.cuda.CudaBackend;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench train}: our GMVAE training step against PyTorch's on the same architecture, batch
 * and thread count ({@link TrainStepBench}), and optionally one real epoch on a data set
 * ({@link EpochBench}) with its throughput and peak heap.
 *
 * <p>Configurations: {@code mixture} as {@code gmvae train} runs it by default (K=100, z=10,
 * 512-512), the same at z=32, and {@code marginal} at the reduced size K=100, z=32, trunk 512-512
 * (its decoder runs on all B·K codes, about 60x the mixture step: fewer steps are timed).
 */
final class TrainTarget implements BenchCommand.Target {

    static final int BATCH = 128;

    @Override public String name() { return "train"; }

    @Override public String summary() {
        return "one GMVAE training step (forward+backward+Adam, batch 128), ours vs PyTorch, in ms";
    }

    @Override public String flags() {
        return """
                         --json           print one JSON object {"rows":[...],...} instead of the table
                         --threads N      threads, ours and the peer's (default 2)
                         --steps N        timed steps per round (default 30; marginal: at most 6), after a warm-up of at least
                                          4 s that lasts until our step stops getting faster and the JIT is
                                          quiet (compilations still running included); each side's round
                                          starts with untimed steps (30; marginal 2)
                         --rounds N       alternate ours and the peer N times (default 1)
                         --variant V      mixture, marginal or all (default all)
                         --z N            latent size for every variant (default: mixture 10 and 32, marginal 32)
                         --backend cuda   our step with the cuda backend (big products on the GPU), PyTorch's on the GPU
                         --no-peer        do not run PyTorch
                         --peer PATH      the peer script (default benchmarks/peers/gmvae_step.py of this checkout)
                         --epoch          also time one GMVAE epoch on --dataset (default mnist) and report peak heap
                         --data DIR       where the data set is (else $GMVAE_DATA)
                """;
    }

    @Override public int run(Args args) throws Exception {
        HeapPeak.start();
        boolean json = args.flag("json");
        int threads = args.integer("threads", 2);
        int steps = args.intIn("steps", 30, 1, 100_000);
        int rounds = args.intIn("rounds", 1, 1, 1000);
        String variant = args.choice("variant", "all", "mixture", "marginal", "all");
        int z = args.has("z") ? args.intIn("z", 0, 1, TrainOptions.MAX_Z) : 0;   // 0: each variant's own sizes
        boolean noPeer = args.flag("no-peer");
        Path peerPath = args.path("peer", null);
        boolean epoch = args.flag("epoch");
        String dataset = args.string("dataset", "mnist");
        Path dataDir = args.path("data", null);
        args.finish();
        if (args.positionals().size() > 1)
            throw new UserError("bench train takes no further arguments, got '" + args.positionals().get(1) + "'");
        if (threads < 1 || threads > 256) throw new UserError("--threads must be between 1 and 256, got " + threads);
        if (steps < 1) throw new UserError("--steps must be at least 1, got " + steps);
        if (rounds < 1) throw new UserError("--rounds must be at least 1, got " + rounds);
        if (peerPath != null && !Files.isRegularFile(peerPath)) throw new UserError("--peer: no such file " + peerPath);
        if (!Backends.vectorApiPresent())
            throw new UserError("bench train measures the Vector API kernels: run it with ./gmvae, or java "
                    + "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar ...");

        PrintStream progress = json ? System.err : System.out;
        // the CPU kernels unless --backend cuda asked for the GPU's products (auto stays on the CPU here,
        // so that a bench on a GPU machine measures what it says unless told otherwise); then the
        // peer runs its step on the GPU too, its best there
        boolean cuda = BenchCommand.cudaRequested();
        Kernels kernels = cuda ? CudaBackend.kernels(new VectorKernels(threads)) : new VectorKernels(threads);
        TorchPeer peer = null;
        if (!noPeer) {
            peer = TorchPeer.locate(peerPath != null ? peerPath : defaultScript());
            if (!peer.available()) System.err.println("bench train: no peer: " + peer.why());
            if (cuda) peer = peer.onDevice("cuda");
        }
        // PyTorch's products run on OpenBLAS, which the python child loads (Debian's torch: the same
        // library this process loads, so the core it reports here is the one the child detects
        // unless the environment names one); every other kernel family the CPU runs is tried too
        OpenBlasCore.Choice choice = OpenBlasCore.forThisMachine(OpenBlas.isAvailable() ? OpenBlas.coreName() : null);
        boolean withPeer = peer != null && peer.available();
        // and ATen's own elementwise kernels: where the CPU has AVX-512, that set is tried too and kept if faster
        List<Map<String, String>> atenEnvs = withPeer ? TrainStepBench.atenAlternatives(choice) : List.of();
        boolean atenTried = !atenEnvs.isEmpty();
        progress.println("bench train: " + kernels.name() + ", " + threads + " thread(s), batch " + BATCH
                + ", median ms per step (forward + backward + Adam; ours in " + TrainStepBench.shardCount(kernels)
                + " batch shard(s), as train takes it)"
                + (withPeer ? "; peer: PyTorch via " + peer.python() + " on " + peer.device() + " (" + choice.yoursLabel() + ")"
                + (choice.differs() ? "; also with " + OpenBlasCore.VAR + "=" + String.join(" and with " + OpenBlasCore.VAR + "=", choice.otherCores()) : "")
                + (atenTried ? "; each of those also with " + AtenCapability.VAR + "=avx512" : "")
                + (choice.differs() || atenTried ? " (rows marked best: the fastest setting tried)" : "") : ""));
        System.err.println("bench train: " + CudaBackend.status(CudaBackend.probe()));

        List<TrainStepBench.Case> cases = cases(variant, z);
        // the CPU's FMA peak at this thread count: each row's floor (its products at that rate); with
        // --backend cuda the big products run on the GPU, so a CPU floor would say nothing there
        double peak = cuda ? Double.NaN : FmaPeak.measure(threads);
        String cpu = CpuInfo.describe();      // for the line below and the JSON
        if (!cuda) progress.printf(Locale.ROOT, "bench train: FMA peak of this CPU (%s) at %d thread(s): %.1f GFLOP/s (FMAs on registers only); "
                + "a row's floor is its product FLOPs at that rate%n", TerminalText.safe(cpu), threads, peak);

        List<TrainStepBench.Row> rows = new ArrayList<>();
        for (TrainStepBench.Case c : cases) {
            boolean big = c.variant().equals("marginal");
            TrainStepBench b = new TrainStepBench(kernels, BATCH, big ? Math.min(steps, 6) : steps, big ? 2 : 30, rounds,
                    peer, choice, atenEnvs, System.err);
            for (TrainStepBench.Row r : b.run(c)) {
                rows.add(r);
                progress.println(TrainStepBench.line(r) + TrainStepBench.floor(r, peak));
            }
        }

        String epochJson = "null";
        if (epoch) {
            Path dir = dataDir != null ? dataDir : System.getenv("GMVAE_DATA") != null ? Path.of(System.getenv("GMVAE_DATA")) : null;
            if (dir == null) {
                System.err.println("bench train: --epoch skipped: no --data DIR and no GMVAE_DATA");
            } else {
                Dataset data;
                try {
                    data = Datasets.load(dataset, Split.parse("pool"), dir);
                } catch (DataException | IllegalArgumentException e) {
                    throw new UserError(e.getMessage(), e);
                }
                EpochBench.Result e = EpochBench.run(data, "mixture", 10, kernels);
                progress.printf(Locale.ROOT, "epoch: mixture K=100 z=10 on %s pool, %d images: %.0f images/s (%.1f s with "
                                + "initialisation and the posterior pass); peak heap %.0f MiB of %.0f MiB max%n",
                        dataset, e.images(), e.imagesPerSecond(), e.seconds(), e.peakHeapBytes() / 1048576.0,
                        e.maxHeapBytes() / 1048576.0);
                epochJson = String.format(Locale.ROOT,
                        "{\"dataset\":\"%s\",\"images\":%d,\"images_per_s\":%.1f,\"seconds\":%.2f,\"peak_heap_mib\":%.1f,\"max_heap_mib\":%.1f}",
                        dataset, e.images(), e.imagesPerSecond(), e.seconds(), e.peakHeapBytes() / 1048576.0,
                        e.maxHeapBytes() / 1048576.0);
            }
        }
        if (json) {
            System.out.println("{\"backend\":\"" + kernels.name() + "\",\"cpu\":" + JsonText.quote(cpu)
                    + ",\"rows\":" + TrainStepBench.jsonRows(rows, peak)
                    + ",\"fma_peak_gflops\":" + (peak > 0 ? String.format(Locale.ROOT, "%.1f", peak) : "null")
                    + ",\"epoch\":" + epochJson + String.format(Locale.ROOT, ",\"peak_heap_mib\":%.1f", HeapPeak.bytes() / 1048576.0)
                    + ",\"peer\":" + (withPeer ? "\"" + peer.python() + "\"" : "null")
                    + ",\"openblas_coretype\":" + choice.json(withPeer && choice.differs())
                    + ",\"aten_avx512_tried\":" + atenTried + "}");
        }
        return 0;
    }

    /**
     * The configurations measured: mixture at z = 10 and 32 and marginal at z = 32 (K = 100, 512-512),
     * or every variant at the one latent size {@code z} when it is above 0.
     */
    static List<TrainStepBench.Case> cases(String variant, int z) {
        List<TrainStepBench.Case> cases = new ArrayList<>();
        if (!variant.equals("marginal"))
            for (int zz : z > 0 ? new int[] {z} : new int[] {10, 32})
                cases.add(new TrainStepBench.Case("mixture", 100, zz, new int[] {512, 512}));
        if (!variant.equals("mixture"))
            cases.add(new TrainStepBench.Case("marginal", 100, z > 0 ? z : 32, new int[] {512, 512}));
        return cases;
    }

    /** benchmarks/peers/gmvae_step.py next to the jar's checkout (cli/target/gmvae.jar), else under the working directory. */
    static Path defaultScript() {
        Path rel = Path.of("benchmarks", "peers", "gmvae_step.py");
        try {
            Path jar = Path.of(TrainTarget.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() != null && jar.getParent().getParent() != null ? jar.getParent().getParent().getParent() : null;
            if (root != null && Files.isRegularFile(root.resolve(rel))) return root.resolve(rel);
        } catch (Exception e) {
            // no code source (unusual class loader): fall back to the working directory
        }
        return Files.isRegularFile(rel) ? rel.toAbsolutePath() : null;
    }
}
