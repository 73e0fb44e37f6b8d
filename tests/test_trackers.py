"""`train.report_to`: Weights & Biases (offline) and MLflow (a local file store) get what train_log.jsonl has."""

from __future__ import annotations

import json
import struct

import pytest
from helpers import run_recipe

from llmkit.config import load_config
from llmkit.errors import ConfigError
from llmkit.registry import get_recipe

pytest.importorskip("wandb", reason="the trackers extra (pip install -e '.[trackers]') is not installed")
pytest.importorskip("mlflow", reason="the trackers extra (pip install -e '.[trackers]') is not installed")


def wandb_history(path) -> list[dict]:
    """The history rows of an offline W&B run file (a LevelDB-style log of `Record` protos, as wandb writes it)."""
    from wandb.proto import wandb_internal_pb2

    data = path.read_bytes()
    assert data[:4] == b":W&B"
    block, position, pending, rows = 32768, 7, b"", []
    while position + 7 <= len(data):
        if block - position % block < 7:  # a block's tail too short for a header is padding
            position += block - position % block
            continue
        length, kind = struct.unpack("<HB", data[position + 4 : position + 7])
        chunk, position = data[position + 7 : position + 7 + length], position + 7 + length
        pending = chunk if kind in (1, 2) else pending + chunk  # FULL/FIRST start a record, MIDDLE/LAST extend it
        if kind in (1, 4) and pending:
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            if record.WhichOneof("record_type") == "history":
                rows.append(
                    {"/".join(item.nested_key) or item.key: json.loads(item.value_json) for item in record.history.item}
                )
    return rows


def test_wandb_and_mlflow_get_the_logged_values_and_the_config(tiny_bert, tmp_path, monkeypatch):
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    out = tmp_path / "run"
    run_recipe(
        "sentiment",
        f"model.name={tiny_bert}",
        f"output_dir={out}",
        "train.max_steps=4",
        "train.eval_every=2",
        "train.log_every=1",
        "train.batch_size=16",
        "train.report_to=[tensorboard, wandb, mlflow]",
    )
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    expected = {
        f"{record['kind']}/{key}": {r["step"]: r[key] for r in log if r["kind"] == record["kind"]}
        for record in log
        for key in record
        if key not in ("kind", "step")
    }
    assert {"train/loss", "eval/accuracy"} <= set(expected)

    client = MlflowClient(tracking_uri=(out / "mlruns").as_uri())
    [run] = client.search_runs([client.get_experiment_by_name("llmkit").experiment_id])
    for key, values in expected.items():
        history = {metric.step: metric.value for metric in client.get_metric_history(run.info.run_id, key)}
        assert history == pytest.approx(values), key
    assert run.data.params["train.lr"] == "5e-05" and run.info.run_name == "run"

    [folder] = (out / "wandb").glob("offline-run-*")
    [file] = folder.glob("*.wandb")
    rows = wandb_history(file)
    for key, values in expected.items():
        assert {row["_step"]: row[key] for row in rows if key in row} == pytest.approx(values), key
    assert any((out / "tensorboard").rglob("events.out.tfevents*"))


def test_unknown_or_missing_trackers_are_config_errors(monkeypatch):
    recipe = get_recipe("sentiment")
    with pytest.raises(ConfigError, match="'train.report_to' must list trackers from tensorboard, wandb, mlflow"):
        load_config(recipe.config, None, ["train.report_to=[comet]"])
    assert load_config(recipe.config, None, ["train.report_to=[none]"]).train.report_to == ["none"]
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "wandb" else real(name, *a))
    with pytest.raises(ConfigError, match="names wandb, which is not installed. Fix: pip install wandb"):
        load_config(recipe.config, None, ["train.report_to=[wandb]"])
