wan_add_test(test_schedulers TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_schedulers.cpp LIBS wan_sampling wan_io LABELS unit)
