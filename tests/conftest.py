"""Test set-up: offline, quiet, deterministic, and small."""

import os

# Tests never reach a hub: fail fast instead of waiting on network time-outs.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")
# Tiny test models gain nothing from a second thread, and OpenMP threads that spin on a busy machine make them
# many times slower; subprocesses inherit this too.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
from helpers import make_tiny_bert, make_tiny_gpt2, run_recipe


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory):
    """A 2-layer, hidden-32 BERT with a WordPiece tokenizer trained on the bundled sentiment text."""
    return make_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory):
    """A 2-layer, hidden-32 GPT-2 with a byte-level BPE tokenizer (and, like GPT-2, no pad token)."""
    return make_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="session")
def sentiment_run(tiny_bert, tmp_path_factory):
    """A finished 4-step sentiment run of the tiny BERT, shared by the tests: copy it before changing it."""
    out = tmp_path_factory.mktemp("sentiment-run") / "run"
    run_recipe(
        "sentiment",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        "train.max_steps=4",
        "train.batch_size=16",
        "train.lr=2e-3",
        "train.log_every=2",
    )
    return out


# Quick runs of every recipe (2 steps, no validation), for the verbs that serve finished runs (demo, browser tests).
QUICK_RUN = ("train.max_steps=2", "train.batch_size=8", "data.validation=null", "data.max_train_examples=32")
RECIPE_RUNS = {
    "sentiment": (),
    "qa": ("data.max_length=256", "data.doc_stride=64"),
    "ner": (),
    "clm": ("model.init=pretrained", "sampling.prompts=[]", "sampling.max_new_tokens=12"),
    "mlm": ("model.init=pretrained", "tokenizer.train=false"),
    "translation": ("model.form=decoder-only", "model.init=pretrained", "generate.max_new_tokens=8"),
}


@pytest.fixture(scope="session")
def recipe_runs(tiny_bert, tiny_gpt2, tmp_path_factory):
    """A finished quick run of every recipe, by name (its folder is named after the recipe): share, never change."""
    folders = {}
    for recipe, overrides in RECIPE_RUNS.items():
        model = tiny_gpt2 if recipe in ("clm", "translation") else tiny_bert
        folders[recipe] = tmp_path_factory.mktemp(f"quick-{recipe}") / recipe
        run_recipe(recipe, f"model.name={model}", f"output_dir={folders[recipe]}", *QUICK_RUN, *overrides)
    return folders
