# Kill-anywhere recovery: SIGKILLs wan-generate at random points and checks that rerunning it completes with
# the same latents and video as an uninterrupted run (about a minute on two cores).
if(TARGET wan-generate)
    wan_add_test(test_kill SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kill.cpp LABELS model kill TIMEOUT 300)
    target_compile_definitions(test_kill PRIVATE WAN_GENERATE_PATH="$<TARGET_FILE:wan-generate>")
    add_dependencies(test_kill wan-generate)
endif()
