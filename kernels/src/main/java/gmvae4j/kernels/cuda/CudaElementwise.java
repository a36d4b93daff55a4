package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Elementwise, row and optimiser kernels on {@link DeviceBuffer}s, the part of a training step
 * cuBLAS does not cover (activations, softmax, BCE, Adam). They are CUDA C in
 * {@code elementwise.cu}, compiled by nvcc to PTX at development time and shipped as a
 * resource; at run time the driver API loads the PTX ({@link CudaDriver}). Obtain with
 * {@link CudaContext#elementwise()}.
 *
 * <p><b>Status: never run on a GPU.</b> What is checked without one: the PTX assembles with
 * {@code ptxas}; every entry point's name and parameter types match {@link #SIGNATURES}
 * (a test parses the PTX); and argument marshalling and launches work against a fake
 * {@code libcuda} that runs some of the kernels on the CPU. The GPU test compares every kernel
 * with {@link gmvae4j.kernels.ScalarKernels} where a GPU exists.
 *
 * <p>Semantics are those of the same-named {@link gmvae4j.kernels.Kernels} methods; Backward
 * kernels accumulate. Launches are asynchronous, in order with cuBLAS and copies.
 */
public final class CudaElementwise {

    static final String PTX_RESOURCE = "elementwise.ptx";
    static final int BLOCK = 256;
    /** Grid-stride loops make any grid correct; this cap keeps launches cheap for huge n. */
    static final int MAX_GRID = 65_535;

    /**
     * Each kernel's parameters: i = int, f = float, p = device pointer. The single source of
     * truth on the Java side; {@code CudaElementwiseTest} checks it against the PTX entries.
     */
    static final Map<String, String> SIGNATURES = Map.ofEntries(
            Map.entry("gmvae_add", "ippp"), Map.entry("gmvae_sub", "ippp"), Map.entry("gmvae_mul_acc", "ippp"),
            Map.entry("gmvae_exp", "ipp"), Map.entry("gmvae_log", "ipp"), Map.entry("gmvae_relu", "ipp"),
            Map.entry("gmvae_sigmoid", "ipp"), Map.entry("gmvae_tanh", "ipp"), Map.entry("gmvae_softplus", "ipp"),
            Map.entry("gmvae_relu_backward", "ippp"), Map.entry("gmvae_sigmoid_backward", "ippp"),
            Map.entry("gmvae_tanh_backward", "ippp"), Map.entry("gmvae_softplus_backward", "ippp"),
            Map.entry("gmvae_add_row", "iippp"), Map.entry("gmvae_row_softmax", "iipp"),
            Map.entry("gmvae_bce_with_logits", "ippppf"), Map.entry("gmvae_adam", "ippppfffffff"));

    private final CudaContext ctx;
    private final CudaDriver driver;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new HashMap<>();

    CudaElementwise(CudaContext ctx, CudaDriver driver) {
        this.ctx = ctx;
        this.driver = driver;
        ctx.use();
        ctx.runtime().setDevice(ctx.device());      // makes the primary context current for the driver API
        this.module = driver.loadModule(ptx());
        for (String name : SIGNATURES.keySet()) functions.put(name, driver.function(module, name));
    }

    /** The embedded PTX text. */
    static String ptx() {
        try (InputStream in = CudaElementwise.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) throw new IllegalStateException(PTX_RESOURCE + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + PTX_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    void unload() { driver.unload(module); }

    // ---------------------------------------------------------------- binary and unary

    public void add(int n, DeviceBuffer a, long aOff, DeviceBuffer b, long bOff, DeviceBuffer out, long outOff) {
        binary("gmvae_add", n, a, aOff, b, bOff, out, outOff);
    }

    public void sub(int n, DeviceBuffer a, long aOff, DeviceBuffer b, long bOff, DeviceBuffer out, long outOff) {
        binary("gmvae_sub", n, a, aOff, b, bOff, out, outOff);
    }

    /** acc += a·b */
    public void mulAcc(int n, DeviceBuffer a, long aOff, DeviceBuffer b, long bOff, DeviceBuffer acc, long accOff) {
        binary("gmvae_mul_acc", n, a, aOff, b, bOff, acc, accOff);
    }

    public void exp(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_exp", n, x, xOff, out, outOff); }
    public void log(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_log", n, x, xOff, out, outOff); }
    public void relu(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_relu", n, x, xOff, out, outOff); }
    public void sigmoid(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_sigmoid", n, x, xOff, out, outOff); }
    public void tanh(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_tanh", n, x, xOff, out, outOff); }
    public void softplus(int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) { unary("gmvae_softplus", n, x, xOff, out, outOff); }

    /** gx += gy·(x &gt; 0) */
    public void reluBackward(int n, DeviceBuffer x, long xOff, DeviceBuffer gy, long gyOff, DeviceBuffer gx, long gxOff) {
        binary("gmvae_relu_backward", n, x, xOff, gy, gyOff, gx, gxOff);
    }

    /** gx += gy·y·(1−y), y the sigmoid output */
    public void sigmoidBackward(int n, DeviceBuffer y, long yOff, DeviceBuffer gy, long gyOff, DeviceBuffer gx, long gxOff) {
        binary("gmvae_sigmoid_backward", n, y, yOff, gy, gyOff, gx, gxOff);
    }

    /** gx += gy·(1−y²), y the tanh output */
    public void tanhBackward(int n, DeviceBuffer y, long yOff, DeviceBuffer gy, long gyOff, DeviceBuffer gx, long gxOff) {
        binary("gmvae_tanh_backward", n, y, yOff, gy, gyOff, gx, gxOff);
    }

    /** gx += gy·sigmoid(x) */
    public void softplusBackward(int n, DeviceBuffer x, long xOff, DeviceBuffer gy, long gyOff, DeviceBuffer gx, long gxOff) {
        binary("gmvae_softplus_backward", n, x, xOff, gy, gyOff, gx, gxOff);
    }

    // ---------------------------------------------------------------- rows, loss, optimiser

    /** out[i,j] = x[i,j] + row[j], packed row-major rows x cols. */
    public void addRow(int rows, int cols, DeviceBuffer x, long xOff, DeviceBuffer row, long rowOff, DeviceBuffer out, long outOff) {
        int n = Math.multiplyExact(rows, cols);
        x.checkRange(xOff, n);
        row.checkRange(rowOff, cols);
        out.checkRange(outOff, n);
        launch("gmvae_add_row", n, rows, cols, x.at(xOff), row.at(rowOff), out.at(outOff));
    }

    /** out[i,:] = softmax(x[i,:]), stable; one thread per row (meant for narrow rows). */
    public void rowSoftmax(int rows, int cols, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) {
        int n = Math.multiplyExact(rows, cols);
        x.checkRange(xOff, n);
        out.checkRange(outOff, n);
        launch("gmvae_row_softmax", rows, rows, cols, x.at(xOff), out.at(outOff));
    }

    /**
     * loss[i] = BCE(logits[i], targets[i]) (sum it with a ones-vector product) and
     * grad[i] = scale·(sigmoid(logits[i]) − targets[i]), overwritten.
     */
    public void bceWithLogits(int n, DeviceBuffer logits, long lOff, DeviceBuffer targets, long tOff,
                              DeviceBuffer loss, long lossOff, DeviceBuffer grad, long gOff, float scale) {
        logits.checkRange(lOff, n);
        targets.checkRange(tOff, n);
        loss.checkRange(lossOff, n);
        grad.checkRange(gOff, n);
        launch("gmvae_bce_with_logits", n, n, logits.at(lOff), targets.at(tOff), loss.at(lossOff), grad.at(gOff), scale);
    }

    /** One Adam step in place, as {@link gmvae4j.kernels.Kernels#adam}. */
    public void adam(int n, DeviceBuffer p, long pOff, DeviceBuffer g, long gOff, DeviceBuffer m, long mOff,
                     DeviceBuffer v, long vOff, float lr, float beta1, float beta2, float eps, float weightDecay,
                     float bc1, float bc2) {
        p.checkRange(pOff, n);
        g.checkRange(gOff, n);
        m.checkRange(mOff, n);
        v.checkRange(vOff, n);
        launch("gmvae_adam", n, n, p.at(pOff), g.at(gOff), m.at(mOff), v.at(vOff),
                lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }

    // ---------------------------------------------------------------- launching

    private void unary(String kernel, int n, DeviceBuffer x, long xOff, DeviceBuffer out, long outOff) {
        x.checkRange(xOff, n);
        out.checkRange(outOff, n);
        launch(kernel, n, n, x.at(xOff), out.at(outOff));
    }

    private void binary(String kernel, int n, DeviceBuffer a, long aOff, DeviceBuffer b, long bOff, DeviceBuffer out, long outOff) {
        a.checkRange(aOff, n);
        b.checkRange(bOff, n);
        out.checkRange(outOff, n);
        launch(kernel, n, n, a.at(aOff), b.at(bOff), out.at(outOff));
    }

    /**
     * cuLaunchKernel wants {@code void **kernelParams}: an array with one pointer per kernel
     * parameter, each pointing at that parameter's value. We lay the values out in a confined
     * arena (the driver copies them during the call, so they may be freed right after).
     */
    private synchronized void launch(String kernel, int work, Object... args) {
        String sig = SIGNATURES.get(kernel);
        if (sig.length() != args.length) throw new IllegalArgumentException(kernel + " takes " + sig.length() + " arguments");
        if (work <= 0) return;
        ctx.use();
        ctx.runtime().setDevice(ctx.device());     // the driver API needs the primary context current on this thread
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, args.length);
            for (int i = 0; i < args.length; i++) {
                MemorySegment value = switch (sig.charAt(i)) {
                    case 'i' -> a.allocateFrom(JAVA_INT, (Integer) args[i]);
                    case 'f' -> a.allocateFrom(JAVA_FLOAT, (Float) args[i]);
                    case 'p' -> a.allocateFrom(ADDRESS, (MemorySegment) args[i]);
                    default -> throw new IllegalStateException("bad signature " + sig);
                };
                params.setAtIndex(ADDRESS, i, value);
            }
            int grid = (int) Math.min(MAX_GRID, (work + (long) BLOCK - 1) / BLOCK);
            driver.launch(functions.get(kernel), kernel, grid, BLOCK, params);
        }
    }
}
