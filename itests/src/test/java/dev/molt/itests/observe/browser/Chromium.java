package dev.molt.itests.observe.browser;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium} package), driven over the Chrome DevTools
 * protocol with the JDK's own WebSocket client: no driver binary, no library, so it runs inside
 * {@code mvn verify} and inside the OSGi framework that Pax Exam's native container starts.
 *
 * <p>One browser, one page. {@link #open} starts it on a free DevTools port (it prints the
 * address on stderr), attaches to a new page, and sends every request with the headers given
 * ({@code Authorization} for the Web Console). Every wait has a deadline; nothing sleeps.
 *
 * <p>Thread rule: one test thread calls it; the WebSocket's listener completes the futures.
 */
public final class Chromium implements AutoCloseable {

    /** Where Debian's package puts it; {@code -Dmolt.chromium=/path} says otherwise. */
    public static final String DEFAULT = "/usr/bin/chromium";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final String session;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Map<String, Object>>> awaitedEvents = new ConcurrentHashMap<>();

    /** The browser's path, if it is installed. */
    public static File executable() {
        return new File(System.getProperty("molt.chromium", DEFAULT));
    }

    private Chromium(Process process, Path profile, WebSocket socket, Listener listener) throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        listener.owner = this;
        Map<String, Object> target = send(null, "Target.createTarget", Map.of("url", "about:blank"));
        Map<String, Object> attached = send(null, "Target.attachToTarget", Map.of("targetId", target.get("targetId"), "flatten", true));
        this.session = (String) attached.get("sessionId");
        send(session, "Page.enable", Map.of());
        send(session, "Network.enable", Map.of());
        send(session, "Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** Starts the browser and opens a page that sends {@code headers} with every request. */
    public static Chromium open(Map<String, String> headers) throws Exception {
        Path profile = Files.createTempDirectory("molt-chromium");
        Process p = new ProcessBuilder(executable().getPath(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String ws = devToolsAddress(p);
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create(ws), listener).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Chromium c = new Chromium(p, profile, socket, listener);
        c.send(c.session, "Network.setExtraHTTPHeaders", Map.of("headers", new LinkedHashMap<>(headers)));
        return c;
    }

    /** Reads the browser's stderr until it says where DevTools listen (in a thread: a read cannot time out). */
    private static String devToolsAddress(Process p) throws Exception {
        CompletableFuture<String> address = new CompletableFuture<>();
        StringBuilder said = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int at = line.indexOf("ws://");
                    if (line.startsWith("DevTools listening on ") && at >= 0) {
                        address.complete(line.substring(at).strip());
                    } else if (!address.isDone()) {
                        said.append(line).append('\n');
                    }
                }
                address.completeExceptionally(new IOException("chromium ended before it listened: " + said));
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return address.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("chromium did not open its DevTools port within " + WAIT.toSeconds() + " s: " + said);
        }
    }

    private Map<String, Object> send(String sessionId, String method, Map<String, Object> params) throws Exception {
        long id = ids.incrementAndGet();
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("method", method);
        msg.put("params", params);
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JsonText.write(msg), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("chromium did not answer " + method + " within " + WAIT.toSeconds() + " s");
        } finally {
            pending.remove(id);
        }
    }

    @SuppressWarnings("unchecked")
    private void received(String text) {
        Map<String, Object> m = (Map<String, Object>) JsonText.parse(text);
        Object id = m.get("id");
        if (id instanceof Long l) {
            CompletableFuture<Map<String, Object>> f = pending.get(l);
            if (f != null) {
                if (m.containsKey("error")) {
                    f.completeExceptionally(new IllegalStateException("chromium refused: " + m.get("error")));
                } else {
                    f.complete((Map<String, Object>) m.get("result"));
                }
            }
        } else if (m.get("method") instanceof String event) {
            CompletableFuture<Map<String, Object>> f = awaitedEvents.remove(event);
            if (f != null) {
                f.complete((Map<String, Object>) m.get("params"));
            }
        }
    }

    /**
     * Loads {@code url} and waits for its load event, or, if only its fragment differs from the page
     * shown, for the page to take the new fragment (no load then).
     */
    public void navigate(String url) throws Exception {
        CompletableFuture<Map<String, Object>> load = new CompletableFuture<>();
        CompletableFuture<Map<String, Object>> within = new CompletableFuture<>();
        awaitedEvents.put("Page.loadEventFired", load);
        awaitedEvents.put("Page.navigatedWithinDocument", within);
        CompletableFuture<Object> loaded = CompletableFuture.anyOf(load, within);
        Map<String, Object> r = send(session, "Page.navigate", Map.of("url", url));
        if (r.get("errorText") != null) {
            throw new AssertionError("chromium could not load " + url + ": " + r.get("errorText"));
        }
        try {
            loaded.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            awaitedEvents.remove("Page.loadEventFired", load);
            awaitedEvents.remove("Page.navigatedWithinDocument", within);
        } catch (TimeoutException e) {
            throw new AssertionError("chromium did not finish loading " + url + " within " + WAIT.toSeconds() + " s; the page is "
                    + evaluate("document.readyState + ' at ' + location.href + ': ' + (document.body ? document.body.innerText.substring(0, 500) : '')"));
        }
    }

    /** The value of a JavaScript expression in the page (a promise is awaited). */
    @SuppressWarnings("unchecked")
    public Object evaluate(String expression) throws Exception {
        Map<String, Object> r = send(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (r.get("exceptionDetails") != null) {
            throw new AssertionError("the page threw on " + expression + ": " + r.get("exceptionDetails"));
        }
        return ((Map<String, Object>) r.get("result")).get("value");
    }

    /**
     * Waits, in the page, until {@code condition} (a JavaScript expression) is true, looking again
     * whenever the page changes (a MutationObserver), for at most {@code seconds}; fails naming
     * {@code what} and the page's text.
     */
    public void awaitTrue(String what, String condition, int seconds) throws Exception {
        String js = "new Promise(function (done) {"
                + " function test() { try { return !!(" + condition + "); } catch (e) { return false; } }"
                + " if (test()) { done(true); return; }"
                + " var o = new MutationObserver(function () { if (test()) { o.disconnect(); done(true); } });"
                + " o.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});"
                + " setTimeout(function () { o.disconnect(); done(test()); }, " + seconds * 1000 + "); })";
        if (!Boolean.TRUE.equals(evaluate(js))) {
            Object text = evaluate("document.body ? document.body.innerText.substring(0, 2000) : ''");
            throw new AssertionError("the page did not show " + what + " within " + seconds + " s; it shows:\n" + text);
        }
    }

    /** A PNG of the page as it is shown now. */
    public byte[] screenshot() throws Exception {
        Map<String, Object> r = send(session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        return Base64.getDecoder().decode((String) r.get("data"));
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser goes anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a file the browser still writes: the temp folder is cleaned by the system
        }
    }

    /** Puts together a message that arrives in parts, and hands it to the owner. */
    private static final class Listener implements WebSocket.Listener {
        /** Set once, before the first request is sent; read on the WebSocket's thread (volatile for that). */
        volatile Chromium owner;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Chromium c = owner;
                if (c != null) {
                    c.received(text);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
