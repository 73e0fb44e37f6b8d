"""`llmkit evaluate`: score finished runs on any labelled data with their recipe's own metrics.

    llmkit evaluate runs/sentiment --data reviews.csv                      a table: one row per run
    llmkit evaluate runs/a runs/b --data dev.jsonl --name dev --json       compare runs on one set, as JSON
    llmkit evaluate runs/glue_mnli --data nyu-mll/glue data.dataset_config=mnli --split validation_mismatched
    llmkit evaluate runs/sentiment --data reviews.csv --update-card       also add the result to the model card
    accelerate launch -m llmkit evaluate runs/qa --data squad.json         batches split over processes

Each run's recipe reads and checks the data with the code it trains with (its `build`, under the run's own
`run_config.yaml` with `data.validation` pointed at the data; `key=value` overrides change the reading, e.g. the
columns or generation settings), the trained model (a plain, adapter or merged folder) replaces the one the recipe
builds, and the runner's evaluation pass (`llmkit.evaluation`) scores it. The result goes to `RUN/eval/NAME.json`
(metrics, data, rows, settings, time, throughput), files the recipe writes while evaluating (translations) to
`RUN/eval/NAME/`; nothing else in the run folder changes. Evaluating a run on its own validation set reproduces
the `eval` metrics of its `metrics.json`.
"""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm
from transformers import set_seed

from llmkit.checkpoints import write_text_atomically
from llmkit.config import load_config, with_settings
from llmkit.data import resolve_path
from llmkit.errors import UserError
from llmkit.evaluation import eval_loader, evaluate_task
from llmkit.fastpath import speed_up
from llmkit.models import load_trained_model
from llmkit.recipe import Recipe, Task
from llmkit.registry import recipe_of_run
from llmkit.rundir import EVAL_DIR, RUN_CONFIG, reading, require_finished_run
from llmkit.runner import make_accelerator

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def evaluate_runs(
    folders: Sequence[str | Path],
    data: str,
    split: str | None = None,
    name: str | None = None,
    overrides: Sequence[str] = (),
    batch_size: int | None = None,
    update_card: bool = False,
) -> list[dict[str, Any]]:
    """Evaluate each finished run in `folders` on `data`; returns the records written to `RUN/eval/NAME.json`."""
    name = name or default_name(data, split)
    if not NAME.fullmatch(name):
        raise UserError(
            f"evaluate: --name {name!r} must be letters, digits, '.', '_' or '-' (it names RUN/eval/NAME.json). "
            "Fix: pick a name such as 'dev' or 'squad_v2-validation'."
        )
    for folder in folders:  # every folder checked before the first is scored
        require_finished_run(Path(folder), "evaluate")
    return [evaluate_run(Path(f), data, split, name, overrides, batch_size, update_card) for f in folders]


def default_name(data: str, split: str | None) -> str:
    """`validation` for data/x/validation.csv; `nyu-mll_glue-validation` for a hub id and split."""
    path = resolve_path(data)
    base = path.stem if path.exists() else data.replace("/", "_")
    return f"{base}-{split}" if split else base


def evaluate_run(
    folder: Path,
    data: str,
    split: str | None,
    name: str,
    overrides: Sequence[str],
    batch_size: int | None,
    update_card: bool,
) -> dict[str, Any]:
    """Score one run (see the module docstring) and write `RUN/eval/NAME.json`."""
    recipe = recipe_of_run(folder, "evaluate")
    config = evaluation_config(recipe, folder, data, split, name, overrides)
    recipe = recipe.for_config(config)
    accelerator = make_accelerator(config, Path(config.output_dir))
    with reading(folder, "evaluate"):
        task = build_evaluation(recipe, config, accelerator)
        task.model = load_trained_model(folder, type(task.model))
        start = time.perf_counter()
        metrics = score_model(accelerator, task, recipe, config, batch_size, f"evaluate {folder.name}")
        seconds = time.perf_counter() - start
    rows = len(task.eval_dataset) if hasattr(task.eval_dataset, "__len__") else None  # a stream has no length
    record = {
        "run": str(folder),
        "recipe": recipe.name,
        "name": name,
        "data": data,
        "split": None if resolve_path(data).exists() else config.data.validation_split,  # files have no splits
        "rows": rows,
        "metrics": metrics,
        "settings": list(overrides),
        "seconds": seconds,
        "examples_per_s": rows / seconds if rows and seconds else None,
        "processes": accelerator.num_processes,
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if accelerator.is_main_process:
        write_text_atomically(folder / EVAL_DIR / f"{name}.json", json.dumps(record, indent=2) + "\n")
        if update_card:
            from llmkit.card import add_eval_result

            add_eval_result(folder, record)
    return record


def build_evaluation(recipe: Recipe, config: Any, accelerator: Any) -> Task:
    """The recipe's task under an `evaluation_config`: the data read and checked, the metrics ready."""
    set_seed(config.seed)
    task = recipe.build(config, accelerator)
    if accelerator.is_main_process:
        Path(config.output_dir).mkdir(parents=True, exist_ok=True)
    accelerator.wait_for_everyone()
    return task


def score_model(
    accelerator: Any, task: Task, recipe: Recipe, config: Any, batch_size: int | None = None, desc: str = "evaluate"
) -> dict[str, float]:
    """The loss and the recipe's metrics of `task.model` on `task`'s evaluation set: the pass `llmkit evaluate`
    makes, shared with the compression report (`llmkit.compress`). Applies `llmkit.fastpath.speed_up` to the model."""
    speed_up(task.model, accelerator.device)
    loader = eval_loader(task, batch_size or config.train.eval_batch_size, config)
    model, loader = accelerator.prepare(task.model, loader)
    batches = tqdm(loader, desc=desc, unit="batch", disable=not accelerator.is_main_process)
    return evaluate_task(accelerator, model, batches, task, recipe)


def evaluation_config(
    recipe: Recipe, folder: Path, data: str, split: str | None, name: str, overrides: Sequence[str]
) -> Any:
    """The run's config, reading `data` as its validation set with the run's own tokenizer and labels.

    The training data is pointed at the same source (a recipe's `build` reads both; no training happens), and a
    recipe that would train a tokenizer or use another one gets the run's saved tokenizer instead.
    """
    config = load_config(recipe.config, folder / RUN_CONFIG, overrides, recipe=recipe.name)
    settings: dict[str, Any] = {
        "data.train": data,
        "data.validation": data,
        "data.max_train_examples": None,
        "model.tokenizer": str(folder),
        "output_dir": str(folder / EVAL_DIR / name),
    }
    if split is not None:
        settings["data.validation_split"] = split
    settings["data.train_split"] = split or config.data.validation_split
    if _has(config, "tokenizer", "train"):
        settings["tokenizer.train"] = False
    return with_settings(config, settings)


def _has(config: Any, section: str, key: str) -> bool:
    part = getattr(config, section, None)
    return is_dataclass(part) and key in {f.name for f in fields(part)}


def format_table(records: list[dict[str, Any]]) -> str:
    """One row per run, one column per metric."""
    names = list(dict.fromkeys(key for record in records for key in record["metrics"]))
    header = ["run", "rows", *names]
    rows = [
        [record["run"], str(record["rows"]), *(_cell(record["metrics"].get(key)) for key in names)]
        for record in records
    ]
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in [header, *rows]
    )


def _cell(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)
