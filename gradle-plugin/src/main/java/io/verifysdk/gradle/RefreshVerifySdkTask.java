package io.verifysdk.gradle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.gradle.api.DefaultTask;
import org.gradle.api.GradleException;
import org.gradle.api.file.FileCollection;
import org.gradle.api.logging.Logger;
import org.gradle.api.tasks.Input;
import org.gradle.api.tasks.InputFiles;
import org.gradle.api.tasks.Internal;
import org.gradle.api.tasks.Optional;
import org.gradle.api.tasks.OutputDirectory;
import org.gradle.api.tasks.PathSensitive;
import org.gradle.api.tasks.PathSensitivity;
import org.gradle.api.tasks.TaskAction;

import io.verifysdk.gradle.internal.ApkLocator;
import io.verifysdk.gradle.internal.ExitCodes;
import io.verifysdk.gradle.internal.FetchCommand;
import io.verifysdk.gradle.internal.LineSink;
import io.verifysdk.gradle.internal.ToolLocator;
import io.verifysdk.gradle.internal.ToolRunner;

/**
 * Runs {@code verifysdk fetch} for one variant.
 *
 * <p>Up-to-date checking: the inputs are what decides which SDK gets installed (app URL or the
 * OSS upload settings, the app file by content, platform, endpoint, region, profile, extra
 * arguments) plus offline; the output is the destination folder. How the tool goes about it
 * (executable, timeouts, CA file, failOnError) is {@code @Internal}. Credentials are neither:
 * the tool reads them from the environment that it inherits from the build.
 *
 * <p>A run that failed while {@code failOnError = false} lets the build go on, so Gradle would
 * record it as done; a status file written after every run makes the next build run it again
 * unless the last run succeeded.
 */
public class RefreshVerifySdkTask extends DefaultTask {

    static final String STATUS_OK = "ok";

    private String variant;
    private String appUrl;
    private String upload;
    private Integer uploadExpires;
    private String ossRegion;
    private String ossEndpoint;
    private File appFile;
    private FileCollection appFiles;
    private File apkSearchDir;
    private File destination;
    private String platform;
    private String profile;
    private String region;
    private String endpoint;
    private File caFile;
    private Integer waitTimeout;
    private boolean failOnError = true;
    private boolean offline;
    private String executable;
    private List<String> extraArgs = new ArrayList<>();
    private File workingDir;
    private File statusFile;

    public RefreshVerifySdkTask() {
        getOutputs().upToDateWhen(task -> ((RefreshVerifySdkTask) task).lastRunSucceeded());
    }

    @TaskAction
    public void refresh() {
        writeStatus("running");
        boolean hasUrl = !isBlank(appUrl);
        boolean hasUpload = !isBlank(upload);
        if (!hasUrl && !hasUpload) {
            throw new GradleException("verifysdk: appUrl is not set. Say where the service can "
                    + "download the app from, for example:\n"
                    + "    verifysdk { appUrl = \"https://cdn.example.com/app-1.0.apk\" }\n"
                    + "or let the tool upload the APK to OSS:\n"
                    + "    verifysdk { upload = \"oss://my-bucket/releases/\"; "
                    + "ossRegion = \"cn-hangzhou\" }");
        }
        if (hasUrl && hasUpload) {
            throw new GradleException("verifysdk: both appUrl (" + appUrl + ") and upload ("
                    + upload + ") are set. Set only one: appUrl when the APK is already "
                    + "published, upload to have the tool upload it to OSS.");
        }
        if (hasUpload && isBlank(ossRegion) && isBlank(ossEndpoint)) {
            throw new GradleException("verifysdk: upload = \"" + upload + "\" needs the "
                    + "bucket's region or an OSS endpoint, for example:\n"
                    + "    verifysdk { ossRegion = \"cn-hangzhou\" }");
        }
        if (appFile != null && !appFile.isFile()) {
            throw new GradleException("verifysdk: appFile " + appFile + " does not exist.");
        }
        File app = resolveAppFile();
        if (app == null) {
            String searched = apkSearchDir == null ? "(no build directory)"
                    : ApkLocator.candidateDirs(apkSearchDir, variant).get(0).toString();
            if (hasUpload) {
                throw new GradleException("verifysdk: upload is set, but found no APK for "
                        + "variant '" + variant + "' in " + searched + " to upload. Build it "
                        + "first (assemble" + capitalize(variant) + ") or set "
                        + "verifysdk { appFile = file(\"...\") }.");
            }
            getLogger().warn("verifysdk: found no APK for variant '{}' in {}; the tool runs "
                    + "without --app-file", variant, searched);
        }
        File tool = ToolLocator.forThisMachine(workingDir).locate(executable);
        List<String> command = new FetchCommand()
                .executable(tool)
                .appUrl(appUrl)
                .upload(upload)
                .uploadExpires(uploadExpires)
                .ossRegion(ossRegion)
                .ossEndpoint(ossEndpoint)
                .appFile(app)
                .platform(platform)
                .destination(destination)
                .waitTimeout(waitTimeout)
                .offline(offline)
                .endpoint(endpoint)
                .region(region)
                .profile(profile)
                .caFile(caFile)
                .verbosity(verbosity(getLogger()))
                .extraArgs(extraArgs)
                .toArgs();
        getLogger().info("verifysdk: running {}", String.join(" ", command));

        ToolRunner.Result result = run(command);
        if (result.getExitCode() == ExitCodes.OK) {
            writeStatus(STATUS_OK);
            return;
        }
        String message = failureMessage(result);
        writeStatus("failed (exit " + result.getExitCode() + ")");
        if (failOnError) {
            throw new GradleException(message);
        }
        getLogger().warn("{}\nverifysdk: failOnError = false, so the build goes on with the SDK "
                + "that {} already held.", message, destination);
    }

    private ToolRunner.Result run(List<String> command) {
        final Logger logger = getLogger();
        LineSink sink = new LineSink() {
            @Override
            public void info(String line) {
                logger.lifecycle(line);
            }

            @Override
            public void warn(String line) {
                logger.warn(line);
            }
        };
        try {
            return new ToolRunner().run(command, workingDir, sink);
        } catch (IOException e) {
            throw new GradleException("verifysdk: could not start " + command.get(0) + ": "
                    + e.getMessage() + "\n" + ToolLocator.howToFix(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradleException("verifysdk: interrupted; the tool was stopped", e);
        }
    }

    private String failureMessage(ToolRunner.Result result) {
        int code = result.getExitCode();
        StringBuilder message = new StringBuilder();
        message.append("verifysdk fetch failed for variant '").append(variant)
                .append("' with exit code ").append(code)
                .append(" (").append(ExitCodes.describe(code)).append(")");
        List<String> detail = result.getErrorLines().isEmpty()
                ? result.getTail() : result.getErrorLines();
        for (String line : detail) {
            message.append('\n').append(line);
        }
        return message.toString();
    }

    private static boolean isBlank(String value) {
        return value == null || value.trim().isEmpty();
    }

    private static String capitalize(String text) {
        return text == null || text.isEmpty() ? "" : Character.toUpperCase(text.charAt(0))
                + text.substring(1);
    }

    private static FetchCommand.Verbosity verbosity(Logger logger) {
        if (logger.isInfoEnabled()) {
            return FetchCommand.Verbosity.VERBOSE;
        }
        if (!logger.isLifecycleEnabled()) {
            return FetchCommand.Verbosity.QUIET;
        }
        return FetchCommand.Verbosity.NORMAL;
    }

    /** The app file to hash: the configured one, or the APK the variant built. */
    File resolveAppFile() {
        if (appFile != null) {
            return appFile;
        }
        if (apkSearchDir == null || variant == null) {
            return null;
        }
        return ApkLocator.find(apkSearchDir, variant);
    }

    boolean lastRunSucceeded() {
        if (statusFile == null || !statusFile.isFile()) {
            return false;
        }
        try {
            String status = new String(Files.readAllBytes(statusFile.toPath()),
                    StandardCharsets.UTF_8);
            return STATUS_OK.equals(status.trim());
        } catch (IOException e) {
            return false;
        }
    }

    private void writeStatus(String status) {
        if (statusFile == null) {
            return;
        }
        try {
            Files.createDirectories(statusFile.getParentFile().toPath());
            Files.write(statusFile.toPath(), (status + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            getLogger().warn("verifysdk: cannot write {}: {}", statusFile, e.getMessage());
        }
    }

    // ---- inputs: what decides which SDK gets installed ----

    @Input
    @Optional
    public String getAppUrl() {
        return appUrl;
    }

    public void setAppUrl(String appUrl) {
        this.appUrl = appUrl;
    }

    /** {@code oss://bucket/prefix/}: the tool uploads the APK there instead of appUrl. */
    @Input
    @Optional
    public String getUpload() {
        return upload;
    }

    public void setUpload(String upload) {
        this.upload = upload;
    }

    /** Lifetime of the presigned address of the uploaded APK, in seconds. */
    @Input
    @Optional
    public Integer getUploadExpires() {
        return uploadExpires;
    }

    public void setUploadExpires(Integer uploadExpires) {
        this.uploadExpires = uploadExpires;
    }

    @Input
    @Optional
    public String getOssRegion() {
        return ossRegion;
    }

    public void setOssRegion(String ossRegion) {
        this.ossRegion = ossRegion;
    }

    @Input
    @Optional
    public String getOssEndpoint() {
        return ossEndpoint;
    }

    public void setOssEndpoint(String ossEndpoint) {
        this.ossEndpoint = ossEndpoint;
    }

    /** The app file, compared by content only (its path and timestamp do not matter). */
    @InputFiles
    @Optional
    @PathSensitive(PathSensitivity.NONE)
    public FileCollection getAppFiles() {
        return appFiles;
    }

    public void setAppFiles(FileCollection appFiles) {
        this.appFiles = appFiles;
    }

    @Input
    @Optional
    public String getPlatform() {
        return platform;
    }

    public void setPlatform(String platform) {
        this.platform = platform;
    }

    @Input
    @Optional
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    @Input
    @Optional
    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    @Input
    @Optional
    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    @Input
    public List<String> getExtraArgs() {
        return extraArgs;
    }

    public void setExtraArgs(List<String> extraArgs) {
        this.extraArgs = extraArgs == null ? new ArrayList<String>() : new ArrayList<>(extraArgs);
    }

    /**
     * An input although it does not choose the SDK: an offline run keeps whatever SDK is there
     * and succeeds, so the next online run must not count as up to date because of it.
     */
    @Input
    public boolean getOffline() {
        return offline;
    }

    public void setOffline(boolean offline) {
        this.offline = offline;
    }

    // ---- output ----

    @OutputDirectory
    public File getDestination() {
        return destination;
    }

    public void setDestination(File destination) {
        this.destination = destination;
    }

    // ---- how the tool runs: not inputs ----

    @Internal
    public String getVariant() {
        return variant;
    }

    public void setVariant(String variant) {
        this.variant = variant;
    }

    /** An explicitly configured app file (null: use the APK the variant built). */
    @Internal
    public File getAppFile() {
        return appFile;
    }

    public void setAppFile(File appFile) {
        this.appFile = appFile;
    }

    /** The build directory, below which the variant's APK is looked for. */
    @Internal
    public File getApkSearchDir() {
        return apkSearchDir;
    }

    public void setApkSearchDir(File apkSearchDir) {
        this.apkSearchDir = apkSearchDir;
    }

    @Internal
    public File getCaFile() {
        return caFile;
    }

    public void setCaFile(File caFile) {
        this.caFile = caFile;
    }

    @Internal
    public Integer getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(Integer waitTimeout) {
        this.waitTimeout = waitTimeout;
    }

    @Internal
    public boolean getFailOnError() {
        return failOnError;
    }

    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    @Internal
    public String getExecutable() {
        return executable;
    }

    public void setExecutable(String executable) {
        this.executable = executable;
    }

    @Internal
    public File getWorkingDir() {
        return workingDir;
    }

    public void setWorkingDir(File workingDir) {
        this.workingDir = workingDir;
    }

    /** Records whether the last run succeeded (see the class comment). */
    @Internal
    public File getStatusFile() {
        return statusFile;
    }

    public void setStatusFile(File statusFile) {
        this.statusFile = statusFile;
    }
}
