# cache: -DALIBABA_CLOUD_ACCESS_KEY_SECRET=abc
# expect: verifysdk_add_refresh(app): the CMake cache holds ALIBABA_CLOUD_ACCESS_KEY_SECRET
# expect: export it in the environment of the build instead.
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
