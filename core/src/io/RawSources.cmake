# The torch-free parsers, listed once for the engine build and the standalone sanitizer/fuzzer build
# (tests/fuzz/CMakeLists.txt). They need only nlohmann-json.
set(WAN_IO_RAW_PARSER_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/MappedFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawSafetensors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawZip.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawPickle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawGguf.cpp
    ${CMAKE_CURRENT_LIST_DIR}/GgufDequant.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Fp8.cpp)
# gguf-py's dequantisers round every product before the following add; a fused multiply-add would not.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/GgufDequant.cpp PROPERTIES COMPILE_OPTIONS -ffp-contract=off)
