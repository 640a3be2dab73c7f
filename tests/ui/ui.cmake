# GUI unit tests (offscreen), registered here for the whole folder. The engine-free tests use a scripted
# JobRunner; the end-to-end and kill tests need the pipeline library and the tiny fixtures.
if(NOT TARGET wanui)
    return()
endif()

# Like wan_add_test, minus the torch-based test support: these tests never touch the engine, so they build
# without it. SERVICES links wanui_services alone (no Qt Widgets: that such a test builds and runs is the proof
# that the services are widget-free); otherwise the widgets library. SOURCES adds files, LIBS libraries.
function(wan_add_ui_test name)
    cmake_parse_arguments(ARG "SERVICES" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${name}.cpp ${ARG_SOURCES})
    if(ARG_SERVICES)
        target_link_libraries(${name} PRIVATE Qt6::Test wanui_services ${ARG_LIBS})
    else()
        target_link_libraries(${name} PRIVATE Qt6::Test wanui ${ARG_LIBS})
    endif()
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    wan_target_defaults(${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;WAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
    target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_FUNCTION_LIST_DIR} ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${name} PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
endfunction()

# Services: queue model and store, runner, inference thread, job values, single instance, settings store.
wan_add_ui_test(test_queuemodel SERVICES)
wan_add_ui_test(test_promptextendsettingsstore SERVICES TIMEOUT 60)
wan_add_ui_test(test_jobtypes SERVICES)
wan_add_ui_test(test_inferenceworker SERVICES)
wan_add_ui_test(test_queuerunner SERVICES)
wan_add_ui_test(test_singleinstance SERVICES)
# The gallery's model: finished jobs, prompt search, settings recall from jobs, settings.json, PNG and MP4.
wan_add_ui_test(test_gallerymodel SERVICES)
# The stage-aware ETA and the queue's ETA; single frames out of the live preview.
wan_add_ui_test(test_stageeta SERVICES)
wan_add_ui_test(test_previewframes SERVICES)
# The taskbar entry (progress, queued count, urgency) through its seam and over a private D-Bus session bus.
wan_add_ui_test(test_taskbarprogress SERVICES)
# Variations: a group's requests, the core's rules per cell, the group in the queue file, Keep and discard.
wan_add_ui_test(test_variations SERVICES)
# Engine errors in the user's language (reads the compiled zh_CN translation).
wan_add_ui_test(test_errortext SERVICES)
# The output folder checked before queueing.
wan_add_ui_test(test_outputfolder SERVICES)
# The memory plan under the form and the GPU memory budget setting.
wan_add_ui_test(test_memoryplanview)
# A gallery result plays in place under the pointer.
wan_add_ui_test(test_galleryhoverplayer)
# The model downloads service and the first-run recommendation, against a fake hub on 127.0.0.1 (no external
# network); the model manager and the first-run assistant over the same fake hub.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
wan_add_ui_test(test_modeldownloads SERVICES TIMEOUT 120 SOURCES ${CMAKE_CURRENT_LIST_DIR}/../support/FakeHubServer.cpp
    LIBS nlohmann_json::nlohmann_json OpenSSL::Crypto)
wan_add_ui_test(test_modelmanager TIMEOUT 120 SOURCES ${CMAKE_CURRENT_LIST_DIR}/../support/FakeHubServer.cpp
    LIBS nlohmann_json::nlohmann_json OpenSSL::Crypto)
# Widgets.
wan_add_ui_test(test_renderqueuedock)
wan_add_ui_test(test_imagedropzone)
wan_add_ui_test(test_mainwindow)
wan_add_ui_test(test_generationform)
# Size and frame warnings per model size, the size and shift following the model, the fixed seed.
wan_add_ui_test(test_generationsettingspanel)
# Undo across a recent prompt or an accepted rewrite.
wan_add_ui_test(test_prompteditor)
wan_add_ui_test(test_maskpainter)
# The I2V framing editor: box aspect, drag and scale bounds, EXIF-rotated input, the crop in the request.
wan_add_ui_test(test_framingdialog)
wan_add_ui_test(test_vaceinputpanel)
wan_add_ui_test(test_editworkflow)
# The gallery dock: actions, delete to the trash after asking, load settings, drops on the window, Duplicate.
wan_add_ui_test(test_gallerydock)
# The gallery's results from the output folder (job folders read on a worker thread, merged with the queue's,
# 2,000 folders timed) and "Variations…" of a queued job or a gallery result.
wan_add_ui_test(test_galleryarchive)
wan_add_ui_test(test_jobvariations)
# The keyboard shortcut table (no clashes, every entry an action) and the light/dark themes.
wan_add_ui_test(test_shortcuts)
wan_add_ui_test(test_theme)
# The live preview as one large frame with a slider and a strip; the progress panel's ETA, with a screenshot;
# the notice when a job ends while the window is inactive.
wan_add_ui_test(test_previewview)
wan_add_ui_test(test_progresspanel)
wan_add_ui_test(test_jobnotifier)
# The variations dialog and the contact sheet: layout, synchronised playback, Keep, discard, screenshot.
wan_add_ui_test(test_variationsheet)
# Draft / final, step cache and LoRA list of the generation settings panel.
wan_add_ui_test(test_speedsettings TIMEOUT 60)
# Against a loopback server (no engine, no external network): the prompt-extension dialog and settings page,
# the settings store, and the queue runner extending prompts automatically.
if(TARGET wan_prompt)
    wan_add_ui_test(test_promptextend TIMEOUT 60 SOURCES ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp)
    wan_add_ui_test(test_queueautoextend SERVICES TIMEOUT 60
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/../support/LoopbackHttpServer.cpp)
endif()

# With the engine's media library (FFmpeg/OpenCV, no torch): its image readers check the written masks, and
# the player actions decode a real MP4.
if(TARGET wanui_media)
    foreach(name test_maskpainter test_editworkflow test_gallerymodel test_gallerydock test_variationsheet)
        target_link_libraries(${name} PRIVATE wanui_media wan_media)
        target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
        target_compile_definitions(${name} PRIVATE WAN_TEST_HAS_MEDIA=1)
    endforeach()
    # The framing editor checks that the engine reads an EXIF-rotated picture the same way up.
    target_link_libraries(test_framingdialog PRIVATE wan_media)
    target_include_directories(test_framingdialog PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
    target_compile_definitions(test_framingdialog PRIVATE WAN_TEST_HAS_MEDIA=1)
    # The export dialog over the engine's exporter: each format this build has, written and read back.
    wan_add_ui_test(test_exportdialog LIBS wanui_media wan_media)
    target_include_directories(test_exportdialog PRIVATE ${PROJECT_SOURCE_DIR}/core/src)
endif()
if(TARGET wan-studio_lrelease)
    foreach(name test_mainwindow test_errortext)
        add_dependencies(${name} wan-studio_lrelease)
        target_compile_definitions(${name} PRIVATE WAN_UI_QM_DIR="${CMAKE_BINARY_DIR}/app/wan-studio")
    endforeach()
endif()

# The layering itself: no services file includes a widget header or Qt Widgets, and the services tests'
# executables load no Qt Widgets library (checked with ldd where there is one).
set(WAN_UI_SERVICES_TESTS test_queuemodel test_jobtypes test_inferenceworker test_queuerunner
    test_singleinstance test_promptextendsettingsstore test_gallerymodel test_modeldownloads
    test_taskbarprogress)
if(TARGET test_queueautoextend)
    list(APPEND WAN_UI_SERVICES_TESTS test_queueautoextend)
endif()
set(WAN_UI_SERVICES_BINARIES)
foreach(name IN LISTS WAN_UI_SERVICES_TESTS)
    list(APPEND WAN_UI_SERVICES_BINARIES $<TARGET_FILE:${name}>)
endforeach()
add_test(NAME test_ui_layering COMMAND ${CMAKE_COMMAND} -DSERVICES_DIR=${PROJECT_SOURCE_DIR}/ui/services
    -DWIDGETS_DIR=${PROJECT_SOURCE_DIR}/ui/widgets "-DBINARIES=${WAN_UI_SERVICES_BINARIES}"
    -P ${PROJECT_SOURCE_DIR}/tests/scripts/check_ui_layering.cmake)
set_tests_properties(test_ui_layering PROPERTIES LABELS unit TIMEOUT 60)

# The model files dialog and the main window's model set: the engine's header checks (wanui_models, no torch
# compiled here) over the tiny fixtures.
if(TARGET wanui_models)
    wan_add_test(test_modelfiles SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_modelfiles.cpp LIBS wanui wanui_models
        LABELS unit TIMEOUT 120)
    target_include_directories(test_modelfiles PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(test_modelfiles PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
endif()

if(TARGET wan_pipeline AND TARGET wan_media)
    wan_add_test(test_ui_endtoend SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ui_endtoend.cpp
        LIBS wanui wanui_engine wan_media LABELS model TIMEOUT 900)
    target_include_directories(test_ui_endtoend PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(test_ui_endtoend PRIVATE WAN_UI_TEST_OUTPUT_DIR="${CMAKE_BINARY_DIR}/screenshots")
    # The job's settings.json through the CLI gives the same latents.
    if(TARGET wan-generate)
        target_compile_definitions(test_ui_endtoend PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
        add_dependencies(test_ui_endtoend wan-generate)
    endif()
endif()

# Kill-anywhere recovery of the render queue: a headless queue runner with the real engine (queue_headless,
# services and engine adapters only) SIGKILLed at random points, restarted until its jobs are done.
if(TARGET wanui_engine AND TARGET wan_media)
    add_executable(queue_headless ${CMAKE_CURRENT_LIST_DIR}/queue_headless.cpp)
    target_link_libraries(queue_headless PRIVATE wanui_engine)
    wan_target_defaults(queue_headless)
    wan_add_test(test_queuekill SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_queuekill.cpp LIBS wanui_services
        LABELS model kill TIMEOUT 300)
    target_compile_definitions(test_queuekill PRIVATE QUEUE_HEADLESS_PATH="$<TARGET_FILE:queue_headless>")
    add_dependencies(test_queuekill queue_headless)
endif()

# The real application in a real window on a virtual X display, driven through the keyboard (xdotool): a fresh
# profile, the welcome dialog's recommendation (the built-in demo model), a job from the example prompt, quit;
# the video and queue.json are checked and a screenshot kept.
if(TARGET wan-studio)
    add_test(NAME test_app_xvfb COMMAND bash ${PROJECT_SOURCE_DIR}/tests/scripts/xvfb_app_check.sh
        ${CMAKE_BINARY_DIR} ${CMAKE_BINARY_DIR}/screenshots/app_xvfb_first_run.png)
    set_tests_properties(test_app_xvfb PROPERTIES LABELS model TIMEOUT 180)
endif()
