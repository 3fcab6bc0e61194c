# expect: verifysdk_add_refresh(app): APP_URL and UPLOAD exclude each other
add_custom_target(app)
verifysdk_add_refresh(app APP_URL https://cdn.example.com/a.apk UPLOAD oss://bucket/releases/
  OSS_REGION cn-hangzhou APP_FILE app.apk DESTINATION sdk)
