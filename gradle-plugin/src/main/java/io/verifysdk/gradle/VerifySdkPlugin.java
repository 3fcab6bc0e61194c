package io.verifysdk.gradle;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.gradle.api.Plugin;
import org.gradle.api.Project;
import org.gradle.api.Task;

import io.verifysdk.gradle.internal.GradleCompat;
import io.verifysdk.gradle.internal.Names;

/**
 * {@code io.verifysdk}: refreshes the offline face-recognition SDK after a release build.
 *
 * <p>It only registers things: the {@code verifysdk} extension, the aggregate task
 * {@code refreshVerifySdk} and, once the build script has set the variants, one
 * {@code refreshVerifySdk<Variant>} task per variant, which finalizes {@code assemble<Variant>}
 * whenever a task of that name exists or appears later (the Android Gradle plugin registers its
 * assemble tasks late; any other project may simply have an {@code assembleRelease} task), and
 * depends on it, so that run on its own it builds the APK first.
 * No compile-time dependency on the Android Gradle plugin: everything goes by task names and by
 * the Android Gradle plugin's output folder layout.
 */
public class VerifySdkPlugin implements Plugin<Project> {

    @Override
    public void apply(Project project) {
        VerifySdkExtension extension = project.getExtensions()
                .create(VerifySdkExtension.NAME, VerifySdkExtension.class);
        extension.setDestination(project.file(VerifySdkExtension.DEFAULT_DESTINATION));

        GradleCompat.registerTask(project, Names.AGGREGATE_TASK, Task.class, task -> {
            task.setGroup(Names.GROUP);
            task.setDescription("Refreshes the offline face-recognition SDK for every variant "
                    + "listed in verifysdk { variants }.");
            // Resolved when the task graph is built, after the build script set the variants.
            task.dependsOn((Callable<List<String>>) () -> refreshTaskNames(extension));
        });

        GradleCompat.afterEvaluate(project, p -> registerVariantTasks(p, extension));
    }

    private static void registerVariantTasks(Project project, VerifySdkExtension extension) {
        Map<String, String> refreshByAssemble = new LinkedHashMap<>();
        for (String variant : variants(extension)) {
            String taskName = Names.refreshTask(variant);
            if (refreshByAssemble.containsValue(taskName)) {
                continue;
            }
            refreshByAssemble.put(Names.assembleTask(variant), taskName);
            GradleCompat.registerTask(project, taskName, RefreshVerifySdkTask.class,
                    task -> configure(task, project, extension, variant));
        }
        // assemble<Variant> is finalized by refreshVerifySdk<Variant>: by name, so it works for
        // the Android Gradle plugin's tasks and for any project that has such a task.
        GradleCompat.configureEach(project.getTasks(), task -> {
            String refresh = refreshByAssemble.get(task.getName());
            if (refresh != null) {
                task.finalizedBy(refresh);
            }
        });
    }

    private static void configure(RefreshVerifySdkTask task, Project project,
            VerifySdkExtension extension, String variant) {
        File buildDir = GradleCompat.buildDir(project);
        File destination = extension.getDestination() != null
                ? extension.getDestination()
                : project.file(VerifySdkExtension.DEFAULT_DESTINATION);
        task.setGroup(Names.GROUP);
        // Also depend on assemble<Variant> when there is one: run alone, the task then builds
        // the APK it is about, and Gradle 7+ sees that the APK it reads is produced first.
        String assemble = Names.assembleTask(variant);
        task.dependsOn((Callable<List<String>>) () -> project.getTasks().getNames()
                .contains(assemble) ? Collections.singletonList(assemble)
                        : Collections.<String>emptyList());
        task.setDescription("Refreshes the offline face-recognition SDK in "
                + project.relativePath(destination) + " from the " + variant
                + " build (runs after " + assemble + ").");
        task.setVariant(variant);
        task.setAppUrl(extension.getAppUrl());
        task.setUpload(extension.getUpload());
        task.setUploadExpires(extension.getUploadExpires());
        task.setOssRegion(extension.getOssRegion());
        task.setOssEndpoint(extension.getOssEndpoint());
        task.setAppFile(extension.getAppFile());
        task.setApkSearchDir(buildDir);
        // Evaluated when Gradle checks the inputs, i.e. after assemble<Variant> built the APK.
        task.setAppFiles(project.files((Callable<Object>) () -> {
            File app = task.resolveAppFile();
            return app == null ? Collections.emptyList() : app;
        }));
        task.setDestination(destination);
        task.setPlatform(extension.getPlatform());
        task.setProfile(extension.getProfile());
        task.setRegion(extension.getRegion());
        task.setEndpoint(extension.getEndpoint());
        task.setCaFile(extension.getCaFile());
        task.setWaitTimeout(extension.getWaitTimeout());
        task.setFailOnError(extension.getFailOnError());
        task.setOffline(extension.getOffline() != null
                ? extension.getOffline()
                : project.getGradle().getStartParameter().isOffline());
        task.setExecutable(extension.getExecutable());
        task.setExtraArgs(extension.getExtraArgs());
        task.setWorkingDir(project.getProjectDir());
        task.setStatusFile(new File(new File(buildDir, "verifysdk"), task.getName() + ".status"));
    }

    private static List<String> variants(VerifySdkExtension extension) {
        List<String> result = new ArrayList<>();
        if (extension.getVariants() != null) {
            for (String variant : extension.getVariants()) {
                if (variant != null && !variant.trim().isEmpty()) {
                    result.add(variant.trim());
                }
            }
        }
        return result;
    }

    private static List<String> refreshTaskNames(VerifySdkExtension extension) {
        List<String> names = new ArrayList<>();
        for (String variant : variants(extension)) {
            names.add(Names.refreshTask(variant));
        }
        return names;
    }
}
