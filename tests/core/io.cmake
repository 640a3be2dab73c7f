# Checkpoint reading: safetensors, torch.save archives, state-dict binding.
set(WAN_IO_TEST_HELPERS
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/CorruptCheckpoints.cpp)
wan_add_test(test_io_safetensors TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_io_safetensors.cpp
    ${WAN_IO_TEST_HELPERS} LIBS wan_io LABELS unit)
wan_add_test(test_io_pth TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_io_pth.cpp
    ${WAN_IO_TEST_HELPERS} LIBS wan_io LABELS unit)
set_target_properties(test_io_safetensors test_io_pth PROPERTIES AUTOMOC ON)

# Model folder inspection (headers only) and the sharded DiT layout.
wan_add_test(test_model_folder TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_folder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp LIBS wan_io wan_io_raw LABELS unit)
set_target_properties(test_model_folder PROPERTIES AUTOMOC ON)
# Model sets of single files beside or instead of a folder (headers only).
wan_add_test(test_model_set TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_model_set.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/CheckpointWriter.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/FormatConverter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../support/GgufWriter.cpp LIBS wan_io wan_io_raw LABELS unit)
set_target_properties(test_model_set PROPERTIES AUTOMOC ON)

# wan-generate --inspect, run as a process.
if(TARGET wan-generate)
    wan_add_test(test_cli_inspect TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli_inspect.cpp LIBS wan_io LABELS unit)
    set_target_properties(test_cli_inspect PROPERTIES AUTOMOC ON)
    target_compile_definitions(test_cli_inspect PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_cli_inspect wan-generate)
endif()

# The parse layer without torch (also built with sanitizers by tests/scripts/run_sanitizers.sh).
wan_add_test(test_io_raw SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_io_raw.cpp ${WAN_IO_TEST_HELPERS}
    LIBS wan_io_raw LABELS unit)
set_target_properties(test_io_raw PROPERTIES AUTOMOC ON)

# Devices, precision rules and `wan-generate --version --json`.
if(TARGET wan-generate)
    wan_add_test(test_devices TORCH SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_devices.cpp LIBS wan_pipeline
        LABELS unit)
    set_target_properties(test_devices PROPERTIES AUTOMOC ON)
    target_compile_definitions(test_devices PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>"
        WAN_PROJECT_VERSION="${PROJECT_VERSION}" WAN_WITH_CUDA=${WAN_WITH_CUDA})
    add_dependencies(test_devices wan-generate)
endif()
