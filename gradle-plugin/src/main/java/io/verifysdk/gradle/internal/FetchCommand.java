package io.verifysdk.gradle.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Builds the {@code verifysdk fetch ...} command line. Only options go on it: credentials never
 * do, the tool reads them from the environment the build runs in (or its credential files).
 */
public final class FetchCommand {

    /** How much the tool should say, from Gradle's own log level. */
    public enum Verbosity { QUIET, NORMAL, VERBOSE }

    private File executable;
    private String appUrl;
    private String upload;
    private Integer uploadExpires;
    private String ossRegion;
    private String ossEndpoint;
    private File appFile;
    private String platform;
    private File destination;
    private Integer waitTimeout;
    private boolean offline;
    private String endpoint;
    private String region;
    private String profile;
    private File caFile;
    private Verbosity verbosity = Verbosity.NORMAL;
    private List<String> extraArgs = Collections.emptyList();

    public FetchCommand executable(File value) {
        this.executable = value;
        return this;
    }

    public FetchCommand appUrl(String value) {
        this.appUrl = value;
        return this;
    }

    /** {@code oss://bucket/prefix/}: the tool uploads the app file there instead of appUrl. */
    public FetchCommand upload(String value) {
        this.upload = value;
        return this;
    }

    public FetchCommand uploadExpires(Integer seconds) {
        this.uploadExpires = seconds;
        return this;
    }

    public FetchCommand ossRegion(String value) {
        this.ossRegion = value;
        return this;
    }

    public FetchCommand ossEndpoint(String value) {
        this.ossEndpoint = value;
        return this;
    }

    public FetchCommand appFile(File value) {
        this.appFile = value;
        return this;
    }

    public FetchCommand platform(String value) {
        this.platform = value;
        return this;
    }

    public FetchCommand destination(File value) {
        this.destination = value;
        return this;
    }

    public FetchCommand waitTimeout(Integer seconds) {
        this.waitTimeout = seconds;
        return this;
    }

    public FetchCommand offline(boolean value) {
        this.offline = value;
        return this;
    }

    public FetchCommand endpoint(String value) {
        this.endpoint = value;
        return this;
    }

    public FetchCommand region(String value) {
        this.region = value;
        return this;
    }

    public FetchCommand profile(String value) {
        this.profile = value;
        return this;
    }

    public FetchCommand caFile(File value) {
        this.caFile = value;
        return this;
    }

    public FetchCommand verbosity(Verbosity value) {
        this.verbosity = value;
        return this;
    }

    public FetchCommand extraArgs(List<String> value) {
        this.extraArgs = value == null ? Collections.<String>emptyList() : value;
        return this;
    }

    /**
     * The argument vector, executable first. Exactly one of appUrl and upload; upload also needs
     * the app file (the tool uploads it).
     */
    public List<String> toArgs() {
        if (executable == null || destination == null) {
            throw new IllegalStateException("executable and destination are required");
        }
        boolean hasUrl = !isBlank(appUrl);
        boolean hasUpload = !isBlank(upload);
        if (hasUrl == hasUpload) {
            throw new IllegalStateException("exactly one of appUrl and upload is required");
        }
        if (hasUpload && appFile == null) {
            throw new IllegalStateException("upload requires appFile");
        }
        List<String> args = new ArrayList<>();
        args.add(executable.getPath());
        args.add("fetch");
        add(args, "--app-url", appUrl);
        if (appFile != null) {
            add(args, "--app-file", appFile.getAbsolutePath());
        }
        add(args, "--upload", upload);
        if (hasUpload && uploadExpires != null) {
            add(args, "--upload-expires", String.valueOf(uploadExpires));
        }
        if (hasUpload) {
            add(args, "--oss-region", ossRegion);
            add(args, "--oss-endpoint", ossEndpoint);
        }
        add(args, "--platform", platform);
        add(args, "--dest", destination.getAbsolutePath());
        if (waitTimeout != null) {
            add(args, "--wait-timeout", String.valueOf(waitTimeout));
        }
        if (offline) {
            args.add("--offline");
        }
        add(args, "--endpoint", endpoint);
        add(args, "--region", region);
        add(args, "--profile", profile);
        if (caFile != null) {
            add(args, "--ca-file", caFile.getAbsolutePath());
        }
        if (verbosity == Verbosity.VERBOSE) {
            args.add("--verbose");
        } else if (verbosity == Verbosity.QUIET) {
            args.add("--quiet");
        }
        for (String extra : extraArgs) {
            if (extra != null) {
                args.add(extra);
            }
        }
        return args;
    }

    private static boolean isBlank(String value) {
        return value == null || value.trim().isEmpty();
    }

    private static void add(List<String> args, String option, String value) {
        if (!isBlank(value)) {
            args.add(option);
            args.add(value);
        }
    }
}
