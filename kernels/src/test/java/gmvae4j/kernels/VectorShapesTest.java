package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One vector shape in the kernels: no main source names a FloatVector species other than the
 * preferred one ({@code Transpose16}'s 512 bits, used only where the preferred species has 16
 * lanes, excepted) or changes a vector's shape. A second shape in the process once let C2 compile
 * a conv weight-gradient tile with its stores resolved to the other class and boxed, 10-100×
 * slower for a whole run (see {@link SgemmPacking}'s class comment). Reads the sources: this is
 * the rule's check, not a kernel's.
 */
class VectorShapesTest {

    static final Pattern OTHER_SHAPE = Pattern.compile(
            "SPECIES_(64|128|256|512|MAX)\\b|VectorSpecies\\.of\\(|withShape\\(|castShape\\(|convertShape\\(|reinterpretShape\\(");

    @Test
    void noKernelMakesAVectorOfASecondShape() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the kernels module: " + main.toAbsolutePath() + " is not a directory");
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(main)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i), code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) continue;
                    boolean allowed = f.getFileName().toString().equals("Transpose16.java")
                            && code.equals("static final VectorSpecies<Float> S = FloatVector.SPECIES_512;");
                    if (!allowed && OTHER_SHAPE.matcher(line).find()) offenders.add(main.relativize(f) + ":" + (i + 1) + ": " + code);
                }
            }
        }
        assertTrue(files > 20, "read only " + files + " source files");
        assertTrue(offenders.isEmpty(), "a second vector shape: " + offenders);
    }
}
