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
        assertEquals(3.0, Preset.beta(p, 1));
        assertEquals("full", Preset.covariance(p, "diag"));
        assertEquals(500, Preset.epochs(p, 50));
        assertEquals(60.0, Preset.minutes(p));
    }

    @Test
    void defaultKeepsTheCommandsOwnDefaults() {
        for (String[] argv : new String[][]{{}, {"--preset", "default"}}) {
            Preset p = Preset.of(new Args("train", argv));
            assertNull(p);
            assertEquals("mlp", Preset.arch(p));
            assertEquals(10, Preset.z(p, 10));
            assertEquals(1.0, Preset.beta(p, 1));
            assertEquals("diag", Preset.covariance(p, "diag"));
            assertEquals(200, Preset.epochs(p, 200));
            assertEquals(0.0, Preset.minutes(p));
        }
    }
}
