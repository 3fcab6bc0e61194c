# expect: verifysdk_add_refresh(app): PLATFORM must be android or ios, not "harmonyos".
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk PLATFORM HarmonyOS)
