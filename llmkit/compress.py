"""Compress a finished run for CPU inference, and report what it cost: `llmkit quantize` (and `llmkit export`).

    llmkit quantize runs/sentiment --to runs/sentiment-int8                          int8 weights and activations
    llmkit quantize runs/sentiment --to runs/sentiment-int8w --method int8-weight    int8 weights only
    llmkit quantize runs/sentiment --to runs/sentiment-int8 --requests 20 --max-eval-examples 100   a quicker report
    llmkit predict runs/sentiment-int8 --text "A wonderful, warm film."              every verb takes the new folder

`quantize` loads the run's model through transformers' `TorchAoConfig`, which calls torchao's `quantize_` on every
`nn.Linear` with `Int8DynamicActivationInt8WeightConfig` (`int8-dynamic`: int8 weights, activations quantized per
token at run time, int8 matrix products) or `Int8WeightOnlyConfig` (`int8-weight`: int8 weights, float
activations). `save_pretrained` then writes the int8 weights and their per-row scales into `model.safetensors`
with torchao's metadata, and `config.json` names the scheme, so `from_pretrained` (and so every llmkit verb)
restores the int8 model; nothing is pickled. Embeddings and layer norms stay float32.

The new folder is a finished run of the same recipe: the run's `run_config.yaml` and `metrics.json` (written last,
as the mark of a finished folder), its tokenizer, the model, `compression.json` and a model card with a
"Compression" table. An adapter run is merged into its base model in memory first (as `llmkit merge` would),
so the folder holds a plain model. Nothing in the source run changes; a failure removes what was written.

The report (`compression.json`, and the card's table) measures the original and the compressed model in one
process, on the same inputs (`llmkit.measure`): size of the weight files on disk, parameters, bytes and dtype of
the linear weights, batch-1 latency (median and p90 over `--requests` single-example requests) and batch-32
throughput on the CPU, and the recipe's metrics on the run's validation data, computed by the pass `llmkit
evaluate` makes (`llmkit.scoring.score_model`). `--max-eval-examples` scores on the first N validation rows.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import torch
from transformers import AutoConfig, DataCollatorWithPadding, PreTrainedTokenizerBase
from transformers.pytorch_utils import Conv1D

from llmkit.card import write_model_card
from llmkit.config import load_config, with_settings
from llmkit.data import load_split, resolve_path
from llmkit.errors import UserError
from llmkit.measure import latency, throughput, weight_bytes, weight_summary
from llmkit.models import load_trained_model, merge_adapter, model_class
from llmkit.recipe import Recipe, Task
from llmkit.registry import recipe_of_run
from llmkit.rundir import (
    ADAPTER_CONFIG,
    COMPRESSION_FILE,
    METRICS_FILE,
    RUN_CONFIG,
    reading,
    require_finished_run,
    usual_permissions,
)
from llmkit.scoring import build_evaluation, evaluation_config, score_model

# --method -> the torchao config class, and what it does (for --help and compression.json)
METHODS = {
    "int8-dynamic": ("Int8DynamicActivationInt8WeightConfig", "int8 weights, activations quantized per token"),
    "int8-weight": ("Int8WeightOnlyConfig", "int8 weights; float activations"),
}
# Validation sources `--max-eval-examples` can cut: tables `llmkit.data.load_split` reads row by row, and hub ids.
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet")
STREAM_ROWS = 1024  # rows read from a streamed validation set for latency and parity
# Inputs for latency and parity when a run has no validation data.
FIXED_TEXTS = (
    "A wonderful, warm and funny film.",
    "The worst hotel I have ever stayed in.",
    "Ada Lee flew to Paris on 3 March 2021.",
    "Who built the bridge? It was built by Ada Lee in 1901.",
    "fine",
    "The meeting moved to Friday, and nobody told the team until Thursday evening.",
    "It rained all day.",
    "Prices rose again in the spring, the third rise this year.",
)


@dataclass(frozen=True)
class ReportSettings:
    """How much the compression report measures.

    Attributes:
        requests: Batch-1 requests timed for the latency (and examples, in whole batches, for the throughput).
        max_eval_examples: Score on the first N validation rows (None: all of them).
        batch_size: The throughput batch size.
    """

    requests: int = 100
    max_eval_examples: int | None = None
    batch_size: int = 32

    def __post_init__(self) -> None:
        for name in ("requests", "batch_size", "max_eval_examples"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise UserError(f"--{name.replace('_', '-')} must be at least 1, got {value}")


@dataclass
class Bench:
    """What every model of one report is measured on: the run's validation inputs and its evaluation.

    Attributes:
        recipe: The run's recipe, specialised to its config.
        config: The run's config, reading the (possibly cut) validation data as `llmkit evaluate` would.
        tokenizer: The run's tokenizer.
        rows: Model inputs (token id lists) of each validation row (question answering: each context window), or
            of `FIXED_TEXTS` without validation data.
        settings: The report settings.
        task: The recipe's evaluation task (None without validation data), and `accelerator` that runs it.
        eval_rows: How many validation rows the model runs on (None without validation data).
    """

    recipe: Recipe
    config: Any
    tokenizer: PreTrainedTokenizerBase
    rows: list[dict[str, list[int]]]
    settings: ReportSettings
    task: Task | None = None
    accelerator: Any = None
    eval_rows: int | None = None

    def requests(self) -> list[dict[str, torch.Tensor]]:
        """`settings.requests` single-example batches, cycling through the rows."""
        return [self.collate([self.rows[i % len(self.rows)]]) for i in range(self.settings.requests)]

    def batches(self, count: int | None = None) -> list[dict[str, torch.Tensor]]:
        """Batches of `settings.batch_size` rows: `count` of them (cycling), or every row once when None."""
        size = self.settings.batch_size
        if count is None:
            return [self.collate(self.rows[start : start + size]) for start in range(0, len(self.rows), size)]
        return [self.collate([self.rows[(n * size + i) % len(self.rows)] for i in range(size)]) for n in range(count)]

    def collate(self, rows: list[dict[str, list[int]]]) -> dict[str, torch.Tensor]:
        return dict(DataCollatorWithPadding(self.tokenizer)(rows))

    def measure(self, folder: Path, model: Any, name: str) -> dict[str, Any]:
        """The report's figures for one model (see the module docstring); the metric pass comes last, because
        `score_model` applies llmkit's inference speed-ups to torch models, which `llmkit predict` does not."""
        batches = max(2, math.ceil(self.settings.requests / self.settings.batch_size))
        entry = {
            "size_bytes": weight_bytes(folder),
            **weight_summary(model),
            **latency(model, self.requests()),
            "throughput_per_s": throughput(model, self.batches(batches)),
        }
        if self.task is not None:
            self.task.model = model
            entry["metrics"] = score_model(self.accelerator, self.task, self.recipe, self.config, desc=f"score {name}")
        return entry


def quantize_run(
    source: str | Path, target: str | Path, method: str = "int8-dynamic", settings: ReportSettings | None = None
) -> Path:
    """Write an int8 copy of the finished run in `source` to `target`, with its report (module docstring).

    Raises:
        UserError: For an unknown method, a folder that is not a finished run or is already compressed, a
            `target` that holds files, or a model whose layers torchao's int8 configs cannot quantize.
    """
    if method not in METHODS:
        raise UserError(f"quantize: unknown --method {method!r}. Methods: {', '.join(METHODS)}.")

    def write(plain: Path, out: Path, bench: Bench) -> tuple[Any, dict[str, Any]]:
        model = load_quantized(plain, method)
        model.save_pretrained(out, safe_serialization=True)
        usual_permissions(out)
        return model, {"format": "torchao", "method": method, "description": METHODS[method][1]}

    return compress(source, target, "quantize", write, settings or ReportSettings())


def load_quantized(folder: Path, method: str) -> torch.nn.Module:
    """The plain model in `folder`, its `nn.Linear` layers quantized by torchao's `quantize_` as `method` says."""
    import torchao.quantization
    from transformers import TorchAoConfig

    config = AutoConfig.from_pretrained(folder, trust_remote_code=False)
    scheme = getattr(torchao.quantization, METHODS[method][0])()
    model = model_class(config).from_pretrained(
        folder, config=config, quantization_config=TorchAoConfig(quant_type=scheme), trust_remote_code=False
    )
    if any(isinstance(module, Conv1D) for module in model.modules()):
        raise UserError(
            f"quantize: {config.architectures[0]} keeps its projections in transformers' Conv1D layers (GPT-2), "
            "which torchao's int8 configs do not quantize, so the model would stay float32. Fix: export it "
            "instead (`llmkit export RUN --to OUT --format onnx --quantize int8`, for classification heads)."
        )
    return model.eval()


Writer = Callable[[Path, Path, Bench], tuple[Any, dict[str, Any]]]


def compress(source: str | Path, target: str | Path, command: str, write: Writer, settings: ReportSettings) -> Path:
    """Check the folders, write the compressed model with `write(plain_source, target, bench)` (which returns the
    model it wrote and what `compression.json` says about it), measure both, and finish the folder as a run."""
    source, target = Path(source), Path(target)
    recipe = check_source(source, command)
    check_target(source, target, command)
    with (
        reading(source, command),
        tempfile.TemporaryDirectory(prefix="llmkit-compress-") as work,
        removed_on_failure(target),
    ):
        plain = plain_folder(source, Path(work))
        bench = open_bench(plain, recipe, settings, Path(work))
        target.mkdir(parents=True, exist_ok=True)
        compressed, details = write(plain, target, bench)
        bench.tokenizer.save_pretrained(target)
        original = load_trained_model(plain).eval()
        report = {
            **details,
            "source": str(source.resolve()),
            "adapter_merged": (source / ADAPTER_CONFIG).is_file(),
            "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "measured": measured_on(bench),
            "original": bench.measure(plain, original, "original"),
            "compressed": bench.measure(target, compressed, "compressed"),
        }
        finish_folder(source, target, {**report, "ratios": ratios(report, bench.recipe.default_metric)})
    return target


def check_source(source: Path, command: str) -> Recipe:
    """The recipe of the finished, uncompressed run in `source`."""
    require_finished_run(source, command)
    if (source / COMPRESSION_FILE).is_file():
        done = _read_json(source / COMPRESSION_FILE)
        raise UserError(
            f"{command}: {source} is already compressed ({done.get('format')} {done.get('method')}). Fix: compress "
            f"the run it came from ({done.get('source', 'its source run')})."
        )
    return recipe_of_run(source, command)


def check_target(source: Path, target: Path, command: str) -> None:
    """Refuse a `--to` that holds files, or that lies inside the source run (which must not change)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{command}: {target} already holds files. Fix: choose an empty or new folder with --to.")
    inside = source.resolve() in (target.resolve(), *target.resolve().parents)
    if inside:
        raise UserError(f"{command}: --to {target} is inside the run {source}. Fix: choose a folder outside it.")


@contextlib.contextmanager
def removed_on_failure(target: Path) -> Iterator[None]:
    """Remove what was written to `target` when the block fails (or is interrupted), leaving it as it was."""
    existed = target.exists()
    try:
        yield
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        if existed:
            target.mkdir()
        raise


def plain_folder(source: Path, work: Path) -> Path:
    """`source` itself, or for an adapter run its model merged into the base model, in `work`."""
    if not (source / ADAPTER_CONFIG).is_file():
        return source
    return merge_adapter(source, work / "merged")


def open_bench(folder: Path, recipe: Recipe, settings: ReportSettings, work: Path) -> Bench:
    """The inputs and evaluation of the run in `folder` (module docstring); recipe outputs go to `work`."""
    from llmkit.runner import make_accelerator

    config = load_config(recipe.config, folder / RUN_CONFIG, recipe=recipe.name)
    validation = config.data.validation
    if validation is None:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
        rows = [_model_inputs(tokenizer(text), tokenizer) for text in FIXED_TEXTS]
        return Bench(recipe.for_config(config), config, tokenizer, rows, settings)
    split = config.data.validation_split
    if settings.max_eval_examples is not None:
        validation, split = cut_validation(config, settings.max_eval_examples, work), None
    config = evaluation_config(recipe, folder, validation, split, "compression", ())
    config = with_settings(config, {"output_dir": str(work / "eval")})
    recipe = recipe.for_config(config)
    accelerator = make_accelerator(config, work)
    task = build_evaluation(recipe, config, accelerator)
    # A stream (no length) is read for its first rows only.
    examples = task.eval_dataset if hasattr(task.eval_dataset, "__len__") else islice(task.eval_dataset, STREAM_ROWS)
    rows = [_model_inputs(example, task.tokenizer) for example in examples]
    return Bench(recipe, config, task.tokenizer, rows, settings, task, accelerator, len(rows))


def _model_inputs(row: Any, tokenizer: PreTrainedTokenizerBase) -> dict[str, list[int]]:
    return {name: list(row[name]) for name in tokenizer.model_input_names if name in row}


def cut_validation(config: Any, limit: int, work: Path) -> str:
    """The first `limit` rows of the run's validation data, written to a parquet file in `work`."""
    source = config.data.validation
    path = resolve_path(source)
    if path.exists() and path.suffix.lower() not in TABLE_SUFFIXES:
        raise UserError(
            f"--max-eval-examples cuts validation tables ({', '.join(TABLE_SUFFIXES)}) and hub datasets; the run's "
            f"data.validation {source} is in its recipe's own format. Fix: leave --max-eval-examples out to score "
            "every validation example."
        )
    table = load_split(
        source, split=config.data.validation_split, config_name=config.data.dataset_config, key="data.validation"
    )
    cut = work / "validation.parquet"
    table.select(range(min(limit, table.num_rows))).to_parquet(str(cut))
    return str(cut)


def measured_on(bench: Bench) -> dict[str, Any]:
    """How and on what the report measured, for `compression.json`."""
    return {
        **asdict(bench.settings),
        "threads": torch.get_num_threads(),
        "device": "cpu",
        "eval_rows": bench.eval_rows,
        "metric": bench.recipe.default_metric if bench.task is not None else None,
        "inputs": "validation data" if bench.task is not None else "fixed texts (the run has no validation data)",
    }


def ratios(report: dict[str, Any], metric: str) -> dict[str, float | None]:
    """How many times smaller and faster the compressed model is, and the change of the default metric."""
    original, compressed = report["original"], report["compressed"]

    def times(key: str) -> float | None:
        return original[key] / compressed[key] if compressed.get(key) else None

    change = None
    if "metrics" in original and metric in original["metrics"] and metric in compressed.get("metrics", {}):
        change = compressed["metrics"][metric] - original["metrics"][metric]
    return {
        "size_smaller": times("size_bytes"),
        "linear_weights_smaller": times("linear_weight_bytes"),
        "latency_faster": times("latency_ms_median"),
        "throughput_faster": compressed["throughput_per_s"] / original["throughput_per_s"],
        "metric_change": change,
    }


def finish_folder(source: Path, target: Path, report: dict[str, Any]) -> None:
    """Write `compression.json`, the run config, the card, and `metrics.json` last (the mark of a finished run)."""
    (target / COMPRESSION_FILE).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shutil.copy2(source / RUN_CONFIG, target / RUN_CONFIG)
    write_model_card(target, metrics=_read_json(source / METRICS_FILE))
    shutil.copy2(source / METRICS_FILE, target / METRICS_FILE)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"cannot read {path}: {error}. Fix: restore the file from the run.") from None
