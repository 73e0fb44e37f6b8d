"""Two processes under `accelerate launch` train exactly what one process trains with the same global batch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent.parent


def launch(processes, out, model):
    command = [sys.executable, "-m", "accelerate.commands.launch"]
    if processes > 1:
        command += ["--multi_gpu", "--num_processes", str(processes), "--main_process_port", "29517"]
    else:
        command += ["--num_processes", "1"]
    command += [
        "-m",
        "llmkit",
        "train",
        "sentiment",
        f"model.name={model}",
        f"output_dir={out}",
        "train.max_steps=8",
        "train.batch_size=16",
        "train.lr=2e-3",
        "train.log_every=2",
        "train.eval_batch_size=32",
        "model.hidden_dropout_prob=0",
        "model.attention_probs_dropout_prob=0",
    ]
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "metrics.json").read_text())


@pytest.mark.slow
def test_two_processes_equal_one(tmp_path, tiny_bert):
    one = launch(1, tmp_path / "one", tiny_bert)
    two = launch(2, tmp_path / "two", tiny_bert)
    assert two["train"]["steps"] == one["train"]["steps"] == 8
    for name in ("loss", "accuracy", "f1"):
        assert two["eval"][name] == pytest.approx(one["eval"][name], abs=1e-4), name
    weights_one = load_file(tmp_path / "one" / "model.safetensors")
    weights_two = load_file(tmp_path / "two" / "model.safetensors")
    for name, tensor in weights_one.items():
        assert (tensor - weights_two[name]).abs().max() < 1e-4, name
