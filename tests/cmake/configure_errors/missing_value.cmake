# expect: verifysdk_add_refresh(app): APP_URL needs a value.
add_custom_target(app)
verifysdk_add_refresh(app APP_FILE app.apk DESTINATION sdk APP_URL)
