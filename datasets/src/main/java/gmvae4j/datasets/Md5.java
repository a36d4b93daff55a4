package gmvae4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 of files, streamed (the archive is hundreds of megabytes), as lower-case hex. */
public final class Md5 {
    private Md5() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    public static String hex(MessageDigest d) { return HexFormat.of().formatHex(d.digest()); }

    public static String of(byte[] data) {
        MessageDigest d = digest();
        d.update(data);
        return hex(d);
    }

    public static String of(Path file) {
        MessageDigest d = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int k; (k = in.read(buf)) > 0; ) d.update(buf, 0, k);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read for checksum (" + e.getMessage() + ")", e);
        }
        return hex(d);
    }
}
