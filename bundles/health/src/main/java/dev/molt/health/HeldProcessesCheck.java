package dev.molt.health;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.ProcessRuntime;

/** WARN while an upgrade holds a process (a failed migration, a handler past the upgrade timeout). */
@Component(property = {HealthCheck.NAME + "=Molt held processes", HealthCheck.TAGS + "=" + HealthChecks.TAG,
        HealthCheck.MBEAN_NAME + "=moltHeldProcesses"})
public final class HeldProcessesCheck implements HealthCheck {

    private final ProcessRuntime runtime;

    @Activate
    public HeldProcessesCheck(@Reference ProcessRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Result execute() {
        return HealthChecks.result(Checks.held(runtime.processes()));
    }
}
