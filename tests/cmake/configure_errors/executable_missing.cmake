# cache: -DVERIFYSDK_EXECUTABLE=/nonexistent/bin/verifysdk
# expect: verifysdk_add_refresh(app): VERIFYSDK_EXECUTABLE is "/nonexistent/bin/verifysdk", which is not an existing file.
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
