wan_add_test(test_vae TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_vae.cpp LIBS wan_vae wan_io LABELS model)
