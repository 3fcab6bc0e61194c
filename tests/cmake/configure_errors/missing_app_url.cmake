# expect: verifysdk_add_refresh(app): APP_URL is required: the address the service downloads the app package from (or UPLOAD oss://<bucket>/<prefix>/ to let the tool publish it).
add_custom_target(app)
verifysdk_add_refresh(app APP_FILE app.apk DESTINATION sdk)
