package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** {@link Preset}: what {@code --preset} sets, and that nothing is set without it. */
class PresetTest {

    @Test
    void qualityIsTheConvModelWithinAnHour() {
        Preset p = Preset.of(new Args("train", new String[]{"--preset", "quality"}));
        assertEquals("conv", Preset.arch(p));
        assertEquals(8, Preset.z(p, 10));
        Args none = new Args("train", new String[]{});
        assertEquals(3.0, Preset.beta(none, p, "mixture"));
        assertEquals("full", Preset.covariance(none, p, "mixture"));
        assertEquals(500, Preset.epochs(p, 50));
        assertEquals(60.0, Preset.minutes(p));
    }

    @Test
    void defaultKeepsTheCommandsOwnDefaults() {
        for (String[] argv : new String[][]{{}, {"--preset", "default"}}) {
            Args a = new Args("train", argv);
            Preset p = Preset.of(a);
            assertNull(p);
            assertEquals("mlp", Preset.arch(p));
            assertEquals(10, Preset.z(p, 10));
            assertEquals(200, Preset.epochs(p, 200));
            assertEquals(0.0, Preset.minutes(p));
            // the mixture model: full covariances, β = 2; the marginal one has neither
            assertEquals(2.0, Preset.beta(a, p, "mixture"));
            assertEquals("full", Preset.covariance(a, p, "mixture"));
            assertEquals(1.0, Preset.beta(a, p, "marginal"));
            assertEquals("diag", Preset.covariance(a, p, "marginal"));
        }
    }

    @Test
    void givenFlagsWinOverDefaultsAndPreset() {
        for (String[] preset : new String[][]{{}, {"--preset", "quality"}}) {
            String[] argv = java.util.Arrays.copyOf(preset, preset.length + 4);
            System.arraycopy(new String[]{"--beta", "1", "--covariance", "diag"}, 0, argv, preset.length, 4);
            Args a = new Args("train", argv);
            Preset p = Preset.of(a);
            assertEquals(1.0, Preset.beta(a, p, "mixture"));
            assertEquals("diag", Preset.covariance(a, p, "mixture"));
        }
    }
}
