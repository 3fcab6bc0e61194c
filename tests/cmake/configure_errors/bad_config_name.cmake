# expect: verifysdk_add_refresh(app): CONFIGS: "Release,Debug" is not a configuration name
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk CONFIGS "Release,Debug")
