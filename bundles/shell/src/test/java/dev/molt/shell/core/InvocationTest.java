package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.Test;

public class InvocationTest {

    private static Invocation parse(CommandSyntax syntax, String... words) {
        return Invocation.parse(syntax, Arrays.stream(words).map(Argument::typed).toList());
    }

    private static String error(CommandSyntax syntax, String... words) {
        return assertThrows(IllegalArgumentException.class, () -> parse(syntax, words)).getMessage();
    }

    @Test
    public void optionsMayStandAnywhere() {
        Invocation in = parse(CommandSyntax.SPAWN, "counter", "--name", "c1", "10");
        assertEquals(2, in.size());
        assertEquals("c1", in.option(ShellOption.NAME).text());
        assertEquals("c1", parse(CommandSyntax.SPAWN, "--name=c1", "counter").option(ShellOption.NAME).text());
        assertNull(parse(CommandSyntax.SPAWN, "counter").option(ShellOption.NAME));
        assertEquals(List.of("--name"), parse(CommandSyntax.SEND, "c1", "--", "--name").arguments().subList(1, 2)
                .stream().map(Argument::text).toList());
    }

    @Test
    public void anOptionWithoutItsValueSaysSo() {
        assertEquals("--name needs a value: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]",
                error(CommandSyntax.SPAWN, "counter", "--name"));
        assertEquals("--name needs a value: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]",
                error(CommandSyntax.SPAWN, "counter", "--name", "--timeout", "1"));
    }

    @Test
    public void anUnknownOptionIsNamedWithTheValidOnes() {
        assertEquals("unknown option --nmae: the options of proc:spawn are --name NAME, --node NODE; "
                + "usage: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]", error(CommandSyntax.SPAWN, "counter", "--nmae", "x"));
        assertEquals("unknown option --name: proc:send takes no options; usage: proc:send <pid|name> <message>",
                error(CommandSyntax.SEND, "c1", "--name", "x"));
        assertEquals("--name is given twice: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]",
                error(CommandSyntax.SPAWN, "counter", "--name", "a", "--name", "b"));
    }

    @Test
    public void argumentsAreCounted() {
        assertEquals("missing argument: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]", error(CommandSyntax.SPAWN));
        assertEquals("too many arguments: proc:history", error(CommandSyntax.HISTORY, "now"));
        assertEquals("too many arguments: proc:send <pid|name> <message>; quote a value with blanks: 'a b'",
                error(CommandSyntax.SEND, "c1", "a", "b"));
    }
}
