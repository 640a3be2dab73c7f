# The built-in demo model: its trainer (app/wan-train) at CI size and the clip scorer.
wan_add_test(test_demo_train TORCH
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/../demo/test_demo_train.cpp ${CMAKE_CURRENT_LIST_DIR}/../demo/ClipScorer.cpp
    LIBS wan_train wan_pipeline wan_text wan_media wan_io
    LABELS model TIMEOUT 400)
set_target_properties(test_demo_train PROPERTIES AUTOMOC ON)
