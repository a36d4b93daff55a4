package gmvae4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked about the embedded PTX without a GPU. */
class CudaElementwiseTest {

    /** Every .entry in the PTX, with its parameters as i (32-bit int), f (float), p (64-bit pointer). */
    static Map<String, String> ptxEntries(String ptx) {
        Map<String, String> out = new TreeMap<>();
        Matcher entry = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)").matcher(ptx);
        while (entry.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher param = Pattern.compile("\\.param \\.(\\w+) ").matcher(entry.group(2));
            while (param.find())
                sig.append(switch (param.group(1)) {
                    case "u32", "s32" -> 'i';
                    case "f32" -> 'f';
                    case "u64" -> 'p';
                    default -> '?';
                });
            out.put(entry.group(1), sig.toString());
        }
        return out;
    }

    @Test
    void javaSignaturesMatchThePtxEntries() {
        Map<String, String> ptx = ptxEntries(CudaElementwise.ptx());
        assertEquals(new TreeMap<>(CudaElementwise.SIGNATURES), ptx,
                "regenerate elementwise.ptx from elementwise.cu, or fix CudaElementwise.SIGNATURES");
    }

    @Test
    void ptxTargetsAnArchitectureEveryCurrentDriverCanJit() {
        String ptx = CudaElementwise.ptx();
        assertTrue(ptx.contains(".target sm_75"), "PTX should target compute_75 (Turing) so newer GPUs JIT it");
        assertTrue(ptx.contains(".address_size 64"));
    }

    @Test
    void ptxAssemblesWithPtxas(@TempDir Path tmp) throws IOException, InterruptedException {
        Path ptx = Files.writeString(tmp.resolve("elementwise.ptx"), CudaElementwise.ptx());
        Process p;
        try {
            p = new ProcessBuilder("ptxas", "-arch=sm_90", "-o", tmp.resolve("out.cubin").toString(), ptx.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "ptxas (CUDA toolkit) is not on the PATH: " + e.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ptxas timed out");
        assertEquals(0, p.exitValue(), "ptxas rejected the PTX: " + log);
        assertTrue(Files.size(tmp.resolve("out.cubin")) > 0);
    }
}
