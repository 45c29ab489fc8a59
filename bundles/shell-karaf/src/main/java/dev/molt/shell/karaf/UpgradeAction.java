package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.ShellOption;

/** {@code proc:upgrade} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "upgrade", description = CommandHelp.UPGRADE)
public final class UpgradeAction extends ProcessAction {

    @Option(name = "--rolling", description = ShellOption.ROLLING_HELP)
    boolean rolling;

    @Option(name = "--canary", description = ShellOption.CANARY_HELP)
    String canary;

    @Option(name = "--keep-old", description = ShellOption.KEEP_OLD_HELP)
    boolean keepOld;

    @Option(name = "--cluster", description = ShellOption.CLUSTER_HELP)
    boolean clusterWide;

    @Argument(index = 0, name = "behaviour", required = true, description = "the behaviour, or the id of its bundle")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    @Argument(index = 1, name = "jar-url", required = true, description = "where the new version's jar is (a URL or a file path)")
    String location;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(behaviour, location);
    }

    @Override
    Map<ShellOption, Object> karafOptions() {
        Map<ShellOption, Object> options = new LinkedHashMap<>();
        options.put(ShellOption.ROLLING, rolling ? Boolean.TRUE : null);
        options.put(ShellOption.CANARY, canary);
        options.put(ShellOption.KEEP_OLD, keepOld ? Boolean.TRUE : null);
        options.put(ShellOption.CLUSTER, clusterWide ? Boolean.TRUE : null);
        return options;
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.UPGRADE;
    }
}
