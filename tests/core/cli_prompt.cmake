# wan-generate --use_prompt_extend against a loopback server the test starts (no external network).
if(TARGET wan-generate)
    wan_add_test(test_cli_prompt_extend TORCH
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli_prompt_extend.cpp
                ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp
        LIBS wan_media nlohmann_json::nlohmann_json
        LABELS unit
        TIMEOUT 300)
    target_compile_definitions(test_cli_prompt_extend PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_cli_prompt_extend wan-generate)
endif()
