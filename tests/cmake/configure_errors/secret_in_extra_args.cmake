# expect: verifysdk_add_refresh(app): EXTRA_ARGS: "--access-key-secret=abc" looks like a credential.
# expect: Credentials are never passed on the command line
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk EXTRA_ARGS --verbose --access-key-secret=abc)
