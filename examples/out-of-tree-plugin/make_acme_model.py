#!/usr/bin/env python3
"""Writes a small checkpoint of the (made-up) Acme transformer family, the model that the SDK
examples convert: F16, hidden size 256, 3 blocks, keys as acme-model-profile/acme_profile.cpp
describes them. Weights are normal with standard deviation 1/sqrt(fan-in) plus a few outliers (one
entry in a thousand, ten times larger), as trained layers have; the same file for the same seed."""

import argparse

import numpy as np
from safetensors.numpy import save_file

HIDDEN = 256
VOCABULARY = 512
BLOCKS = 3


def linear(generator, rows, cols):
    weight = generator.standard_normal((rows, cols)) / np.sqrt(cols)
    outliers = generator.random((rows, cols)) < 1e-3
    weight[outliers] *= 10.0
    return weight.astype(np.float16)


def acme_model(seed):
    generator = np.random.default_rng(seed)
    tensors = {"acme.embed.weight": linear(generator, VOCABULARY, HIDDEN)}
    for block in range(BLOCKS):
        prefix = f"acme.blocks.{block}."
        for name, rows, cols in (("attn.qkv", 3 * HIDDEN, HIDDEN), ("attn.out", HIDDEN, HIDDEN),
                                 ("mlp.up", 4 * HIDDEN, HIDDEN), ("mlp.down", HIDDEN, 4 * HIDDEN)):
            tensors[prefix + name + ".weight"] = linear(generator, rows, cols)
            tensors[prefix + name + ".bias"] = (0.01 * generator.standard_normal(rows)).astype(np.float16)
        tensors[prefix + "norm.weight"] = np.ones(HIDDEN, dtype=np.float16)
    tensors["acme.head.weight"] = linear(generator, VOCABULARY, HIDDEN)
    return tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", help="the safetensors file to write")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    save_file(acme_model(arguments.seed), arguments.output)


if __name__ == "__main__":
    main()
