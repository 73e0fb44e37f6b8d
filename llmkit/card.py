"""The model card: `README.md` in every run's output folder, written when training ends, pushed or not.

The card is built from what the run wrote (`run_config.yaml`, `metrics.json`, `train_log.jsonl`, the plot), so it
can be rebuilt at any time: `llmkit push` renders one naming the target repository. Its YAML header is the metadata
the Hub indexes (`library_name`, `base_model`, `datasets`, `language`, `license`, `pipeline_tag`, `tags` and a
`model-index` with the validation results, built with huggingface_hub's `ModelCardData` and `EvalResult`); the body
tells a person what was trained on what, how, on which hardware, how well it did and how to load it.

The task's description comes from the recipe's declaration (`Recipe.card`); a run of a recipe this installation
does not have gets its recipe's name and a generic usage snippet.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import EvalResult, ModelCard, ModelCardData
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id

from llmkit.config import load_config
from llmkit.errors import UserError
from llmkit.models import PACKAGED, packaged_minilm
from llmkit.recipe import CardInfo
from llmkit.registry import find_recipe
from llmkit.rundir import (
    ADAPTER_CONFIG,
    CARD_FILE,
    COMPRESSION_FILE,
    LOG_FILE,
    METRICS_FILE,
    ONNX_FILE,
    PLOT_FILE,
    RUN_CONFIG,
    read_saved_config,
)

PACKAGED_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"  # what `model.name=minilm` is
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt")
ONNX_USAGE = """import onnxruntime
from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("{where}")
session = onnxruntime.InferenceSession("{where}/{graph}")
inputs = tokenizer(["Your text here."], return_tensors="np")
wanted = [node.name for node in session.get_inputs()]
print(session.run(None, {{name: inputs[name] for name in wanted}}))"""
# The card's compression table: label, key of a `compression.json` entry, unit, key of its ratio, the ratio's words.
COMPRESSION_ROWS = (
    ("weights on disk", "size_bytes", "bytes", "size_smaller", ("smaller", "larger")),
    ("parameters", "parameters", "count", None, ()),
    ("linear-layer weights", "linear_weight_bytes", "bytes", "linear_weights_smaller", ("smaller", "larger")),
    ("latency, batch 1, median", "latency_ms_median", "ms", "latency_faster", ("faster", "slower")),
    ("latency, batch 1, p90", "latency_ms_p90", "ms", None, ()),
    ("throughput", "throughput_per_s", "examples/s", "throughput_faster", ("faster", "slower")),
)


def write_model_card(folder: Path, repo_id: str | None = None, metrics: dict[str, Any] | None = None) -> Path:
    """Write `folder/README.md` for the run in `folder` and return its path (`metrics`: see `build_model_card`)."""
    path = folder / CARD_FILE
    build_model_card(folder, repo_id=repo_id, metrics=metrics).save(path)
    return path


def build_model_card(folder: Path, repo_id: str | None = None, metrics: dict[str, Any] | None = None) -> ModelCard:
    """Render the model card of the run in `folder`.

    Args:
        folder: A run's output folder (finished, or a checkpoint staging folder with `run_config.yaml`).
        repo_id: The hub repository the card is for; the usage snippet loads from it (else from `folder`).
        metrics: The final results, when `metrics.json` is not written yet (the runner writes it last, as the
            mark of a finished run); by default read from the folder.
    """
    run = _RunFacts(folder, repo_id, metrics)
    data = ModelCardData(
        library_name="peft" if run.adapter else "transformers",
        base_model=run.base_model,
        datasets=run.hub_datasets or None,
        language=run.language,
        license=run.license,
        pipeline_tag=run.info.pipeline_tag,
        tags=["llmkit", run.recipe, *run.info.tags, *(["peft"] if run.adapter else []), *run.compression_tags],
        model_name=run.model_name,
        eval_results=run.eval_results() or None,
        widget=[_widget(example) for example in run.info.examples] or None,
    )
    return ModelCard(f"---\n{data.to_yaml()}\n---\n\n{run.body()}")


def add_eval_result(folder: Path, record: dict[str, Any]) -> Path:
    """Add an `llmkit evaluate` result (`llmkit.scoring`) to the model-index of the run's card, keeping the rest.

    A result of the same name, data and split replaces the earlier one; other results and the card's text stay.
    """
    path = folder / CARD_FILE
    card = ModelCard.load(path, ignore_metadata_errors=True) if path.is_file() else build_model_card(folder)
    run = _RunFacts(folder, None)
    added = eval_results(run, record["data"], record["split"], record["name"], record["metrics"])
    replaced = {(result.dataset_name, result.dataset_split, result.metric_name) for result in added}
    kept = [r for r in card.data.eval_results or [] if (r.dataset_name, r.dataset_split, r.metric_name) not in replaced]
    card.data.eval_results = kept + added
    card.data.model_name = card.data.model_name or run.model_name
    card.save(path)
    return path


def eval_results(
    run: _RunFacts, source: str, split: str | None, label: str, numbers: dict[str, Any]
) -> list[EvalResult]:
    """The model-index entries of one evaluation's numeric metrics; `label` names it (`validation`, or an
    `llmkit evaluate` name)."""
    on_hub = source != "unknown data" and _is_hub_id(source)
    return [
        EvalResult(
            task_type=run.info.pipeline_tag or run.recipe,
            task_name=run.info.task_name or run.recipe,
            dataset_type=source if on_hub else Path(source).name,
            dataset_name=source if on_hub else f"{Path(source).name} (local file)",
            dataset_config=run.data.get("dataset_config") if on_hub else None,
            dataset_split=split if on_hub else None,
            metric_type=name,
            metric_name=f"{label} {name}",
            metric_value=float(value),
        )
        for name, value in numbers.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]


def _load_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UserError(f"model card: cannot read {path}: {error}. Fix: restore the file from the run.") from None


def _is_hub_id(name: str) -> bool:
    if Path(name).exists() or name.startswith((".", "/", "~")) or name.endswith(DATA_SUFFIXES):
        return False
    try:
        validate_repo_id(name)
    except HFValidationError:
        return False
    return True


def _widget(example: dict[str, str]) -> dict[str, str]:
    """A widget entry of the Hub's card metadata: the first input field is its `text`, the others keep their names
    (`context` for question answering, as the Hub's widget reads it)."""
    first, *others = example
    return {"text": example[first], **{name: example[name] for name in others}}


def _recipe_card_info(recipe: str, folder: Path) -> CardInfo:
    """What the recipe (specialised to the run's config, e.g. sentence pairs) says about its task."""
    declaration = find_recipe(recipe)
    if declaration is None:
        return CardInfo()
    if declaration.specialize is None:
        return declaration.card
    try:
        config = load_config(declaration.config, folder / RUN_CONFIG, recipe=recipe)
    except UserError:  # a config an older llmkit wrote: the recipe's general text still fits
        return declaration.card
    return declaration.for_config(config).card


def _local_card(checkpoint: Path) -> ModelCardData | None:
    """The metadata of a local checkpoint's own model card (license, language), if it has one."""
    readme = checkpoint / CARD_FILE
    if not readme.is_file():
        return None
    try:
        return ModelCard.load(readme, ignore_metadata_errors=True).data
    except (OSError, ValueError, yaml.YAMLError):
        return None


def _number(value: float) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _measured(entry: dict[str, Any], key: str, unit: str) -> str:
    """One figure of a compression report entry, as the card's table shows it."""
    value = entry[key]
    if unit == "bytes":
        size = f"{value / 1e6:.2f} MB" if value >= 1e5 else f"{value / 1e3:.1f} kB"
        dtypes = entry.get("linear_weight_dtypes") if key == "linear_weight_bytes" else None
        return f"{size} ({', '.join(dtypes)})" if dtypes else size
    return f"{value:,}" if unit == "count" else f"{value:.2f} {unit}"


def _times(ratio: float, better: str, worse: str) -> str:
    """`2.50x smaller`, or `1.25x larger` for a ratio below 1."""
    return f"{ratio:.2f}x {better}" if ratio >= 1 else f"{1 / ratio:.2f}x {worse}"


def _parity_sentence(kind: str, check: dict[str, Any]) -> str:
    same = check.get("same_prediction")
    return (
        f" The {kind} graph's outputs are within {check['max_abs_diff']:.2g} of the torch model's (tolerance "
        f"{check['tolerance']:g}) on {check['rows']} rows of {check['inputs']}"
        + (f", with the same prediction for {same:.2%} of them." if same is not None else ".")
    )


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"


class _RunFacts:
    """What the files of one run say, in the terms the card needs."""

    def __init__(self, folder: Path, repo_id: str | None, metrics: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.repo_id = repo_id
        self.config = read_saved_config(folder / RUN_CONFIG)
        self.recipe = str(self.config.get("recipe", "unknown"))
        self.info = _recipe_card_info(self.recipe, folder)
        self.metrics = metrics if metrics is not None else _load_json(folder / METRICS_FILE)
        self.finished = bool(self.metrics)
        self.results = self.metrics.get("eval") or self._last_logged_eval()
        self.adapter = _load_json(folder / ADAPTER_CONFIG) if (folder / ADAPTER_CONFIG).is_file() else None
        self.compression = _load_json(folder / COMPRESSION_FILE)  # `llmkit quantize` / `export`; {} otherwise
        self.model = self.config.get("model") or {}
        self.data = self.config.get("data") or {}
        self.distill = self.config.get("distill") or {}
        # distill.init=teacher records the teacher as a from-scratch model section; its weights came from the teacher.
        self.from_teacher = bool(self.distill.get("teacher")) and self.distill.get("init") == "teacher"
        self.model_name = repo_id.split("/")[-1] if repo_id else folder.resolve().name

    @cached_property
    def log_records(self) -> list[dict[str, Any]]:
        log = self.folder / LOG_FILE
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.is_file() else []

    def _last_logged_eval(self) -> dict[str, float]:
        evals = [record for record in self.log_records if record.get("kind") == "eval"]
        return {k: v for k, v in evals[-1].items() if k not in ("kind", "step")} if evals else {}

    # ---------------------------------------------------------------------------------------------------- metadata
    @property
    def base_model(self) -> str | None:
        name = str(self.model.get("name") or "")
        if not name or self.model.get("init") == "scratch":
            return None
        if name == PACKAGED:
            return PACKAGED_HUB_ID
        return name if _is_hub_id(name) else None

    @cached_property
    def base_card(self) -> ModelCardData | None:
        """The base checkpoint's own card metadata, when it is a local folder (the packaged MiniLM is)."""
        name = str(self.model.get("name") or "")
        if not name or self.model.get("init") == "scratch":
            return None
        local = packaged_minilm() if name == PACKAGED else Path(name)
        return _local_card(local) if local.is_dir() else None

    @property
    def license(self) -> str | None:
        return self.info.license or (self.base_card.license if self.base_card else None)

    @property
    def language(self) -> str | list[str] | None:
        return self.info.language or (self.base_card.language if self.base_card else None)

    @property
    def hub_datasets(self) -> list[str]:
        sources = [self.data.get(key) for key in ("train", "validation")]
        return list(dict.fromkeys(s for s in sources if isinstance(s, str) and _is_hub_id(s)))

    def eval_results(self) -> list[EvalResult]:
        source = str(self.data.get("validation") or self.data.get("train") or "unknown data")
        return eval_results(self, source, self.data.get("validation_split"), "validation", self.results)

    # -------------------------------------------------------------------------------------------------------- body
    def body(self) -> str:
        sections = [
            f"# {self.model_name}\n\n{self._summary()}",
            self._results(),
            self._compression(),
            self._training(),
            self._usage(),
            self._limitations(),
        ]
        return "\n\n".join(s for s in sections if s) + "\n"

    def _base_description(self) -> str:
        name = str(self.model.get("name") or "an unknown checkpoint")
        if self.from_teacher:
            return f"the weights of the teacher run `{name}` (embeddings, head and evenly spread layers)"
        if self.model.get("init") == "scratch":
            return f"a randomly initialised `{name}` architecture (trained from scratch)"
        if self.base_model:
            return f"[{self.base_model}](https://huggingface.co/{self.base_model})"
        return f"the local checkpoint `{name}`"

    def _start(self) -> str:
        return "the teacher's weights" if self.from_teacher else str(self.model.get("init", "pretrained"))

    def _summary(self) -> str:
        task = self.info.task_name.lower() if self.info.task_name else f"`{self.recipe}`"
        text = (
            f"A {task} model trained with llmkit's `{self.recipe}` recipe, starting from {self._base_description()}, "
            f"on `{self.data.get('train', 'unknown data')}`."
        )
        if self.distill.get("teacher"):
            d = self.distill
            text += (
                f"\n\nDistilled from the teacher run `{d['teacher']}` (distill.alpha={d.get('alpha')}, "
                f"distill.temperature={d.get('temperature')}, distill.init={d.get('init')}): the loss mixes the "
                "teacher's softened outputs with the labels."
            )
        if self.adapter is not None:
            kind = self.adapter.get("peft_type", "PEFT")
            text += (
                f"\n\n**This repository holds a {kind} adapter** (`adapter_config.json`, `adapter_model.safetensors`),"
                " not full model weights: loading it needs the `peft` package and downloads the base model."
            )
        if not self.finished:
            step = max((r.get("step", 0) for r in self.log_records), default=0)
            text += f"\n\n*Training in progress: this snapshot was taken at step {step}.*"
        return text

    def _results(self) -> str:
        if not self.results:
            return "## Results\n\nNo validation data was used, so there are no evaluation results."
        source = self.data.get("validation") or "the validation data"
        rows = "\n".join(f"| {name} | {_number(value)} |" for name, value in self.results.items())
        best = self.metrics.get("best") or {}
        where = (
            f" The weights are those of step {best['step']}, the best by {best['metric']} (`train.load_best_at_end`)."
            if best.get("loaded_at_end")
            else ""
        )
        table = f"| metric | value |\n| --- | --- |\n{rows}"
        return f"## Results\n\nOn the validation data (`{source}`):{where}\n\n{table}"

    @property
    def compression_tags(self) -> list[str]:
        """`torchao`/`onnx` and `int8` for a compressed folder."""
        if not self.compression:
            return []
        return [
            self.compression.get("format", "compressed"),
            *(["int8"] if "int8" in self.compression["method"] else []),
        ]

    def _compression(self) -> str:
        """The compression report (`compression.json`): the original run and this folder, measured side by side."""
        if not self.compression:
            return ""
        report, measured = self.compression, self.compression.get("measured", {})
        original, compressed, ratios = report["original"], report["compressed"], report.get("ratios", {})
        table = ["| | original | this folder | |", "| --- | --- | --- | --- |"]
        for label, key, unit, ratio, words in COMPRESSION_ROWS:
            times = _times(ratios[ratio], *words) if ratios.get(ratio) else ""
            table.append(
                f"| {label} | {_measured(original, key, unit)} | {_measured(compressed, key, unit)} | {times} |"
            )
        for name, value in (original.get("metrics") or {}).items():
            new = compressed["metrics"].get(name)
            table.append(f"| validation {name} | {_number(value)} | {_number(new)} | {new - value:+.4f} |")
        checks = "".join(_parity_sentence(kind, check) for kind, check in report.get("parity", {}).items())
        return (
            f"## Compression\n\nThis folder holds the model of `{report['source']}`, compressed: {report['format']} "
            f"`{report['method']}` ({report['description']}). Both models were measured in one process on the "
            f"{measured.get('device', 'cpu')} (threads: {measured.get('threads')}): latency over "
            f"{measured.get('requests')} single requests, throughput over batches of {measured.get('batch_size')}, "
            f"metrics by the evaluation pass of `llmkit evaluate` over {measured.get('eval_rows') or 'no'} validation "
            f"rows.{checks} Every figure is in `{COMPRESSION_FILE}`.\n\n" + "\n".join(table)
        )

    def _training(self) -> str:
        train = self.config.get("train") or {}
        summary = self.metrics.get("train") or {}
        hyper = [
            ("base checkpoint", f"`{self.model.get('name')}` ({self._start()})"),
            *((f"data.{k}", f"`{v}`") for k, v in self.data.items() if v is not None and not isinstance(v, dict)),
            *((k, f"`{v}`") for k, v in train.items() if v is not None),
            ("seed", f"`{self.config.get('seed')}`"),
        ]
        rows = "\n".join(f"| {name} | {value} |" for name, value in hyper)
        lines = [
            "## Training",
            f"Recipe `{self.recipe}`; the full resolved configuration is in `{RUN_CONFIG}`, every logged step in "
            f"`{LOG_FILE}` and the final results in `{METRICS_FILE}`.",
            f"| setting | value |\n| --- | --- |\n{rows}",
        ]
        if summary:
            lines.append(
                f"Training took {_duration(summary.get('train_seconds', 0.0))} for {summary.get('steps')} optimizer "
                f"steps ({_number(summary.get('epochs', 0.0))} epochs) at "
                f"{summary.get('real_tokens_per_s', 0.0):,.0f} real tokens/s on "
                f"{summary.get('hardware', 'hardware that was not recorded')}."
            )
        if (self.folder / PLOT_FILE).is_file():
            lines.append(f"![Training and validation curves]({PLOT_FILE})")
        return "\n\n".join(lines)

    def _usage(self) -> str:
        where = self.repo_id or str(self.folder)
        example = self.info.example or '"Your text here."'
        if self.compression.get("format") == "onnx":  # transformers cannot load the graph; onnxruntime runs it
            code = ONNX_USAGE.format(where=where, graph=ONNX_FILE)
        elif self.info.usage:
            code = self.info.usage.format(where=where)
        elif self.info.pipeline_tag:
            code = (
                "from transformers import pipeline\n\n"
                f'model = pipeline("{self.info.pipeline_tag}", model="{where}")\n'
                f"print(model({example}))"
            )
        else:
            code = f'from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("{where}")'
        text = f"## How to use\n\n```python\n{code}\n```"
        if self.adapter is not None:
            text += "\n\n`pip install peft` first: transformers then loads the base model and applies the adapter."
        if self.repo_id:
            local = "DIR"
            text += f"\n\nWith llmkit, download it (`hf download {self.repo_id} --local-dir DIR`), then:"
        else:
            local = str(self.folder)
            text += "\n\nWith llmkit:"
        return f"{text}\n\n```bash\nllmkit predict {local} --help\n```"

    def _limitations(self) -> str:
        text = (
            "## Limitations\n\nThe model was evaluated only on the validation data listed above, which may not "
            "match the text you run it on; check it on your own data before relying on it. It inherits the "
            "biases and gaps of its base checkpoint and of its training data."
        )
        return f"{text} {self.info.limitations}" if self.info.limitations else text
