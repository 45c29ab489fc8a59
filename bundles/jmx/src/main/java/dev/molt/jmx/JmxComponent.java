package dev.molt.jmx;

import java.util.HashSet;
import java.util.Set;

import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.admin.RuntimeInsight;

/**
 * Registers Molt's MBeans: {@code dev.molt:type=Runtime}, {@code dev.molt:type=UpgradeHistory}, and
 * {@code dev.molt:type=Behaviour,name=...} for every behaviour the runtime knows. A behaviour that
 * appears later gets its MBean when its service registers (the name is taken from the service, so it
 * does not matter whether the runtime has seen the service yet); behaviours are never forgotten by the
 * runtime, so their MBeans stay until this component goes.
 *
 * <p>Thread rule: activation and deactivation on SCR's thread, {@link #serviceChanged} on the
 * framework's; the MBeans and the registrar are guarded by this object's monitor.
 */
@Component(service = {}, configurationPid = JmxComponent.PID, immediate = true)
@Designate(ocd = JmxComponent.Config.class)
public final class JmxComponent implements ServiceListener {

    public static final String PID = "dev.molt.jmx";
    static final String DOMAIN = "dev.molt";

    @ObjectClassDefinition(name = "Molt JMX", description = "How Molt's MBeans are registered.")
    public @interface Config {
        @AttributeDefinition(name = "Registration", description = "platform: in the JVM's platform MBeanServer (plain"
                + " Felix); whiteboard: as OSGi services with jmx.objectname, for a JMX whiteboard (Karaf's management"
                + " feature), which registers them in its MBeanServer.",
                options = {@Option(label = "platform MBeanServer", value = "platform"),
                           @Option(label = "JMX whiteboard (Karaf)", value = "whiteboard")})
        String registration() default "platform";
    }

    private final BundleContext context;
    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;
    private final Operations ops;
    private final MBeanRegistrar registrar;
    private final Set<String> behaviours = new HashSet<>();

    @Activate
    public JmxComponent(BundleContext context, Config config, @Reference ProcessRuntime runtime,
                        @Reference RuntimeInsight insight) throws InvalidSyntaxException {
        this.context = context;
        this.runtime = runtime;
        this.insight = insight;
        this.ops = new Operations(runtime, insight);
        this.registrar = "whiteboard".equalsIgnoreCase(config.registration().strip()) ? MBeanRegistrar.whiteboard(context)
                : MBeanRegistrar.platform();
        synchronized (this) {
            register(name("type=Runtime"), new RuntimeBean(runtime, insight, ops), RuntimeMBean.class);
            register(name("type=UpgradeHistory"), new UpgradeHistoryBean(runtime, insight), UpgradeHistoryMBean.class);
        }
        context.addServiceListener(this, "(objectClass=" + Behaviour.class.getName() + ")");
        for (BehaviourInfo b : runtime.behaviours()) {
            behaviour(b.name());
        }
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED && event.getServiceReference().getProperty(Behaviour.NAME) instanceof String n) {
            behaviour(n);
        }
    }

    private synchronized void behaviour(String name) {
        if (behaviours.add(name)) {
            register(behaviourName(name), new BehaviourBean(name, runtime, insight, ops), BehaviourMBean.class);
        }
    }

    static ObjectName behaviourName(String behaviour) {
        return name("type=Behaviour,name=" + (behaviour.matches("[\\p{L}\\p{N}_.\\-]+") ? behaviour : ObjectName.quote(behaviour)));
    }

    private static ObjectName name(String keys) {
        try {
            return new ObjectName(DOMAIN + ":" + keys);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(keys + " makes no MBean name: " + e.getMessage(), e);
        }
    }

    private <T> void register(ObjectName name, T bean, Class<T> type) {
        try {
            registrar.register(name, new StandardMBean(bean, type));
        } catch (NotCompliantMBeanException e) {
            throw new IllegalStateException(type.getName() + " is not an MBean interface: " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(this);
        synchronized (this) {
            registrar.close();
            behaviours.clear();
        }
    }
}
