package io.verifysdk.gradle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ToolRunnerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final LineSink sink = new LineSink() {
        @Override
        public void info(String line) {
            infos.add(line);
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }
    };

    private ToolRunner.Result sh(String script) throws Exception {
        return new ToolRunner().run(Arrays.asList("/bin/sh", "-c", script), tmp.getRoot(), sink);
    }

    @Test
    public void streamsBothOutputsAndReportsSuccess() throws Exception {
        ToolRunner.Result result = sh("echo one; echo two >&2; echo 'verifysdk: warning: slow' >&2;"
                + " echo three");
        assertEquals(0, result.getExitCode());
        assertTrue(infos.toString(), infos.containsAll(Arrays.asList("one", "two", "three")));
        assertEquals(Arrays.asList("verifysdk: warning: slow"), warnings);
        assertTrue(result.getErrorLines().isEmpty());
    }

    @Test
    public void holdsBackTheClosingErrorAndHint() throws Exception {
        ToolRunner.Result result = sh("echo 'waiting for generation' >&2;"
                + " echo 'verifysdk: error: generation failed (GenerationFailed, RequestId 42)' >&2;"
                + " echo 'hint: check that AppUrl serves the APK' >&2; exit 4");
        assertEquals(4, result.getExitCode());
        assertEquals(Arrays.asList(
                "verifysdk: error: generation failed (GenerationFailed, RequestId 42)",
                "hint: check that AppUrl serves the APK"), result.getErrorLines());
        assertEquals(Arrays.asList("waiting for generation"), infos);
    }

    @Test
    public void keepsTheTailForFailuresWithoutAnErrorLine() throws Exception {
        ToolRunner.Result result = sh("i=0; while [ $i -lt 30 ]; do echo line$i; i=$((i+1)); done;"
                + " exit 9");
        assertEquals(9, result.getExitCode());
        assertEquals(20, result.getTail().size());
        assertEquals("line29", result.getTail().get(19));
    }

    @Test
    public void runsInTheWorkingDirectoryWithTheInheritedEnvironment() throws Exception {
        ToolRunner.Result result = sh("pwd; echo \"path=$PATH\"");
        assertEquals(0, result.getExitCode());
        assertEquals(new File(tmp.getRoot().getCanonicalPath()).getPath(), infos.get(0));
        assertEquals("path=" + System.getenv("PATH"), infos.get(1));
    }

    @Test
    public void givesTheToolNoStandardInput() throws Exception {
        ToolRunner.Result result = sh("cat; echo done");
        assertEquals(0, result.getExitCode());
        assertEquals(Arrays.asList("done"), infos);
    }

    @Test(expected = java.io.IOException.class)
    public void missingProgramIsAnIOException() throws Exception {
        new ToolRunner().run(Arrays.asList(new File(tmp.getRoot(), "nope").getPath()), null, sink);
    }
}
