package dev.molt.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names the behaviour a Declarative Services component provides: the component gets the
 * service property {@value Behaviour#NAME} with this value.
 *
 * <pre>
 * {@literal @}Component(service = Behaviour.class)
 * {@literal @}MoltBehaviour("counter")
 * public final class Counter implements Behaviour&lt;Counter.State&gt; { ... }
 * </pre>
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MoltBehaviour {
    /** The behaviour's name: letters, digits, '.', '-' and '_'. */
    String value();
}
