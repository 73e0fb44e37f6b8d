"""Experiment trackers (`train.report_to`): accelerate's TensorBoard, Weights & Biases and MLflow trackers.

Each gets the run config as hyper-parameters and every value the runner logs (the records of `train_log.jsonl`,
as `train/loss`, `eval/accuracy`, ... at their optimizer step). They write where a user of each looks:

- `tensorboard`: OUTPUT_DIR/tensorboard (the default);
- `wandb`: the project `WANDB_PROJECT` (default `llmkit`), the run named after the output folder, its files in
  OUTPUT_DIR/wandb; `WANDB_MODE=offline` keeps everything local (`wandb sync` uploads it later);
- `mlflow`: the tracking server or store of `MLFLOW_TRACKING_URI`, else a file store in OUTPUT_DIR/mlruns
  (`mlflow ui --backend-store-uri OUTPUT_DIR/mlruns`; MLflow 3 wants `MLFLOW_ALLOW_FILE_STORE=true` for file
  stores, which llmkit sets when it picks one); experiment `MLFLOW_EXPERIMENT_NAME` (default `llmkit`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

TENSORBOARD_DIR = "tensorboard"
MLFLOW_DIR = "mlruns"
PROJECT = "llmkit"


def make_trackers(report_to: list[str], output: Path) -> list[Any]:
    """The trackers `report_to` names, for `Accelerator(log_with=...)`; they start in `init_trackers`."""
    from accelerate.tracking import MLflowTracker, TensorBoardTracker, WandBTracker

    name = output.resolve().name
    made = []
    for kind in report_to:
        if kind == "tensorboard":
            made.append(TensorBoardTracker(TENSORBOARD_DIR, str(output)))
        elif kind == "wandb":
            made.append(WandBTracker(os.environ.get("WANDB_PROJECT", PROJECT), dir=str(output), name=name))
        elif kind == "mlflow":
            store = None  # a tracking server keeps the artifacts where it is configured to
            if "MLFLOW_TRACKING_URI" not in os.environ:
                import mlflow

                # MLflow 3 keeps its file store in maintenance mode behind this opt-in; a database store needs
                # the full mlflow package (SQLAlchemy), a server the network. The run folder is offline and local.
                os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
                store = str(output.resolve() / MLFLOW_DIR)
                mlflow.set_tracking_uri(Path(store).as_uri())
            made.append(MLflowTracker(os.environ.get("MLFLOW_EXPERIMENT_NAME", PROJECT), store, run_name=name))
    return made
