package io.verifysdk.gradle.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the tool with {@link ProcessBuilder} and streams its output, line by line, to a
 * {@link LineSink} as it arrives. The child inherits the build's environment (that is how the
 * credentials reach it) and gets no standard input.
 *
 * <p>Two reader threads only move lines into a queue; every call into the sink happens on the
 * calling thread, so Gradle attributes the log lines to the running task. The tool's closing
 * error ({@code verifysdk: error: ...} and the hint lines after it on standard error) is held
 * back from the sink and returned in the {@link Result}, so it is reported once, in the build
 * failure or warning, instead of twice.
 */
public final class ToolRunner {

    static final String ERROR_PREFIX = "verifysdk: error:";
    private static final int TAIL_LINES = 20;

    /** What a finished run left behind. */
    public static final class Result {
        private final int exitCode;
        private final List<String> errorLines;
        private final List<String> tail;

        Result(int exitCode, List<String> errorLines, List<String> tail) {
            this.exitCode = exitCode;
            this.errorLines = Collections.unmodifiableList(errorLines);
            this.tail = Collections.unmodifiableList(tail);
        }

        public int getExitCode() {
            return exitCode;
        }

        /** The tool's error message and hint (empty when it printed none). */
        public List<String> getErrorLines() {
            return errorLines;
        }

        /** The last lines of output, for a failure that printed no error line. */
        public List<String> getTail() {
            return tail;
        }
    }

    private static final class Line {
        final boolean stderr;
        final String text;

        Line(boolean stderr, String text) {
            this.stderr = stderr;
            this.text = text;
        }
    }

    private static final Line END = new Line(false, null);

    /**
     * Runs {@code command} in {@code workingDir} and waits for it.
     *
     * @throws IOException          when the program cannot be started
     * @throws InterruptedException when the build is cancelled; the child is stopped first
     */
    public Result run(List<String> command, File workingDir, LineSink sink)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDir != null) {
            builder.directory(workingDir);
        }
        Process process = builder.start();
        process.getOutputStream().close();

        BlockingQueue<Line> queue = new LinkedBlockingQueue<>();
        Thread out = pump(process.getInputStream(), false, queue, "verifysdk stdout");
        Thread err = pump(process.getErrorStream(), true, queue, "verifysdk stderr");

        List<String> errorLines = new ArrayList<>();
        Deque<String> tail = new ArrayDeque<>();
        boolean inError = false;
        int open = 2;
        try {
            while (open > 0) {
                Line line = queue.take();
                if (line == END) {
                    open--;
                    continue;
                }
                tail.addLast(line.text);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
                if (line.stderr && line.text.startsWith(ERROR_PREFIX)) {
                    inError = true;
                }
                if (line.stderr && inError) {
                    errorLines.add(line.text);
                } else if (isWarning(line.text)) {
                    sink.warn(line.text);
                } else {
                    sink.info(line.text);
                }
            }
            int exitCode = process.waitFor();
            out.join();
            err.join();
            return new Result(exitCode, errorLines, new ArrayList<>(tail));
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        }
    }

    static boolean isWarning(String line) {
        return line.startsWith("verifysdk: warning:") || line.startsWith("warning:");
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException again) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream stream, boolean stderr, BlockingQueue<Line> queue,
            String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String text;
                while ((text = reader.readLine()) != null) {
                    queue.add(new Line(stderr, text));
                }
            } catch (IOException e) {
                queue.add(new Line(true, "(reading the tool's output failed: " + e + ")"));
            } finally {
                queue.add(END);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
