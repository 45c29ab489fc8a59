package dev.molt.health;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.ProcessRuntime;

/** CRITICAL while a behaviour has processes but no version registered (its bundle stopped, an update stuck). */
@Component(property = {HealthCheck.NAME + "=Molt behaviours without code", HealthCheck.TAGS + "=" + HealthChecks.TAG,
        HealthCheck.MBEAN_NAME + "=moltBehavioursWithoutCode"})
public final class WithoutCodeCheck implements HealthCheck {

    private final ProcessRuntime runtime;

    @Activate
    public WithoutCodeCheck(@Reference ProcessRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Result execute() {
        return HealthChecks.result(Checks.withoutCode(runtime.behaviours()));
    }
}
