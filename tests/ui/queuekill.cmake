# Kill-anywhere recovery of the render queue: a headless queue runner with the real engine (queue_headless)
# SIGKILLed at random points, restarted until its jobs are done.
if(TARGET wanui_engine AND TARGET wan_media)
    add_executable(queue_headless ${CMAKE_CURRENT_LIST_DIR}/queue_headless.cpp)
    target_link_libraries(queue_headless PRIVATE wanui_engine)
    target_compile_definitions(queue_headless PRIVATE QT_NO_KEYWORDS)
    wan_target_defaults(queue_headless)
    wan_add_test(test_queuekill SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_queuekill.cpp LIBS wanui
        LABELS model kill TIMEOUT 300)
    set_target_properties(test_queuekill PROPERTIES AUTOMOC ON)
    target_include_directories(test_queuekill PRIVATE ${PROJECT_SOURCE_DIR}/ui)
    target_compile_definitions(test_queuekill PRIVATE QUEUE_HEADLESS_PATH="$<TARGET_FILE:queue_headless>")
    add_dependencies(test_queuekill queue_headless)
endif()
