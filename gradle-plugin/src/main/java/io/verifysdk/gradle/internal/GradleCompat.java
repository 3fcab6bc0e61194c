package io.verifysdk.gradle.internal;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Set;

import org.gradle.api.Action;
import org.gradle.api.DomainObjectCollection;
import org.gradle.api.GradleException;
import org.gradle.api.Project;
import org.gradle.api.Task;
import org.gradle.api.tasks.TaskContainer;

/**
 * The one place that bridges Gradle versions. The plugin is compiled against Gradle 4.4.1, but
 * must behave well on Gradle 8.x and 9.x, where some of 4.4's eager API is deprecated and the
 * lazy replacements did not exist yet in 4.4. Each method here looks the newer method up by
 * name at run time and falls back to the 4.4 method only when the newer one is absent, so a
 * current Gradle never sees a call to deprecated API.
 */
public final class GradleCompat {

    private GradleCompat() {
    }

    /**
     * Adds a task: {@code TaskContainer.register(String, Class, Action)} (lazy, Gradle 4.9+)
     * where it exists, otherwise {@code TaskContainer.create(String, Class, Action)} (eager,
     * Gradle 4.4 to 4.8; deprecated in Gradle 9, which always has register).
     */
    public static <T extends Task> void registerTask(
            Project project, String name, Class<T> type, Action<? super T> configure) {
        TaskContainer tasks = project.getTasks();
        Method register = findMethod(tasks.getClass(), "register", String.class, Class.class,
                Action.class);
        if (register != null) {
            invoke(register, tasks, name, type, configure);
        } else {
            tasks.create(name, type, configure);
        }
    }

    /**
     * Runs {@code action} for every element that exists or gets added:
     * {@code DomainObjectCollection.configureEach(Action)} (Gradle 4.9+, does not force lazily
     * registered tasks into existence) or {@code all(Action)} on older Gradle, where every task is
     * created eagerly anyway.
     */
    public static <T> void configureEach(DomainObjectCollection<T> collection,
            Action<? super T> action) {
        Method configureEach = findMethod(collection.getClass(), "configureEach", Action.class);
        if (configureEach != null) {
            invoke(configureEach, collection, action);
        } else {
            collection.all(action);
        }
    }

    /**
     * Runs {@code action} once the project's build script has run, or right away when it has
     * already run ({@code Project.afterEvaluate} fails for an evaluated project on Gradle 7+).
     */
    public static void afterEvaluate(Project project, Action<? super Project> action) {
        if (project.getState().getExecuted()) {
            action.execute(project);
        } else {
            project.afterEvaluate(action);
        }
    }

    /**
     * The project's build directory: {@code getLayout().getBuildDirectory().get().getAsFile()}
     * where that chain exists (Gradle 4.x had a differently typed getBuildDirectory, and
     * {@code Project.getBuildDir()} is deprecated since Gradle 8.3), otherwise
     * {@code Project.getBuildDir()}.
     */
    public static File buildDir(Project project) {
        try {
            Object layout = call(project, "getLayout");
            Object directoryProperty = call(layout, "getBuildDirectory");
            Object directory = call(directoryProperty, "get");
            Object file = call(directory, "getAsFile");
            if (file instanceof File) {
                return (File) file;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // fall through to the old API
        }
        try {
            return (File) call(project, "getBuildDir");
        } catch (ReflectiveOperationException e) {
            throw new GradleException("Cannot find the build directory of " + project, e);
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method method = findMethod(target.getClass(), name);
        if (method == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
        }
        try {
            return method.invoke(target);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        }
    }

    /**
     * A public method declared by a public type, so reflection may call it from here. Public
     * interfaces (Gradle's API) are searched before classes (often internal implementations).
     */
    static Method findMethod(Class<?> type, String name, Class<?>... parameterTypes) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            collectInterfaces(c, interfaces);
        }
        for (Class<?> i : interfaces) {
            Method m = publicMethod(i, name, parameterTypes);
            if (m != null) {
                return m;
            }
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method m = publicMethod(c, name, parameterTypes);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private static void collectInterfaces(Class<?> type, Set<Class<?>> into) {
        for (Class<?> i : type.getInterfaces()) {
            if (into.add(i)) {
                collectInterfaces(i, into);
            }
        }
    }

    private static Method publicMethod(Class<?> type, String name, Class<?>... parameterTypes) {
        try {
            Method m = type.getMethod(name, parameterTypes);
            return Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Object invoke(Method method, Object target, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new GradleException("Cannot call " + method, e);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new GradleException(String.valueOf(cause), cause);
    }
}
