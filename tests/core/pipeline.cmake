wan_add_test(test_pipeline TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pipeline.cpp
    LIBS wan_pipeline wan_io LABELS model)
set_target_properties(test_pipeline PROPERTIES AUTOMOC ON)

# The CLI end to end: runs the built wan-generate.
if(TARGET wan-generate AND EXISTS ${CMAKE_CURRENT_LIST_DIR}/test_cli.cpp)
    wan_add_test(test_cli TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli.cpp
        LIBS wan_pipeline wan_media wan_io LABELS model)
    set_target_properties(test_cli PROPERTIES AUTOMOC ON)
    target_compile_definitions(test_cli PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_cli wan-generate)
endif()
