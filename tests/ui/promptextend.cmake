# The prompt-extension dialog and settings page against a loopback server (no engine, no external network).
if(NOT TARGET wanui)
    return()
endif()
add_executable(test_promptextend ${CMAKE_CURRENT_LIST_DIR}/test_promptextend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp)
target_link_libraries(test_promptextend PRIVATE Qt6::Test wanui wan_prompt)
target_include_directories(test_promptextend PRIVATE ${PROJECT_SOURCE_DIR}/tests)
set_target_properties(test_promptextend PROPERTIES AUTOMOC ON)
target_compile_definitions(test_promptextend PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
wan_target_defaults(test_promptextend)
add_test(NAME test_promptextend COMMAND test_promptextend)
set_tests_properties(test_promptextend PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
