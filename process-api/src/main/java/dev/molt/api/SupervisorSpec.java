package dev.molt.api;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a supervisor does (OTP's supervisor flags and child specifications): its strategy, its
 * restart intensity, and its children in start order. Neutral data, like {@link ChildSpec}.
 *
 * <p>Children start in list order and stop in reverse order. When more than {@code intensity}
 * restarts happen within {@code period}, the supervisor stops its children and ends with an error
 * exit, and its own supervisor (or whoever monitors or links it) decides what follows.
 *
 * <p>A restarted child is a new process (a new pid; its registered name, if any, again) of the
 * version of its behaviour that serves new processes then: the newest, except while a canary of
 * that behaviour runs, when new processes get the canary's old version.
 *
 * @param strategy  which children restart when one ends
 * @param intensity how many restarts are allowed within {@code period} (0: none)
 * @param period    the window of {@code intensity}
 * @param children  the children in start order; for {@link Strategy#SIMPLE_ONE_FOR_ONE}, exactly
 *                  one, the template of every child added with {@link Supervisors#startChild(Pid, Object)}
 */
public record SupervisorSpec(Strategy strategy, int intensity, Duration period, List<ChildSpec> children) {

    /** OTP's restart strategies. */
    public enum Strategy {
        /** Only the child that ended restarts. */
        ONE_FOR_ONE,
        /** Every child stops (in reverse order) and all start again (in order). */
        ONE_FOR_ALL,
        /** The children started after the one that ended stop (in reverse order), then it and they start again. */
        REST_FOR_ONE,
        /** Children of one template, added at run time; each restarts alone. */
        SIMPLE_ONE_FOR_ONE
    }

    /** OTP's default restart intensity: 1 restart in 5 seconds. */
    public static final int DEFAULT_INTENSITY = 1;
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    public SupervisorSpec {
        if (strategy == null) {
            throw new IllegalArgumentException("a supervisor needs a strategy: ONE_FOR_ONE, ONE_FOR_ALL, REST_FOR_ONE"
                    + " or SIMPLE_ONE_FOR_ONE");
        }
        if (intensity < 0) {
            throw new IllegalArgumentException("restart intensity must be 0 or more, got " + intensity);
        }
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("restart period must be positive, got " + period);
        }
        children = children == null ? List.of() : List.copyOf(children);
        Set<String> ids = new HashSet<>();
        for (ChildSpec c : children) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("two children have the id '" + c.id() + "'; give each child its own id");
            }
        }
        if (strategy == Strategy.SIMPLE_ONE_FOR_ONE && children.size() != 1) {
            throw new IllegalArgumentException("a simple_one_for_one supervisor has exactly one child spec, the template of"
                    + " its dynamic children; got " + children.size());
        }
    }

    public static SupervisorSpec oneForOne(ChildSpec... children) {
        return new SupervisorSpec(Strategy.ONE_FOR_ONE, DEFAULT_INTENSITY, DEFAULT_PERIOD, List.of(children));
    }

    public static SupervisorSpec oneForAll(ChildSpec... children) {
        return new SupervisorSpec(Strategy.ONE_FOR_ALL, DEFAULT_INTENSITY, DEFAULT_PERIOD, List.of(children));
    }

    public static SupervisorSpec restForOne(ChildSpec... children) {
        return new SupervisorSpec(Strategy.REST_FOR_ONE, DEFAULT_INTENSITY, DEFAULT_PERIOD, List.of(children));
    }

    /** Dynamic children of {@code template}, added with {@link Supervisors#startChild(Pid, Object)}. */
    public static SupervisorSpec simpleOneForOne(ChildSpec template) {
        return new SupervisorSpec(Strategy.SIMPLE_ONE_FOR_ONE, DEFAULT_INTENSITY, DEFAULT_PERIOD, List.of(template));
    }

    /** The same supervisor allowing at most {@code restarts} restarts within {@code within}. */
    public SupervisorSpec withIntensity(int restarts, Duration within) {
        return new SupervisorSpec(strategy, restarts, within, children);
    }
}
