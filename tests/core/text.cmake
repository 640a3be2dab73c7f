wan_add_test(test_tokenizer TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tokenizer.cpp
    LIBS wan_text wan_text_clean wan_io LABELS unit model)
wan_add_test(test_t5 TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_t5.cpp
    LIBS wan_text wan_io LABELS model)
