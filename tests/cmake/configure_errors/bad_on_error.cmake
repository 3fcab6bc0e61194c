# expect: verifysdk_add_refresh(app): ON_ERROR must be FAIL or WARN, not "IGNORE".
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk ON_ERROR IGNORE)
