# The prompt-extension dialog and settings page against a loopback server (no engine, no external network).
if(NOT TARGET wanui)
    return()
endif()
add_executable(test_promptenhance ${CMAKE_CURRENT_LIST_DIR}/test_promptenhance.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp)
target_link_libraries(test_promptenhance PRIVATE Qt6::Test wanui wan_prompt)
target_include_directories(test_promptenhance PRIVATE ${PROJECT_SOURCE_DIR}/tests)
set_target_properties(test_promptenhance PROPERTIES AUTOMOC ON)
target_compile_definitions(test_promptenhance PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
wan_target_defaults(test_promptenhance)
add_test(NAME test_promptenhance COMMAND test_promptenhance)
set_tests_properties(test_promptenhance PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
