wan_add_test(test_media SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_media.cpp LIBS wan_media LABELS unit)
target_compile_definitions(test_media PRIVATE
    WAN_MEDIA_HAS_FFMPEG=$<BOOL:${WAN_WITH_FFMPEG}>
    WAN_MEDIA_HAS_OPENCV=$<BOOL:${WAN_WITH_OPENCV}>)
if(WAN_WITH_FFMPEG) # the lossless export checked in the decoder's own YUV planes
    target_link_libraries(test_media PRIVATE PkgConfig::WAN_FFMPEG)
endif()
if(WAN_WITH_OPENCV)
    target_link_libraries(test_media PRIVATE opencv_core opencv_imgproc opencv_imgcodecs)
endif()
