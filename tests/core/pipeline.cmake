wan_add_test(test_pipeline TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pipeline.cpp
    LIBS wan_pipeline wan_io LABELS model)

# The CLI end to end: runs the built wan-generate.
if(TARGET wan-generate)
    wan_add_test(test_cli TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli.cpp
        LIBS wan_pipeline wan_media wan_io LABELS model)
    target_compile_definitions(test_cli PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_cli wan-generate)
endif()

# The engine's encoded prompts: LRU bounds and a repeated negative prompt encoded once.
wan_add_test(test_textcontextcache TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_textcontextcache.cpp
    LIBS wan_pipeline wan_io LABELS model)

# The i2v crop rectangle: a cropped run equals the image cut beforehand; its JSON form and rules.
wan_add_test(test_image_crop TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_image_crop.cpp
    LIBS wan_pipeline wan_media wan_io LABELS model)
