package io.verifysdk.gradle;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code verifysdk { }} block.
 *
 * <p>Plain getters and setters on purpose: they read the same way in the Groovy DSL
 * ({@code appUrl = "..."}) and the Kotlin DSL, and they behave the same on every Gradle from 4.4
 * to 9.x. The Property API would be lazier, but Groovy assignment to a {@code Property} and
 * {@code ListProperty} only arrived after 4.4. The plugin reads these values when it creates its
 * tasks, after the build script has run, so settings made anywhere in the script count.
 */
public class VerifySdkExtension {

    public static final String NAME = "verifysdk";
    public static final String DEFAULT_DESTINATION = "third_party/cloudauth-offline-sdk";
    public static final String DEFAULT_PLATFORM = "android";

    private String appUrl;
    private String upload;
    private Integer uploadExpires;
    private String ossRegion;
    private String ossEndpoint;
    private File appFile;
    private File destination;
    private List<String> variants = new ArrayList<>(Collections.singletonList("release"));
    private String platform = DEFAULT_PLATFORM;
    private String profile;
    private String region;
    private String endpoint;
    private File caFile;
    private Integer waitTimeout;
    private boolean failOnError = true;
    private Boolean offline;
    private String executable;
    private List<String> extraArgs = new ArrayList<>();

    /**
     * Where the service downloads the built app from (required unless {@code upload} is set).
     */
    public String getAppUrl() {
        return appUrl;
    }

    public void setAppUrl(String appUrl) {
        this.appUrl = appUrl;
    }

    /**
     * {@code oss://bucket/prefix/}: instead of {@code appUrl}, the tool uploads the APK to this
     * OSS bucket (key: prefix + the APK's file name) and submits a presigned address of it
     * ({@code --upload}). Set either this or {@code appUrl}, not both; needs {@code ossRegion}
     * or {@code ossEndpoint}.
     */
    public String getUpload() {
        return upload;
    }

    public void setUpload(String upload) {
        this.upload = upload;
    }

    /**
     * Seconds the presigned address of the uploaded APK stays valid ({@code --upload-expires},
     * 1 to 604800); the tool's default (3600) when not set.
     */
    public Integer getUploadExpires() {
        return uploadExpires;
    }

    public void setUploadExpires(Integer uploadExpires) {
        this.uploadExpires = uploadExpires;
    }

    /** The OSS bucket's region, e.g. {@code cn-hangzhou} ({@code --oss-region}). */
    public String getOssRegion() {
        return ossRegion;
    }

    public void setOssRegion(String ossRegion) {
        this.ossRegion = ossRegion;
    }

    /**
     * Another OSS address, e.g. an {@code -internal} one ({@code --oss-endpoint}); used instead
     * of {@code ossRegion}.
     */
    public String getOssEndpoint() {
        return ossEndpoint;
    }

    public void setOssEndpoint(String ossEndpoint) {
        this.ossEndpoint = ossEndpoint;
    }

    /**
     * The local copy of the app, hashed to tell whether it changed. Default: the APK the variant
     * built under {@code build/outputs/apk/<variant>/}.
     */
    public File getAppFile() {
        return appFile;
    }

    public void setAppFile(File appFile) {
        this.appFile = appFile;
    }

    /** Where the SDK is installed. Default: {@code third_party/cloudauth-offline-sdk}. */
    public File getDestination() {
        return destination;
    }

    public void setDestination(File destination) {
        this.destination = destination;
    }

    /** The variants whose assemble task refreshes the SDK. Default: {@code ["release"]}. */
    public List<String> getVariants() {
        return variants;
    }

    public void setVariants(List<String> variants) {
        this.variants = variants == null ? new ArrayList<String>() : new ArrayList<>(variants);
    }

    /** {@code android} (default) or {@code ios}. */
    public String getPlatform() {
        return platform;
    }

    public void setPlatform(String platform) {
        this.platform = platform;
    }

    /** The credentials profile the tool should use (a name, never a secret). */
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    /** The Cloudauth endpoint; the tool's default when not set. */
    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Extra CA certificates (PEM) for TLS to the endpoint. */
    public File getCaFile() {
        return caFile;
    }

    public void setCaFile(File caFile) {
        this.caFile = caFile;
    }

    /** Seconds to wait for the service to generate the SDK; the tool's default when not set. */
    public Integer getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(Integer waitTimeout) {
        this.waitTimeout = waitTimeout;
    }

    /** Whether a failed refresh fails the build (default) or only logs a warning. */
    public boolean getFailOnError() {
        return failOnError;
    }

    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    /** Passes {@code --offline} to the tool. Default (null): whatever Gradle's --offline says. */
    public Boolean getOffline() {
        return offline;
    }

    public void setOffline(Boolean offline) {
        this.offline = offline;
    }

    /**
     * The tool: a path, or a name looked up on PATH. Default: {@code VERIFYSDK_EXECUTABLE},
     * then {@code verifysdk} on PATH.
     */
    public String getExecutable() {
        return executable;
    }

    public void setExecutable(String executable) {
        this.executable = executable;
    }

    /** More arguments for {@code verifysdk fetch}, appended after the plugin's own. */
    public List<String> getExtraArgs() {
        return extraArgs;
    }

    public void setExtraArgs(List<String> extraArgs) {
        this.extraArgs = extraArgs == null ? new ArrayList<String>() : new ArrayList<>(extraArgs);
    }
}
