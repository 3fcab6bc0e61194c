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

    /** The argument vector, executable first. */
    public List<String> toArgs() {
        if (executable == null || appUrl == null || destination == null) {
            throw new IllegalStateException("executable, appUrl and destination are required");
        }
        List<String> args = new ArrayList<>();
        args.add(executable.getPath());
        args.add("fetch");
        add(args, "--app-url", appUrl);
        if (appFile != null) {
            add(args, "--app-file", appFile.getAbsolutePath());
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

    private static void add(List<String> args, String option, String value) {
        if (value != null && !value.trim().isEmpty()) {
            args.add(option);
            args.add(value);
        }
    }
}
