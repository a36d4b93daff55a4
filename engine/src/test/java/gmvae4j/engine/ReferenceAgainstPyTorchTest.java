package gmvae4j.engine;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small fixed network (Linear-ReLU-Linear decoder logits with BCE-with-logits, plus a Gaussian KL
 * head) run by the engine and compared with the same network run once by PyTorch
 * (engine/src/test/python/make_reference.py wrote the fixture). Outputs and every parameter gradient
 * must match within 1e-4 relative.
 */
public class ReferenceAgainstPyTorchTest {

    static final double REL = 1e-4;

    public static Map<String, float[]> fixture(String name) throws IOException {
        var in = ReferenceAgainstPyTorchTest.class.getResourceAsStream("/reference/" + name);
        assertNotNull(in, "fixture reference/" + name + " missing");
        Map<String, float[]> m = new HashMap<>();
        try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                float[] v = new float[Integer.parseInt(f[1])];
                assertEquals(v.length, f.length - 2, "bad fixture line " + f[0]);
                for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(f[i + 2]);
                m.put(f[0], v);
            }
        }
        return m;
    }

    @Test
    void outputsAndGradientsMatchPyTorch() throws IOException {
        Map<String, float[]> f = fixture("tiny_vae.txt");
        int b = 4, d = 8, h = 6, z = 3;
        Params p = new Params();
        Tensor w1 = p.add("W1", d, h).copyFrom(f.get("W1"), 0), b1 = p.add("b1", 1, h).copyFrom(f.get("b1"), 0);
        Tensor w2 = p.add("W2", h, d).copyFrom(f.get("W2"), 0), b2 = p.add("b2", 1, d).copyFrom(f.get("b2"), 0);
        Tensor w3 = p.add("W3", h, 2 * z).copyFrom(f.get("W3"), 0), b3 = p.add("b3", 1, 2 * z).copyFrom(f.get("b3"), 0);
        Tensor zeros = Tensor.zeros(1, z);

        Tape t = new Tape();
        Tensor x = t.input(f.get("x"), 0, b, d);
        Tensor hid = t.relu(t.linear(x, w1, b1));
        Tensor logits = t.linear(hid, w2, b2);
        Tensor enc = t.linear(hid, w3, b3);
        Tensor mu = t.sliceCols(enc, 0, z), logVar = t.sliceCols(enc, z, 2 * z);
        Tensor bce = t.bceWithLogits(logits, x);
        Tensor kl = t.gaussianKl(mu, logVar, zeros, zeros);
        Tensor loss = t.mean(t.add(bce, kl));
        p.zeroGrad();
        t.backward(loss);

        close("logits", f.get("logits"), logits.toArray());
        close("mu", f.get("mu"), mu.toArray());
        close("logvar", f.get("logvar"), logVar.toArray());
        close("bce", f.get("bce"), bce.toArray());
        close("kl", f.get("kl"), kl.toArray());
        close("loss", f.get("loss"), loss.toArray());
        for (NamedParam np : p.list()) close("grad." + np.name(), f.get("grad." + np.name()), np.tensor().gradToArray());
        assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3"), p.list().stream().map(NamedParam::name).toList());
    }

    @Test
    void convolutionsMatchPyTorch() throws IOException {
        Map<String, float[]> f = fixture("conv.txt");
        Params p = new Params();
        Tensor w = p.add("w", 4, 3, 3, 3).copyFrom(f.get("w"), 0), b = p.add("b", 1, 4).copyFrom(f.get("b"), 0);
        Tensor tw = p.add("tw", 4, 2, 4, 4).copyFrom(f.get("tw"), 0), tb = p.add("tb", 1, 2).copyFrom(f.get("tb"), 0);
        Tensor x = Tensor.of(f.get("x"), 2, 3, 6, 6).requireGrad();
        Tape t = new Tape();
        Tensor c1 = t.conv2d(x, w, b, 2, 1);
        Tensor c2 = t.convTranspose2d(t.tanh(c1), tw, tb, 2, 1);
        float[] weights = new float[c2.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = -1f + 2f * i / (weights.length - 1);   // torch.linspace(-1, 1)
        Tensor loss = t.sum(t.mul(c2, t.reshape(Tensor.of(weights, c2.shape()), c2.shape())));
        p.zeroGrad();
        t.backward(loss);
        assertEquals(List.of(2, 4, 3, 3), java.util.Arrays.stream(c1.shape()).boxed().toList());
        close("c1", f.get("c1"), c1.toArray());
        close("c2", f.get("c2"), c2.toArray());
        close("loss", f.get("loss"), loss.toArray());
        close("grad.x", f.get("grad.x"), x.gradToArray());
        for (NamedParam np : p.list()) close("grad." + np.name(), f.get("grad." + np.name()), np.tensor().gradToArray());
    }

    /**
     * Relative error against PyTorch, with the denominator floored at 1% of the array's largest
     * magnitude so that entries that are (nearly) zero in both are compared on the array's scale.
     */
    public static void close(String what, float[] expected, float[] actual) {
        assertNotNull(expected, what + " missing from the fixture");
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double den = Math.max(Math.abs(expected[i]), 0.01 * scale + 1e-30);
            double rel = Math.abs(expected[i] - actual[i]) / den;
            assertTrue(rel <= REL, what + "[" + i + "]: engine " + actual[i] + " vs PyTorch " + expected[i] + " (relative " + rel + ")");
        }
    }
}
