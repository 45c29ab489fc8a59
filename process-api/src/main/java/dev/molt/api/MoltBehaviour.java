package dev.molt.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names the behaviour a Declarative Services component provides: the component gets the service
 * property {@value Behaviour#NAME} with this value (and {@code importsFrom}), and the bundle's
 * manifest a capability in the
 * namespace {@value #NAMESPACE} that says which behaviour it provides and which versions it can
 * import state from, so that an upgrade can be checked before anything stops.
 *
 * <pre>
 * {@literal @}Component(service = Behaviour.class)
 * {@literal @}MoltBehaviour(value = "counter", importsFrom = "[1.0,3.0)")
 * public final class Counter implements Behaviour&lt;Counter.State&gt; { ... }
 * </pre>
 */
@ComponentPropertyType
@Capability(namespace = MoltBehaviour.NAMESPACE)
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MoltBehaviour {

    /** The manifest capability namespace of behaviours. */
    String NAMESPACE = "dev.molt.behaviour";

    /** The behaviour's name: letters, digits, '.', '-' and '_'. */
    @Attribute(NAMESPACE)
    String value();

    /**
     * The versions whose state this version can import, as an OSGi version range such as
     * {@code [1.0,3.0)}; empty (the default) for any.
     */
    @Attribute("importsFrom")
    String importsFrom() default "";
}
