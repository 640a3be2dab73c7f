#!/usr/bin/env python3
"""Writes the GGUF oracle files of tests/core/test_gguf_oracle.cpp with llama.cpp's reference Python package.

For every GGUF type Wan quantisations use, oracle.gguf holds a tensor quantised by gguf-py where gguf-py can
quantise that type, and one of random but valid blocks (finite fp16 scales) for every block type; gguf-py's own
dequantisation of each tensor goes to <name>.f32 (raw little-endian float32) and manifest.json lists them.
Test set-up only (run by tests/scripts/gguf_oracle.sh), never a runtime dependency.

usage: gguf_oracle.py OUT_DIR
"""
import importlib.metadata
import json
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q

# Offsets of the fp16 scale fields inside one block (gguf-py quants.py layouts).
SCALE_OFFSETS = {
    Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q5_0: [0], Q.Q5_1: [0, 2], Q.Q8_0: [0],
    Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208],
}
QUANTIZABLE = [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q5_0, Q.Q5_1, Q.Q4_0, Q.Q4_1]
ALL_TYPES = [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q6_K, Q.Q5_K, Q.Q5_0, Q.Q5_1, Q.Q4_K, Q.Q4_0, Q.Q4_1, Q.Q3_K, Q.Q2_K]


def random_blocks(rng, qtype, shape):
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    rows = int(np.prod(shape[:-1]))
    n_blocks = rows * shape[-1] // block
    raw = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    for off in SCALE_OFFSETS[qtype]:
        # Finite scales over a wide range, negative ones and subnormals included.
        scale = (rng.standard_normal(n_blocks) * np.exp2(rng.integers(-20, 4, n_blocks))).astype(np.float16)
        raw[:, off:off + 2] = scale.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(*shape[:-1], shape[-1] // block * size)


def random_plain(rng, qtype, shape):
    if qtype == Q.F32:
        bits = rng.integers(0, 2**32, size=shape, dtype=np.uint64).astype(np.uint32)
        bits = np.where((bits & 0x7F800000) == 0x7F800000, bits & 0xBFFFFFFF, bits)  # no inf/nan
        return bits.view(np.float32), None
    bits = rng.integers(0, 2**16, size=shape, dtype=np.uint32).astype(np.uint16)
    mask = 0x7C00 if qtype == Q.F16 else 0x7F80
    bits = np.where((bits & mask) == mask, bits & ~np.uint16(0x4000), bits).astype(np.uint16)
    if qtype == Q.F16:
        return bits.view(np.float16), None
    return bits.view(np.uint8).reshape(*shape[:-1], shape[-1] * 2), Q.BF16


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20)
    writer = gguf.GGUFWriter(str(out / "oracle.gguf"), "wan")
    writer.add_custom_alignment(64)
    writer.add_name("gguf oracle")
    writer.add_uint8("test.u8", 200)
    writer.add_int8("test.i8", -5)
    writer.add_uint16("test.u16", 60000)
    writer.add_int16("test.i16", -30000)
    writer.add_uint32("test.u32", 4000000000)
    writer.add_int32("test.i32", -2000000000)
    writer.add_uint64("test.u64", 2**63 + 5)
    writer.add_int64("test.i64", -(2**62))
    writer.add_float32("test.f32", 0.25)
    writer.add_float64("test.f64", -1.5e300)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "Wan 万")
    writer.add_array("test.strings", ["a", "", "blocks.0"])
    writer.add_array("test.ints", [1, -2, 3])
    writer.add_key_value("test.nested", [[1, 2], [3, 4, 5]], gguf.GGUFValueType.ARRAY)

    manifest = []

    def add(name, qtype, data, raw_dtype, shape, quantised):
        writer.add_tensor(name, data, raw_dtype=raw_dtype)
        if raw_dtype is None:
            expected = gguf.quants.dequantize(data, qtype)
        else:
            expected = gguf.quants.dequantize(data, raw_dtype)
        expected = np.ascontiguousarray(expected, dtype=np.float32)
        assert list(expected.shape) == list(shape), (name, expected.shape, shape)
        expected.astype("<f4").tofile(out / (name + ".f32"))
        manifest.append({"name": name, "type": qtype.name, "type_id": int(qtype), "shape": list(shape),
                         "quantised_by_gguf_py": quantised})

    for qtype in ALL_TYPES:
        shape = [3, 512] if qtype != Q.Q4_K else [2, 3, 256]
        if qtype in QUANTIZABLE:
            values = (rng.standard_normal(shape) * 0.05).astype(np.float32)
            values.flat[::97] *= 40.0  # outliers, as real weights have
            data = gguf.quants.quantize(values, qtype)
            raw_dtype = None if qtype in (Q.F32, Q.F16) else qtype
            add(f"quantised.{qtype.name}", qtype, data, raw_dtype, shape, True)
        if qtype in SCALE_OFFSETS:
            add(f"random.{qtype.name}", qtype, random_blocks(rng, qtype, shape), qtype, shape, False)
        else:
            data, raw_dtype = random_plain(rng, qtype, shape)
            add(f"random.{qtype.name}", qtype, data, raw_dtype, shape, False)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    (out / "manifest.json").write_text(json.dumps({"gguf_version": importlib.metadata.version("gguf"),
                                                   "tensors": manifest}, indent=1))
    print(f"wrote {len(manifest)} tensors to {out / 'oracle.gguf'}")


if __name__ == "__main__":
    main()
