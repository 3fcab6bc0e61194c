package com.example.faceapp;

/**
 * The example app's only screen. In a real app this starts the offline face check from the SDK
 * that the verifysdk plugin keeps in third_party/cloudauth-offline-sdk.
 */
public class MainActivity {

    public static String sdkFolder() {
        return "third_party/cloudauth-offline-sdk";
    }
}
