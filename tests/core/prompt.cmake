# Prompt extension against a loopback HTTP server started by the test itself (no external network).
wan_add_test(test_prompt_extend
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_prompt_extend.cpp
            ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp
    LIBS wan_prompt nlohmann_json::nlohmann_json spdlog::spdlog
    LABELS unit
    TIMEOUT 60)
