#!/usr/bin/env python3
"""A real model for the held-out comparison: rxnmapper's ALBERT (PyPI rxnmapper 0.4.3 ships its
weights), its activations recorded with lrq_capture on two disjoint sets of reaction SMILES.

Writes into --work: albert.safetensors (the model's state dict, F32), fit.safetensors (statistics
of the fit reactions, default compact/dense limits) and held-out.safetensors (statistics of the
other reactions, dense for every layer). Then measure with heldout_quality.py --model-file ...
--extra "--set calibration.missing=rtn": the embedding tables, which the generic profile
quantizes, are no linear layers and have no statistics. Needs torch and transformers; the
rxnmapper package itself is not imported, only its files read.

  PYTHONPATH=integrations/python benchmarks/capture_albert.py --wheel rxnmapper-0.4.3-py3-none-any.whl \\
      --work /tmp/albert [--device cuda]
"""

import argparse
import itertools
import pathlib
import random
import re
import sys
import zipfile

import torch
import transformers
from safetensors.torch import save_file

import lrq_capture

MODEL_DIRECTORY = "rxnmapper/models/transformers/albert_heads_8_uspto_all_1310k/"
# The usual SMILES tokenization of reaction transformers: bracket atoms, two-letter halogens,
# ring-closure digits, bonds and the reaction arrow each make one token.
TOKEN = re.compile(r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|/|:|~|@|\?|"
                   r">>?|\*|\$|%[0-9]{2}|[0-9])")

# Acids OC(=O)R by their R; amines and alcohols written from the atom that bonds, so that the
# amide or ester product is O=C(<partner>)R.
ACID_RESTS = ["C", "CC", "c1ccccc1", "c1ccc(Cl)cc1", "c1ccc(OC)cc1", "C1CCCCC1", "c1ccncc1",
              "Cc1ccccc1", "c1ccc(F)cc1", "C(C)C", "c1cccs1", "C=Cc1ccccc1",
              "c1ccc([N+](=O)[O-])cc1", "CCCl", "c1ccc2ccccc2c1", "CNC(=O)OC(C)(C)C"]
PARTNERS = ["NCc1ccccc1", "NC", "N(CC)CC", "N1CCCCC1", "N1CCOCC1", "Nc1ccccc1", "Nc1ccc(Br)cc1",
            "NC(C)C", "NCCO", "N1CCCC1", "Nc1ccncc1", "N(C)C", "NC1CC1", "NCc1ccco1", "OC",
            "OCC", "OC(C)C", "OCc1ccccc1", "OCCCl", "Oc1ccccc1"]
REAGENTS = ["CN(C)C=O", "ClCCl", "CCN(C(C)C)C(C)C", "CCN=C=NCCCN(C)C", "On1nnc2ccccc21",
            "C1CCOC1", "CCOC(C)=O", "O=S(Cl)Cl", "c1ccncc1", "CN(C)c1ccncc1"]


def reactions(rests, seed):
    """Amide and ester formations of every (acid, partner), with one or two random reagents."""
    rng = random.Random(seed)
    for rest, partner in itertools.product(rests, PARTNERS):
        reagents = ".".join(rng.sample(REAGENTS, rng.randint(1, 2)))
        yield f"OC(=O){rest}.{partner}.{reagents}>>O=C({partner}){rest}"


def model_files(wheel, directory):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith(MODEL_DIRECTORY) and not name.endswith("/"):
                (directory / pathlib.Path(name).name).write_bytes(archive.read(name))


def token_ids(smiles, vocabulary):
    tokens = TOKEN.findall(smiles)
    assert "".join(tokens) == smiles, smiles
    unknown = vocabulary["[UNK]"]
    return [vocabulary["[CLS]"], *(vocabulary.get(t, unknown) for t in tokens), vocabulary["[SEP]"]]


def record(model, path, inputs, device, **options):
    with lrq_capture.record(model, path, **options):
        with torch.inference_mode():
            for ids in inputs:
                model(input_ids=torch.tensor([ids], device=device))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", required=True, type=pathlib.Path)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    arguments = parser.parse_args()
    directory = arguments.work / "albert"
    directory.mkdir(parents=True, exist_ok=True)
    model_files(arguments.wheel, directory)
    vocabulary = {line.strip(): i for i, line in
                  enumerate((directory / "vocab.txt").read_text().splitlines())}
    model = transformers.AlbertForMaskedLM.from_pretrained(directory).eval().to(arguments.device)

    fit = [token_ids(r, vocabulary) for r in reactions(ACID_RESTS[0::2], seed=1)]
    held_out = [token_ids(r, vocabulary) for r in reactions(ACID_RESTS[1::2], seed=2)]
    record(model, arguments.work / "fit.safetensors", fit, arguments.device)
    record(model, arguments.work / "held-out.safetensors", held_out, arguments.device,
           full_gram_limit=1_000_000)
    state = {name: tensor.detach().float().cpu().clone().contiguous()
             for name, tensor in model.state_dict().items()}
    save_file(state, arguments.work / "albert.safetensors")
    print(f"transformers {transformers.__version__}, torch {torch.__version__}: "
          f"{len(fit)} fit reactions ({sum(map(len, fit))} tokens), {len(held_out)} held-out "
          f"({sum(map(len, held_out))} tokens); {len(state)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
