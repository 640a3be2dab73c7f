# The DiT's own CUDA kernels (core/src/dit/FusedKernels.cu) need a CUDA compiler; they are optional.
#
# WAN_CUDA_KERNELS: AUTO (default) builds them when LibTorch has CUDA and a CUDA compiler is found (the PyPI
# nvcc that cmake/WanTorch.cmake sets up, CMAKE_CUDA_COMPILER, CUDACXX, or nvcc on PATH); ON makes a missing
# compiler a configure error; OFF never builds them. Without them the same steps run as LibTorch operations.
# Sets WAN_BUILD_CUDA_KERNELS (0/1). Included at the top level: the CUDA language has to be enabled in the
# directory that holds every target linking the kernels.
set(WAN_CUDA_KERNELS AUTO CACHE STRING "Build the DiT's own CUDA kernels: AUTO, ON or OFF")
set_property(CACHE WAN_CUDA_KERNELS PROPERTY STRINGS AUTO ON OFF)

set(WAN_BUILD_CUDA_KERNELS 0)
if(NOT WAN_CUDA_KERNELS STREQUAL "OFF")
    if(NOT WAN_WITH_CUDA)
        set(_wan_no_kernels "LibTorch has no CUDA")
    else()
        get_property(_wan_langs GLOBAL PROPERTY ENABLED_LANGUAGES)
        if(NOT "CUDA" IN_LIST _wan_langs)
            include(CheckLanguage)
            check_language(CUDA)
            if(CMAKE_CUDA_COMPILER)
                if(NOT DEFINED CMAKE_CUDA_STANDARD)
                    set(CMAKE_CUDA_STANDARD 17)
                endif()
                enable_language(CUDA)
            endif()
        endif()
        get_property(_wan_langs GLOBAL PROPERTY ENABLED_LANGUAGES)
        if("CUDA" IN_LIST _wan_langs)
            set(WAN_BUILD_CUDA_KERNELS 1)
            # Turing (the oldest architecture CUDA 13 builds for) to Blackwell consumer cards, plus PTX for newer
            # ones; compilers before 12.8 know no Blackwell, so they stop at Hopper (with its PTX).
            if(CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 12.8)
                set(_wan_archs "75-real;80-real;86-real;89-real;90")
            else()
                set(_wan_archs "75-real;80-real;86-real;89-real;90-real;100-real;120")
            endif()
            set(WAN_CUDA_ARCHITECTURES "${_wan_archs}" CACHE STRING "CUDA architectures of the DiT's own kernels")
        else()
            set(_wan_no_kernels "no CUDA compiler was found (set CMAKE_CUDA_COMPILER=/path/to/nvcc)")
        endif()
    endif()
    if(NOT WAN_BUILD_CUDA_KERNELS)
        if(WAN_CUDA_KERNELS STREQUAL "ON")
            message(FATAL_ERROR "WAN_CUDA_KERNELS=ON, but ${_wan_no_kernels}.")
        endif()
        message(STATUS "DiT CUDA kernels: not built (${_wan_no_kernels}); LibTorch operations run instead")
    else()
        message(STATUS "DiT CUDA kernels: built with ${CMAKE_CUDA_COMPILER} for ${WAN_CUDA_ARCHITECTURES}")
    endif()
endif()
