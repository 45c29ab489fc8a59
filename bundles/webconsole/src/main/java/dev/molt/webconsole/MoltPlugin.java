package dev.molt.webconsole;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.felix.webconsole.AbstractWebConsolePlugin;
import org.apache.felix.webconsole.WebConsoleConstants;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.admin.RuntimeInsight;

/**
 * The Web Console's "Molt" page ({@code /system/console/molt}). The page itself is a frame the
 * script {@code res/molt.js} fills from a small JSON API under {@code /system/console/molt/api/}
 * (the console's authentication covers both): {@code processes} (with the table's filters, sort and
 * page as parameters), {@code process?pid=}, {@code behaviours}, {@code upgrades}, {@code held},
 * {@code totals}; and, posted, {@code kill} and {@code retry} with {@code pid}. A request the
 * runtime refuses gets status 400 and {@code {"error": "one line"}}, and has changed nothing.
 *
 * <p>Thread rule: the servlet container's threads; it keeps no state between requests.
 */
@Component(service = Servlet.class, property = {
        WebConsoleConstants.PLUGIN_LABEL + "=" + MoltPlugin.LABEL,
        WebConsoleConstants.PLUGIN_TITLE + "=Molt",
        WebConsoleConstants.PLUGIN_CATEGORY + "=Molt"})
public final class MoltPlugin extends AbstractWebConsolePlugin {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "molt";

    private final transient ProcessRuntime runtime;
    private final transient Views views;

    @Activate
    public MoltPlugin(BundleContext context, @Reference ProcessRuntime runtime, @Reference RuntimeInsight insight) {
        this.runtime = runtime;
        this.views = new Views(runtime, insight);
        activate(context);
    }

    @Override
    public String getLabel() {
        return LABEL;
    }

    @Override
    public String getTitle() {
        return "Molt";
    }

    @Override
    public String getCategory() {
        return "Molt";
    }

    @Override
    protected String[] getCssReferences() {
        return new String[] {"/" + LABEL + "/res/molt.css"};
    }

    /** The console serves {@code /molt/res/...} from here (it looks this method up by name). */
    public URL getResource(String path) {
        String prefix = "/" + LABEL + "/res/";
        return path != null && path.startsWith(prefix) && !path.contains("..")
                ? MoltPlugin.class.getResource("/res/" + path.substring(prefix.length())) : null;
    }

    /** What follows {@code /molt} in the request's path. */
    private static String sub(HttpServletRequest req) {
        String info = req.getPathInfo();
        String prefix = "/" + LABEL;
        return info != null && info.startsWith(prefix) ? info.substring(prefix.length()) : "";
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws javax.servlet.ServletException, IOException {
        String path = sub(req);
        if (!path.startsWith("/api/")) {
            super.doGet(req, resp); // the page, or a resource
            return;
        }
        try {
            Object body = switch (path.substring("/api/".length())) {
                case "processes" -> views.processes(ProcessQuery.of(req::getParameter));
                case "process" -> {
                    Object one = views.process(pid(req));
                    if (one == null) {
                        throw new ProcessException("process " + req.getParameter("pid") + " is not alive; it may have"
                                + " ended since the list was shown");
                    }
                    yield one;
                }
                case "behaviours" -> views.behaviours();
                case "upgrades" -> views.upgrades();
                case "held" -> views.held();
                case "totals" -> views.totals();
                default -> null;
            };
            if (body == null) {
                json(resp, HttpServletResponse.SC_NOT_FOUND, java.util.Map.of("error", "no such view: " + path));
            } else {
                json(resp, HttpServletResponse.SC_OK, body);
            }
        } catch (ProcessException | IllegalArgumentException e) {
            json(resp, HttpServletResponse.SC_BAD_REQUEST, java.util.Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = sub(req);
        try {
            switch (path) {
                case "/api/kill" -> {
                    Pid pid = pid(req);
                    boolean was = runtime.kill(pid, "killed from the web console");
                    json(resp, HttpServletResponse.SC_OK, java.util.Map.of("ok", was, "message", was
                            ? "process " + pid.id() + " is ending" : "process " + pid.id() + " was not alive"));
                }
                case "/api/retry" -> {
                    Pid pid = pid(req);
                    views.retry(pid);
                    json(resp, HttpServletResponse.SC_OK, java.util.Map.of("ok", true, "message", "process " + pid.id()
                            + " tries its import again; it moves, or shows a new reason"));
                }
                default -> json(resp, HttpServletResponse.SC_NOT_FOUND, java.util.Map.of("error", "no such action: " + path));
            }
        } catch (ProcessException | IllegalArgumentException e) {
            json(resp, HttpServletResponse.SC_BAD_REQUEST, java.util.Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** The {@code pid} parameter, as a live process's pid (a number, {@code <n>}, or a registered name). */
    private Pid pid(HttpServletRequest req) {
        String p = req.getParameter("pid");
        if (p == null || p.isBlank()) {
            throw new IllegalArgumentException("no pid given: add pid=<number> to the request");
        }
        return runtime.resolve(p);
    }

    private static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(Json.write(body));
    }

    @Override
    protected void renderContent(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object root = req.getAttribute(WebConsoleConstants.ATTR_PLUGIN_ROOT);
        String pluginRoot = root == null ? "" : root.toString();
        PrintWriter w = resp.getWriter();
        w.println(Page.html(pluginRoot));
    }
}
