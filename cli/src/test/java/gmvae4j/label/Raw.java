package gmvae4j.label;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request written byte for byte, so tests can send what a browser or an attacker
 * would (any Host, Origin or path, including ones java.net.http would normalise or refuse).
 */
final class Raw {
    record Reply(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n"))
                if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) return line.substring(name.length() + 1).strip();
            return null;
        }
    }

    private Raw() {}

    static Reply send(int port, String method, String path, String headers, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String req = method + " " + path + " HTTP/1.1\r\n" + headers + (!headers.contains("Content-Length") && (b.length > 0 || method.equals("POST")) ? "Content-Length: " + b.length + "\r\n" : "")
                    + "Connection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.UTF_8));
            try {
                out.write(b);
                out.flush();
            } catch (java.net.SocketException e) {
                // the server may answer (413) and close before reading an oversized body: read its reply anyway
            }
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int split = all.indexOf("\r\n\r\n");
            String head = split < 0 ? all : all.substring(0, split);
            int status = Integer.parseInt(head.split(" ")[1]);
            return new Reply(status, head, split < 0 ? "" : all.substring(split + 4));
        }
    }
}
