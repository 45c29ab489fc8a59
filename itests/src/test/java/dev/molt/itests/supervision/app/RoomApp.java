package dev.molt.itests.supervision.app;

import dev.molt.api.Application;
import dev.molt.api.ChildSpec;
import dev.molt.api.SupervisorSpec;

/** The tree the fixture application bundle declares: a worker, a room of its own, another worker. */
public final class RoomApp implements Application {

    @Override
    public SupervisorSpec supervisor() {
        return SupervisorSpec.oneForOne(ChildSpec.worker("w1", "sup.worker", "w1"),
                ChildSpec.worker("room", "app.room", "room").withName("the-room"),
                ChildSpec.worker("w2", "sup.worker", "w2"));
    }
}
