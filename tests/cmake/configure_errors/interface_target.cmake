# expect: verifysdk_add_refresh(app): target "app" is an INTERFACE library
add_library(app INTERFACE)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" DESTINATION sdk)
