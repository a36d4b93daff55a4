package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may read images and write labels: only the page opened from the printed URL. */
class LabelServerSecurityTest {
    @TempDir Path dir;
    private Session session;
    private LabelServer server;
    private Access access;
    private int port;
    private String host, cookie;

    @BeforeEach void start() throws Exception {
        // Images with files: the first two are real files in DIR, the third a symlink to a file outside it.
        Path root = Files.createDirectories(dir.resolve("images"));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.write(root.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.createSymbolicLink(root.resolve("link.png"), outside);
        LabelImages glyphs = Fixture.glyphs(30);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < glyphs.n(); i++) paths.add(i == 0 ? "a.png" : i == 1 ? "sub/b.png" : i == 2 ? "link.png" : "missing" + i + ".png");
        LabelImages images = new LabelImages("files", glyphs.pixels(), glyphs.n(), glyphs.rows(), glyphs.cols(), root, paths, glyphs.truth(), glyphs.truthNames());
        session = Session.open(dir.resolve("session"), images);
        access = Access.random();
        server = new LabelServer(images, session, access, "127.0.0.1", 0, 5);
        server.start();
        server.ready(Fixture.model(images.truth(), images.truthNames().size(), 1));
        port = server.port();
        host = "Host: 127.0.0.1:" + port + "\r\n";
        cookie = "Cookie: " + Access.COOKIE + "=" + access.token() + "\r\n";
    }

    @AfterEach void stop() throws Exception {
        server.close();
        session.close();
    }

    @Test void thePrintedUrlSetsTheCookieAndTheCookieOpensThePage() throws Exception {
        Raw.Reply r = Raw.send(port, "GET", "/?token=" + access.token(), host, null);
        assertEquals(303, r.status());
        assertTrue(r.header("Set-Cookie").contains("HttpOnly") && r.header("Set-Cookie").contains("SameSite=Strict"), r.head());
        assertEquals("/", r.header("Location"));
        Raw.Reply page = Raw.send(port, "GET", "/", host + cookie, null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains(access.token()), "the page carries the token for its POST header");
        assertEquals(200, Raw.send(port, "GET", "/api/state", host + cookie, null).status());
        assertEquals(200, Raw.send(port, "GET", "/img/3", host + cookie, null).status());
    }

    @Test void noTokenOrAWrongTokenIsRefused() throws Exception {
        String wrong = "Cookie: " + Access.COOKIE + "=" + access.token().substring(1) + "x\r\n";
        for (String path : List.of("/", "/api/state", "/img/3", "/orig/0", "/export/labels.csv", "/app.js")) {
            assertEquals(403, Raw.send(port, "GET", path, host, null).status(), path);
            assertEquals(403, Raw.send(port, "GET", path, host + wrong, null).status(), path);
            assertEquals(403, Raw.send(port, "GET", path + "?token=nope", host, null).status(), path);
        }
        assertEquals(403, Raw.send(port, "POST", "/api/answer", host + wrong + "X-Gmvae-Token: " + access.token() + "\r\n", "image=1&label=a").status());
        assertEquals(0, session.version());
    }

    @Test void crossSiteWritesAreRefused() throws Exception {
        String form = "Content-Type: application/x-www-form-urlencoded\r\n";
        // Another page's form post: the browser sends the cookie (were it not SameSite) but cannot add the header.
        assertEquals(403, Raw.send(port, "POST", "/api/answer", host + cookie + form + "Origin: http://evil.example\r\n", "image=1&label=a").status());
        assertEquals(403, Raw.send(port, "POST", "/api/answer", host + cookie + form, "image=1&label=a").status());
        // With the header but from another origin (a page that somehow learned the token).
        assertEquals(403, Raw.send(port, "POST", "/api/answer", host + cookie + form + "X-Gmvae-Token: " + access.token()
                + "\r\nOrigin: http://evil.example\r\n", "image=1&label=a").status());
        // DNS rebinding: the browser calls this server by the attacker's name.
        assertEquals(403, Raw.send(port, "GET", "/api/state", "Host: evil.example:" + port + "\r\n" + cookie, null).status());
        assertEquals(0, session.version());
        Raw.Reply ok = Raw.send(port, "POST", "/api/answer", host + cookie + form + "X-Gmvae-Token: " + access.token()
                + "\r\nOrigin: http://127.0.0.1:" + port + "\r\n", "image=1&label=a");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(1, session.labeledCount());
    }

    @Test void pathTraversalAndSymlinksOutOfTheFolderAreRefused() throws Exception {
        assertEquals(200, Raw.send(port, "GET", "/orig/0", host + cookie, null).status());
        assertEquals(200, Raw.send(port, "GET", "/orig/1", host + cookie, null).status());
        assertEquals(404, Raw.send(port, "GET", "/orig/2", host + cookie, null).status(), "a symlink out of DIR");
        for (String p : List.of("/orig/../secret.txt", "/orig/..%2fsecret.txt", "/orig/%2e%2e/secret.txt", "/orig/%2e%2e%2fsecret.txt",
                "/orig/%252e%252e%252fsecret.txt", "/orig//etc/passwd", "/orig/%2fetc%2fpasswd", "/img/..%2f..%2fetc%2fpasswd",
                "/img/%2e%2e/1", "/img/-1", "/img/1.0", "/img/99999999999", "/export/..%2fjournal.tsv", "/export/../session.properties",
                "/orig/0%00", "/img/0x1", "/%2e%2e/%2e%2e/etc/passwd")) {
            Raw.Reply r = Raw.send(port, "GET", p, host + cookie, null);
            assertTrue(r.status() >= 400, p + " gave " + r.status());
            assertFalse(r.body().contains("secret") || r.body().contains("root:"), p);
        }
        Path root = dir.resolve("images");
        assertNotNull(ImageFiles.inside(root, "a.png"));
        assertNotNull(ImageFiles.inside(root, "sub/b.png"));
        for (String rel : List.of("../secret.txt", "sub/../../secret.txt", "/etc/passwd", dir.resolve("secret.txt").toString(), "link.png",
                "sub\\..\\..\\secret.txt", "a.png\0", "", "sub", "C:/x"))
            assertNull(ImageFiles.inside(root, rel), rel);
    }

    @Test void oversizedRequestsAreRefused() throws Exception {
        String big = "image=1&label=" + "a".repeat(LabelServer.MAX_BODY);
        Raw.Reply r = Raw.send(port, "POST", "/api/answer", host + cookie + "X-Gmvae-Token: " + access.token() + "\r\n", big);
        assertEquals(413, r.status());
        assertEquals(414, Raw.send(port, "GET", "/api/state?x=" + "a".repeat(LabelServer.MAX_URI), host + cookie, null).status());
        assertEquals(0, session.version());
    }

    @Test void exportsAreWrittenToTheSessionFolder() throws Exception {
        String hdr = host + cookie + "X-Gmvae-Token: " + access.token() + "\r\n";
        assertEquals(200, Raw.send(port, "POST", "/api/answer", hdr, "image=0&label=" + java.net.URLEncoder.encode("=cmd,x", "UTF-8")).status());
        assertEquals(200, Raw.send(port, "POST", "/api/answer", hdr, "image=1&label=b").status());
        Raw.Reply r = Raw.send(port, "GET", "/export/labels.csv", hdr, null);
        assertEquals(200, r.status());
        assertEquals("path,label\na.png,\"'=cmd,x\"\nsub/b.png,b\n", r.body());
        assertEquals(r.body(), Files.readString(dir.resolve("session").resolve(Exports.LABELS)));
        List<String> pred = Files.readAllLines(dir.resolve("session").resolve(Exports.PREDICTIONS));
        assertEquals(31, pred.size());
        assertEquals("sub/b.png,b,1,human", pred.get(2));
        assertTrue(pred.get(5).endsWith(",model"), pred.get(5));
        var map = gmvae4j.engine.eval.LabelMap.load(dir.resolve("session").resolve(Exports.LABEL_MAP));
        assertEquals(List.of("=cmd,x", "b"), map.classNames());
    }
}
