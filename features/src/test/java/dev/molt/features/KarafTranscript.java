package dev.molt.features;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * The Karaf session of a test, command by command. Whole sessions on the build's output drown
 * what matters, so the transcript goes to a file under target/ (appended, one section per
 * test) and is printed only when the test fails.
 */
final class KarafTranscript extends TestWatcher {

    private final Path file;
    private final StringBuilder text = new StringBuilder();

    /** @param file where to keep the transcripts; null keeps them in memory only */
    KarafTranscript(String file) {
        this.file = file == null ? null : Paths.get(file);
    }

    void add(String command, String printed) {
        synchronized (text) {
            text.append("karaf@root()> ").append(command).append('\n').append(printed);
            if (!printed.endsWith("\n")) {
                text.append('\n');
            }
        }
    }

    @Override
    protected void starting(Description test) {
        synchronized (text) {
            text.setLength(0);
            text.append("=== ").append(test.getMethodName()).append('\n');
        }
    }

    @Override
    protected void failed(Throwable e, Description test) {
        synchronized (text) {
            System.out.println(text);
        }
    }

    @Override
    protected void finished(Description test) {
        if (file == null) {
            return;
        }
        try {
            synchronized (text) {
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            System.out.println("could not keep the Karaf transcript in " + file + ": " + e);
        }
    }
}
