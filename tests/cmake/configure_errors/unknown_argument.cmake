# expect: verifysdk_add_refresh(app): unknown argument(s): DESTINATON sdk
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATON sdk)
