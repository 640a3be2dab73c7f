#pragma once
// C interface of the SentencePiece wrapper library (libwan_sentencepiece_shim.so).
//
// Why a separate library loaded with dlopen: Debian's libsentencepiece exports its own bundled copy of
// protobuf-lite (3.14-era), while LibTorch loads the system libprotobuf (3.21). Linked into one process, the
// two interpose each other's symbols and libprotobuf crashes in its static initialisers before main(). The
// wrapper is opened with RTLD_LOCAL | RTLD_DEEPBIND, so SentencePiece binds to its own protobuf and stays out
// of the global symbol scope.

#include <cstddef>

extern "C" {

struct WanSpmProcessor;

// Null on failure, with a message in `error`.
typedef WanSpmProcessor* (*WanSpmLoadFn)(const char* modelPath, char* error, std::size_t errorSize);
typedef void (*WanSpmFreeFn)(WanSpmProcessor* processor);
// Piece count, pad id and eos id (-1 when the model has none).
typedef void (*WanSpmInfoFn)(const WanSpmProcessor* processor, int* pieces, int* padId, int* eosId);
// Encodes `size` bytes of UTF-8. Returns the number of ids (written up to `capacity`; call again with a
// larger buffer when it exceeds `capacity`), or -1 on failure with a message in `error`.
typedef long (*WanSpmEncodeFn)(const WanSpmProcessor* processor, const char* text, std::size_t size, int* ids,
                               std::size_t capacity, char* error, std::size_t errorSize);
}

#define WAN_SPM_SHIM_FILE_NAME "libwan_sentencepiece_shim.so"
