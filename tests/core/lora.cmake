# LoRA loading and application, distilled sampling and step caching on the tiny fixtures.
wan_add_test(test_lora TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_lora.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/CheckpointWriter.cpp
    LIBS wan_pipeline wan_dit wan_io LABELS model)
wan_add_test(test_stepcache TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_stepcache.cpp
    LIBS wan_pipeline wan_sampling wan_dit wan_io LABELS model)
