package gmvae4j.label;

import java.nio.file.Path;

/** The child JVM of {@link JournalTest#killNineLosesNoAcknowledgedAnswer}: answers image after image, printing each once it is saved. */
public final class JournalChild {
    static final int IMAGES = 2000;

    public static void main(String[] args) throws Exception {
        try (Session s = Session.open(Path.of(args[0]), Fixture.glyphs(IMAGES))) {
            for (int i = 0; i < IMAGES - 1; i++) {
                s.answer(i, "c" + (i % 7));
                System.out.println(i);
                System.out.flush();
            }
        }
    }
}
