package io.verifysdk.gradle.internal;

/** What the verifysdk tool's exit codes mean (the tool's README has the same table). */
public final class ExitCodes {

    public static final int OK = 0;

    private ExitCodes() {
    }

    public static String describe(int code) {
        switch (code) {
            case 0:
                return "done, or already up to date";
            case 2:
                return "usage error";
            case 3:
                return "credentials missing or refused";
            case 4:
                return "the service answered with an error, or generation failed";
            case 5:
                return "network failure after retries";
            case 6:
                return "gave up waiting for generation";
            case 7:
                return "the download failed verification, or the archive is unsafe";
            case 8:
                return "local file-system failure";
            default:
                return "unexpected exit code";
        }
    }
}
