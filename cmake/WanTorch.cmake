# Finds the project's LibTorch.
#
# Order: an explicit Torch_DIR or CMAKE_PREFIX_PATH (any LibTorch 2.x the user points at) wins; otherwise the
# virtual environment that installer/bootstrap.sh keeps in ${XDG_CACHE_HOME:-$HOME/.cache}/wan-studio/torch-<pin>
# (or WAN_TORCH_VENV), so a plain `cmake -S . -B build` finds the same LibTorch as the README's commands.
#
# A CUDA build of LibTorch needs a CUDA compiler and headers at configure time. Unless CUDAToolkit_ROOT (or
# CUDA_TOOLKIT_ROOT_DIR) is given, the ones NVIDIA publishes on PyPI inside the same environment are used: they
# are pinned to the wheel's CUDA version, and the machine needs no CUDA toolkit of its own.

# The wheel ships its own {fmt} (a newer major version) in torch/include/fmt, which would shadow the system {fmt}
# that Debian's spdlog is built against (spdlog includes <fmt/...>). wan_fmt_shim() makes a folder holding only a
# link to the system's fmt headers, to go in front of LibTorch's include directories (LibTorch's public headers
# that we include do not use fmt; its own copy stays private to its libraries). Sets OUT to "" without fmt.
function(wan_fmt_shim out)
    set(${out} "" PARENT_SCOPE)
    find_package(fmt QUIET)
    if(NOT TARGET fmt::fmt)
        return()
    endif()
    get_target_property(inc fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
    list(GET inc 0 inc)
    if(EXISTS "${inc}/fmt/core.h")
        set(shim "${CMAKE_BINARY_DIR}/wan-fmt-shim")
        file(MAKE_DIRECTORY "${shim}")
        file(CREATE_LINK "${inc}/fmt" "${shim}/fmt" SYMBOLIC)
        set(${out} "${shim}" PARENT_SCOPE)
    endif()
endfunction()

# WAN_TORCH_ROOT=/path/to/site-packages/torch imports an installed torch package directly, without its CMake config:
# no CUDA compiler is needed then (the config of a CUDA build wants nvcc; nothing of ours is compiled for the
# device). tests/scripts/gpu_check.sh uses it on machines that have PyTorch but no CUDA toolkit.
if(WAN_TORCH_ROOT)
    include(WanTorchImport)
    return()
endif()

file(STRINGS "${PROJECT_SOURCE_DIR}/installer/torch-requirements.txt" _wan_torch_pin REGEX "^torch==")
string(REPLACE "torch==" "" WAN_TORCH_PINNED_VERSION "${_wan_torch_pin}")

if(NOT DEFINED WAN_TORCH_VENV)
    if(DEFINED ENV{WAN_TORCH_VENV})
        set(_wan_venv "$ENV{WAN_TORCH_VENV}")
    elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
        set(_wan_venv "$ENV{XDG_CACHE_HOME}/wan-studio/torch-${WAN_TORCH_PINNED_VERSION}")
    else()
        set(_wan_venv "$ENV{HOME}/.cache/wan-studio/torch-${WAN_TORCH_PINNED_VERSION}")
    endif()
    set(WAN_TORCH_VENV "${_wan_venv}" CACHE PATH "Virtual environment holding the pinned torch wheel")
endif()

set(_wan_site "")
file(GLOB _wan_sites LIST_DIRECTORIES true "${WAN_TORCH_VENV}/lib/python3*/site-packages")
foreach(_s IN LISTS _wan_sites)
    if(EXISTS "${_s}/torch/share/cmake/Torch/TorchConfig.cmake")
        set(_wan_site "${_s}")
    endif()
endforeach()

set(_wan_user_torch FALSE)
if(Torch_DIR OR CMAKE_PREFIX_PATH OR DEFINED ENV{Torch_DIR} OR DEFINED ENV{CMAKE_PREFIX_PATH})
    set(_wan_user_torch TRUE)
endif()
if(NOT _wan_user_torch)
    if(_wan_site STREQUAL "")
        message(FATAL_ERROR
            "LibTorch not found: no Torch_DIR or CMAKE_PREFIX_PATH was given and ${WAN_TORCH_VENV} holds no torch "
            "wheel. Run `bash installer/bootstrap.sh test` (or `run`) once to set it up, or point the build at "
            "another LibTorch 2.x with -DCMAKE_PREFIX_PATH=/path/to/libtorch.")
    endif()
    set(Torch_DIR "${_wan_site}/torch/share/cmake/Torch" CACHE PATH "" FORCE)
    message(STATUS "LibTorch from ${WAN_TORCH_VENV}")
endif()

# NVIDIA's PyPI CUDA pieces (nvcc, headers, runtime) for a CUDA LibTorch, unless the user names a toolkit.
set(_wan_cuda_root "")
foreach(_s IN LISTS _wan_sites)
    file(GLOB _wan_nvcc "${_s}/nvidia/cu*/bin/nvcc")
    if(_wan_nvcc)
        list(GET _wan_nvcc 0 _wan_nvcc)
        get_filename_component(_wan_cuda_root "${_wan_nvcc}" DIRECTORY)
        get_filename_component(_wan_cuda_root "${_wan_cuda_root}" DIRECTORY)
    endif()
endforeach()
if(NOT _wan_user_torch AND NOT CUDAToolkit_ROOT AND NOT CUDA_TOOLKIT_ROOT_DIR AND NOT DEFINED ENV{CUDAToolkit_ROOT}
   AND NOT _wan_cuda_root STREQUAL "")
    set(CUDA_TOOLKIT_ROOT_DIR "${_wan_cuda_root}" CACHE PATH "CUDA toolkit (NVIDIA's PyPI packages)")
    set(CUDAToolkit_ROOT "${_wan_cuda_root}" CACHE PATH "CUDA toolkit (NVIDIA's PyPI packages)")
    set(CMAKE_CUDA_COMPILER "${_wan_cuda_root}/bin/nvcc" CACHE FILEPATH "")
    set(CUDA_NVCC_EXECUTABLE "${_wan_cuda_root}/bin/nvcc" CACHE FILEPATH "")
    # The wheel's NVIDIA libraries sit in several folders next to each other (nvidia/cu13/lib, nvidia/nccl/lib...).
    file(GLOB _wan_nv_libdirs LIST_DIRECTORIES true "${_wan_site}/nvidia/*/lib")
    list(APPEND CMAKE_LIBRARY_PATH ${_wan_nv_libdirs})
    message(STATUS "CUDA compiler and headers from ${_wan_cuda_root}")
endif()

# Torch's CUDA set-up compiles small CUDA probes: C++17 is what every nvcc accepts, and a fixed architecture list
# avoids probing for a GPU (nothing of ours is compiled for the device).
if(NOT DEFINED CMAKE_CUDA_STANDARD)
    set(CMAKE_CUDA_STANDARD 17)
endif()
if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
    set(TORCH_CUDA_ARCH_LIST "8.0;9.0")
endif()
find_package(Torch REQUIRED)
if(Torch_VERSION VERSION_LESS 2.7)
    message(FATAL_ERROR "LibTorch ${Torch_VERSION} is too old: 2.7 or newer is needed (C++11 ABI, SDPA with "
                        "scale, float8 types). The pinned version is ${WAN_TORCH_PINNED_VERSION}.")
endif()

# Torch's MKL target names link folders under an empty MKL_ROOT (/lib/intel64...); the wheel links MKL statically.
if(TARGET caffe2::mkl AND NOT MKL_ROOT)
    set_property(TARGET caffe2::mkl PROPERTY INTERFACE_LINK_DIRECTORIES "")
endif()

# CUDA paths (device queries, pinned memory, streams, the CUDA generator) are compiled whenever LibTorch has CUDA;
# the pinned wheel always has, so a CPU-only LibTorch is accepted only where the user chose it.
if(TARGET c10_cuda)
    set(WAN_WITH_CUDA 1)
else()
    set(WAN_WITH_CUDA 0)
    if(NOT _wan_user_torch)
        message(FATAL_ERROR "The LibTorch in ${WAN_TORCH_VENV} has no CUDA support (no c10_cuda): reinstall it "
                            "with `bash installer/bootstrap.sh test`.")
    endif()
    message(WARNING "LibTorch ${Torch_VERSION} without CUDA: Wan Studio will run on the CPU only.")
endif()

wan_fmt_shim(_wan_fmt_shim)
if(_wan_fmt_shim)
    get_target_property(_wan_torch_incs torch INTERFACE_INCLUDE_DIRECTORIES)
    set_target_properties(torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_wan_fmt_shim};${_wan_torch_incs}")
    list(PREPEND TORCH_INCLUDE_DIRS "${_wan_fmt_shim}")
endif()

# Binaries find LibTorch and the wheel's NVIDIA libraries by RPATH, in the build tree and once installed.
get_target_property(_wan_torch_inc torch INTERFACE_INCLUDE_DIRECTORIES)
list(FILTER _wan_torch_inc INCLUDE REGEX "torch/include$")
list(GET _wan_torch_inc 0 _wan_torch_inc)
get_filename_component(WAN_TORCH_LIB_DIR "${_wan_torch_inc}/../lib" ABSOLUTE)
set(WAN_TORCH_RPATH "${WAN_TORCH_LIB_DIR}")
get_filename_component(_wan_torch_pkg "${WAN_TORCH_LIB_DIR}" DIRECTORY)
get_filename_component(_wan_torch_site "${_wan_torch_pkg}" DIRECTORY)
file(GLOB _wan_rpath_nv LIST_DIRECTORIES true "${_wan_torch_site}/nvidia/*/lib" "${_wan_torch_site}/nvidia/cu*/lib")
list(APPEND WAN_TORCH_RPATH ${_wan_rpath_nv})
list(REMOVE_DUPLICATES WAN_TORCH_RPATH)
