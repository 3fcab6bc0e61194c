# no-tool
# cache: -DCMAKE_SYSTEM_NAME=Linux
# expect: verifysdk_add_refresh(app): cannot find the verifysdk tool. verifysdk is part of this build, but the build is cross-compiling for Linux
# A tool target that is part of this build cannot run when cross-compiling.
enable_language(C)
file(WRITE "${CMAKE_BINARY_DIR}/tool.c" "int main(void) { return 0; }\n")
add_executable(verifysdk "${CMAKE_BINARY_DIR}/tool.c")
add_executable(VerifySDK::verifysdk ALIAS verifysdk)
add_custom_target(app)
verifysdk_add_refresh(app APP_URL "https://cdn.example.com/app.apk" APP_FILE app.apk
                      DESTINATION sdk)
