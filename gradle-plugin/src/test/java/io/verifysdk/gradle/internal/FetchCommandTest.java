package io.verifysdk.gradle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.File;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;

public class FetchCommandTest {

    private final File tool = new File("/opt/verifysdk/bin/verifysdk");
    private final File dest = new File("/app/third_party/cloudauth-offline-sdk");

    @Test
    public void minimalCommand() {
        List<String> args = new FetchCommand().executable(tool).appUrl("https://cdn/app.apk")
                .destination(dest).toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch", "--app-url", "https://cdn/app.apk",
                "--dest", dest.getAbsolutePath()), args);
    }

    @Test
    public void everyOption() {
        List<String> args = new FetchCommand().executable(tool).appUrl("https://cdn/app.apk")
                .appFile(new File("/app/build/app.apk")).platform("android").destination(dest)
                .waitTimeout(900).offline(true).endpoint("http://127.0.0.1:8080")
                .region("cn-shanghai").profile("ci").caFile(new File("/etc/ca.pem"))
                .verbosity(FetchCommand.Verbosity.VERBOSE)
                .extraArgs(Arrays.asList("--retries", "2")).toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch",
                "--app-url", "https://cdn/app.apk",
                "--app-file", "/app/build/app.apk",
                "--platform", "android",
                "--dest", dest.getAbsolutePath(),
                "--wait-timeout", "900",
                "--offline",
                "--endpoint", "http://127.0.0.1:8080",
                "--region", "cn-shanghai",
                "--profile", "ci",
                "--ca-file", "/etc/ca.pem",
                "--verbose",
                "--retries", "2"), args);
    }

    @Test
    public void quietAndBlankOptionsLeftOut() {
        List<String> args = new FetchCommand().executable(tool).appUrl("u").destination(dest)
                .region(" ").endpoint("").verbosity(FetchCommand.Verbosity.QUIET).toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch", "--app-url", "u",
                "--dest", dest.getAbsolutePath(), "--quiet"), args);
    }

    @Test
    public void neverCarriesCredentials() {
        List<String> args = new FetchCommand().executable(tool).appUrl("u").destination(dest)
                .profile("default").toArgs();
        for (String arg : args) {
            assertFalse(arg, arg.toLowerCase().contains("secret"));
            assertFalse(arg, arg.toLowerCase().contains("access-key"));
        }
    }

    @Test(expected = IllegalStateException.class)
    public void appUrlIsRequired() {
        new FetchCommand().executable(tool).destination(dest).toArgs();
    }

    @Test
    public void uploadInsteadOfAppUrl() {
        List<String> args = new FetchCommand().executable(tool)
                .upload("oss://apps/releases/").uploadExpires(7200).ossRegion("cn-hangzhou")
                .appFile(new File("/app/build/app.apk")).destination(dest).toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch",
                "--app-file", "/app/build/app.apk",
                "--upload", "oss://apps/releases/",
                "--upload-expires", "7200",
                "--oss-region", "cn-hangzhou",
                "--dest", dest.getAbsolutePath()), args);
        assertFalse(args.contains("--app-url"));
    }

    @Test
    public void uploadWithOssEndpoint() {
        List<String> args = new FetchCommand().executable(tool)
                .upload("oss://apps/releases/").ossEndpoint("http://127.0.0.1:9/oss")
                .appFile(new File("/app/build/app.apk")).destination(dest).toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch",
                "--app-file", "/app/build/app.apk",
                "--upload", "oss://apps/releases/",
                "--oss-endpoint", "http://127.0.0.1:9/oss",
                "--dest", dest.getAbsolutePath()), args);
    }

    @Test
    public void ossOptionsOnlyWithUpload() {
        List<String> args = new FetchCommand().executable(tool).appUrl("u").destination(dest)
                .uploadExpires(60).ossRegion("cn-hangzhou").ossEndpoint("http://x").toArgs();
        assertEquals(Arrays.asList(tool.getPath(), "fetch", "--app-url", "u",
                "--dest", dest.getAbsolutePath()), args);
    }

    @Test(expected = IllegalStateException.class)
    public void appUrlAndUploadExcludeEachOther() {
        new FetchCommand().executable(tool).appUrl("u").upload("oss://apps/releases/")
                .ossRegion("cn-hangzhou").appFile(new File("/app/build/app.apk"))
                .destination(dest).toArgs();
    }

    @Test(expected = IllegalStateException.class)
    public void uploadNeedsTheAppFile() {
        new FetchCommand().executable(tool).upload("oss://apps/releases/")
                .ossRegion("cn-hangzhou").destination(dest).toArgs();
    }
}
