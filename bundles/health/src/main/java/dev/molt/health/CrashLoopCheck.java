package dev.molt.health;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.molt.api.admin.RuntimeInsight;

/** WARN, or CRITICAL, when a behaviour's processes crash that often within a minute. */
@Component(configurationPid = "dev.molt.health.crashes", property = {HealthCheck.NAME + "=Molt crash loops",
        HealthCheck.TAGS + "=" + HealthChecks.TAG, HealthCheck.MBEAN_NAME + "=moltCrashLoops"})
@Designate(ocd = CrashLoopCheck.Config.class)
public final class CrashLoopCheck implements HealthCheck {

    @ObjectClassDefinition(name = "Molt health: crash loops", description = "When the crashes of one behaviour's"
            + " processes within the last minute make the check WARN or CRITICAL.")
    public @interface Config {
        @AttributeDefinition(name = "Warn at", description = "Crashes of one behaviour within a minute that warn.")
        long warnCrashesPerMinute() default 3;

        @AttributeDefinition(name = "Critical at", description = "Crashes of one behaviour within a minute that are critical.")
        long criticalCrashesPerMinute() default 10;
    }

    private final RuntimeInsight insight;
    /** Volatile: a change SCR applies (@Modified, on its thread) is seen by the next execute (the executor's). */
    private volatile Config config;

    @Activate
    public CrashLoopCheck(@Reference RuntimeInsight insight, Config config) {
        this.insight = insight;
        this.config = config;
    }

    @Modified
    void modified(Config c) {
        config = c;
    }

    @Override
    public Result execute() {
        Config c = config;
        return HealthChecks.result(Checks.crashLoop(insight.behaviours(), c.warnCrashesPerMinute(), c.criticalCrashesPerMinute()));
    }
}
