# no-tool
# expect: verifysdk_add_refresh(app): cannot find the verifysdk tool.
# expect: -DVERIFYSDK_EXECUTABLE=<prefix>/bin/verifysdk
# expect: find_package(VerifySDK CONFIG REQUIRED)
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
