package gmvae4j.datasets;

/** Which part of a data set: the standard train and test files, or both (train first, then test). */
public enum Split {
    TRAIN, TEST, POOL;

    /** Parses {@code train|test|pool}; throws IllegalArgumentException naming the value. */
    public static Split parse(String s) {
        return switch (s) {
            case "train" -> TRAIN;
            case "test" -> TEST;
            case "pool" -> POOL;
            default -> throw new IllegalArgumentException("split must be train, test or pool, got '" + s + "'");
        };
    }
}
