package gmvae4j.label;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gmvae4j.cli.report.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The labeling page's HTTP server (the JDK's com.sun.net.httpserver): the page itself, the
 * images, a small JSON API and the exports. Every request passes {@link Access} first; the
 * state lives in {@link Session} (journaled), the choice of questions in {@link QueryPolicy},
 * the model's decisions in {@link Predictions}. Until the model is ready (trained by the
 * command when none was given) the page shows the training progress.
 */
public final class LabelServer implements AutoCloseable {
    /** Largest request body accepted (a cluster action's exception list is the largest). */
    public static final int MAX_BODY = 256 * 1024;
    /** Longest request URI accepted. */
    public static final int MAX_URI = 4096;
    /** Members per page of the cluster grid. */
    public static final int PAGE = 60;
    /** Images a review queue lists. */
    public static final int REVIEW = 60;

    private final LabelImages images;
    private final Session session;
    private final Access access;
    private final HttpServer http;
    private final ExecutorService pool;
    private final int batchSize;
    private volatile ModelView model;
    private volatile QueryPolicy policy;
    private volatile String progress = "starting";
    private Predictions.Fit fit;
    private final List<double[]> accuracyCurve = new java.util.ArrayList<>();
    /** The answers whose estimate is still to compute (latest only), and the one thread that computes it. */
    private final java.util.concurrent.atomic.AtomicReference<EstimateJob> estimateDue = new java.util.concurrent.atomic.AtomicReference<>();
    private final ExecutorService estimator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gmvae-label-estimate");
        t.setDaemon(true);
        return t;
    });
    private final AnswerTimes times = new AnswerTimes();

    public LabelServer(LabelImages images, Session session, Access access, String host, int port, int batchSize) throws IOException {
        this.images = images;
        this.session = session;
        this.access = access;
        this.batchSize = batchSize;
        this.http = HttpServer.create(new InetSocketAddress(host, port), 32);
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gmvae-label-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        access.allowHosts(host, http.getAddress().getPort());
    }

    public void start() { http.start(); }

    public int port() { return http.getAddress().getPort(); }

    /** The URL to print: the token goes in once, then lives in a cookie. */
    public String url(String host) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/?token=" + access.token();
    }

    /** What the page shows while there is no model yet. */
    public void progress(String line) { this.progress = line; }

    /**
     * The model is ready: questions can start. Returns the milliseconds until the first question
     * was chosen. A view of a sample of the images ({@link ModelView#ofSample}) starts round 1
     * while the encoder reads the rest, and then this is called again with the complete view; a
     * sample's view with no round-1 question left (a resumed session) is not shown, and -1 returned.
     */
    public double ready(ModelView m) {
        long t0 = System.nanoTime();
        ModelView before = model;
        QueryPolicy old = policy;
        int[] asking = before != null && !before.complete() && old != null ? old.pending(session.settled()) : new int[0];
        QueryPolicy p = new QueryPolicy(m, batchSize, true, asking.length > 0 ? asking[0] : -1);
        if (!m.complete() && p.next(session.settled(), session.humanLabels(), null) < 0) return -1;
        synchronized (this) {   // together: a page must never get the new policy's image with the old view (a sample's covers only some)
            this.model = m;
            this.policy = p;
            fit = null;
        }
        p.next(session.settled(), session.humanLabels(), this::currentFit);
        recordAccuracy();
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * The same model with more to decide by (the latent neighbour graph, built after the page is
     * already usable): later fits use it. The components do not change, so the questions do not.
     */
    public void improve(ModelView m) {
        if (model == null || m.n() != model.n() || m.k() != model.k()) throw new IllegalStateException("improve() needs the same images and components");
        synchronized (this) {
            model = m;
            fit = null;
        }
    }

    /** Per-answer server times so far. */
    public AnswerTimes times() { return times; }

    @Override public void close() {
        http.stop(0);
        pool.shutdownNow();
        estimator.shutdownNow();
    }

    /** The predictions for the current answers (refitted when an answer came in since the last fit). */
    synchronized Predictions.Fit currentFit() {
        long v = session.version();
        if (fit == null || fit.version() != v) fit = Predictions.fit(model, session.humanLabels(), session.classes(), v);
        return fit;
    }

    // ------------------------------------------------------------------ dispatch

    private void handle(HttpExchange ex) throws IOException {
        // The exchange is closed last (try-with-resources closes before its catch clauses run).
        try (ex) {
            try {
                dispatch(ex);
            } catch (IllegalArgumentException e) {
                send(ex, 400, "text/plain", e.getMessage());
            } catch (TooLarge e) {
                send(ex, 413, "text/plain", "request body larger than " + MAX_BODY + " bytes");
            } catch (RuntimeException e) {
                send(ex, 500, "text/plain", "internal error: " + e);
            }
        }
    }

    private void dispatch(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().toString().length() > MAX_URI) { send(ex, 414, "text/plain", "URI too long"); return; }
        String path = ex.getRequestURI().getRawPath();
        if (!access.allowed(ex)) {
            drain(ex);
            send(ex, 403, "text/plain", "forbidden: open the URL that gmvae label printed (it carries the access token)");
            return;
        }
        String method = ex.getRequestMethod();
        if (method.equals("POST")) { post(ex, path); return; }
        if (!method.equals("GET")) { send(ex, 405, "text/plain", "method not allowed"); return; }
        get(ex, path);
    }

    private void get(HttpExchange ex, String path) throws IOException {
        if (path.equals("/")) {
            if (Access.queryToken(ex.getRequestURI()) != null) {
                // The token moves from the URL into a cookie; the redirect drops it from the address bar.
                ex.getResponseHeaders().add("Set-Cookie", access.cookie());
                ex.getResponseHeaders().add("Location", "/");
                send(ex, 303, "text/plain", "");
                return;
            }
            String page = resource("index.html").replace("{{TOKEN}}", access.token()).replace("{{NAME}}", escapeHtml(images.name()));
            send(ex, 200, "text/html; charset=utf-8", page);
        } else if (path.equals("/app.js")) {
            send(ex, 200, "text/javascript; charset=utf-8", resource("app.js"));
        } else if (path.equals("/app.css")) {
            send(ex, 200, "text/css; charset=utf-8", resource("app.css"));
        } else if (path.startsWith("/img/")) {
            int i = imageIndex(path.substring(5));
            if (i < 0) { send(ex, 404, "text/plain", "no such image"); return; }
            sendBytes(ex, 200, "image/png", ImageFiles.png(images, i), "private, max-age=3600");
        } else if (path.startsWith("/orig/")) {
            int i = imageIndex(path.substring(6));
            Path f = i < 0 || images.paths() == null ? null : ImageFiles.inside(images.root(), images.paths().get(i));
            if (f == null) { send(ex, 404, "text/plain", "no such file inside the images folder"); return; }
            sendBytes(ex, 200, ImageFiles.contentType(f), Files.readAllBytes(f), "private, max-age=3600");
        } else if (path.equals("/api/state")) {
            sendJson(ex, state());
        } else if (path.equals("/api/cluster")) {
            needAllImages();
            Map<String, String> q = form(ex.getRequestURI().getRawQuery());
            sendJson(ex, cluster(integer(q, "c"), q.containsKey("page") ? integer(q, "page") : 0));
        } else if (path.equals("/api/review")) {
            needAllImages();
            sendJson(ex, review(form(ex.getRequestURI().getRawQuery()).getOrDefault("kind", "uncertain")));
        } else if (path.startsWith("/export/")) {
            needAllImages();
            String name = path.substring(8);
            Predictions.Fit f = currentFit();
            Exports.writeAll(session.folder(), images, model, f);
            if (!List.of(Exports.LABELS, Exports.PREDICTIONS, Exports.LABEL_MAP).contains(name)) { send(ex, 404, "text/plain", "no such export"); return; }
            Path file = session.folder().resolve(name);
            if (!Files.exists(file)) { send(ex, 404, "text/plain", "nothing to export yet"); return; }
            ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + name + "\"");
            sendBytes(ex, 200, name.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/octet-stream", Files.readAllBytes(file), "no-store");
        } else {
            send(ex, 404, "text/plain", "not found");
        }
    }

    private void post(HttpExchange ex, String path) throws IOException {
        Map<String, String> f = form(new String(body(ex), StandardCharsets.UTF_8));
        needModel();
        long t0 = System.nanoTime();
        switch (path) {
            case "/api/answer" -> session.answer(image(f, "image"), required(f, "label"));
            case "/api/skip" -> session.skip(image(f, "image"));
            case "/api/undo" -> session.undo();
            case "/api/cluster" -> { needAllImages(); labelCluster(f); }
            case "/api/export" -> {
                needAllImages();
                List<Path> written = Exports.writeAll(session.folder(), images, model, currentFit());
                Json j = new Json().beginObject().key("written").beginArray();
                for (Path p : written) j.value(p.getFileName().toString());
                sendJson(ex, j.endArray().endObject());
                return;
            }
            default -> { send(ex, 404, "text/plain", "not found"); return; }
        }
        recordAccuracy();
        Json state = state();
        times.add((System.nanoTime() - t0) / 1e6);
        sendJson(ex, state);
    }

    private void labelCluster(Map<String, String> f) throws IOException {
        int c = integer(f, "component");
        if (c < 0 || c >= model.k()) throw new IllegalArgumentException("component outside 0.." + (model.k() - 1));
        java.util.Set<Integer> exclude = new java.util.HashSet<>();
        String ex = f.getOrDefault("exclude", "");
        if (!ex.isBlank()) for (String s : ex.split(",")) exclude.add(Integer.parseInt(s.strip()));
        int[] targets = java.util.Arrays.stream(model.members(c))
                .filter(i -> !exclude.contains(i) && session.humanLabel(i) < 0).toArray();
        if (targets.length == 0) throw new IllegalArgumentException("every member is already labeled or excluded");
        session.labelAll(c, targets, exclude.size(), required(f, "label"));
    }

    private record EstimateJob(ModelView model, int[] human, int classes, int spent) {}

    /**
     * After every change: the estimated accuracy of the rule in use ({@link Predictions#estimate}),
     * a point of the page's plot. Soft-dot's is computed at once; latent propagation's takes
     * seconds, so it runs on its own thread for the latest answers only, and the point appears
     * when it is done (answers that came in meanwhile are estimated next, together).
     */
    private void recordAccuracy() {
        ModelView m = model;
        if (m == null) return;
        EstimateJob job = new EstimateJob(m, session.humanLabels(), Math.max(1, session.classes().size()), session.answersSpent());
        if (m.neighbours() == null) { addPoint(job); return; }
        if (estimateDue.getAndSet(job) == null) estimator.execute(this::estimateDue);
    }

    private void estimateDue() {
        while (true) {
            EstimateJob job = estimateDue.get();
            addPoint(job);
            if (estimateDue.compareAndSet(job, null)) return;    // else newer answers came in: estimate those
        }
    }

    private void addPoint(EstimateJob job) {
        double acc = Predictions.estimate(job.model(), job.human(), job.classes());
        synchronized (accuracyCurve) {
            while (!accuracyCurve.isEmpty() && accuracyCurve.getLast()[0] >= job.spent()) accuracyCurve.removeLast();
            accuracyCurve.add(new double[] {job.spent(), acc});
        }
    }

    // ------------------------------------------------------------------ JSON views

    private Json state() {
        Json j = new Json().beginObject();
        ModelView m;
        QueryPolicy p;
        synchronized (this) { m = model; p = policy; }
        j.field("ready", m != null && p != null).field("progress", progress).field("name", images.name())
                .field("images", images.n()).field("read", m == null ? 0 : m.read()).field("version", session.version());
        j.key("classes").beginArray();
        for (String c : session.classes()) j.value(c);
        j.endArray();
        if (m == null || p == null) return j.endObject();
        int[] human = session.humanLabels();
        boolean[] named = new boolean[m.k()];
        for (int i = 0; i < human.length; i++) if (human[i] >= 0 && m.component()[i] >= 0) named[m.component()[i]] = true;
        int byPerson = 0, predicted = 0, unnamed = 0;   // images the view does not cover yet are in neither of the last two
        for (int i = 0; i < human.length; i++) {
            if (human[i] >= 0) byPerson++;
            else if (m.component()[i] >= 0) { if (named[m.component()[i]]) predicted++; else unnamed++; }
        }
        j.field("labeled", byPerson).field("predicted", predicted).field("unnamed", unnamed)
                .field("answers", session.answersSpent()).field("canUndo", session.canUndo()).field("k", m.k());
        j.key("curve").beginArray();
        synchronized (accuracyCurve) {
            for (double[] pt : accuracyCurve) j.beginArray().value(pt[0]).value(pt[1]).endArray();
        }
        j.endArray();
        int next = p.next(session.settled(), human, this::currentFit);
        j.field("round", p.round());
        if (next >= 0) {
            int c = m.component()[next];
            int[] members = m.members(c);
            j.key("next").beginObject().field("image", next).field("component", c).field("size", members.length);
            if (images.paths() != null) j.field("path", images.paths().get(next));
            Predictions.Fit f = fit;
            if (f != null && f.decisions() != null && f.version() == session.version())
                j.field("guess", f.classes().get(f.decisions().label()[next]));
            // The strip: members from the most central to the least, evenly spaced, so it shows how mixed the cluster is.
            int strip = Math.min(16, members.length);
            j.key("strip").beginArray();
            for (int s = 0; s < strip; s++) j.value(members[(int) ((long) s * members.length / strip)]);
            j.endArray().endObject();
        }
        return j.endObject();
    }

    private Json cluster(int c, int page) {
        if (c < 0 || c >= model.k()) throw new IllegalArgumentException("component outside 0.." + (model.k() - 1));
        int[] members = model.members(c);
        int pages = Math.max(1, (members.length + PAGE - 1) / PAGE);
        if (page < 0 || page >= pages) throw new IllegalArgumentException("page outside 0.." + (pages - 1));
        Predictions.Fit f = currentFit();
        Json j = new Json().beginObject().field("component", c).field("size", members.length).field("page", page).field("pages", pages);
        j.key("members").beginArray();
        for (int s = page * PAGE; s < Math.min(members.length, (page + 1) * PAGE); s++) {
            int i = members[s];
            int l = f.label(i);
            j.beginObject().field("image", i).field("label", l < 0 ? null : f.classes().get(l)).field("human", f.byPerson(i)).endObject();
        }
        return j.endArray().endObject();
    }

    private Json review(String kind) {
        if (!kind.equals("uncertain") && !kind.equals("disagree")) throw new IllegalArgumentException("review kind must be uncertain or disagree");
        Predictions.Fit f = currentFit();
        Json j = new Json().beginObject().field("kind", kind).key("items").beginArray();
        if (f.decisions() != null) {
            int n = images.n();
            Integer[] order = java.util.stream.IntStream.range(0, n)
                    .filter(i -> !f.byPerson(i) && (kind.equals("uncertain") || (f.hard()[i] >= 0 && f.hard()[i] != f.decisions().label()[i])))
                    .boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(order, java.util.Comparator.comparingDouble((Integer i) -> f.decisions().score()[i]).thenComparingInt(i -> i));
            for (int s = 0; s < Math.min(REVIEW, order.length); s++) {
                int i = order[s];
                j.beginObject().field("image", i).field("label", f.classes().get(f.decisions().label()[i]))
                        .field("score", f.decisions().score()[i])
                        .field("hard", f.hard()[i] < 0 ? null : f.classes().get(f.hard()[i])).endObject();
            }
            j.endArray().field("count", order.length);
        } else {
            j.endArray().field("count", 0);
        }
        return j.endObject();
    }

    // ------------------------------------------------------------------ small helpers

    private void needModel() {
        if (model == null || policy == null) throw new IllegalArgumentException("the model is not ready yet");
    }

    /** Grids, review queues and exports need every image's decision, not a sample's. */
    private void needAllImages() {
        needModel();
        ModelView m = model;
        if (!m.complete())
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the model has read %,d of %,d images so far: try again in a moment", m.read(), m.n()));
    }

    private int imageIndex(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return -1;
        int i = Integer.parseInt(s);
        return i < images.n() ? i : -1;
    }

    private int image(Map<String, String> f, String key) {
        int i = imageIndex(required(f, key));
        if (i < 0) throw new IllegalArgumentException(key + " is not an image of this session");
        return i;
    }

    private static int integer(Map<String, String> f, String key) {
        try {
            return Integer.parseInt(required(f, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer");
        }
    }

    private static String required(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) throw new IllegalArgumentException("missing " + key);
        return v;
    }

    static Map<String, String> form(String s) {
        Map<String, String> m = new HashMap<>();
        if (s == null || s.isEmpty()) return m;
        for (String part : s.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static final class TooLarge extends RuntimeException {}

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                // Read (and drop) a little more so the client gets the 413 rather than a reset connection; never store it.
                long dropped = 0;
                byte[] sink = new byte[8192];
                for (int r; dropped < 16L * MAX_BODY && (r = in.read(sink)) >= 0; ) dropped += r;
                throw new TooLarge();
            }
            return b;
        }
    }

    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            in.skipNBytes(Math.min(MAX_BODY, in.available()));
        } catch (IOException ignored) {
            // the refusal is sent anyway
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LabelServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("resource " + name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void sendJson(HttpExchange ex, Json j) throws IOException {
        send(ex, 200, "application/json; charset=utf-8", j.toString());
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        sendBytes(ex, code, type, body.getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private static void sendBytes(HttpExchange ex, int code, String type, byte[] body, String cache) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", cache);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'");
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) try (OutputStream out = ex.getResponseBody()) { out.write(body); }
    }
}
