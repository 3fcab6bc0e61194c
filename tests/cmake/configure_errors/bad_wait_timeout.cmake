# expect: verifysdk_add_refresh(app): WAIT_TIMEOUT must be a positive whole number of seconds, or of minutes or hours with an m or h after it (900, 15m, 1h), not "soon".
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk WAIT_TIMEOUT soon)
