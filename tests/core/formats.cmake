# The files creators have (issue #20): the GGUF reader and dequantisers, fp8 weights, content detection.
set(WAN_GGUF_TEST_HELPERS ${CMAKE_CURRENT_LIST_DIR}/../support/GgufWriter.cpp)
wan_add_test(test_gguf SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_gguf.cpp ${WAN_GGUF_TEST_HELPERS}
    LIBS wan_io_raw LABELS unit)
set_target_properties(test_gguf PROPERTIES AUTOMOC ON)

# Bit-exact against llama.cpp's gguf-py: the fixture test installs the pinned package (test only) into the torch
# virtual environment and writes the oracle files that test_gguf_oracle reads.
wan_add_test(test_gguf_oracle SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_gguf_oracle.cpp LIBS wan_io_raw LABELS unit)
set_target_properties(test_gguf_oracle PROPERTIES AUTOMOC ON)
add_test(NAME gguf_oracle_files COMMAND bash ${PROJECT_SOURCE_DIR}/tests/scripts/gguf_oracle.sh
    ${WAN_TORCH_VENV}/bin/python ${CMAKE_CURRENT_BINARY_DIR}/gguf_oracle)
set_tests_properties(gguf_oracle_files PROPERTIES FIXTURES_SETUP wan_gguf_oracle LABELS unit TIMEOUT 600)
set_tests_properties(test_gguf_oracle PROPERTIES FIXTURES_REQUIRED wan_gguf_oracle)
set_property(TEST test_gguf_oracle APPEND PROPERTY ENVIRONMENT
    WAN_GGUF_ORACLE_DIR=${CMAKE_CURRENT_BINARY_DIR}/gguf_oracle)
# The same dequantisers as LibTorch operations (the path of blocks on a GPU): bit-exact against the oracle and
# the CPU decoder, on the CPU and, where present, on CUDA.
wan_add_test(test_gguf_device TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_gguf_device.cpp
    LIBS wan_io wan_io_raw LABELS unit)
set_target_properties(test_gguf_device PROPERTIES AUTOMOC ON)
set_tests_properties(test_gguf_device PROPERTIES FIXTURES_REQUIRED wan_gguf_oracle)
set_property(TEST test_gguf_device APPEND PROPERTY ENVIRONMENT
    WAN_GGUF_ORACLE_DIR=${CMAKE_CURRENT_BINARY_DIR}/gguf_oracle)

# fp8 weights against LibTorch's Float8 casts; GGUF tensors as torch tensors.
wan_add_test(test_fp8 TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fp8.cpp ${WAN_GGUF_TEST_HELPERS}
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp LIBS wan_io wan_io_raw LABELS unit)
set_target_properties(test_fp8 PROPERTIES AUTOMOC ON)

# Content detection on the fixtures, on fixtures converted to Comfy/fp8/GGUF files, and on other models' headers.
wan_add_test(test_format_detect TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_format_detect.cpp ${WAN_GGUF_TEST_HELPERS}
    ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp
    LIBS wan_dit wan_io wan_io_raw LABELS unit)
set_target_properties(test_format_detect PROPERTIES AUTOMOC ON)

# End to end on the t2v fixture converted to ComfyUI single files and (by gguf-py, test set-up only) to GGUF files
# of every type gguf-py can write: latents bit-identical to a float32 folder of the same values, and within the
# measured tolerance of the official fp32 reference.
wan_add_test(test_formats_e2e TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_formats_e2e.cpp ${WAN_GGUF_TEST_HELPERS}
    ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp
    LIBS wan_pipeline wan_dit wan_io wan_io_raw LABELS model)
set_target_properties(test_formats_e2e PROPERTIES AUTOMOC ON)
add_test(NAME gguf_fixture_files COMMAND bash ${PROJECT_SOURCE_DIR}/tests/scripts/gguf_fixture.sh
    ${WAN_TORCH_VENV}/bin/python ${PROJECT_SOURCE_DIR}/../shared/fixtures/wan-tiny-t2v
    ${CMAKE_CURRENT_BINARY_DIR}/gguf_fixture)
set_tests_properties(gguf_fixture_files PROPERTIES FIXTURES_SETUP wan_gguf_fixture LABELS model TIMEOUT 600)
set_tests_properties(test_formats_e2e PROPERTIES FIXTURES_REQUIRED wan_gguf_fixture TIMEOUT 1500)
set_property(TEST test_formats_e2e APPEND PROPERTY ENVIRONMENT
    WAN_GGUF_FIXTURE_DIR=${CMAKE_CURRENT_BINARY_DIR}/gguf_fixture)

# The component loaders on other namings (Hugging Face T5, ...): the fixtures converted, loaded and compared with
# the official-layout load.
wan_add_test(test_component_formats TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_component_formats.cpp
    ${WAN_GGUF_TEST_HELPERS} ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp
    LIBS wan_text wan_vae wan_vision wan_io wan_io_raw LABELS unit)
set_target_properties(test_component_formats PROPERTIES AUTOMOC ON)

# The DiT in diffusers' names (Wan-AI/Wan2.1-*-Diffusers): the fixtures converted to diffusers folders (sharded
# for some) load to the official weights and give the official reference latents; defective ones are refused.
if(TARGET wan-generate)
    wan_add_test(test_diffusers_dit TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_diffusers_dit.cpp
        ${WAN_GGUF_TEST_HELPERS} ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp
        ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp
        LIBS wan_pipeline wan_dit wan_io wan_io_raw LABELS model)
    set_target_properties(test_diffusers_dit PROPERTIES AUTOMOC ON)
    target_compile_definitions(test_diffusers_dit PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_diffusers_dit wan-generate)
    set_tests_properties(test_diffusers_dit PROPERTIES TIMEOUT 1200)
endif()

# wan::identifyModelFile on every fixture file, the fixtures converted to each layout, and non-Wan files.
wan_add_test(test_model_identify TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_identify.cpp
    ${WAN_GGUF_TEST_HELPERS} ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp LIBS wan_io wan_io_raw LABELS unit)
set_target_properties(test_model_identify PROPERTIES AUTOMOC ON)
