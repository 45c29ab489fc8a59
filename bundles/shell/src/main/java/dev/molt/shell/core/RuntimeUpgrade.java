package dev.molt.shell.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * What {@code proc:upgrade-runtime <jar>} does, in either console: updates the Molt runtime bundle,
 * or process-api (then refreshed), from a jar, and gives the hand-over as a behaviour upgrade's
 * report: the processes handed over and the longest pause (what the new runtime puts on its
 * service). An API jar whose {@code dev.molt.api} is not a compatible version (another major, or
 * older) is refused before anything stops.
 *
 * <p>The console's bundle imports the API, so a refresh of it restarts that bundle while the
 * command runs: everything here goes through the system bundle's context, and uses no class it has
 * not loaded before the update.
 *
 * <p>Thread rule: one command's thread; nothing is shared between commands.
 */
public final class RuntimeUpgrade {

    private static final String API_PACKAGE = "dev.molt.api";
    private static final String RUNTIME_SERVICE = "dev.molt.api.ProcessRuntime";
    private static final long WAIT_MS = 60_000;

    private final BundleContext system;

    /** Works through the system bundle's context of the framework {@code anyContext} belongs to. */
    public RuntimeUpgrade(BundleContext anyContext) {
        this.system = anyContext.getBundle(0).getBundleContext();
    }

    /** Runs {@link #upgrade} and prints its report line to {@code out}, or the one line of what went wrong to {@code err}. */
    public void run(String location, PrintStream out, PrintStream err) {
        try {
            out.println(upgrade(location));
        } catch (IllegalArgumentException | IllegalStateException | IOException | BundleException e) {
            err.println("error: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted; the update goes on, see the log");
        }
    }

    /**
     * Updates the runtime or process-api from the jar at {@code location} (a path or a URL) and
     * returns the report line; bad input throws {@link IllegalArgumentException} with the line to
     * print, before anything changes.
     */
    public String upgrade(String location) throws IOException, BundleException, InterruptedException {
        byte[] jar = read(location);
        Manifest mf;
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            mf = in.getManifest();
        }
        if (mf == null || mf.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
            throw new IllegalArgumentException(location + " is no bundle (no Bundle-SymbolicName); give a jar of the runtime or of process-api");
        }
        String bsn = mf.getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].strip();
        ServiceReference<?> current = runtimeService();
        Bundle runtime = current != null ? current.getBundle() : waitingRuntime(bsn);
        if (runtime == null) {
            throw new IllegalStateException("no Molt runtime runs now; start dev.molt.mailbox-service (or upgrade it with a"
                    + " jar that resolves) first");
        }
        Bundle api = apiBundle();
        if (bsn.equals(runtime.getSymbolicName())) {
            String from = runtime.getVersion().toString();
            try (InputStream in = new java.io.ByteArrayInputStream(jar)) {
                runtime.update(in);
                if (current == null) {
                    runtime.start(); // it waited INSTALLED after a jar that did not resolve: an update leaves it so
                }
            } catch (BundleException e) {
                String why = String.valueOf(e.getMessage()).replace('\n', ' ');
                if (runtime.getState() == Bundle.INSTALLED) {
                    throw new IllegalStateException("the new runtime " + runtime.getVersion() + " did not start: "
                            + why + ". Every process waits, its messages kept: upgrade"
                            + " the runtime again with a jar that resolves (or the one it ran before)");
                }
                throw new IllegalStateException("the update of the runtime failed: " + why + "; see the log");
            }
            ServiceReference<?> next = awaitNewRuntime(current);
            return "runtime " + from + " -> " + runtime.getVersion() + ": " + report(next);
        }
        if (current == null) {
            throw new IllegalStateException("no Molt runtime runs now; start dev.molt.mailbox-service (or upgrade it with a"
                    + " jar that resolves) first");
        }
        if (api != null && bsn.equals(api.getSymbolicName())) {
            Version now = exportedVersion(api.getHeaders().get("Export-Package"));
            Version offered = exportedVersion(mf.getMainAttributes().getValue("Export-Package"));
            if (offered == null) {
                throw new IllegalArgumentException(location + " exports no " + API_PACKAGE + "; nothing changed");
            }
            if (now != null && (offered.getMajor() != now.getMajor() || offered.compareTo(now) < 0)) {
                throw new IllegalArgumentException(location + " exports " + API_PACKAGE + " " + offered + ", which is not"
                        + " compatible with " + now + " (processes cross only a newer minor or micro version of the"
                        + " same major); nothing changed");
            }
            try (InputStream in = new java.io.ByteArrayInputStream(jar)) {
                api.update(in);
            }
            CountDownLatch refreshed = new CountDownLatch(1);
            system.getBundle().adapt(FrameworkWiring.class).refreshBundles(List.of(api), new RefreshListener(refreshed));
            if (!refreshed.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the refresh of process-api did not end in " + WAIT_MS / 1000 + " s; see the log");
            }
            ServiceReference<?> next = awaitNewRuntime(current);
            return "process-api " + now + " -> " + offered + ": " + report(next);
        }
        throw new IllegalArgumentException(location + " is bundle " + bsn + ", neither the runtime ("
                + runtime.getSymbolicName() + ") nor process-api; upgrade a behaviour with proc:upgrade");
    }

    /** A FrameworkListener class of its own (not a lambda), loaded with this one. */
    private static final class RefreshListener implements org.osgi.framework.FrameworkListener {
        private final CountDownLatch done;

        RefreshListener(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public void frameworkEvent(FrameworkEvent event) {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        }
    }

    private static byte[] read(String location) throws IOException {
        Path p = location.contains(":") && !location.matches("^[A-Za-z]:\\\\.*") ? null : Paths.get(location);
        if (p != null) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no file " + location + "; give a jar's path or URL");
            }
            return Files.readAllBytes(p);
        }
        try (InputStream in = new URL(location).openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + location + ": " + e.getMessage());
        }
    }

    private ServiceReference<?> runtimeService() {
        try {
            ServiceReference<?>[] refs = system.getAllServiceReferences(RUNTIME_SERVICE, null);
            return refs == null || refs.length == 0 ? null : refs[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The runtime bundle named {@code bsn} when it runs no service but its processes wait for a next
     * revision (a hand-over offered in the system bundle's registry, under the runtime's property
     * {@code molt.handover}): an update to a jar that did not resolve left it so. Null otherwise.
     */
    private Bundle waitingRuntime(String bsn) {
        try {
            ServiceReference<?>[] offered = system.getAllServiceReferences(java.util.Map.class.getName(),
                    "(molt.handover=" + bsn + ")");
            if (offered == null || offered.length == 0) {
                return null;
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("no bundle name: " + bsn);
        }
        for (Bundle b : system.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        return null;
    }

    private Bundle apiBundle() {
        for (Bundle b : system.getBundles()) {
            Object exports = b.getHeaders().get("Export-Package");
            if (exports != null && exportedVersion(exports.toString()) != null) {
                return b;
            }
        }
        return null;
    }

    /** The version {@code dev.molt.api} is exported at in an Export-Package header, or null. */
    static Version exportedVersion(String exportPackage) {
        if (exportPackage == null) {
            return null;
        }
        String h = exportPackage.replace("\r", "").replace("\n", "");
        int at = 0;
        while ((at = h.indexOf(API_PACKAGE, at)) >= 0) {
            int end = at + API_PACKAGE.length();
            boolean whole = (at == 0 || h.charAt(at - 1) == ',' || h.charAt(at - 1) == ' ')
                    && end < h.length() && (h.charAt(end) == ';' || h.charAt(end) == ',');
            if (whole) {
                int v = h.indexOf("version=", end);
                int next = h.indexOf(API_PACKAGE, end);
                if (v >= 0 && (next < 0 || v < next)) {
                    String s = h.substring(v + "version=".length()).replaceFirst("^\"", "");
                    return Version.parseVersion(s.replaceFirst("[\";,].*$", ""));
                }
                return Version.emptyVersion;
            }
            at = end;
        }
        return null;
    }

    private ServiceReference<?> awaitNewRuntime(ServiceReference<?> before) throws InterruptedException {
        Object oldId = before == null ? null : before.getProperty("service.id");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            ServiceReference<?> now = runtimeService();
            if (now != null && !now.getProperty("service.id").equals(oldId)) {
                return now;
            }
            Thread.sleep(20); // polling the registry: a listener of this bundle would go with a refresh of it
        }
        throw new IllegalStateException("the new runtime did not start within " + WAIT_MS / 1000 + " s; see the log");
    }

    private static String report(ServiceReference<?> next) {
        Object n = next.getProperty("molt.handover.processes");
        Object pause = next.getProperty("molt.handover.longestPauseMillis");
        if (n == null) {
            return "the new runtime took over no processes (see the log: the hand-over was refused)";
        }
        return n + " processes handed over, longest pause " + String.format(java.util.Locale.ROOT, "%.1f",
                ((Number) pause).doubleValue()) + " ms";
    }
}
