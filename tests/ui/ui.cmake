# GUI unit tests (offscreen). The engine-free tests use a scripted JobRunner; the end-to-end test needs the
# pipeline library and the tiny fixtures.
if(NOT TARGET wanui)
    return()
endif()

# Like wan_add_test, minus the torch-based test support: these tests never touch the engine, so they build
# without it.
function(wan_add_ui_test name)
    add_executable(${name} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${name}.cpp)
    target_link_libraries(${name} PRIVATE Qt6::Test wanui)
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    wan_target_defaults(${name})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;WAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
    target_compile_definitions(${name} PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
endfunction()

wan_add_ui_test(test_queuemodel)
wan_add_ui_test(test_jobtypes)
wan_add_ui_test(test_inferenceworker)
wan_add_ui_test(test_imagedropzone)
wan_add_ui_test(test_queuerunner)
wan_add_ui_test(test_mainwindow)
wan_add_ui_test(test_maskpainter)
wan_add_ui_test(test_vaceinputpanel)
wan_add_ui_test(test_editworkflow)
wan_add_ui_test(test_singleinstance)
# With the engine's media library (FFmpeg/OpenCV, no torch): its image readers check the written masks, and
# the player actions decode a real MP4.
if(TARGET wanui_media)
    foreach(name test_maskpainter test_editworkflow)
        target_link_libraries(${name} PRIVATE wanui_media wan_media)
        target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
        target_compile_definitions(${name} PRIVATE WAN_TEST_HAS_MEDIA=1)
    endforeach()
endif()
if(TARGET test_mainwindow AND TARGET wan-studio_lrelease)
    add_dependencies(test_mainwindow wan-studio_lrelease)
    target_compile_definitions(test_mainwindow PRIVATE WAN_UI_QM_DIR="${CMAKE_BINARY_DIR}/app/wan-studio")
endif()

# The model files dialog and the main window's model set: the engine's header checks (wanui_models, no torch
# compiled here) over the tiny fixtures.
if(TARGET wanui_models)
    wan_add_test(test_modelfiles SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_modelfiles.cpp LIBS wanui_models
        LABELS unit TIMEOUT 120)
    target_include_directories(test_modelfiles PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(test_modelfiles PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
endif()

if(TARGET wan_pipeline AND TARGET wan_media)
    wan_add_test(test_ui_endtoend SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ui_endtoend.cpp LIBS wanui_engine wan_media
        LABELS model TIMEOUT 900)
    target_include_directories(test_ui_endtoend PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(test_ui_endtoend PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
    # The job's settings.json through the CLI gives the same latents.
    if(TARGET wan-generate)
        target_compile_definitions(test_ui_endtoend PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
        add_dependencies(test_ui_endtoend wan-generate)
    endif()
endif()
