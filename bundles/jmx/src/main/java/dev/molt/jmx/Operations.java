package dev.molt.jmx;

import java.util.Locale;
import java.util.function.Supplier;

import dev.molt.api.ProcessException;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.admin.RuntimeInsight;

/**
 * What the MBeans' operations do, in one place: the runtime's calls, with the runtime's one-line
 * errors handed to the JMX client as {@link IllegalArgumentException}s (a JDK type: a client such
 * as jconsole has no Molt classes).
 */
final class Operations {

    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;

    Operations(ProcessRuntime runtime, RuntimeInsight insight) {
        this.runtime = runtime;
        this.insight = insight;
    }

    String upgrade(String behaviour, String jarUrl, String mode, String canary) {
        UpgradeOptions options = guard(() -> options(mode, canary));
        return guard(() -> runtime.upgrade(behaviour, jarUrl, options).summary());
    }

    String rollback(String behaviour) {
        return guard(() -> runtime.rollback(behaviour).summary());
    }

    String promote(String behaviour) {
        return guard(() -> runtime.promote(behaviour).summary());
    }

    String abort(String behaviour) {
        return guard(() -> runtime.abort(behaviour).summary());
    }

    boolean kill(String pidOrName, String reason) {
        return guard(() -> runtime.kill(runtime.resolve(pidOrName), reason));
    }

    void retry(String pidOrName) {
        guard(() -> {
            insight.retry(runtime.resolve(pidOrName));
            return null;
        });
    }

    /** atomic, rolling or canary (any case); a canary needs its selection. */
    static UpgradeOptions options(String mode, String canary) {
        String m = mode == null || mode.isBlank() ? "atomic" : mode.strip().toLowerCase(Locale.ROOT);
        String selection = canary == null || canary.isBlank() ? null : canary.strip();
        UpgradeMode parsed;
        try {
            parsed = UpgradeMode.valueOf(m.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown upgrade mode '" + mode + "': give atomic, rolling or canary");
        }
        return new UpgradeOptions(parsed, parsed == UpgradeMode.CANARY ? selection : null, false);
    }

    static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (ProcessException | IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
