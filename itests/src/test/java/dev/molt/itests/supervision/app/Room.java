package dev.molt.itests.supervision.app;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessContext;

/** The application bundle's own behaviour: counts messages; {@code "get"} replies the count. */
@Component(service = Behaviour.class)
@MoltBehaviour("app.room")
public final class Room implements Behaviour<Long> {

    @Override
    public Long init(ProcessContext ctx, Object argument) {
        ctx.runtime().whereis("journal").ifPresent(j -> ctx.runtime().send(j, List.of("start", "room", ctx.version())));
        return 0L;
    }

    @Override
    public Long handle(ProcessContext ctx, Long count, Object message) {
        if ("get".equals(message) && ctx.isCall()) {
            ctx.reply(count);
            return count;
        }
        return count + 1;
    }

    @Override
    public void terminate(ProcessContext ctx, Long count, ExitReason reason) {
        ctx.runtime().whereis("journal").ifPresent(j -> ctx.runtime().send(j, List.of("stop", "room", reason.kind().name())));
    }
}
