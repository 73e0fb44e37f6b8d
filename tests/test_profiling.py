"""`train.profile`: the training loop's time split by phase (llmkit/profiling.py)."""

import json
import time

import torch
from helpers import run_recipe

from llmkit.profiling import PHASES, PhaseTimer, profile_table


def slow(items, seconds):
    for item in items:
        time.sleep(seconds)
        yield item


def test_timer_counts_waiting_for_batches_and_each_phase():
    timer = PhaseTimer(True, torch.device("cpu"))
    assert list(timer.timed(slow(range(3), 0.02))) == [0, 1, 2]
    with timer.phase("forward"):
        time.sleep(0.03)
    assert 0.06 <= timer.seconds["data"] < 0.5
    assert 0.03 <= timer.seconds["forward"] < 0.5
    report = timer.report(loop_seconds=1.0)
    assert report["other"] == 1.0 - timer.seconds["data"] - timer.seconds["forward"]
    assert "forward" in profile_table(report)


def test_timer_off_counts_nothing():
    timer = PhaseTimer(False, torch.device("cpu"))
    assert list(timer.timed(slow(range(2), 0.01))) == [0, 1]
    with timer.phase("backward"):
        time.sleep(0.01)
    assert set(timer.seconds.values()) == {0.0}


def test_profiled_run_reports_every_phase_within_the_loop_time(tiny_bert, tmp_path):
    out = tmp_path / "run"
    common = (f"model.name={tiny_bert}", "train.max_steps=8", "train.batch_size=16", "train.log_every=4")
    metrics = run_recipe("sentiment", *common, f"output_dir={out}", "train.profile=true")
    profile = metrics["train"]["profile"]
    assert set(profile) == {*PHASES, "evaluation", "other"}
    assert all(profile[name] > 0 for name in (*PHASES, "evaluation"))
    in_loop = sum(profile[name] for name in (*PHASES, "other"))
    assert abs(in_loop - metrics["train"]["train_seconds"]) < 0.05 * metrics["train"]["train_seconds"] + 0.01
    assert json.loads((out / "metrics.json").read_text())["train"]["profile"] == profile
    plain = run_recipe("sentiment", *common, f"output_dir={tmp_path / 'plain'}")
    assert "profile" not in plain["train"]
    assert plain["eval"] == metrics["eval"]  # timing changes nothing that is trained
