package dev.molt.testkit.upgrade;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * The steps of a scenario, one per way code changes: an atomic update, a rolling upgrade, a canary
 * and its promotion, and a rollback. Each returns the reports it caused and how many processes
 * should have moved; the scenario checks the rest.
 */
public final class UpgradeSteps {

    private UpgradeSteps() {
    }

    /**
     * An atomic upgrade: {@code Bundle.update} from the jar at {@code url} (a {@code file:} URL,
     * such as {@code ClasspathBundles.find(name, version).url()} of a jar), as Gogo's
     * {@code update}, Karaf's {@code bundle:update} or FileInstall do; every process moves.
     */
    public static UpgradeStep update(String url) {
        return atomic("update from " + url, () -> new URL(url).openStream());
    }

    /** An atomic upgrade from a jar built in the test (see {@code TestBundles}). */
    public static UpgradeStep update(String what, byte[] jar) {
        return atomic("update to " + what, () -> new ByteArrayInputStream(jar));
    }

    private static UpgradeStep atomic(String description, Callable<InputStream> jar) {
        return new UpgradeStep() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Result perform(StepContext c) throws Exception {
                Set<String> before = c.reportsSoFar();
                try (InputStream in = jar.call()) {
                    c.bundle().update(in);
                }
                return new Result(List.of(c.awaitNewReport(before)), c.processes());
            }
        };
    }

    /**
     * A rolling upgrade ({@code ProcessRuntime.upgrade} with {@link UpgradeOptions#rolling()}, as
     * {@code proc:upgrade --rolling}): the jar at {@code url} installed beside the running bundle,
     * every process moved on its own turn while the others serve, the old bundle uninstalled.
     */
    public static UpgradeStep rolling(String url) {
        return beside("rolling upgrade from " + url, () -> url, UpgradeOptions.rolling(), null);
    }

    /** A rolling upgrade to a jar built in the test (see {@code TestBundles}). */
    public static UpgradeStep rolling(String what, byte[] jar) {
        return beside("rolling upgrade to " + what, () -> tempJar(jar), UpgradeOptions.rolling(), null);
    }

    /**
     * A canary ({@link UpgradeOptions#canary}, as {@code proc:upgrade --canary}): {@code selection}
     * ({@code "25%"} or a count) of the processes move to the jar at {@code url} and the rest stay;
     * follow it with {@link #promote()}. (A canary by name glob is not a step here: the kit could not
     * say how many should move.)
     */
    public static UpgradeStep canary(String url, String selection) {
        return beside("canary (" + selection + ") from " + url, () -> url, UpgradeOptions.canary(selection), selection);
    }

    /** A canary to a jar built in the test. */
    public static UpgradeStep canary(String what, byte[] jar, String selection) {
        return beside("canary (" + selection + ") to " + what, () -> tempJar(jar), UpgradeOptions.canary(selection), selection);
    }

    /** {@code ProcessRuntime.promote}: the canary's remaining processes move, and the old bundle goes. */
    public static UpgradeStep promote() {
        return new UpgradeStep() {
            @Override
            public String describe() {
                return "promote";
            }

            @Override
            public Result perform(StepContext c) {
                // The canary's record goes on: it counts the share that moved first and the rest,
                // so every process of the behaviour.
                UpgradeReport r = c.runtime().promote(c.behaviour());
                return new Result(List.of(r), c.processes());
            }
        };
    }

    private static UpgradeStep beside(String description, Callable<String> location, UpgradeOptions options, String canary) {
        return new UpgradeStep() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Result perform(StepContext c) throws Exception {
                UpgradeReport r = c.runtime().upgrade(c.behaviour(), location.call(), options);
                return new Result(List.of(r), canary == null ? c.processes() : canaryShare(canary, c.processes()));
            }
        };
    }

    /** How many of {@code processes} a canary of {@code selection} moves: N% rounded up, or N. */
    static int canaryShare(String selection, int processes) {
        String s = selection.strip();
        if (s.endsWith("%")) {
            return (int) Math.min(processes, Math.ceil(processes * Double.parseDouble(s.substring(0, s.length() - 1)) / 100.0));
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return (int) Math.min(processes, Long.parseLong(s));
        }
        throw new IllegalArgumentException("a canary step takes a share such as 25% or a count such as 3, not '"
                + selection + "'");
    }

    /** The jar in a temp file (deleted when the JVM ends), as the location an upgrade reads. */
    private static String tempJar(byte[] jar) throws java.io.IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("molt-kit-", ".jar");
        f.toFile().deleteOnExit();
        java.nio.file.Files.write(f, jar);
        return f.toUri().toString();
    }

    /** {@code ProcessRuntime.rollback}: back to the version that ran before, from the runtime's kept copy. */
    public static UpgradeStep rollback() {
        return new UpgradeStep() {
            @Override
            public String describe() {
                return "rollback";
            }

            @Override
            public Result perform(StepContext c) {
                UpgradeReport r = c.runtime().rollback(c.behaviour());
                return new Result(List.of(r), c.processes());
            }
        };
    }
}
