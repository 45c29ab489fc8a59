package dev.molt.testkit.upgrade;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.molt.api.UpgradeReport;

/** The steps the runtime supports today: an atomic update and a rollback. */
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
