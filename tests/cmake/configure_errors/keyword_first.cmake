# expect: verifysdk_add_refresh() needs a target name as its first argument, before APP_URL.
add_custom_target(app)
verifysdk_add_refresh(APP_URL "https://cdn.example.com/app.apk" DESTINATION sdk)
