package dev.molt.features.cluster.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.molt.api.Behaviour;
import dev.molt.api.Down;
import dev.molt.api.ExitSignal;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.cluster.Cluster;

/**
 * The cluster tests' behaviour, typed at from a node's console. It traps exits and keeps one line
 * per {@link Down} and exit signal it gets; {@code events} (a call) answers them.
 * <ul>
 * <li>{@code [monitor, PID]} monitors, {@code [link, PID]} links (PID a text such as {@code 3@n3});</li>
 * <li>{@code [pump, PID, SENDER, TOTAL, BATCH]} sends {@code [SENDER, 1]} .. {@code [SENDER, TOTAL]}
 * to PID, BATCH per turn with 1 ms between turns (so that sending lasts while something else
 * happens), and counts the sends that failed;</li>
 * <li>{@code [forward, PID, MESSAGE, MS]} (a call) calls PID and answers its reply, or the error's
 * first line;</li>
 * <li>{@code [global, NAME]} (a call) registers this process under a global name ({@code ok} or the
 * error); {@code [whereis, NAME]} (a call) answers the holder as {@code ID@NODE}, or {@code none}.</li>
 * </ul>
 */
@Component(service = Behaviour.class)
@MoltBehaviour("probe")
public final class Probe implements Behaviour<List<String>> {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Cluster cluster;

    @Override
    public List<String> init(ProcessContext context, Object argument) {
        context.trapExits(true);
        return new ArrayList<>();
    }

    @Override
    public List<String> handle(ProcessContext context, List<String> events, Object message) {
        if (message instanceof Down d) {
            events.add("down " + d.pid().text() + " " + d.reason().kind().name().toLowerCase());
        } else if (message instanceof ExitSignal e) {
            events.add("exit " + e.from().text() + " " + e.reason().kind().name().toLowerCase());
        } else if (message instanceof List<?> l && !l.isEmpty()) {
            String op = String.valueOf(l.get(0));
            switch (op) {
                case "monitor" -> context.monitor(pid(context, l.get(1)));
                case "link" -> context.link(pid(context, l.get(1)));
                case "pump" -> pump(context, events, l);
                case "forward" -> {
                    try {
                        context.reply(context.runtime().call(pid(context, l.get(1)), l.get(2),
                                Duration.ofMillis(((Number) l.get(3)).longValue())));
                    } catch (RuntimeException e) {
                        context.reply("failed: " + e.getMessage());
                    }
                }
                case "global" -> {
                    try {
                        cluster.registerGlobal(String.valueOf(l.get(1)), context.self());
                        context.reply("ok");
                    } catch (RuntimeException e) {
                        context.reply("failed: " + e.getMessage());
                    }
                }
                case "whereis" -> {
                    Cluster c = cluster;
                    context.reply(c.whereisGlobal(String.valueOf(l.get(1)))
                            .map(p -> p.isLocal() ? p.id() + "@" + c.localNode() : p.text()).orElse("none"));
                }
                default -> events.add("unknown " + op);
            }
        } else if ("events".equals(message)) {
            context.reply(List.copyOf(events));
        }
        return events;
    }

    private static Pid pid(ProcessContext context, Object text) {
        return context.runtime().resolve(String.valueOf(text));
    }

    private static void pump(ProcessContext context, List<String> events, List<?> l) {
        Pid to = pid(context, l.get(1));
        String sender = String.valueOf(l.get(2));
        long total = ((Number) l.get(3)).longValue();
        long batch = ((Number) l.get(4)).longValue();
        long from = l.size() > 5 ? ((Number) l.get(5)).longValue() : 1;
        long until = Math.min(total, from + batch - 1);
        for (long i = from; i <= until; i++) {
            try {
                context.runtime().send(to, List.of(sender, i));
            } catch (RuntimeException e) {
                events.add("send failed: " + e.getMessage());
            }
        }
        if (until < total) {
            context.sendSelfAfter(Duration.ofMillis(1), List.of("pump", l.get(1), sender, total, batch, until + 1));
        }
    }
}
