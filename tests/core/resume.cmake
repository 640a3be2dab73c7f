# Resumable denoising: bit-identical continuation from checkpoints on the fixtures.
wan_add_test(test_resume TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_resume.cpp
    LIBS wan_pipeline wan_io LABELS model)
