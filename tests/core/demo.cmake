# The built-in demo model: its trainer (app/wan-train) at CI size and the clip scorer.
wan_add_test(test_demo_train TORCH
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/../demo/test_demo_train.cpp ${CMAKE_CURRENT_LIST_DIR}/../demo/ClipScorer.cpp
    LIBS wan_train wan_pipeline wan_text wan_media wan_io
    LABELS model TIMEOUT 400)
set_target_properties(test_demo_train PROPERTIES AUTOMOC ON)
# The shipped demo model (resources/demo-model) on held-out prompts; writes demo-model/contact-sheet.png.
wan_add_test(test_demo_model TORCH
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/../demo/test_demo_model.cpp ${CMAKE_CURRENT_LIST_DIR}/../demo/ClipScorer.cpp
    LIBS wan_train wan_pipeline wan_media wan_io
    LABELS model TIMEOUT 300)
set_target_properties(test_demo_model PROPERTIES AUTOMOC ON)
