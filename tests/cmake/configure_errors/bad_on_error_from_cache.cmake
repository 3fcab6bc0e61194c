# cache: -DVERIFYSDK_ON_ERROR=sometimes
# expect: verifysdk_add_refresh(app): ON_ERROR must be FAIL or WARN, not "sometimes".
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
