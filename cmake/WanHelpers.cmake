# Small helpers shared by all targets.

# Common warnings and definitions for our own targets (never global flags).
function(wan_target_defaults target)
    target_compile_options(${target} PRIVATE
        $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wno-unused-parameter>)
endfunction()

# wan_core_component(NAME SOURCES a.cpp b.cpp [TORCH] [DEPS lib...] [PUBLIC_DEPS lib...])
# One static library per engine folder, so a folder builds and is tested on its own.
function(wan_core_component name)
    cmake_parse_arguments(ARG "TORCH" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name}
        PUBLIC ${PROJECT_SOURCE_DIR}/core/include
        PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
    target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE spdlog::spdlog nlohmann_json::nlohmann_json ${ARG_DEPS})
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    wan_target_defaults(${name})
    if(ARG_TORCH)
        target_link_libraries(${name} PRIVATE ${TORCH_LIBRARIES})
        target_compile_options(${name} PRIVATE ${WAN_TORCH_CXX_FLAGS})
        if(TARGET wan_torch_pch AND NOT WAN_NO_PCH)
            target_precompile_headers(${name} REUSE_FROM wan_torch_pch)
        endif()
    endif()
endfunction()

# wan_add_test(NAME SOURCES ... LIBS ... [LABELS unit|model|gpu] [TORCH])
# One Qt Test executable per unit, registered with ctest.
function(wan_add_test name)
    cmake_parse_arguments(ARG "TORCH" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    # Every test is a QObject with Q_SLOTS (and most include their .moc).
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    target_link_libraries(${name} PRIVATE Qt6::Test wan_test_support ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE QT_NO_KEYWORDS)
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/core/src ${PROJECT_SOURCE_DIR}/tests)
    wan_target_defaults(${name})
    if(ARG_TORCH)
        target_link_libraries(${name} PRIVATE ${TORCH_LIBRARIES})
        target_compile_options(${name} PRIVATE ${WAN_TORCH_CXX_FLAGS})
    endif()
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_LABELS)
        set(ARG_LABELS unit)
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 600)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;WAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
