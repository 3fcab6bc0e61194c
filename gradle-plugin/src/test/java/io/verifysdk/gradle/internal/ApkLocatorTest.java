package io.verifysdk.gradle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ApkLocatorTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private File file(String path, String content) throws IOException {
        File f = new File(tmp.getRoot(), path);
        f.getParentFile().mkdirs();
        Files.write(f.toPath(), content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private File buildDir() {
        return new File(tmp.getRoot(), "build");
    }

    @Test
    public void nothingBuiltYet() {
        assertNull(ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void singleApkInTheVariantFolder() throws IOException {
        File apk = file("build/outputs/apk/release/app-release.apk", "zip");
        file("build/outputs/apk/debug/app-debug.apk", "zip");
        assertEquals(apk, ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void outputMetadataNamesTheApk() throws IOException {
        file("build/outputs/apk/release/aaa-first-by-name.apk", "zip");
        File apk = file("build/outputs/apk/release/app-release-unsigned.apk", "zip");
        file("build/outputs/apk/release/output-metadata.json", "{\n"
                + "  \"version\": 3,\n  \"variantName\": \"release\",\n"
                + "  \"elements\": [ { \"type\": \"SINGLE\", \"filters\": [],\n"
                + "      \"outputFile\": \"app-release-unsigned.apk\" } ]\n}\n");
        assertEquals(apk, ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void outputMetadataPrefersTheUniversalApk() throws IOException {
        file("build/outputs/apk/release/app-arm64-release.apk", "zip");
        File universal = file("build/outputs/apk/release/app-universal-release.apk", "zip");
        file("build/outputs/apk/release/output-metadata.json", "{\"elements\":["
                + "{\"type\":\"ONE_OF_MANY\",\"outputFile\":\"app-arm64-release.apk\"},"
                + "{\"type\":\"UNIVERSAL\",\"outputFile\":\"app-universal-release.apk\"}]}");
        assertEquals(universal, ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void legacyOutputJson() throws IOException {
        File apk = file("build/outputs/apk/release/my app.apk", "zip");
        file("build/outputs/apk/release/output.json",
                "[{\"outputType\":{\"type\":\"APK\"},\"path\":\"my app.apk\"}]");
        assertEquals(apk, ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void metadataNamingAMissingFileFallsBackToTheFolder() throws IOException {
        File apk = file("build/outputs/apk/release/app-release.apk", "zip");
        file("build/outputs/apk/release/output-metadata.json",
                "{\"elements\":[{\"outputFile\":\"gone.apk\"}]}");
        assertEquals(apk, ApkLocator.find(buildDir(), "release"));
    }

    @Test
    public void flavouredVariantUsesTheNestedFolder() throws IOException {
        File apk = file("build/outputs/apk/free/release/app-free-release.apk", "zip");
        assertEquals(apk, ApkLocator.find(buildDir(), "freeRelease"));
        File staging = file("build/outputs/apk/paidStaging/debug/app.apk", "zip");
        assertEquals(staging, ApkLocator.find(buildDir(), "paidStagingDebug"));
    }

    @Test
    public void unescapesJsonStrings() {
        assertEquals("a\"b\\c/d\u00e9", ApkLocator.unescape("a\\\"b\\\\c\\/d\\u00e9"));
        assertEquals("bad\\uZZ1", ApkLocator.unescape("bad\\uZZ1"));
    }
}
