# The queue runner extending prompts automatically, against a loopback server (no engine, no external network).
if(NOT TARGET wanui OR NOT TARGET wan_prompt)
    return()
endif()
add_executable(test_queueautoextend ${CMAKE_CURRENT_LIST_DIR}/test_queueautoextend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp)
target_link_libraries(test_queueautoextend PRIVATE Qt6::Test wanui wan_prompt)
target_include_directories(test_queueautoextend PRIVATE ${PROJECT_SOURCE_DIR}/tests ${CMAKE_CURRENT_LIST_DIR})
set_target_properties(test_queueautoextend PROPERTIES AUTOMOC ON)
wan_target_defaults(test_queueautoextend)
add_test(NAME test_queueautoextend COMMAND test_queueautoextend)
set_tests_properties(test_queueautoextend PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
