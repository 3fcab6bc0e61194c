package io.verifysdk.gradle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.gradle.api.DefaultTask;
import org.gradle.api.Project;
import org.gradle.testfixtures.ProjectBuilder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class GradleCompatTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Project project() throws Exception {
        return ProjectBuilder.builder().withProjectDir(tmp.newFolder("p"))
                .withGradleUserHomeDir(tmp.newFolder("home")).build();
    }

    @Test
    public void registeredTaskIsConfigured() throws Exception {
        Project project = project();
        GradleCompat.registerTask(project, "hello", DefaultTask.class,
                t -> t.setDescription("configured"));
        assertEquals("configured", project.getTasks().getByName("hello").getDescription());
    }

    @Test
    public void configureEachSeesExistingAndLaterTasks() throws Exception {
        Project project = project();
        project.getTasks().create("before");
        List<String> seen = new ArrayList<>();
        GradleCompat.configureEach(project.getTasks(), t -> seen.add(t.getName()));
        project.getTasks().create("after");
        assertTrue(seen.toString(), seen.contains("before"));
        assertTrue(seen.toString(), seen.contains("after"));
    }

    @Test
    public void buildDirFollowsTheProject() throws Exception {
        Project project = project();
        assertEquals(new File(project.getProjectDir(), "build"), GradleCompat.buildDir(project));
    }

    @Test
    public void findsPublicApiMethodsOnly() throws Exception {
        Project project = project();
        Method getTasks = GradleCompat.findMethod(project.getClass(), "getTasks");
        assertNotNull(getTasks);
        assertTrue(getTasks.getDeclaringClass().isInterface());
        assertNull(GradleCompat.findMethod(project.getClass(), "noSuchMethod"));
    }
}
