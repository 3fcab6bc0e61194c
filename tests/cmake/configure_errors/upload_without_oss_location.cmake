# expect: verifysdk_add_refresh(app): UPLOAD needs OSS_REGION (for example cn-hangzhou) or OSS_ENDPOINT.
add_custom_target(app)
verifysdk_add_refresh(app UPLOAD oss://bucket/releases/ APP_FILE app.apk DESTINATION sdk)
