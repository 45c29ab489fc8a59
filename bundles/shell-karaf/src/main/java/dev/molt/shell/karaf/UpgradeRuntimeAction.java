package dev.molt.shell.karaf;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.RuntimeUpgrade;

/**
 * {@code proc:upgrade-runtime} in Karaf's shell: {@link RuntimeUpgrade}, as at the Gogo console. It
 * needs no runtime service injected (the runtime is what it replaces), only a bundle context.
 */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "upgrade-runtime", description = CommandHelp.UPGRADE_RUNTIME)
public final class UpgradeRuntimeAction implements Action {

    @Reference
    BundleContext context;

    @Argument(index = 0, name = "jar-url", required = true,
            description = "a jar of dev.molt.mailbox-service or dev.molt.process-api (a URL, mvn: too, or a file path)")
    String location;

    @Override
    public Object execute() {
        new RuntimeUpgrade(context).run(location, System.out, System.err);
        return null;
    }
}
