# expect: verifysdk_add_refresh(app): target "app" was created in
# expect: call verifysdk_add_refresh() in that directory
file(WRITE "${CMAKE_BINARY_DIR}/sub/CMakeLists.txt" "add_custom_target(app)\n")
add_subdirectory("${CMAKE_BINARY_DIR}/sub" sub-build)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
