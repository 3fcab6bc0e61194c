package io.verifysdk.gradle.internal;

/** Where the tool's output lines go: Gradle's logger in the task, a list in the tests. */
public interface LineSink {

    /** An ordinary line of output (progress, results). */
    void info(String line);

    /** A line the tool marked as a warning. */
    void warn(String line);
}
