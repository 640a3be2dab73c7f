# First-last-frame-to-video and VACE: stage and end-to-end parity with wan-tiny-flf2v / wan-tiny-vace, source
# formats (the lossless MP4 helper needs FFmpeg's libx264rgb) and input errors.
if(WAN_WITH_FFMPEG)
    wan_add_test(test_flf2v_vace TORCH
        SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_flf2v_vace.cpp ${CMAKE_CURRENT_LIST_DIR}/LosslessVideo.cpp
        LIBS wan_pipeline wan_dit wan_vision wan_vae wan_media wan_io PkgConfig::WAN_FFMPEG
        LABELS model)
    target_include_directories(test_flf2v_vace PRIVATE ${CMAKE_CURRENT_LIST_DIR})

    # wan-generate --task flf2v-14B / vace-*: the files it writes against the same references.
    if(TARGET wan-generate)
        wan_add_test(test_cli_flf2v_vace TORCH
            SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_cli_flf2v_vace.cpp ${CMAKE_CURRENT_LIST_DIR}/LosslessVideo.cpp
            LIBS wan_pipeline wan_media wan_io PkgConfig::WAN_FFMPEG
            LABELS model)
        target_include_directories(test_cli_flf2v_vace PRIVATE ${CMAKE_CURRENT_LIST_DIR})
        target_compile_definitions(test_cli_flf2v_vace PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
        add_dependencies(test_cli_flf2v_vace wan-generate)
    endif()
endif()
