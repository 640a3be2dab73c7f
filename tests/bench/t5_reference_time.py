#!/usr/bin/env python3
"""Times the official umT5 encoder's math in bf16 on the CPU, unpadded, on the weights bench_t5 writes.

The official pipeline with --t5_cpu keeps the encoder in bf16 and computes in bf16 on the CPU. This script
rebuilds that computation with plain PyTorch operations in the same order and dtypes (RMS norm in float32 then
cast back, bias-free linear layers, unscaled attention with the relative position bias, softmax in float32, the
gated tanh-GELU feed-forward), on exactly the weights that bench_t5 measured (its --keep file), so both programs
time the same model on the same machine and the same LibTorch build (the project's cached PyPI torch).

    build/tests/bench/bench_t5 --tokens 60 --repeat 2 --compute fp32,bf16 --file W.safetensors --keep
    $WAN_TORCH_VENV/bin/python tests/bench/t5_reference_time.py --file W.safetensors --tokens 60 --repeat 2

Prints the seconds per encoding and, with --compare-fp32, the largest difference to a float32 run.
"""
import argparse
import json
import math
import mmap
import struct
import time
import warnings

import torch

# The mapping is read-only and nothing writes to it.
warnings.filterwarnings("ignore", message="The given buffer is not writable")


def load_safetensors(path):
    """Zero-copy views of a safetensors file's tensors (bf16 or float32 only)."""
    f = open(path, "rb")
    mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (header_size,) = struct.unpack("<Q", mapped[:8])
    header = json.loads(mapped[8 : 8 + header_size])
    base = 8 + header_size
    dtypes = {"BF16": (torch.bfloat16, 2), "F32": (torch.float32, 4)}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, size = dtypes[info["dtype"]]
        begin, end = info["data_offsets"]
        count = (end - begin) // size
        t = torch.frombuffer(mapped, dtype=dtype, count=count, offset=base + begin)
        tensors[name] = t.view(info["shape"])
    return tensors, mapped


def relative_buckets(length, num_buckets, max_dist=128):
    rel = torch.arange(length).unsqueeze(0) - torch.arange(length).unsqueeze(1)  # key - query
    half = num_buckets // 2
    buckets = (rel > 0).long() * half
    rel = rel.abs()
    max_exact = half // 2
    large = max_exact + (
        torch.log(rel.float() / max_exact) / math.log(max_dist / max_exact) * (half - max_exact)
    ).long()
    large = torch.min(large, torch.full_like(large, half - 1))
    return buckets + torch.where(rel < max_exact, rel, large)


def rms_norm(x, weight, eps=1e-6):
    y = x.float() * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + eps)
    return weight * y.type_as(weight) if weight.dtype in (torch.float16, torch.bfloat16) else weight * y


def encode(w, ids, dtype, num_heads, num_layers, num_buckets):
    def p(name):
        t = w[name]
        return t if t.dtype == dtype else t.to(dtype)

    x = p("token_embedding.weight")[ids].unsqueeze(0)  # [1, L, dim]
    length = ids.numel()
    buckets = relative_buckets(length, num_buckets)
    for i in range(num_layers):
        b = f"blocks.{i}."
        bias = p(b + "pos_embedding.embedding.weight")[buckets].permute(2, 0, 1).unsqueeze(0)
        h = rms_norm(x, p(b + "norm1.weight"))
        q = torch.nn.functional.linear(h, p(b + "attn.q.weight"))
        k = torch.nn.functional.linear(h, p(b + "attn.k.weight"))
        v = torch.nn.functional.linear(h, p(b + "attn.v.weight"))
        head = q.shape[-1] // num_heads
        q, k, v = (t.view(1, length, num_heads, head) for t in (q, k, v))
        attn = torch.einsum("binc,bjnc->bnij", q, k) + bias
        attn = torch.softmax(attn.float(), dim=-1).type_as(attn)
        out = torch.einsum("bnij,bjnc->binc", attn, v).reshape(1, length, -1)
        x = x + torch.nn.functional.linear(out, p(b + "attn.o.weight"))
        h = rms_norm(x, p(b + "norm2.weight"))
        gate = torch.nn.functional.gelu(torch.nn.functional.linear(h, p(b + "ffn.gate.0.weight")), approximate="tanh")
        x = x + torch.nn.functional.linear(torch.nn.functional.linear(h, p(b + "ffn.fc1.weight")) * gate,
                                           p(b + "ffn.fc2.weight"))
    return rms_norm(x, p("norm.weight"))[0].float()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="the bf16 .safetensors bench_t5 wrote (--keep)")
    parser.add_argument("--tokens", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="0: torch's default")
    parser.add_argument("--compare-fp32", action="store_true", help="also run float32 math and compare")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    weights, _mapping = load_safetensors(args.file)
    num_layers = 1 + max(int(n.split(".")[1]) for n in weights if n.startswith("blocks."))
    num_buckets, num_heads = weights["blocks.0.pos_embedding.embedding.weight"].shape
    vocab = weights["token_embedding.weight"].shape[0]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}; {num_layers} layers, {num_heads} heads")
    generator = torch.Generator().manual_seed(1234)
    ids = torch.randint(3, vocab, (args.tokens,), generator=generator)
    ids[-1] = 1
    with torch.inference_mode():
        for r in range(args.repeat):
            start = time.perf_counter()
            out = encode(weights, ids, torch.bfloat16, num_heads, num_layers, num_buckets)
            seconds = time.perf_counter() - start
            print(f"reference bf16 encode {args.tokens} tokens: {seconds:.2f} s (mean |x| {out.abs().mean():.3f})")
        if args.compare_fp32:
            start = time.perf_counter()
            full = encode(weights, ids, torch.float32, num_heads, num_layers, num_buckets)
            print(f"reference fp32 encode {args.tokens} tokens: {time.perf_counter() - start:.2f} s; "
                  f"bf16 vs fp32 max |diff| {(out - full).abs().max():.4f}")


if __name__ == "__main__":
    main()
