# expect: verifysdk_add_refresh(app): WAIT_TIMEOUT must be a positive whole number of seconds, not "10m".
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk WAIT_TIMEOUT 10m)
