package ${package};

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.molt.api.Behaviour;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessContext;
import dev.molt.api.Struct;

/**
 * ${behaviourName} 2.0.0: as 1.0.0, but the count of posts is now called {@code messages}, and
 * the call {@code "summary"} answers the topic with the count. The running rooms keep their
 * counts through the upgrade: {@link #importState} renames the field.
 */
@Component(service = Behaviour.class)
@MoltBehaviour("${behaviourName}")
public final class Chatroom implements Behaviour<Chatroom.State> {

    /**
     * @param topic      what the room is about
     * @param messages   posts received (1.0.0 called it {@code posts})
     * @param lastSeq    per sender, the number of the last post
     * @param outOfOrder posts whose number did not follow the sender's previous one
     */
    public record State(String topic, long messages, Map<String, Long> lastSeq, long outOfOrder) {
    }

    @Override
    public State init(ProcessContext context, Object argument) {
        return new State(argument == null ? "" : String.valueOf(argument), 0, new HashMap<>(), 0);
    }

    @Override
    public State handle(ProcessContext context, State s, Object message) {
        if (message instanceof List<?> post && post.size() == 2 && post.get(1) instanceof Number seq) {
            Map<String, Long> lastSeq = new HashMap<>(s.lastSeq());
            Long last = lastSeq.put(String.valueOf(post.get(0)), seq.longValue());
            boolean inOrder = seq.longValue() == (last == null ? 1 : last + 1);
            return new State(s.topic(), s.messages() + 1, lastSeq, s.outOfOrder() + (inOrder ? 0 : 1));
        }
        String m = String.valueOf(message);
        if (m.startsWith("topic:")) {
            return new State(m.substring("topic:".length()), s.messages(), s.lastSeq(), s.outOfOrder());
        }
        switch (m) {
            case "count" -> context.reply(s.messages());
            case "topic" -> context.reply(s.topic());
            case "summary" -> context.reply(s.topic() + ": " + s.messages() + " messages");
            case "version" -> context.reply(context.version());
            default -> {
                if (context.isCall()) {
                    context.replyLater().fail("${behaviourName} does not understand " + m
                            + "; send [sender, seq] or topic:TEXT, call count, topic, summary or version");
                }
            }
        }
        return s;
    }

    /**
     * From 1.x: the field was called {@code posts}. (The default migration copies fields by name,
     * so without this a renamed field would arrive as 0.)
     */
    @Override
    public State importState(ProcessContext context, String fromVersion, Object neutral) {
        Object data = neutral;
        if (fromVersion.startsWith("1.") && neutral instanceof Struct s) {
            data = s.rename("posts", "messages");
        }
        return context.fromNeutral(data, State.class);
    }
}
