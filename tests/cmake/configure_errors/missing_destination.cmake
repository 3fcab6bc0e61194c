# expect: verifysdk_add_refresh(app): DESTINATION is required: the folder the SDK is installed into
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk)
