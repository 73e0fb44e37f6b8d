"""Typed run configuration: dataclass defaults -> YAML file -> `key=value` overrides -> validated object.

Every recipe declares its configuration as a dataclass built from the shared sections below plus its own `data`
section. Keys are dotted paths (`train.lr=3e-5`, `model.name=gpt2`). Unknown keys and wrong types fail at start-up,
before any model loads, with the key's name, where it came from (file and line, or the command line) and what is
allowed. Cross-field checks live in each section's `__post_init__` and raise `ConfigError` naming the field.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import importlib.util
import inspect
import re
import textwrap
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id

from llmkit.errors import ConfigError


@dataclass
class ModelConfig:
    """Which network to train and how to get it.

    Unknown `model.*` keys (`model.n_layer=4`) are collected into `config` and applied to the architecture's
    config; they are checked against it when the model is built.
    """

    name: str = "minilm"
    """A hub id (`bert-base-uncased`, `gpt2`), a local checkpoint folder, or `minilm` (the packaged, offline
    all-MiniLM-L6-v2). With `init=scratch`, an architecture name (`gpt2`, `bert`) works too."""
    init: Literal["pretrained", "scratch"] = "pretrained"
    """`pretrained` loads the checkpoint's weights; `scratch` builds the same architecture with random weights."""
    tokenizer: str | None = None
    """Where to load the tokenizer from; defaults to `name`."""
    revision: str | None = None
    """Hub branch, tag or commit to load."""
    trust_remote_code: bool = False
    """Run modelling code shipped inside a checkpoint. Off unless you trust its author."""
    config: dict[str, Any] = field(default_factory=dict)
    """Architecture overrides (`model.n_layer=4` lands here as `{"n_layer": 4}`)."""

    SHORTHAND: typing.ClassVar[str] = "name"  # `model=gpt2` means `model.name=gpt2`
    EXTRA_KEYS: typing.ClassVar[str] = "config"


# train.report_to name -> the module it needs (accelerate's trackers of the same names)
TRACKERS = {"tensorboard": "tensorboard", "wandb": "wandb", "mlflow": "mlflow"}
TRACKER_PACKAGES = {"mlflow": "mlflow-skinny"}


@dataclass
class TrainConfig:
    """The training loop's settings, shared by every recipe."""

    epochs: int = 1
    """Passes over the training data (ignored when `max_steps` > 0)."""
    max_steps: int = 0
    """Optimizer steps to run; 0 means `epochs` decides."""
    batch_size: int = 32
    """Examples per forward pass summed over all processes, so results do not depend on the process count."""
    grad_accum_steps: int = 1
    """Forward passes per optimizer step; the effective batch is `batch_size * grad_accum_steps`."""
    eval_batch_size: int = 64
    """Examples per evaluation forward pass, summed over all processes."""
    lr: float = 5e-5
    """Peak learning rate."""
    weight_decay: float = 0.0
    """AdamW weight decay (never applied to biases and LayerNorm weights)."""
    scheduler: Literal["linear", "cosine", "constant", "constant_with_warmup"] = "linear"
    """Learning-rate schedule after warmup."""
    warmup_ratio: float = 0.0
    """Fraction of the steps spent warming the learning rate up from 0."""
    max_grad_norm: float = 1.0
    """Clip the gradient norm to this value; 0 turns clipping off."""
    mixed_precision: Literal["auto", "no", "fp16", "bf16"] = "auto"
    """`auto` picks bf16 on GPUs that support it, fp16 on other GPUs, and fp32 (`no`) on CPUs, where bf16 is
    hundreds of times slower."""
    batching: Literal["auto", "packed", "grouped", "random"] = "auto"
    """How training batches are formed. `random`: random batches padded to their longest text (a plain Trainer's
    way). `packed`: the same random batches with their texts laid end to end in a few rows, so no compute goes to
    padding and the gradients stay those of the random batch (BERT-family and GPT-2 sequence classifiers, BERT QA
    models; `llmkit/packing.py`); for translation, NER and line-by-line masked-LM models, the random batches run in
    length-sorted pieces, each padded to its own longest example (`llmkit/pieces.py`). `grouped`: batches of texts
    of similar length (little padding, but a batch holds only short or only long texts, which slowed a from-scratch
    translation model down badly). `auto`: packed where the recipe supports it, grouped otherwise."""
    chunked_loss: bool = True
    """Causal LMs (GPT-2): compute the training loss and its gradients a chunk of positions at a time, never the
    whole `tokens x vocabulary` logits (`llmkit/chunked_loss.py`); the same loss and gradients in far less memory.
    `false`: the model's own loss."""
    profile: bool = False
    """Time the training loop's phases (data, forward, backward, optimizer, evaluation) and report them in the log
    and in `metrics.json` (`train.profile`); on a GPU each phase waits for its kernels, which costs a little speed
    (`llmkit/profiling.py`)."""
    eval_every: int = 0
    """Evaluate every N optimizer steps; 0 evaluates at the end of each epoch."""
    save_every: int = 0
    """Checkpoint every N optimizer steps; 0 checkpoints at the end of each epoch."""
    keep_last: int = 2
    """Checkpoints to keep besides the best one."""
    metric_for_best: str | None = None
    """Evaluation metric that picks the best checkpoint; the recipe's default when unset."""
    log_every: int = 10
    """Write a training log line every N optimizer steps."""
    num_workers: int = 0
    """DataLoader worker processes."""
    on_nonfinite: Literal["stop", "skip"] = "stop"
    """What a NaN or infinite loss or gradient does: `stop` training with a message naming the step and the last
    good checkpoint, or `skip` that update (with a warning) and go on."""
    early_stopping_patience: int = 0
    """Stop after this many evaluations in a row without `metric_for_best` improving by more than
    `early_stopping_threshold`; 0 turns early stopping off. Needs validation data."""
    early_stopping_threshold: float = 0.0
    """How much `metric_for_best` must improve on its best value so far to count as an improvement."""
    load_best_at_end: bool = False
    """Write the best checkpoint's weights (by `metric_for_best`) as the final model, not the last step's; evaluate
    and save on the same steps (`eval_every` = `save_every`) so every evaluation has a checkpoint."""
    report_to: list[str] = field(default_factory=lambda: ["tensorboard"])
    """Experiment trackers that get the run config and every logged value: any of `tensorboard` (written to
    OUTPUT_DIR/tensorboard), `wandb` (Weights & Biases; `WANDB_MODE=offline` keeps it local, its files go to
    OUTPUT_DIR/wandb), `mlflow` (to `MLFLOW_TRACKING_URI`, else a file store in OUTPUT_DIR/mlruns); `[none]` for
    none. train_log.jsonl is written either way."""

    def __post_init__(self) -> None:
        positive = ("batch_size", "grad_accum_steps", "eval_batch_size", "log_every", "keep_last")
        for name in positive:
            if getattr(self, name) < 1:
                raise ConfigError(f"'{name}' must be at least 1, got {getattr(self, name)}")
        for name in ("epochs", "max_steps", "eval_every", "save_every", "num_workers", "early_stopping_patience"):
            if getattr(self, name) < 0:
                raise ConfigError(f"'{name}' must be 0 or more, got {getattr(self, name)}")
        if self.epochs == 0 and self.max_steps == 0:
            raise ConfigError("'epochs' and 'max_steps' are both 0: set one of them to a positive number")
        if self.lr <= 0:
            raise ConfigError(f"'lr' must be positive, got {self.lr}")
        if not 0 <= self.warmup_ratio < 1:
            raise ConfigError(f"'warmup_ratio' must be in [0, 1), got {self.warmup_ratio}")
        if self.weight_decay < 0 or self.max_grad_norm < 0 or self.early_stopping_threshold < 0:
            raise ConfigError("'weight_decay', 'max_grad_norm' and 'early_stopping_threshold' must be 0 or more")
        self._check_trackers()

    def _check_trackers(self) -> None:
        if self.report_to == ["none"]:
            return
        if not set(self.report_to) <= set(TRACKERS):
            raise ConfigError(
                f"'report_to' must list trackers from {', '.join(TRACKERS)}, or be [none]; got {self.report_to}"
            )
        missing = [name for name in self.report_to if importlib.util.find_spec(TRACKERS[name]) is None]
        if missing:
            packages = " ".join(TRACKER_PACKAGES.get(name, name) for name in missing)
            raise ConfigError(
                f"'report_to' names {', '.join(missing)}, which is not installed. Fix: pip install {packages}, or "
                "remove it from train.report_to."
            )


@dataclass
class HubConfig:
    """Sharing the run on a model hub (the Hugging Face Hub, or any server at `HF_ENDPOINT`).

    The token comes from `HF_TOKEN` or `hf auth login`, never from the config, so it cannot end up in
    `run_config.yaml` or the model card.
    """

    push: bool = False
    """Push the model, its card and results to `repo_id` when training ends."""
    repo_id: str | None = None
    """`NAME/MODEL` on the hub; created (private if `private`) when it does not exist."""
    private: bool = False
    """Create the repository private (an existing repository keeps its visibility)."""
    revision: str | None = None
    """Branch to push to (created from `main` when missing); unset pushes to `main`."""
    strategy: Literal["end", "checkpoint"] = "end"
    """`end` pushes once, after training; `checkpoint` also pushes the model at every saved checkpoint."""

    def __post_init__(self) -> None:
        if self.push and not self.repo_id:
            raise ConfigError("'repo_id' must be set when hub.push=true, e.g. hub.repo_id=NAME/MODEL")
        if self.repo_id is not None and (problem := repo_id_problem(self.repo_id)):
            raise ConfigError(f"'repo_id' {problem}")


def repo_id_problem(repo_id: str) -> str | None:
    """What is wrong with a repository id, as a sentence with a fix, or None when the hub would accept it."""
    try:
        validate_repo_id(repo_id)
    except HFValidationError:
        return (
            f"'{repo_id}' is not a valid repository id. Fix: use NAME/MODEL made of letters, digits, '-', '_' "
            "and '.' (no '--' or '..', at most 96 characters, not starting or ending with '-' or '.')."
        )
    return None


@dataclass
class PeftConfig:
    """Parameter-efficient fine-tuning: train small adapters (and the task head) instead of every weight.

    The output folder then holds the adapter (`adapter_config.json`, `adapter_model.safetensors`);
    `llmkit merge OUT --to MERGED` folds it into a plain model.
    """

    method: Literal["none", "lora", "ia3"] = "none"
    """`none` trains every weight; `lora` adds low-rank updates; `ia3` learns per-channel scales (fewest
    parameters)."""
    r: int = 8
    """LoRA rank: the inner dimension of each low-rank update."""
    alpha: float = 16.0
    """LoRA scaling: updates are multiplied by `alpha / r`."""
    dropout: float = 0.05
    """Dropout on the LoRA branch's input."""
    target_modules: list[str] | None = None
    """Module names (suffixes) that get adapters. Unset: chosen per architecture (GPT-2: c_attn, c_proj, c_fc;
    BERT: query, key, value, dense for LoRA)."""
    modules_to_save: list[str] = field(default_factory=list)
    """Extra modules trained fully and saved with the adapter. Task heads (classification, QA) are added
    automatically."""

    def __post_init__(self) -> None:
        if self.r < 1:
            raise ConfigError(f"'r' must be at least 1, got {self.r}")
        if self.alpha <= 0:
            raise ConfigError(f"'alpha' must be positive, got {self.alpha}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"'dropout' must be in [0, 1), got {self.dropout}")
        if self.target_modules is not None and not self.target_modules:
            raise ConfigError("'target_modules' is empty: name at least one module, or leave it unset (null)")


@dataclass
class DistillConfig:
    """Knowledge distillation: train the model (the student) on a finished run's outputs (the teacher) as well as
    on the labels (`llmkit/distill.py`, docs/distillation.md).

    The loss is `alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T)) + (1 - alpha) * the task loss`, with
    analogues for multi-label classification and regression.
    """

    teacher: str | None = None
    """A finished run's output folder, of the same recipe, labels and tokenizer, whose model teaches this one; null
    trains without a teacher."""
    alpha: float = 0.5
    """Weight of the teacher's term in the loss; 1 - alpha weighs the task loss (0 trains on the labels alone)."""
    temperature: float = 2.0
    """T: both models' logits are divided by it before they are compared; above 1 it shows the student more of
    how the teacher ranks the wrong answers."""
    init: Literal["teacher", "model"] = "teacher"
    """Where the student starts. `teacher`: the teacher's architecture with the `model.*` overrides (e.g.
    model.num_hidden_layers=3) and the teacher's weights and tokenizer: embeddings, head and, for student layer i,
    teacher layer floor(i * teacher layers / student layers) (6 -> 3: 0, 2, 4); BERT-family encoders and GPT-2;
    run_config.yaml then records the teacher's folder as model.name. `model`: whatever model.name, model.init and
    model.* say; only the loss uses the teacher."""

    def __post_init__(self) -> None:
        if not 0 <= self.alpha <= 1:
            raise ConfigError(f"'alpha' must be in [0, 1], got {self.alpha}")
        if self.temperature <= 0:
            raise ConfigError(f"'temperature' must be positive, got {self.temperature}")


@dataclass
class DataSourceConfig:
    """Where a recipe's examples come from: the part of every recipe's `data` section that is the same.

    A recipe's `DataConfig` extends it with its columns and reading settings (and its own default files).
    """

    train: str = ""
    """Training data: a local file (csv/tsv/json/jsonl/parquet, or the recipe's own formats), or a hub dataset id."""
    validation: str | None = None
    """Validation data (the same forms), or null to train without evaluation."""
    dataset_config: str | None = None
    """The hub dataset's configuration name (e.g. `sst2` for `glue`)."""
    train_split: str = "train"
    """Split of a hub dataset used for training."""
    validation_split: str = "validation"
    """Split of a hub dataset used for validation."""
    max_train_examples: int | None = None
    """Train on a random subset of this many examples (seeded, `llmkit.data.subset`), e.g. for quick experiments."""

    def __post_init__(self) -> None:
        if not self.train:
            raise ConfigError("'train' is empty: name the training data, e.g. data.train=train.csv")
        if self.max_train_examples is not None and self.max_train_examples < 1:
            raise ConfigError(f"'max_train_examples' must be at least 1, got {self.max_train_examples}")


@dataclass
class RunConfig:
    """Settings every recipe has; a recipe's `Config` adds its `data` section (and may change defaults)."""

    output_dir: str = "runs/default"
    """Where the model, logs, metrics, plots and checkpoints go."""
    overwrite_output_dir: bool = False
    """Allow replacing a finished run in `output_dir` (otherwise llmkit refuses, so nothing is lost)."""
    seed: int = 42
    """Seeds Python, NumPy and torch, and the data order."""
    resume_from_checkpoint: str | None = None
    """`latest` or a checkpoint folder: continue exactly where that run stopped."""
    resume_allow_changes: bool = False
    """Resume even though settings that change the result (data, learning rate, model, ...) differ from the
    checkpoint's; without it such a resume stops and lists the differences."""
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    peft: PeftConfig = field(default_factory=PeftConfig)
    distill: DistillConfig = field(default_factory=DistillConfig)

    def __post_init__(self) -> None:
        self._check_distillation()
        if self.peft.method != "none" and self.model.init == "scratch":
            raise ConfigError(
                f"peft.method={self.peft.method} adapts pretrained weights, but model.init=scratch starts "
                "from random ones. Fix: set peft.method=none, or model.init=pretrained."
            )

    def _check_distillation(self) -> None:
        teacher = self.distill.teacher
        if teacher is None:
            return
        if Path(teacher).resolve() == Path(self.output_dir).resolve():
            raise ConfigError(
                "'distill.teacher' is the output_dir, so the student would overwrite its teacher. Fix: choose "
                "another output_dir."
            )
        if self.peft.method != "none" and self.distill.init == "teacher":
            # An adapter folder saves the adapter and names its base checkpoint; this base exists nowhere else.
            raise ConfigError(
                f"peft.method={self.peft.method} saves an adapter for a base model that loads from a checkpoint, "
                "but with distill.init=teacher the student's base is a copy of some of the teacher's layers that "
                "exists only in this run. Fix: set peft.method=none, or distill.init=model with a checkpoint as "
                "model.name."
            )


# --------------------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class Setting:
    """One `key = value` with where it came from, for error messages."""

    key: str
    value: Any
    origin: str


def load_config(
    cls: type,
    config_file: str | Path | None = None,
    overrides: typing.Sequence[str] = (),
    recipe: str | None = None,
    also: typing.Collection[str] = (),
) -> Any:
    """Build a validated config: `cls` defaults, then the YAML file, then `key=value` overrides.

    Args:
        cls: The recipe's config dataclass.
        config_file: Optional YAML file of nested mappings.
        overrides: `dotted.key=value` strings; values are parsed as YAML scalars (`true`, `3`, `[a, b]`).
        recipe: The recipe being configured. A top-level `recipe:` in the file (a run's `run_config.yaml` has one)
            must name it (or one of `also`, its other names); without `recipe`, that key is ignored.
        also: Other names of the same recipe (`sentiment` for `classification`).

    Raises:
        ConfigError: On unknown keys, wrong types, impossible values, or unreadable files.
    """
    settings = read_yaml(Path(config_file)) if config_file else []
    settings += [parse_override(text) for text in overrides]
    tree = to_tree(cls())
    for setting in settings:
        if setting.key == "recipe":
            if recipe is not None and setting.value not in (recipe, *also):
                raise ConfigError(
                    f"{setting.origin}: this config is for the '{setting.value}' recipe, not '{recipe}'. "
                    f"Fix: run `llmkit train {setting.value} ...`, or use a config written for '{recipe}'."
                )
            continue
        assign(cls, tree, setting)
    return build(cls, tree, prefix="", origins={setting.key: setting.origin for setting in settings})


def parse_override(text: str) -> Setting:
    """Parse one command-line `key=value`."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"command line: '{text}' is not of the form key=value (for example train.lr=3e-5)")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return Setting(key.strip(), value, "command line")


def read_yaml(path: Path) -> list[Setting]:
    """Flatten a YAML file into dotted settings, each tagged with `file:line`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"config file {path} cannot be read: {error}") from None
    try:
        values = yaml.safe_load(text)
        nodes = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(error, 'problem', error)}") from None
    if values is None:
        return []
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys to values")
    settings: list[Setting] = []
    _flatten(values, nodes, "", path, settings)
    return settings


def _flatten(values: dict, node: yaml.MappingNode, prefix: str, path: Path, out: list[Setting]) -> None:
    lines: dict[str, int] = {}
    for key_node, _ in node.value:  # YAML itself keeps the last of two equal keys without a word
        line = key_node.start_mark.line + 1
        if key_node.value in lines:
            raise ConfigError(
                f"{path}:{line}: '{prefix}{key_node.value}' is set twice (also on line {lines[key_node.value]}). "
                "Fix: keep one of them."
            )
        lines[key_node.value] = line
    value_nodes = {key_node.value: value_node for key_node, value_node in node.value}
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten(value, value_nodes[str(key)], f"{dotted}.", path, out)
        else:
            out.append(Setting(dotted, value, f"{path}:{lines.get(str(key), '?')}"))


def to_tree(config: Any) -> dict[str, Any]:
    """A dataclass instance as nested dicts of field values (one level per nested dataclass)."""
    tree = {}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        tree[f.name] = to_tree(value) if dataclasses.is_dataclass(value) else value
    return tree


def assign(cls: type, tree: dict[str, Any], setting: Setting) -> None:
    """Apply one setting to the tree, checking the key exists and coercing the value to the field's type."""
    parts = setting.key.split(".")
    section_cls, section, walked = cls, tree, []
    for position, part in enumerate(parts):
        hints = typing.get_type_hints(section_cls)
        names = [f.name for f in dataclasses.fields(section_cls)]
        rest = parts[position + 1 :]
        if part not in names:
            extra = getattr(section_cls, "EXTRA_KEYS", None)
            if extra:
                section[extra] = {**section[extra], ".".join(parts[position:]): setting.value}
                return
            raise ConfigError(_unknown_key_message(setting, walked, part, names))
        walked.append(part)
        kind = hints[part]
        if dataclasses.is_dataclass(kind):
            if rest:
                section_cls, section = kind, section[part]
                continue
            shorthand = getattr(kind, "SHORTHAND", None)
            if shorthand and not isinstance(setting.value, dict):
                section[part][shorthand] = coerce(setting.value, typing.get_type_hints(kind)[shorthand], setting)
                return
            raise ConfigError(f"{setting.origin}: '{setting.key}' is a section; set its keys, e.g. {part}.KEY=VALUE")
        if rest:
            if _is_dict(kind):
                section[part] = {**(section[part] or {}), ".".join(rest): setting.value}
                return
            raise ConfigError(f"{setting.origin}: '{'.'.join(walked)}' has no sub-keys (got '{setting.key}')")
        section[part] = coerce(setting.value, kind, setting)
        return


# Keys that earlier versions had, and what replaced them.
RENAMED = {"train.group_by_length": "train.batching (true -> auto or grouped, false -> random)"}


def _unknown_key_message(setting: Setting, walked: list[str], part: str, names: list[str]) -> str:
    where = ".".join(walked)
    close = difflib.get_close_matches(part, names, n=1)
    hint = f" Did you mean '{'.'.join([*walked, close[0]])}'?" if close else ""
    if (old := ".".join([*walked, part])) in RENAMED:
        hint = f" '{old}' was replaced by {RENAMED[old]}."
    known = ", ".join(names)
    scope = f"section '{where}'" if where else "the top level"
    return f"{setting.origin}: unknown key '{setting.key}'.{hint} Keys in {scope}: {known}"


def _is_dict(kind: Any) -> bool:
    return kind is dict or typing.get_origin(kind) is dict


def coerce(value: Any, kind: Any, setting: Setting) -> Any:
    """Convert `value` to the annotated type `kind`, or raise a `ConfigError` naming the key."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        is_null = value is None or (isinstance(value, str) and value.lower() in ("none", "null"))
        if is_null and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return coerce(value, option, setting)
            except ConfigError as error:
                errors.append(error)
        raise errors[0]
    if origin is Literal:
        if isinstance(value, bool):
            # YAML reads `no`/`off` as false and `yes`/`on` as true; take the one option spelled that way.
            spellings = ("yes", "on", "true") if value else ("no", "off", "false")
            spelled = [a for a in args if isinstance(a, str) and a.lower() in spellings]
            value = spelled[0] if len(spelled) == 1 else value
        if value in args:
            return value
        allowed = ", ".join(str(a) for a in args)
        raise ConfigError(f"{setting.origin}: '{setting.key}' must be one of: {allowed} (got {value!r})")
    if origin is list:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if not isinstance(value, list):
            raise _type_error(setting, "a list", value)
        return [coerce(item, args[0], setting) for item in value] if args else value
    if _is_dict(kind):
        if not isinstance(value, dict):
            raise _type_error(setting, "a mapping", value)
        return value
    if kind is Any:
        return value
    return _coerce_scalar(value, kind, setting)


def _coerce_scalar(value: Any, kind: Any, setting: Setting) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
        raise _type_error(setting, "true or false", value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _type_error(setting, "an integer", value)
        try:
            return int(value)
        except ValueError:
            raise _type_error(setting, "an integer", value) from None
    if kind is float:
        if isinstance(value, bool):
            raise _type_error(setting, "a number", value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _type_error(setting, "a number", value) from None
    if kind is str:
        if isinstance(value, dict | list):
            raise _type_error(setting, "a string", value)
        return str(value)
    raise ConfigError(f"{setting.origin}: '{setting.key}' has an unsupported type {kind}")


def _type_error(setting: Setting, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"{setting.origin}: '{setting.key}' must be {expected} (got {value!r})")


def build(cls: type, tree: dict[str, Any], prefix: str, origins: dict[str, str] | None = None) -> Any:
    """Instantiate `cls` from the tree so every section's `__post_init__` checks the final values.

    Args:
        origins: Where each dotted key was set (`file:line`, `command line`), to say so when a check fails.
    """
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        value = tree[f.name]
        nested = dataclasses.is_dataclass(kind)
        kwargs[f.name] = build(kind, value, f"{prefix}{f.name}.", origins) if nested else value
    try:
        return cls(**kwargs)
    except ConfigError as error:
        # Section checks name their own field; say which section it lives in, and where the value was set.
        message = str(error).replace("'", "'" + prefix, 1)
        named = re.search(r"'([\w.]+)'", message)
        origin = (origins or {}).get(named.group(1)) if named else None
        raise ConfigError(f"{origin or 'config'}: {message}") from None


def to_dict(config: Any) -> dict[str, Any]:
    """The resolved configuration as plain nested dicts (for YAML dumps and model cards)."""
    return dataclasses.asdict(config)


# Settings that do not change what a run trains: they may differ between a checkpoint and its resume.
RESUMABLE_CHANGES = (
    "output_dir",
    "overwrite_output_dir",
    "resume_from_checkpoint",
    "resume_allow_changes",
    "train.log_every",
    "train.eval_every",
    "train.save_every",
    "train.keep_last",
    "train.num_workers",
    "train.eval_batch_size",
    "train.on_nonfinite",
    "train.chunked_loss",  # the same loss and gradients, to rounding
    "train.profile",
    "hub.",
    "sampling.",
)


def result_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """`key: old -> new` for every setting that differs and changes the result (not in `RESUMABLE_CHANGES`)."""
    old, new = flatten(before), flatten(after)
    changed = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key) and not any(
            key == neutral or (neutral.endswith(".") and key.startswith(neutral)) for neutral in RESUMABLE_CHANGES
        ):
            changed.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    return changed


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings as `{"train.lr": 3e-5, ...}` (an empty mapping stays one value)."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def with_settings(config: Any, settings: dict[str, Any]) -> Any:
    """A copy of `config` with dotted keys set to already-typed values (`{"data.version_2_with_negative": True}`)."""
    for key, value in settings.items():
        config = _replaced(config, key.split("."), value)
    return config


def _replaced(section: Any, parts: list[str], value: Any) -> Any:
    inner = value if len(parts) == 1 else _replaced(getattr(section, parts[0]), parts[1:], value)
    return dataclasses.replace(section, **{parts[0]: inner})


# --------------------------------------------------------------------------------------------------------------
# Describing the keys (for `llmkit train RECIPE --help`)


@dataclass(frozen=True)
class KeyInfo:
    """One config key as `--help` shows it."""

    key: str
    type: str
    default: Any
    doc: str


def describe_keys(cls: type, prefix: str = "") -> list[KeyInfo]:
    """Every key of the config class `cls`, section by section: dotted name, type, default and docstring.

    The docstrings are the string literals under each field in the source (Python keeps no other record of them).
    """
    hints, docs = typing.get_type_hints(cls), field_docs(cls)
    defaults = cls()
    keys: list[KeyInfo] = []
    for f in dataclasses.fields(cls):
        kind, value = hints[f.name], getattr(defaults, f.name)
        if dataclasses.is_dataclass(kind):
            keys += describe_keys(kind, f"{prefix}{f.name}.")
        else:
            keys.append(KeyInfo(f"{prefix}{f.name}", _type_name(kind), value, docs.get(f.name, "")))
    return keys


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of `cls` and its dataclass bases (a subclass's own text wins)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in zip(body, [*body[1:], None], strict=True):
            documented = isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and documented:
                docs[node.target.id] = " ".join(str(following.value.value).split())
    return docs


def _type_name(kind: Any) -> str:
    if isinstance(kind, type):
        return kind.__name__
    return str(kind).replace("typing.", "").replace("NoneType", "None")
