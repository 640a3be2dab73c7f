#!/usr/bin/env python3
"""Converts a tiny fixture DiT (diffusion_pytorch_model.safetensors, float32) into GGUF files with llama.cpp's
reference Python package, one file per ggml type, for tests/core/test_formats_e2e.cpp; and, as the oracle,
gguf-py's own dequantisation of each file read back (dit_<TYPE>.dequant.safetensors, float32, real shapes).

Every tensor of 2+ dimensions whose last dimension (after flattening to [rows, last]) is a multiple of the
type's block size is stored in that type; the rest stays F32. Tensors of more than 2 dimensions are stored
flattened to [shape[0], -1] with their real shape in `comfy.gguf.orig_shape.<name>`, as ComfyUI-GGUF's
converter does. The K types (256-element blocks) need rows of 256 and gguf-py cannot quantise them; the
fixture's rows are 64/128 elements, so they are not written here.
Test set-up only (run by tests/scripts/gguf_fixture.sh), never a runtime dependency.

usage: gguf_fixture.py FIXTURE_DIR OUT_DIR
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q

TYPES = [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q5_0, Q.Q5_1, Q.Q4_0, Q.Q4_1]


def read_safetensors(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: {name} is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(raw[base + begin:base + end], dtype="<f4").reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, value in sorted(tensors.items()):
        data = np.ascontiguousarray(value, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def dequantized(path, shapes):
    out = {}
    for t in gguf.GGUFReader(str(path)).tensors:
        values = gguf.quants.dequantize(t.data, t.tensor_type)
        out[t.name] = np.asarray(values, dtype=np.float32).reshape(shapes[t.name])
    return out


def main():
    fixture, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    tensors = read_safetensors(fixture / "diffusion_pytorch_model.safetensors")
    for qtype in TYPES:
        block, _ = gguf.GGML_QUANT_SIZES[qtype]
        writer = gguf.GGUFWriter(str(out / f"dit_{qtype.name}.gguf"), "wan")
        writer.add_name(f"fixture dit {qtype.name}")
        counts = {}
        for name, value in sorted(tensors.items()):
            data = np.ascontiguousarray(value, dtype=np.float32)
            if data.ndim > 2:
                writer.add_array(f"comfy.gguf.orig_shape.{name}", [int(d) for d in data.shape])
                data = data.reshape(data.shape[0], -1)
            stored = qtype if data.ndim == 2 and data.shape[-1] % block == 0 else Q.F32
            counts[stored.name] = counts.get(stored.name, 0) + 1
            if stored == Q.F32:
                writer.add_tensor(name, data)
            elif stored == Q.F16:
                writer.add_tensor(name, data.astype(np.float16))
            else:
                writer.add_tensor(name, gguf.quants.quantize(data, stored), raw_dtype=stored)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        shapes = {name: value.shape for name, value in tensors.items()}
        write_safetensors(out / f"dit_{qtype.name}.dequant.safetensors",
                          dequantized(out / f"dit_{qtype.name}.gguf", shapes))
        print(f"dit_{qtype.name}.gguf: {counts}")


if __name__ == "__main__":
    main()
