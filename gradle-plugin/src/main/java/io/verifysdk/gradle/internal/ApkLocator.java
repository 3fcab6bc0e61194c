package io.verifysdk.gradle.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the APK that a variant's assemble task produced, the way the Android Gradle plugin lays
 * its outputs out, without depending on the Android Gradle plugin:
 * <ul>
 * <li>the folder is {@code <buildDir>/outputs/apk/<variant>/}, or for a flavoured variant such
 * as {@code freeRelease} {@code <buildDir>/outputs/apk/free/release/};</li>
 * <li>in it, {@code output-metadata.json} (Android Gradle plugin 4.1+) or {@code output.json}
 * (older) names the APK; without either, the single {@code *.apk} there is taken (a universal
 * APK is preferred when there are several).</li>
 * </ul>
 */
public final class ApkLocator {

    private static final Pattern OUTPUT_FILE =
            Pattern.compile("\"outputFile\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern LEGACY_PATH =
            Pattern.compile("\"path\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ApkLocator() {
    }

    /** The folders the APK of {@code variant} may be in, most likely first. */
    public static List<File> candidateDirs(File buildDir, String variant) {
        File apkRoot = new File(new File(buildDir, "outputs"), "apk");
        List<File> dirs = new ArrayList<>();
        dirs.add(new File(apkRoot, variant));
        // freeRelease -> free/release; paidStagingDebug -> paidStaging/debug
        int split = lastUpperCase(variant);
        if (split > 0) {
            String flavors = variant.substring(0, split);
            String buildType = variant.substring(split, split + 1).toLowerCase(Locale.ROOT)
                    + variant.substring(split + 1);
            dirs.add(new File(new File(apkRoot, flavors), buildType));
        }
        return dirs;
    }

    /** The APK for {@code variant}, or null when there is none yet. */
    public static File find(File buildDir, String variant) {
        for (File dir : candidateDirs(buildDir, variant)) {
            File apk = findIn(dir);
            if (apk != null) {
                return apk;
            }
        }
        return null;
    }

    /** The APK in one output folder, or null. */
    public static File findIn(File dir) {
        if (!dir.isDirectory()) {
            return null;
        }
        File fromMetadata = fromListing(new File(dir, "output-metadata.json"), OUTPUT_FILE);
        if (fromMetadata != null) {
            return fromMetadata;
        }
        File fromLegacy = fromListing(new File(dir, "output.json"), LEGACY_PATH);
        if (fromLegacy != null) {
            return fromLegacy;
        }
        File[] apks = dir.listFiles((d, name) -> name.endsWith(".apk"));
        if (apks == null || apks.length == 0) {
            return null;
        }
        Arrays.sort(apks);
        for (File apk : apks) {
            if (apk.getName().contains("universal")) {
                return apk;
            }
        }
        return apks[0];
    }

    private static File fromListing(File listing, Pattern pattern) {
        if (!listing.isFile()) {
            return null;
        }
        String json;
        try {
            json = new String(Files.readAllBytes(listing.toPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        File first = null;
        Matcher m = pattern.matcher(json);
        while (m.find()) {
            File apk = new File(unescape(m.group(1)));
            if (!apk.isAbsolute()) {
                apk = new File(listing.getParentFile(), apk.getPath());
            }
            if (!apk.isFile()) {
                continue;
            }
            if (apk.getName().contains("universal")) {
                return apk;
            }
            if (first == null) {
                first = apk;
            }
        }
        return first;
    }

    private static int lastUpperCase(String s) {
        for (int i = s.length() - 1; i > 0; i--) {
            if (Character.isUpperCase(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Undoes JSON string escapes (enough for file names: \" \\ \/ and \\uXXXX). */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char next = s.charAt(++i);
            switch (next) {
                case 'u':
                    if (i + 4 < s.length() && isHex(s.substring(i + 1, i + 5))) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append("\\u");
                    }
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 't':
                    out.append('\t');
                    break;
                default:
                    out.append(next);
            }
        }
        return out.toString();
    }
}
