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
 * ${behaviourName} 1.0.0: one process per room; it counts the posts it gets.
 *
 * <p>Messages: {@code [sender, seq]} is a post by {@code sender}, numbered from 1 per sender (the
 * Molt test kit sends these, and checks each sender's order); {@code "topic:TEXT"} sets the topic.
 * Calls: {@code "count"} answers the number of posts, {@code "topic"} the topic, {@code "version"}
 * the version of the code that answers.
 */
@Component(service = Behaviour.class)
@MoltBehaviour("${behaviourName}")
public final class Chatroom implements Behaviour<Chatroom.State> {

    /**
     * State that crosses versions: a record of plain data. Version 2.0.0 renames {@code posts}.
     *
     * @param topic      what the room is about (its spawn argument)
     * @param posts      posts received
     * @param lastSeq    per sender, the number of the last post
     * @param outOfOrder posts whose number did not follow the sender's previous one
     */
    public record State(String topic, long posts, Map<String, Long> lastSeq, long outOfOrder) {
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
            return new State(s.topic(), s.posts() + 1, lastSeq, s.outOfOrder() + (inOrder ? 0 : 1));
        }
        String m = String.valueOf(message);
        if (m.startsWith("topic:")) {
            return new State(m.substring("topic:".length()), s.posts(), s.lastSeq(), s.outOfOrder());
        }
        switch (m) {
            case "count" -> context.reply(s.posts());
            case "topic" -> context.reply(s.topic());
            case "version" -> context.reply(context.version());
            default -> {
                if (context.isCall()) {
                    context.replyLater().fail("${behaviourName} does not understand " + m
                            + "; send [sender, seq] or topic:TEXT, call count, topic or version");
                }
            }
        }
        return s;
    }

    /**
     * From 2.x, after a rollback: 2.0.0 calls the field {@code messages}. The old version can read
     * the new state because this method was written when 2.0.0 was; a version already deployed
     * cannot learn it, and its default migration would leave {@code posts} at 0.
     */
    @Override
    public State importState(ProcessContext context, String fromVersion, Object neutral) {
        Object data = neutral;
        if (neutral instanceof Struct s && s.fields().containsKey("messages")) {
            data = s.rename("messages", "posts");
        }
        return context.fromNeutral(data, State.class);
    }
}
