# expect: verifysdk_add_refresh(app): UPLOAD_EXPIRES must be a positive whole number of seconds, not "1h".
add_custom_target(app)
verifysdk_add_refresh(app UPLOAD oss://bucket/releases/ OSS_REGION cn-hangzhou UPLOAD_EXPIRES 1h
  APP_FILE app.apk DESTINATION sdk)
