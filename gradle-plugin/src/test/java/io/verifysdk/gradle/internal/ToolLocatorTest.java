package io.verifysdk.gradle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.gradle.api.GradleException;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ToolLocatorTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private File project;
    private File binA;
    private File binB;
    private Map<String, String> env;

    @Before
    public void setUp() throws IOException {
        project = tmp.newFolder("project");
        binA = tmp.newFolder("binA");
        binB = tmp.newFolder("binB");
        env = new HashMap<>();
    }

    private File executable(File dir, String name) throws IOException {
        File f = new File(dir, name);
        f.getParentFile().mkdirs();
        assertTrue(f.createNewFile());
        assertTrue(f.setExecutable(true));
        return f.getAbsoluteFile();
    }

    private ToolLocator locator() {
        return new ToolLocator(env, project, false);
    }

    @Test
    public void configuredAbsolutePathWins() throws IOException {
        File configured = executable(tmp.getRoot(), "tools/verifysdk");
        env.put("VERIFYSDK_EXECUTABLE", executable(binA, "other").getPath());
        env.put("PATH", binB.getPath());
        executable(binB, "verifysdk");
        assertEquals(configured, locator().locate(configured.getPath()));
    }

    @Test
    public void configuredRelativePathIsResolvedAgainstTheProject() throws IOException {
        File tool = executable(project, "bin/verifysdk");
        assertEquals(tool, locator().locate("bin/verifysdk"));
    }

    @Test
    public void configuredBareNameIsLookedUpOnPath() throws IOException {
        File tool = executable(binB, "verifysdk-1.2");
        env.put("PATH", binA.getPath() + File.pathSeparator + binB.getPath());
        assertEquals(tool, locator().locate("verifysdk-1.2"));
    }

    @Test
    public void environmentVariableComesBeforePath() throws IOException {
        File fromEnv = executable(binA, "verifysdk");
        executable(binB, "verifysdk");
        env.put("VERIFYSDK_EXECUTABLE", fromEnv.getPath());
        env.put("PATH", binB.getPath());
        assertEquals(fromEnv, locator().locate(null));
        assertEquals(fromEnv, locator().locate("  "));
    }

    @Test
    public void pathIsSearchedInOrderAndSkipsNonExecutables() throws IOException {
        File notExecutable = new File(binA, "verifysdk");
        assertTrue(notExecutable.createNewFile());
        assertTrue(notExecutable.setExecutable(false));
        File tool = executable(binB, "verifysdk");
        env.put("PATH", "" + File.pathSeparator + binA.getPath() + File.pathSeparator
                + binB.getPath());
        assertEquals(tool, locator().locate(null));
    }

    @Test
    public void missingToolSaysHowToInstallItOrSetThePath() {
        env.put("PATH", binA.getPath());
        try {
            locator().locate(null);
            fail("expected a GradleException");
        } catch (GradleException e) {
            String message = e.getMessage();
            assertTrue(message, message.contains("Cannot find the verifysdk tool"));
            assertTrue(message, message.contains("cmake --install"));
            assertTrue(message, message.contains("verifysdk { executable = '/path/to/verifysdk' }"));
            assertTrue(message, message.contains("export VERIFYSDK_EXECUTABLE=/path/to/verifysdk"));
        }
    }

    @Test
    public void configuredPathThatDoesNotExistIsAnError() {
        try {
            locator().locate("/no/such/verifysdk");
            fail("expected a GradleException");
        } catch (GradleException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("executable = '/no/such/verifysdk'"));
            assertTrue(e.getMessage(), e.getMessage().contains("VERIFYSDK_EXECUTABLE"));
        }
    }

    @Test
    public void environmentVariableThatDoesNotExistIsAnError() {
        env.put("VERIFYSDK_EXECUTABLE", "/no/such/verifysdk");
        try {
            locator().locate(null);
            fail("expected a GradleException");
        } catch (GradleException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("VERIFYSDK_EXECUTABLE=/no/such"));
        }
    }

    @Test
    public void windowsTriesPathExtensions() throws IOException {
        File tool = executable(binA, "verifysdk.exe");
        env.put("PATH", binA.getPath());
        env.put("PATHEXT", ".COM;.EXE");
        assertEquals(tool, new ToolLocator(env, project, true).locate(null));
    }
}
