# expect: verifysdk_add_refresh(nope): target "nope" does not exist.
verifysdk_add_refresh(nope APP_URL "https://cdn.example.com/app.apk" DESTINATION sdk)
