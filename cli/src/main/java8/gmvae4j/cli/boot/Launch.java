package gmvae4j.cli.boot;

/**
 * The fat jar's Main-Class, compiled for Java 8 so that any JVM can load it: on a JVM older
 * than 25 it says what to install instead of failing with UnsupportedClassVersionError, and on
 * 25+ it hands over to {@code gmvae4j.cli.Main}.
 */
public final class Launch {
    private static final int NEEDED = 25;

    public static void main(String[] args) throws Throwable {
        String spec = System.getProperty("java.specification.version", "0");
        int feature;
        try {
            feature = Integer.parseInt(spec.startsWith("1.") ? spec.substring(2) : spec);
        } catch (NumberFormatException e) {
            feature = 0;
        }
        if (feature < NEEDED) {
            System.err.println("gmvae: needs Java " + NEEDED + " or newer, but this is Java " + spec + " ("
                    + System.getProperty("java.home") + "); install a JDK " + NEEDED
                    + " (e.g. Temurin) or use ./gmvae, which finds one");
            System.exit(3);
        }
        try {
            Class.forName("gmvae4j.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
