#!/usr/bin/env python3
"""Reference implementation of perfpilot.kernel.protocol/1 in Python (see docs/kernel.md).

The kernel: y[i] = x[i] + 0.5 * sqrt(x[i]^2 + 1) over n = PERFPILOT_DIM_N float32
elements, inputs drawn from PERFPILOT_SEED (the same generator as kernel.c, so the two
implementations' outputs agree within fp32 rounding). Standard library only; uses numpy
when it is installed. `--slow-candidate` makes the "candidate" variant do a second pass.
"""
import json
import math
import os
import struct
import sys
import time
from array import array

try:
    import numpy as np
except ImportError:  # optional
    np = None

MASK = (1 << 64) - 1


def inputs(n, seed):
    s = (seed * 0x9E3779B97F4A7C15 + 1) & MASK
    x = array("f", bytes(4 * n))
    for i in range(n):
        s ^= s >> 12
        s = (s ^ (s << 25)) & MASK
        s ^= s >> 27
        x[i] = ((s * 0x2545F4914F6CDD1D) & MASK) >> 40
        x[i] = x[i] / float(1 << 24) * 2.0 - 1.0
    return x


def kernel(x, y):
    if np is not None:
        a = np.frombuffer(x, dtype=np.float32)
        out = a + np.float32(0.5) * np.sqrt(a * a + np.float32(1.0))
        y[:] = array("f", out.astype(np.float32).tobytes())
        return
    for i, v in enumerate(x):
        y[i] = v + 0.5 * math.sqrt(v * v + 1.0)


def write_npy(path, y):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % len(y)
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        if sys.byteorder != "little":
            y = array("f", y)
            y.byteswap()
        f.write(y.tobytes())


def main():
    env = os.environ
    shape = env["PERFPILOT_SHAPE"]
    variants = env["PERFPILOT_VARIANT"].split(",")
    n = int(env["PERFPILOT_DIM_N"])
    warmups = int(env.get("PERFPILOT_WARMUPS", "10"))
    iterations = int(env.get("PERFPILOT_ITERATIONS", "200"))
    seed = int(env.get("PERFPILOT_SEED", "1"))
    poison = float(env.get("PERFPILOT_POISON", "-31337.0"))
    output = env.get("PERFPILOT_OUTPUT", "")
    slow = "--slow-candidate" in sys.argv
    x = inputs(n, seed)
    y = array("f", [poison]) * n  # poison before any kernel runs
    scratch = array("f", bytes(4 * n))

    def call(variant):
        if slow and variant == "candidate":
            kernel(x, scratch)
        kernel(x, y)

    k = len(variants)
    for w in range(warmups * k):
        call(variants[w % k])
    lines = []
    for it in range(iterations * k):
        v = variants[it % k]
        t0 = time.perf_counter_ns()
        call(v)
        dt = (time.perf_counter_ns() - t0) / 1e3
        lines.append(json.dumps({"shape": shape, "variant": v, "iter": it // k,
                                 "time_us": dt, "timer": "wall"}))
    if output:
        write_npy(output, y)
        lines.append(json.dumps({"shape": shape, "variant": variants[0], "output": output}))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
