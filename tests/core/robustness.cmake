# Host memory pre-flight (pure planner logic) and the engine's failure paths on the tiny fixtures: memory
# refusal, frame cap, writing nothing.
wan_add_test(test_memoryplanner TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_memoryplanner.cpp
    LIBS wan_pipeline LABELS unit)
wan_add_test(test_engine_robustness TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_engine_robustness.cpp
    LIBS wan_pipeline wan_dit wan_io LABELS model)
