"""The recipe contract: what a recipe declares about itself (`Recipe`) and what it hands the runner (`Task`).

Every recipe module ends with one `RECIPE = Recipe(...)`: its name, its config class, its metrics and which way
each is better, the fields `llmkit predict` reads, its model-card text, and the functions the runner and the verbs
call. The runner, the CLI, the model card and `predict` read only this declaration, so a recipe is added by writing
its module and naming it in `llmkit/registry.py`.

    recipe module --RECIPE--> registry --> cli, card, predict
                  --Task----> runner (build(config, accelerator) returns it)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from llmkit.errors import ConfigError

Batch = dict[str, torch.Tensor]
# Batch keys starting with this reach `Task.eval_step` but are kept out of the model's forward call.
META_PREFIX = "meta_"


@dataclass(frozen=True)
class Metric:
    """One evaluation metric a recipe reports.

    Attributes:
        name: The key in the metrics the recipe's `compute_metrics` returns (and in `metrics.json`).
        higher_is_better: Whether a larger value is better; decides the best checkpoint.
        description: What it measures, for `--help` texts and the docs.
    """

    name: str
    higher_is_better: bool
    description: str = ""

    def improves(self, value: float, best: float | None, threshold: float = 0.0) -> bool:
        """Whether `value` beats `best` (None: nothing yet) by more than `threshold`, in this metric's direction."""
        return best is None or (value - best) * (1 if self.higher_is_better else -1) > threshold


# Every recipe reports the evaluation loss; the runner computes it.
LOSS = Metric("loss", higher_is_better=False, description="mean validation loss")


@dataclass(frozen=True)
class CardInfo:
    """What a recipe tells the model card about its task.

    Attributes:
        pipeline_tag: The Hub's task tag, e.g. `text-classification`.
        task_name: A readable task name for the card and the model-index, e.g. `Text classification`.
        language: Language code(s) of the recipe's data, when it is fixed.
        license: License of the trained weights, when the recipe knows it.
        tags: Extra Hub tags.
        example: Arguments of the usage snippet's pipeline call, as Python source, e.g. `"A great film."`.
        usage: A usage snippet (Python) that replaces the pipeline call, with `{where}` for the model's location;
            for tasks that transformers has no pipeline for.
        limitations: Task-specific caveats, appended to the card's limitations.
        examples: Input records (with the recipe's `predict_fields`) that show the model at work: the card lists
            them as the Hub's widget examples and `llmkit demo` offers them one click away.
    """

    pipeline_tag: str | None = None
    task_name: str | None = None
    language: str | list[str] | None = None
    license: str | None = None
    tags: tuple[str, ...] = ()
    example: str | None = None
    usage: str | None = None
    limitations: str | None = None
    examples: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class PredictOption:
    """A recipe-specific option of `llmkit predict` (e.g. `--temperature` for clm), passed to `Recipe.predict`.

    Attributes:
        name: The option's key in the `options` that `predict` receives (`temperature` for `--temperature`).
        type: `int`, `float` or `str`.
        help: One line for `--help`.
        default: The value when the option is not given; None lets the recipe use the run's own setting.
        setting: The run's config key that setting is (`sampling.temperature`), for `--help` and the demo.
    """

    name: str
    type: type
    help: str
    default: Any = None
    setting: str | None = None

    def value_for(self, config: Any) -> Any:
        """What the option is for a run under `config` when not given: its default, else the run's setting."""
        if self.default is not None or self.setting is None:
            return self.default
        value = config
        for part in self.setting.split("."):
            value = getattr(value, part)
        return value


Predict = Callable[[Any, list[dict[str, str]], dict[str, Any]], list[dict[str, Any]]]
PredictStream = Callable[[Any, dict[str, str], dict[str, Any]], Iterator[dict[str, Any]]]


@dataclass(frozen=True)
class Recipe:
    """What a recipe is, declared once (see the module docstring).

    Attributes:
        name: The name `llmkit train NAME` takes.
        description: One line for `llmkit recipes`.
        config: The config dataclass (a `RunConfig` with the recipe's own sections).
        build: `build(config, accelerator) -> Task`.
        metrics: The evaluation metrics `compute_metrics` may return, besides the loss the runner adds.
        default_metric: The metric that picks the best checkpoint unless `train.metric_for_best` names another.
        predict: `predict(run, records, options) -> results`, where `run` is a `llmkit.models.TrainedRun`; None
            when the recipe cannot predict.
        predict_fields: The text fields each input record of `predict` has (the first is the one plain-text
            input lines fill).
        predict_options: Recipe-specific options of `llmkit predict`.
        predict_stream: `predict_stream(run, record, options) -> results`, for a recipe whose result grows
            (generated text): the result of one record as it grows, each with `predict`'s keys, the last one equal
            to what `predict` returns for that record. `llmkit demo` shows it as it comes; None: results come whole.
        card: What the model card says about the task.
        specialize: `specialize(recipe, config) -> Recipe`, for a recipe whose metrics or input fields depend on
            its config (classification's problem type and sentence pairs): the declaration a run under `config`
            has. `metrics` then lists every metric the recipe can report. Use it through `for_config`.
    """

    name: str
    description: str
    config: type
    build: Callable[[Any, Any], Task]
    metrics: tuple[Metric, ...]
    default_metric: str
    predict: Predict | None = None
    predict_fields: tuple[str, ...] = ()
    predict_options: tuple[PredictOption, ...] = ()
    predict_stream: PredictStream | None = None
    card: CardInfo = field(default_factory=CardInfo)
    specialize: Callable[[Recipe, Any], Recipe] | None = None

    def __post_init__(self) -> None:
        if self.default_metric not in self.metric_names:
            raise ValueError(f"recipe {self.name}: default_metric {self.default_metric!r} is not one of its metrics")

    def for_config(self, config: Any) -> Recipe:
        """The declaration of a run under `config`: its own metrics, default metric and predict fields."""
        return self if self.specialize is None else replace(self.specialize(self, config), specialize=None)

    @property
    def metric_names(self) -> list[str]:
        """Every metric the recipe reports, the loss first."""
        return [LOSS.name, *(metric.name for metric in self.metrics)]

    def metric(self, name: str | None) -> Metric:
        """The declared metric `name` (the default one for None).

        Raises:
            ConfigError: When the recipe reports no such metric (a misspelled `train.metric_for_best`).
        """
        name = name or self.default_metric
        for metric in (LOSS, *self.metrics):
            if metric.name == name:
                return metric
        raise ConfigError(
            f"config: 'train.metric_for_best'={name!r} is not a metric of the '{self.name}' recipe. "
            f"Fix: use one of: {', '.join(self.metric_names)}."
        )

    def check_metrics(self, computed: dict[str, float]) -> None:
        """A recipe's `compute_metrics` may only return declared metrics (a bug in the recipe otherwise)."""
        unknown = sorted(set(computed) - set(self.metric_names))
        if unknown:
            raise RuntimeError(f"recipe {self.name}: compute_metrics returned undeclared metrics {unknown}")


@dataclass
class Task:
    """What a recipe's `build` hands the runner.

    Attributes:
        model: The network; its forward returns an output with `.loss` when the batch has labels.
        tokenizer: Saved next to the model so the output folder is self-contained.
        train_dataset: Tokenized training examples: any indexable dataset (a `datasets.Dataset`), or a
            `torch.utils.data.IterableDataset` for streamed corpora (then `train.max_steps` is required, an epoch
            is one pass over the stream, and a resumed run skips the batches already seen).
        collate_fn: Turns a list of examples into a padded batch of tensors.
        eval_dataset: Tokenized validation examples, or None.
        lengths: Token count of each training example, for length-grouped batching (None disables it).
        eval_lengths: The same for the validation examples; evaluation batches then hold similar lengths.
        eval_step: Picks what to keep from one evaluation batch (predictions, labels, logits): one value per
            example in the batch. The runner gathers it across processes and hands `compute_metrics` every
            entry in dataset order: 1-D entries as one tensor, wider entries as a list with one tensor per
            example, each as wide as its own batch made it (nothing is padded with a value the task could
            mistake for data). A `loss` entry (one value per example) replaces the batch-mean loss, which is
            inexact when the last batch splits unevenly. Batch keys starting with `meta_` reach `eval_step` but
            are kept out of the model's forward call.
        compute_metrics: Turns the gathered evaluation outputs into the recipe's declared metrics.
        after_evaluate: Called on the main process after each evaluation with the unwrapped model, the step and
            the metrics (e.g. to write text samples into the output folder).
        packed_collate_fn: A collator that lays each random batch's texts end to end (`llmkit.packing`), when the
            model reads such batches; `train.batching=auto|packed` then uses it for training.
        peft_task_type: The peft task type (`SEQ_CLS`, `TOKEN_CLS`, `QUESTION_ANS`, `CAUSAL_LM`, `SEQ_2_SEQ_LM`)
            that decides which head trains fully under `peft.method`; None for a plain `PeftModel` (masked LM).
        fresh_modules: Modules of the model the checkpoint did not have (a randomly initialised head beyond the
            task head peft knows); under `peft.method` they train fully and are saved with the adapter.
        resolved: Settings the recipe resolved from the data (`{"data.version_2_with_negative": True}`); the
            runner records them in `run_config.yaml` so later verbs use the same values.
    """

    model: torch.nn.Module
    tokenizer: Any
    train_dataset: Any
    collate_fn: Callable[[list[dict[str, Any]]], Batch]
    eval_dataset: Any = None
    lengths: Sequence[int] | None = None
    eval_lengths: Sequence[int] | None = None
    eval_step: Callable[[torch.nn.Module, Batch, Any], dict[str, torch.Tensor]] | None = None
    compute_metrics: Callable[[dict[str, Any]], dict[str, float]] | None = None
    after_evaluate: Callable[[torch.nn.Module, int, dict[str, float]], None] | None = None
    packed_collate_fn: Callable[[list[dict[str, Any]]], Batch] | None = None
    peft_task_type: str | None = None
    fresh_modules: tuple[str, ...] = ()
    resolved: dict[str, Any] = field(default_factory=dict)


def model_inputs(batch: Batch) -> Batch:
    """The batch without its `meta_` entries, which are for evaluation bookkeeping, not the model."""
    return {key: value for key, value in batch.items() if not key.startswith(META_PREFIX)}


def output_path(config: Any, name: str) -> Path:
    """A file a recipe writes into its run's output folder (predictions, samples)."""
    return Path(config.output_dir) / name
