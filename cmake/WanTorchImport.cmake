# Imported targets for an installed torch package (WAN_TORCH_ROOT = .../site-packages/torch), made without
# LibTorch's CMake config so that no CUDA compiler is needed. Provides what cmake/WanTorch.cmake provides:
# the `torch` target, TORCH_LIBRARIES, TORCH_CXX_FLAGS, Torch_VERSION, c10_cuda and CUDA::cudart for a CUDA build,
# WAN_WITH_CUDA and WAN_TORCH_RPATH.

set(_root "${WAN_TORCH_ROOT}")
set(_version_h "${_root}/include/torch/csrc/api/include/torch/version.h")
if(NOT EXISTS "${_version_h}" OR NOT EXISTS "${_root}/lib/libtorch.so")
    message(FATAL_ERROR "WAN_TORCH_ROOT=${_root} is not a torch package folder (no torch/version.h or "
                        "lib/libtorch.so); use the output of: python3 -c 'import torch, os; "
                        "print(os.path.dirname(torch.__file__))'")
endif()
# The numbers are in torch/version.h up to 2.8, in torch/headeronly/version.h (which it includes) after.
set(_ver "")
foreach(_h "${_version_h}" "${_root}/include/torch/headeronly/version.h")
    if(EXISTS "${_h}")
        file(STRINGS "${_h}" _lines REGEX "#define TORCH_VERSION_(MAJOR|MINOR|PATCH) ")
        list(APPEND _ver ${_lines})
    endif()
endforeach()
foreach(_part MAJOR MINOR PATCH)
    string(REGEX MATCH "TORCH_VERSION_${_part} ([0-9]+)" _m "${_ver}")
    set(_v_${_part} "${CMAKE_MATCH_1}")
endforeach()
set(Torch_VERSION "${_v_MAJOR}.${_v_MINOR}.${_v_PATCH}")
if(Torch_VERSION VERSION_LESS 2.7)
    message(FATAL_ERROR "torch ${Torch_VERSION} at ${_root} is too old: 2.7 or newer is needed (C++11 ABI)")
endif()
set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=1")

# The system {fmt} ahead of the wheel's own copy (see cmake/WanTorch.cmake).
set(_incs "${_root}/include" "${_root}/include/torch/csrc/api/include")
wan_fmt_shim(_shim)
if(_shim)
    list(PREPEND _incs "${_shim}")
endif()

add_library(torch INTERFACE IMPORTED)
set(_libs "${_root}/lib/libtorch.so" "${_root}/lib/libtorch_cpu.so" "${_root}/lib/libc10.so")
set(WAN_WITH_CUDA 0)
get_filename_component(_site "${_root}" DIRECTORY)
if(EXISTS "${_root}/lib/libtorch_cuda.so" AND EXISTS "${_root}/lib/libc10_cuda.so")
    # The CUDA runtime's headers and library from NVIDIA's wheels next to torch (CUDA 13: nvidia/cu13, CUDA 12:
    # nvidia/cuda_runtime), else from a toolkit.
    file(GLOB _cudart_inc LIST_DIRECTORIES true "${_site}/nvidia/cu*/include" "${_site}/nvidia/cuda_runtime/include"
         "$ENV{CUDA_HOME}/include" "/usr/local/cuda/include")
    set(_cuda_inc "")
    foreach(_d IN LISTS _cudart_inc)
        if(_cuda_inc STREQUAL "" AND EXISTS "${_d}/cuda_runtime_api.h")
            set(_cuda_inc "${_d}")
        endif()
    endforeach()
    file(GLOB _cudart_lib "${_site}/nvidia/cu*/lib/libcudart.so*" "${_site}/nvidia/cuda_runtime/lib/libcudart.so*"
         "$ENV{CUDA_HOME}/lib64/libcudart.so*" "/usr/local/cuda/lib64/libcudart.so*")
    if(_cuda_inc STREQUAL "" OR NOT _cudart_lib)
        message(FATAL_ERROR "torch at ${_root} is a CUDA build, but the CUDA runtime headers (cuda_runtime_api.h) "
                            "or libcudart were not found next to it (nvidia/cu*/ or nvidia/cuda_runtime/) or in "
                            "CUDA_HOME")
    endif()
    list(GET _cudart_lib 0 _cudart_lib)
    add_library(CUDA::cudart INTERFACE IMPORTED)
    set_target_properties(CUDA::cudart PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_cuda_inc}"
        INTERFACE_LINK_LIBRARIES "${_cudart_lib}")
    add_library(c10_cuda INTERFACE IMPORTED)
    set_target_properties(c10_cuda PROPERTIES INTERFACE_LINK_LIBRARIES "${_root}/lib/libc10_cuda.so;CUDA::cudart")
    # libtorch_cuda registers the CUDA hooks when loaded: keep it even though nothing references it directly.
    list(APPEND _libs "-Wl,--no-as-needed,${_root}/lib/libtorch_cuda.so" "-Wl,--as-needed"
         "${_root}/lib/libc10_cuda.so")
    list(APPEND _incs "${_cuda_inc}")
    set(WAN_WITH_CUDA 1)
endif()
set_target_properties(torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_incs}"
    INTERFACE_COMPILE_OPTIONS "${TORCH_CXX_FLAGS}" INTERFACE_LINK_LIBRARIES "${_libs}")
set(TORCH_LIBRARIES torch)
set(TORCH_INCLUDE_DIRS ${_incs})
set(WAN_TORCH_LIB_DIR "${_root}/lib")
file(GLOB _nv LIST_DIRECTORIES true "${_site}/nvidia/*/lib")
set(WAN_TORCH_RPATH "${_root}/lib" ${_nv})
message(STATUS "torch ${Torch_VERSION} imported from ${_root} (CUDA: ${WAN_WITH_CUDA})")
