# The model downloader against a fake hub the test starts on 127.0.0.1 (no external network).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
wan_add_test(test_download
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_download.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/FakeHubServer.cpp
    LIBS wan_download nlohmann_json::nlohmann_json OpenSSL::Crypto
    LABELS unit
    TIMEOUT 120)

# wan-generate --download / --list-models as a process, including SIGKILL mid-file and the resuming rerun.
if(TARGET wan-generate)
    wan_add_test(test_cli_download
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli_download.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/FakeHubServer.cpp
        LIBS nlohmann_json::nlohmann_json OpenSSL::Crypto
        LABELS unit
        TIMEOUT 180)
    target_compile_definitions(test_cli_download PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_cli_download wan-generate)
endif()
