package gmvae4j.engine;

import gmvae4j.engine.nn.Mlp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MlpTest {

    @Test
    void parametersAreNamedViewsIntoOneFlatBuffer() {
        Params p = new Params();
        Mlp mlp = Mlp.builder("enc").sizes(784, 512, 10).build(p, new SplittableRandom(1));
        assertEquals(List.of("enc.0.weight", "enc.0.bias", "enc.1.weight", "enc.1.bias"),
                p.list().stream().map(NamedParam::name).toList());
        int expectOffset = 0;
        for (NamedParam np : p.list()) {
            assertEquals(expectOffset, np.offset());
            assertSame(p.data(), np.tensor().data, "views must point at the final flat buffer");
            assertSame(p.grad(), np.tensor().grad);
            expectOffset += np.size();
        }
        assertEquals(784 * 512 + 512 + 512 * 10 + 10, p.size());
        assertEquals(784, mlp.inputSize());
        assertEquals(10, mlp.outputSize());
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        Params a = new Params(), b = new Params(), c = new Params();
        Mlp.builder("m").sizes(20, 30, 5).build(a, new SplittableRandom(42));
        Mlp.builder("m").sizes(20, 30, 5).build(b, new SplittableRandom(42));
        Mlp.builder("m").sizes(20, 30, 5).build(c, new SplittableRandom(43));
        assertArrayEquals(a.data(), b.data());
        assertFalse(java.util.Arrays.equals(a.data(), c.data()));
    }

    @Test
    void heInitialisationHasTheRightScale() {
        Params p = new Params();
        Mlp.builder("m").sizes(400, 300, 2).build(p, new SplittableRandom(5));
        Tensor w = p.get("m.0.weight");
        double ss = 0;
        for (int i = 0; i < w.size(); i++) ss += w.get(i) * w.get(i);
        assertEquals(2.0 / 400, ss / w.size(), 0.05 * 2.0 / 400);
    }
}
