# cache: -DVERIFYSDK_EXECUTABLE=/bin/sh
# expect: verifysdk_add_refresh(app): target "app_verifysdk_refresh" already exists: verifysdk_add_refresh() was called for this target before.
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk2)
