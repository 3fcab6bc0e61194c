package io.verifysdk.gradle.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.gradle.api.GradleException;

/**
 * Finds the verifysdk executable: the extension's {@code executable} first, then the
 * {@code VERIFYSDK_EXECUTABLE} environment variable, then the directories on {@code PATH}.
 * A value that names a path (has a separator) must point at an executable file; a bare name is
 * looked up on {@code PATH}. Pure logic on its inputs, so it is unit-tested without Gradle.
 */
public final class ToolLocator {

    public static final String ENV_VARIABLE = "VERIFYSDK_EXECUTABLE";
    public static final String TOOL_NAME = "verifysdk";

    private final Map<String, String> environment;
    private final File baseDir;
    private final boolean windows;

    /**
     * @param environment the environment to read {@code VERIFYSDK_EXECUTABLE} and {@code PATH}
     *                    from (normally {@code System.getenv()})
     * @param baseDir     where a relative {@code executable} is resolved (the project directory)
     * @param windows     whether to try the {@code PATHEXT} suffixes
     */
    public ToolLocator(Map<String, String> environment, File baseDir, boolean windows) {
        this.environment = environment;
        this.baseDir = baseDir;
        this.windows = windows;
    }

    public static ToolLocator forThisMachine(File baseDir) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                .startsWith("windows");
        return new ToolLocator(System.getenv(), baseDir, windows);
    }

    /** Returns the executable, or throws a {@link GradleException} that says how to fix it. */
    public File locate(String configured) {
        if (configured != null && !configured.trim().isEmpty()) {
            File found = resolve(configured.trim());
            if (found == null) {
                throw new GradleException("verifysdk { executable = '" + configured
                        + "' } does not name an executable file"
                        + (hasSeparator(configured) ? "" : " on PATH") + ".\n" + howToFix());
            }
            return found;
        }
        String fromEnv = environment.get(ENV_VARIABLE);
        if (fromEnv != null && !fromEnv.trim().isEmpty()) {
            File found = resolve(fromEnv.trim());
            if (found == null) {
                throw new GradleException("The environment variable " + ENV_VARIABLE + "="
                        + fromEnv + " does not name an executable file.\n" + howToFix());
            }
            return found;
        }
        File onPath = searchPath(TOOL_NAME);
        if (onPath == null) {
            throw new GradleException("Cannot find the verifysdk tool: verifysdk { executable } "
                    + "is not set, " + ENV_VARIABLE + " is not set and there is no "
                    + TOOL_NAME + " on PATH.\n" + howToFix());
        }
        return onPath;
    }

    /** The second half of every "not found" message. */
    public static String howToFix() {
        return "Install the tool from the verifysdk source tree:\n"
                + "    cmake -S verifysdk -B verifysdk/build -DCMAKE_BUILD_TYPE=Release\n"
                + "    cmake --build verifysdk/build --target verifysdk\n"
                + "    cmake --install verifysdk/build      # puts verifysdk in <prefix>/bin; "
                + "add that to PATH\n"
                + "or tell the build where it is, either with\n"
                + "    verifysdk { executable = '/path/to/verifysdk' }   // in build.gradle\n"
                + "or with the environment variable\n"
                + "    export " + ENV_VARIABLE + "=/path/to/verifysdk";
    }

    private File resolve(String value) {
        if (hasSeparator(value)) {
            File file = new File(value);
            if (!file.isAbsolute()) {
                file = new File(baseDir, value);
            }
            return firstExecutable(candidates(file));
        }
        return searchPath(value);
    }

    private File searchPath(String name) {
        String path = environment.get("PATH");
        if (path == null && windows) {
            path = environment.get("Path");
        }
        if (path == null || path.isEmpty()) {
            return null;
        }
        String separator = windows ? ";" : File.pathSeparator;
        for (String dir : path.split(java.util.regex.Pattern.quote(separator))) {
            if (dir.isEmpty()) {
                continue;
            }
            File found = firstExecutable(candidates(new File(dir, name)));
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private List<File> candidates(File file) {
        if (!windows) {
            return Collections.singletonList(file);
        }
        List<File> result = new ArrayList<>();
        result.add(file);
        String pathExt = environment.get("PATHEXT");
        for (String ext : (pathExt == null ? ".EXE;.BAT;.CMD" : pathExt).split(";")) {
            if (!ext.isEmpty()) {
                result.add(new File(file.getPath() + ext.toLowerCase(Locale.ROOT)));
            }
        }
        return result;
    }

    private static File firstExecutable(List<File> files) {
        for (File f : files) {
            if (f.isFile() && f.canExecute()) {
                return f.getAbsoluteFile();
            }
        }
        return null;
    }

    private boolean hasSeparator(String value) {
        return value.indexOf('/') >= 0 || (windows && value.indexOf('\\') >= 0);
    }
}
