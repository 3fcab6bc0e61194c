# expect: verifysdk_add_refresh(app): target "app" is IMPORTED
add_executable(app IMPORTED)
set_target_properties(app PROPERTIES IMPORTED_LOCATION /usr/bin/env)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" DESTINATION sdk)
