# The diffusion transformer and the CLIP vision tower against the official forward calls in the fixtures.
wan_add_test(test_dit TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dit.cpp LIBS wan_dit wan_io LABELS model)
wan_add_test(test_clip TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_clip.cpp LIBS wan_vision wan_dit wan_io
    LABELS model)
# The DiT block's in-place and lean RoPE / modulation / RmsNorm functions against the official formulas.
wan_add_test(test_dit_lean TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dit_lean.cpp LIBS wan_dit wan_io
    LABELS unit)
target_compile_definitions(test_dit_lean PRIVATE WAN_EXPECT_OWN_KERNELS=${WAN_BUILD_CUDA_KERNELS})
# The own CUDA kernels' source run on CPU threads (tests/support/CudaEmulation.h) against the LibTorch formulas.
wan_add_test(test_dit_kernels TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dit_kernels.cpp LIBS wan_dit wan_io
    LABELS unit)
# Block streaming's ring (copy / compute / reuse order on the CPU backend) and streamed = resident outputs.
wan_add_test(test_blockstreamer TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_blockstreamer.cpp
    LIBS wan_dit wan_io LABELS model)
