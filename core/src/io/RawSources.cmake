# The torch-free parsers, listed once for the engine build and the standalone sanitizer/fuzzer build
# (tests/fuzz/CMakeLists.txt). They need only nlohmann-json.
set(WAN_IO_RAW_PARSER_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/MappedFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawSafetensors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawZip.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RawPickle.cpp)
