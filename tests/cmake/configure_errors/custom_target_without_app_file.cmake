# expect: verifysdk_add_refresh(app): APP_FILE is required: "app" is a custom target, which has no TARGET_FILE
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" DESTINATION sdk)
