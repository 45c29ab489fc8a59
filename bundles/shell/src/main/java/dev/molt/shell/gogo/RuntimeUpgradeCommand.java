package dev.molt.shell.gogo;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.RuntimeUpgrade;

/**
 * {@code proc:upgrade-runtime <jar>} at the Gogo console: {@link RuntimeUpgrade} prints its report
 * line, or the one line that says what is wrong.
 *
 * <p>Gogo calls {@code _main} for a function name that is no method name ({@code upgrade-runtime}).
 */
@Component(service = Object.class, property = {"osgi.command.scope=proc", "osgi.command.function=upgrade-runtime"})
public final class RuntimeUpgradeCommand {

    private final RuntimeUpgrade upgrade;

    @Activate
    public RuntimeUpgradeCommand(BundleContext context) {
        this.upgrade = new RuntimeUpgrade(context);
    }

    @Descriptor(CommandHelp.UPGRADE_RUNTIME + "; usage: proc:upgrade-runtime <jar-url>")
    public void _main(@Descriptor("a jar of dev.molt.mailbox-service or dev.molt.process-api") Object... given) {
        Object[] args = given;
        if (args != null && args.length > 0 && String.valueOf(args[0]).endsWith("upgrade-runtime")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length); // _main gets the function's name first
        }
        if (args == null || args.length != 1) {
            System.err.println("error: give one jar; usage: proc:upgrade-runtime <jar-url>");
            return;
        }
        upgrade.run(String.valueOf(args[0]), System.out, System.err);
    }
}
