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

/** WARN, or CRITICAL, when a process has that many messages waiting. */
@Component(configurationPid = "dev.molt.health.mailbox", property = {HealthCheck.NAME + "=Molt mailbox depth",
        HealthCheck.TAGS + "=" + HealthChecks.TAG, HealthCheck.MBEAN_NAME + "=moltMailboxDepth"})
@Designate(ocd = MailboxDepthCheck.Config.class)
public final class MailboxDepthCheck implements HealthCheck {

    @ObjectClassDefinition(name = "Molt health: mailbox depth", description = "When a process's waiting messages make"
            + " the check WARN or CRITICAL.")
    public @interface Config {
        @AttributeDefinition(name = "Warn at", description = "Messages waiting in one mailbox that warn.")
        long warnDepth() default 10_000;

        @AttributeDefinition(name = "Critical at", description = "Messages waiting in one mailbox that are critical.")
        long criticalDepth() default 100_000;
    }

    private final RuntimeInsight insight;
    /** Volatile: a change SCR applies (@Modified, on its thread) is seen by the next execute (the executor's). */
    private volatile Config config;

    @Activate
    public MailboxDepthCheck(@Reference RuntimeInsight insight, Config config) {
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
        return HealthChecks.result(Checks.mailboxDepth(insight.behaviours(), c.warnDepth(), c.criticalDepth()));
    }
}
