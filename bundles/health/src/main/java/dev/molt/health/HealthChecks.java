package dev.molt.health;

import org.apache.felix.hc.api.Result;

/** Turns a {@link Finding} into the Felix Health Checks' {@link Result}. */
final class HealthChecks {

    /** The tag every Molt check carries: {@code hc:exec molt}, or the executor's tag selector. */
    static final String TAG = "molt";

    private HealthChecks() {
    }

    static Result result(Finding f) {
        Result.Status s = switch (f.level()) {
            case OK -> Result.Status.OK;
            case WARN -> Result.Status.WARN;
            case CRITICAL -> Result.Status.CRITICAL;
        };
        return new Result(s, f.reason());
    }
}
