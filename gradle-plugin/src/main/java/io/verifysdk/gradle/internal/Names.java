package io.verifysdk.gradle.internal;

import java.util.Locale;

/** The task names the plugin uses and the Android Gradle plugin's naming of assemble tasks. */
public final class Names {

    public static final String GROUP = "verifysdk";
    public static final String AGGREGATE_TASK = "refreshVerifySdk";

    private Names() {
    }

    /** {@code release} becomes {@code Release}; {@code freeRelease} becomes {@code FreeRelease}. */
    public static String capitalize(String variant) {
        if (variant == null || variant.isEmpty()) {
            throw new IllegalArgumentException("a variant name must not be empty");
        }
        return variant.substring(0, 1).toUpperCase(Locale.ROOT) + variant.substring(1);
    }

    /** {@code refreshVerifySdkRelease} for {@code release}. */
    public static String refreshTask(String variant) {
        return AGGREGATE_TASK + capitalize(variant);
    }

    /** {@code assembleRelease} for {@code release}, as the Android Gradle plugin names it. */
    public static String assembleTask(String variant) {
        return "assemble" + capitalize(variant);
    }
}
