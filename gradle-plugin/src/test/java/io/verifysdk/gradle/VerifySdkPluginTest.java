package io.verifysdk.gradle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.gradle.api.GradleException;
import org.gradle.api.Project;
import org.gradle.api.Task;
import org.gradle.api.internal.project.ProjectInternal;
import org.gradle.testfixtures.ProjectBuilder;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The plugin on a real (test-fixture) project: what it registers and how the task runs. */
public class VerifySdkPluginTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Project project;
    private File argsFile;

    @Before
    public void setUp() throws IOException {
        project = ProjectBuilder.builder().withProjectDir(tmp.newFolder("app"))
                .withGradleUserHomeDir(tmp.newFolder("gradle-home")).build();
        argsFile = new File(tmp.getRoot(), "args.txt");
    }

    private VerifySdkExtension apply() {
        project.getPluginManager().apply("io.verifysdk");
        return project.getExtensions().getByType(VerifySdkExtension.class);
    }

    private void evaluate() {
        ((ProjectInternal) project).evaluate();
    }

    private static Set<String> names(Set<? extends Task> tasks) {
        Set<String> names = new HashSet<>();
        for (Task t : tasks) {
            names.add(t.getName());
        }
        return names;
    }

    private Set<String> finalizers(String taskName) {
        Task task = project.getTasks().getByName(taskName);
        return names(task.getFinalizedBy().getDependencies(task));
    }

    /** A stand-in tool: records its arguments, prints like the real one, exits with `code`. */
    private String fakeTool(int code) throws IOException {
        File script = new File(tmp.getRoot(), "fake-verifysdk");
        String body = "#!/bin/sh\n"
                + "for a in \"$@\"; do echo \"$a\"; done > '" + argsFile.getPath() + "'\n"
                + "echo 'resolving task'\n"
                + (code == 0 ? "" : "echo 'verifysdk: error: generation failed (GenerationFailed,"
                        + " RequestId r-1)' >&2\necho 'hint: check the app' >&2\n")
                + "exit " + code + "\n";
        Files.write(script.toPath(), body.getBytes(StandardCharsets.UTF_8));
        assertTrue(script.setExecutable(true));
        return script.getPath();
    }

    private File apk(String variant) throws IOException {
        File apk = new File(project.getProjectDir(),
                "build/outputs/apk/" + variant + "/app-" + variant + ".apk");
        apk.getParentFile().mkdirs();
        Files.write(apk.toPath(), ("apk of " + variant).getBytes(StandardCharsets.UTF_8));
        return apk;
    }

    private List<String> recordedArgs() throws IOException {
        return Files.readAllLines(argsFile.toPath(), StandardCharsets.UTF_8);
    }

    @Test
    public void registersExtensionWithDefaults() {
        VerifySdkExtension ext = apply();
        assertEquals(Arrays.asList("release"), ext.getVariants());
        assertTrue(ext.getFailOnError());
        assertNull(ext.getOffline());
        assertEquals("android", ext.getPlatform());
        assertEquals(project.file("third_party/cloudauth-offline-sdk"), ext.getDestination());
        assertNotNull(project.getTasks().findByName("refreshVerifySdk"));
    }

    @Test
    public void releaseTaskFinalizesAssembleReleaseOnly() {
        project.getTasks().create("assembleRelease");
        project.getTasks().create("assembleDebug");
        apply();
        evaluate();
        Task refresh = project.getTasks().getByName("refreshVerifySdkRelease");
        assertEquals("verifysdk", refresh.getGroup());
        assertTrue(refresh.getDescription().contains("third_party/cloudauth-offline-sdk"));
        assertEquals(new HashSet<>(Arrays.asList("refreshVerifySdkRelease")),
                finalizers("assembleRelease"));
        assertTrue(finalizers("assembleDebug").isEmpty());
        assertNull(project.getTasks().findByName("refreshVerifySdkDebug"));
        // Run alone, the refresh builds its APK first.
        assertEquals(new HashSet<>(Arrays.asList("assembleRelease")),
                names(refresh.getTaskDependencies().getDependencies(refresh)));
    }

    @Test
    public void withoutAnAssembleTaskTheRefreshDependsOnNothing() {
        apply();
        evaluate();
        Task refresh = project.getTasks().getByName("refreshVerifySdkRelease");
        assertTrue(names(refresh.getTaskDependencies().getDependencies(refresh)).isEmpty());
    }

    @Test
    public void assembleTaskAddedLaterIsWiredToo() {
        // The Android Gradle plugin registers its assemble tasks after the build script ran.
        apply();
        evaluate();
        project.getTasks().create("assembleRelease");
        assertEquals(new HashSet<>(Arrays.asList("refreshVerifySdkRelease")),
                finalizers("assembleRelease"));
    }

    @Test
    public void eachListedVariantGetsATaskAndTheAggregateRunsThemAll() {
        VerifySdkExtension ext = apply();
        ext.setVariants(Arrays.asList("release", "freeStaging", "release"));
        project.getTasks().create("assembleFreeStaging");
        evaluate();
        assertNotNull(project.getTasks().findByName("refreshVerifySdkRelease"));
        assertNotNull(project.getTasks().findByName("refreshVerifySdkFreeStaging"));
        assertEquals(new HashSet<>(Arrays.asList("refreshVerifySdkFreeStaging")),
                finalizers("assembleFreeStaging"));
        Task all = project.getTasks().getByName("refreshVerifySdk");
        assertEquals("verifysdk", all.getGroup());
        assertEquals(new HashSet<>(Arrays.asList("refreshVerifySdkRelease",
                "refreshVerifySdkFreeStaging")), names(all.getTaskDependencies().getDependencies(all)));
    }

    @Test
    public void applyingToAnEvaluatedProjectStillRegistersTheTasks() {
        evaluate();
        apply();
        assertNotNull(project.getTasks().findByName("refreshVerifySdkRelease"));
    }

    @Test
    public void taskCarriesTheExtensionSettings() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setEndpoint("http://127.0.0.1:9");
        ext.setRegion("cn-hangzhou");
        ext.setExtraArgs(Arrays.asList("--retries", "1"));
        evaluate();
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        assertEquals("https://cdn.example.com/app.apk", task.getAppUrl());
        assertEquals("http://127.0.0.1:9", task.getEndpoint());
        assertEquals("cn-hangzhou", task.getRegion());
        assertEquals(project.file("third_party/cloudauth-offline-sdk"), task.getDestination());
        assertFalse("Gradle runs online here", task.getOffline());
        // The default app file is found lazily: only once the APK exists.
        assertTrue(task.getAppFiles().getFiles().isEmpty());
        File apk = apk("release");
        assertEquals(new HashSet<>(Arrays.asList(apk)), task.getAppFiles().getFiles());
    }

    @Test
    public void offlineFollowsGradleUnlessSet() {
        project.getGradle().getStartParameter().setOffline(true);
        apply();
        evaluate();
        assertTrue(((RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease")).getOffline());
    }

    @Test
    public void runsTheToolWithOptionsAndWithoutCredentials() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setExecutable(fakeTool(0));
        ext.setOffline(true);
        ext.setWaitTimeout(120);
        evaluate();
        File apk = apk("release");
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        task.refresh();
        List<String> args = recordedArgs();
        assertEquals(Arrays.asList("fetch", "--app-url", "https://cdn.example.com/app.apk",
                "--app-file", apk.getAbsolutePath(), "--platform", "android",
                "--dest", project.file("third_party/cloudauth-offline-sdk").getAbsolutePath(),
                "--wait-timeout", "120", "--offline"), args.subList(0, 12));
        for (String arg : args) {
            assertFalse(arg, arg.contains("ALIBABA_CLOUD"));
        }
        assertTrue(task.lastRunSucceeded());
    }

    @Test
    public void failureCarriesTheToolsMessage() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setExecutable(fakeTool(4));
        evaluate();
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        try {
            task.refresh();
            fail("expected a GradleException");
        } catch (GradleException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("exit code 4"));
            assertTrue(e.getMessage(), e.getMessage().contains(
                    "verifysdk: error: generation failed (GenerationFailed, RequestId r-1)"));
            assertTrue(e.getMessage(), e.getMessage().contains("hint: check the app"));
        }
        assertFalse(task.lastRunSucceeded());
    }

    @Test
    public void failOnErrorFalseOnlyWarnsAndRunsAgainNextTime() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setExecutable(fakeTool(4));
        ext.setFailOnError(false);
        evaluate();
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        task.refresh();
        assertFalse(task.lastRunSucceeded());
    }

    @Test
    public void missingAppUrlIsExplained() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setExecutable(fakeTool(0));
        evaluate();
        try {
            ((RefreshVerifySdkTask) project.getTasks().getByName("refreshVerifySdkRelease"))
                    .refresh();
            fail("expected a GradleException");
        } catch (GradleException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("appUrl is not set"));
        }
    }

    @Test
    public void missingToolFailsEvenWhenFailOnErrorIsFalse() {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setExecutable(new File(tmp.getRoot(), "no-such-tool").getPath());
        ext.setFailOnError(false);
        evaluate();
        try {
            ((RefreshVerifySdkTask) project.getTasks().getByName("refreshVerifySdkRelease"))
                    .refresh();
            fail("expected a GradleException");
        } catch (GradleException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("VERIFYSDK_EXECUTABLE"));
        }
    }

    private String refreshFailure() {
        try {
            ((RefreshVerifySdkTask) project.getTasks().getByName("refreshVerifySdkRelease"))
                    .refresh();
            fail("expected a GradleException");
            return null;
        } catch (GradleException e) {
            return e.getMessage();
        }
    }

    @Test
    public void taskCarriesTheUploadSettings() {
        VerifySdkExtension ext = apply();
        ext.setUpload("oss://apps/releases/");
        ext.setUploadExpires(7200);
        ext.setOssRegion("cn-hangzhou");
        ext.setOssEndpoint("http://127.0.0.1:9/oss");
        evaluate();
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        assertEquals("oss://apps/releases/", task.getUpload());
        assertEquals(Integer.valueOf(7200), task.getUploadExpires());
        assertEquals("cn-hangzhou", task.getOssRegion());
        assertEquals("http://127.0.0.1:9/oss", task.getOssEndpoint());
        assertNull(task.getAppUrl());
    }

    @Test
    public void uploadRunsTheToolWithoutAppUrl() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setUpload("oss://apps/releases/");
        ext.setOssRegion("cn-hangzhou");
        ext.setUploadExpires(600);
        ext.setExecutable(fakeTool(0));
        evaluate();
        File apk = apk("release");
        RefreshVerifySdkTask task = (RefreshVerifySdkTask) project.getTasks()
                .getByName("refreshVerifySdkRelease");
        task.refresh();
        List<String> args = recordedArgs();
        assertEquals(Arrays.asList("fetch", "--app-file", apk.getAbsolutePath(),
                "--upload", "oss://apps/releases/", "--upload-expires", "600",
                "--oss-region", "cn-hangzhou"), args.subList(0, 9));
        assertFalse(args.toString(), args.contains("--app-url"));
        assertTrue(task.lastRunSucceeded());
    }

    @Test
    public void appUrlAndUploadTogetherAreRefused() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setAppUrl("https://cdn.example.com/app.apk");
        ext.setUpload("oss://apps/releases/");
        ext.setOssRegion("cn-hangzhou");
        ext.setExecutable(fakeTool(0));
        evaluate();
        apk("release");
        String message = refreshFailure();
        assertTrue(message, message.contains("both appUrl"));
        assertTrue(message, message.contains("Set only one"));
        assertFalse("the tool ran", argsFile.exists());
    }

    @Test
    public void neitherAppUrlNorUploadMentionsBoth() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setExecutable(fakeTool(0));
        evaluate();
        String message = refreshFailure();
        assertTrue(message, message.contains("appUrl is not set"));
        assertTrue(message, message.contains("upload = "));
    }

    @Test
    public void uploadNeedsAnOssRegionOrEndpoint() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setUpload("oss://apps/releases/");
        ext.setExecutable(fakeTool(0));
        evaluate();
        apk("release");
        String message = refreshFailure();
        assertTrue(message, message.contains("ossRegion"));
        assertFalse("the tool ran", argsFile.exists());
    }

    @Test
    public void uploadWithoutAnApkFailsClearly() throws IOException {
        VerifySdkExtension ext = apply();
        ext.setUpload("oss://apps/releases/");
        ext.setOssEndpoint("http://127.0.0.1:9/oss");
        ext.setExecutable(fakeTool(0));
        evaluate();
        String message = refreshFailure();
        assertTrue(message, message.contains("found no APK"));
        assertTrue(message, message.contains("appFile"));
        assertFalse("the tool ran", argsFile.exists());
    }
}
