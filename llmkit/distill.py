"""Knowledge distillation: train a model (the student) on a finished run's outputs (the teacher) and on the labels.

    llmkit train sentiment distill.teacher=runs/sentiment model.num_hidden_layers=3 output_dir=runs/sentiment-3l
    llmkit train qa distill.teacher=runs/qa distill.init=model model.name=path/to/small-bert output_dir=runs/qa-small
    llmkit train ner distill.teacher=runs/ner distill.alpha=0.9 distill.temperature=4 output_dir=runs/ner-distilled

The runner asks this module three things: the student's `model` section before the recipe builds it
(`student_config`, which also checks the teacher run), the teacher once the task is built (`load_teacher`: checked
against the student and, with `distill.init=teacher`, copied into it), and each training step's loss
(`Teacher.loss`). The teacher runs on the same batch on the training device, in eval mode and without gradients;
it is not prepared for training, not in the optimizer and not saved.

The loss is `alpha * soft + (1 - alpha) * task`, where `task` is the student's own loss (`outputs.loss`) and `soft`
compares the two models' outputs, read from the output's fields, so recipes need no code of their own:

- `start_logits` and `end_logits` (extractive QA): T^2 * KL(softmax(teacher / T) || softmax(student / T)) over each
  window's real tokens (padding takes no part), averaged over windows; the mean of the start and end terms.
- 3-D `logits` (token classification, causal and masked LM): the same KL at each position whose label is not -100
  (NER: first sub-tokens; mlm: the masked tokens; clm: every token), averaged over those positions.
- 2-D `logits` (sequence classification), by the model config's problem type: single-label, the KL per example;
  multi-label (sigmoid outputs), T^2 * binary cross-entropy against the soft targets sigmoid(teacher / T);
  regression, the mean squared error to the teacher's score, without a temperature (one number has no
  distribution to soften).

T^2 keeps the soft term's gradients on the scale of the task loss whatever T is (Hinton et al., 2015).

`distill.init=teacher` builds the student as the teacher's architecture with the run's `model.*` overrides (fewer
layers) and copies the teacher's weights into it: every weight outside the layer stack by name (embeddings, final
norm, pooler, task head), and student layer i from teacher layer floor(i * teacher layers / student layers), so
6 -> 3 takes layers 0, 2, 4 (DistilBERT's "every other layer"). Layer stacks are found in BERT-family encoders
(`encoder.layer`) and GPT-2 (`transformer.h`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional

from llmkit import fastpath, packing
from llmkit.adapters import is_adapter
from llmkit.config import ModelConfig, with_settings
from llmkit.errors import UserError
from llmkit.models import load_model_config, load_tokenizer, load_trained_model
from llmkit.recipe import Batch, model_inputs
from llmkit.registry import aliases
from llmkit.rundir import reading, recipe_name, require_finished_run

logger = logging.getLogger("llmkit")

# Where a model's layer stack sits under its base model (`model.base_model`): BERT-family encoders, GPT-2.
LAYER_STACKS = ("encoder.layer", "h")
IGNORED_LABEL = -100  # positions the task loss skips (sub-tokens, padding, unmasked tokens)


# --------------------------------------------------------------------------------------------------------------
# The loss


def distillation_loss(
    student: Any, teacher: Any, batch: Batch, alpha: float, temperature: float, problem_type: str | None = None
) -> torch.Tensor:
    """`alpha * soft + (1 - alpha) * student.loss` for one batch (see the module docstring).

    Args:
        student: The student's model output, with its task loss (`loss`) and `logits` or `start_logits`/`end_logits`.
        teacher: The teacher's output on the same batch.
        batch: The batch both models read (its `labels` and `attention_mask` say which positions are real).
        alpha: The soft term's weight, in [0, 1].
        temperature: T: both models' logits are divided by it before they are compared.
        problem_type: Sequence classification's `config.problem_type` (`single_label_classification`,
            `multi_label_classification` or `regression`); unused for other outputs.
    """
    return alpha * soft_loss(student, teacher, batch, temperature, problem_type) + (1 - alpha) * student.loss


def soft_loss(
    student: Any, teacher: Any, batch: Batch, temperature: float, problem_type: str | None = None
) -> torch.Tensor:
    """How far the student's outputs are from the teacher's: the `soft` term of `distillation_loss`."""
    if getattr(student, "start_logits", None) is not None:
        real = batch["attention_mask"].bool() if "attention_mask" in batch else None
        start = _mean(_kl(student.start_logits, teacher.start_logits, temperature, real))
        end = _mean(_kl(student.end_logits, teacher.end_logits, temperature, real))
        return temperature**2 * (start + end) / 2
    logits, target = student.logits.float(), teacher.logits.float()
    if logits.ndim == 3:
        labels = batch.get("labels")
        real = labels != IGNORED_LABEL if labels is not None else batch["attention_mask"].bool()
        return temperature**2 * _mean(_kl(logits[real], target[real], temperature))
    if problem_type == "regression" or (problem_type is None and logits.shape[-1] == 1):
        return functional.mse_loss(logits, target)
    if problem_type == "multi_label_classification":
        soft_targets = torch.sigmoid(target / temperature)
        return temperature**2 * functional.binary_cross_entropy_with_logits(logits / temperature, soft_targets)
    return temperature**2 * _mean(_kl(logits, target, temperature))


def _kl(
    student: torch.Tensor, teacher: torch.Tensor, temperature: float, real: torch.Tensor | None = None
) -> torch.Tensor:
    """KL(softmax(teacher / T) || softmax(student / T)) along the last dimension, one value per row.

    Entries where `real` is False (padding) take no part: they get the lowest finite logit, so their probability is
    0 in both distributions and their terms are 0 (an infinite one would make 0 * inf = nan).
    """
    student, teacher = student.float() / temperature, teacher.float() / temperature
    if real is not None:
        lowest = torch.finfo(torch.float32).min
        student, teacher = student.masked_fill(~real, lowest), teacher.masked_fill(~real, lowest)
    log_p, log_q = teacher.log_softmax(-1), student.log_softmax(-1)
    return (log_p.exp() * (log_p - log_q)).sum(-1)


def _mean(values: torch.Tensor) -> torch.Tensor:
    """The mean, and 0 for no values (a batch without a single labelled position teaches nothing, not nan)."""
    return values.sum() / max(values.numel(), 1)


@dataclass
class Teacher:
    """The teacher model on the training device, and what its outputs add to the student's loss.

    Attributes:
        model: The teacher, in eval mode, its weights frozen.
        alpha: The soft term's weight (`distill.alpha`).
        temperature: `distill.temperature`.
        autocast: The run's mixed-precision context (`Accelerator.autocast`), so the teacher computes as the
            student does.
    """

    model: nn.Module
    alpha: float
    temperature: float
    autocast: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext

    def loss(self, student_outputs: Any, batch: Batch) -> torch.Tensor:
        """The training loss of one batch, given the student's outputs on it (see `distillation_loss`)."""
        with torch.no_grad(), self.autocast():
            teacher_outputs = self.model(**model_inputs(batch))
        problem_type = self.model.config.problem_type
        return distillation_loss(student_outputs, teacher_outputs, batch, self.alpha, self.temperature, problem_type)


# --------------------------------------------------------------------------------------------------------------
# Setting up: the teacher run, the student's architecture, the checks


def student_config(config: Any, recipe: str) -> Any:
    """Check the teacher run before anything loads; with `distill.init=teacher`, point the model section at it.

    With `distill.init=teacher` the model section becomes the teacher's folder, built from scratch: the recipe then
    builds the teacher's architecture with the run's `model.*` overrides and the student's own labels, and
    `load_teacher` fills in the teacher's weights. The runner records this section in `run_config.yaml`, so a
    resume and `llmkit evaluate` rebuild the same architecture. Without a teacher, `config` comes back unchanged.

    Args:
        config: The run's config.
        recipe: The name of the recipe the run trains.
    """
    teacher = config.distill.teacher
    if teacher is None:
        return config
    folder = Path(teacher)
    require_finished_run(folder, "distill.teacher")
    trained_by = recipe_name(folder)
    if trained_by not in (recipe, *aliases(recipe)):
        raise UserError(
            f"distill.teacher: {folder} is a run of the '{trained_by}' recipe, but this run trains '{recipe}', so "
            f"their outputs cannot be compared. Fix: pass a finished '{recipe}' run as distill.teacher."
        )
    if getattr(load_model_config(ModelConfig(name=str(folder))), "is_encoder_decoder", False):
        raise UserError(
            f"distill.teacher: {folder} holds an encoder-decoder model, which distillation does not support (it "
            "needs one tokenizer shared by teacher and student, and an encoder or a decoder whose layers it can "
            "find). Fix: train the student without distill.teacher."
        )
    if config.distill.init == "model":
        return config
    # Built from scratch and filled in afterwards: loading the teacher's checkpoint into a student with other labels
    # would fail inside transformers before the labels could be compared.
    return with_settings(
        config,
        {"model.name": str(folder), "model.init": "scratch", "model.revision": None, "model.trust_remote_code": False},
    )


def load_teacher(config: Any, task: Any, accelerator: Any, packed: bool) -> Teacher | None:
    """The run's teacher (None without `distill.teacher`), checked against the task's student and tokenizer.

    With `distill.init=teacher` the teacher's weights are copied into the student here (`copy_teacher_weights`).

    Args:
        config: The run's config (after `student_config`).
        task: The recipe's task; its model is the student.
        accelerator: The run's accelerator: the teacher goes to its device and computes under its autocast.
        packed: Whether training batches are packed (`llmkit.packing`): the teacher must read them too.

    Raises:
        UserError: When the teacher's labels, tokenizer or layers do not fit the student.
    """
    settings = config.distill
    if settings.teacher is None:
        return None
    folder = Path(settings.teacher)
    student = fastpath.unwrapped(task.model)
    if not hasattr(task.tokenizer, "get_vocab"):
        raise UserError(
            "distill.teacher: this recipe's models read with a pair of tokenizers (source and target), and "
            "distillation compares teacher and student through one shared tokenizer. Fix: train the student without "
            "distill.teacher."
        )
    with reading(folder, "distill.teacher"):  # no run may rewrite the teacher while it loads
        teacher = load_trained_model(folder)
        tokenizer = load_tokenizer(ModelConfig(name=str(folder)))
    if is_adapter(teacher):  # in memory only: the teacher's folder keeps its adapter
        teacher = teacher.merge_and_unload()
    check_labels(teacher.config, student.config, folder)
    check_vocabulary(tokenizer, task.tokenizer, folder)
    start = f"model.name={config.model.name} ({config.model.init})"
    if settings.init == "teacher":
        start = f"the teacher's weights, layers {copy_teacher_weights(student, teacher)}"
    teacher.requires_grad_(False)
    teacher.to(accelerator.device).eval()
    _read_batches_as_the_student(teacher, packed)
    logger.info(
        "distilling from %s (alpha %s, temperature %s); the student starts from %s",
        folder,
        settings.alpha,
        settings.temperature,
        start,
    )
    return Teacher(teacher, settings.alpha, settings.temperature, accelerator.autocast)


def _read_batches_as_the_student(teacher: nn.Module, packed: bool) -> None:
    """Teach the teacher to read packed batches when the student gets them; its speed-ups leave logits as they are."""
    if packed and not packing.can_pack(teacher):
        raise UserError(
            f"distill.teacher: training batches are packed, but the teacher ({type(teacher).__name__}) cannot read "
            "packed batches. Fix: set train.batching=grouped."
        )
    if packed:
        packing.enable(teacher)
    fastpath.first_token_only(teacher)


def check_labels(teacher: Any, student: Any, folder: Path) -> None:
    """Refuse a teacher whose outputs mean something else: another label set or problem type.

    Args:
        teacher: The teacher's model config.
        student: The student's model config, with the labels its data resolved to.
        folder: The teacher's run folder, for the message.
    """

    def outputs(model_config: Any) -> tuple[Any, list[str]]:
        return model_config.problem_type, [model_config.id2label[i] for i in range(model_config.num_labels)]

    (teacher_problem, teacher_labels), (student_problem, student_labels) = outputs(teacher), outputs(student)
    if teacher_labels != student_labels or teacher_problem != student_problem:
        raise UserError(
            f"distill.teacher: the teacher {folder} predicts {teacher_labels} ({teacher_problem}), but the student's "
            f"data resolves to {student_labels} ({student_problem}), so the teacher's outputs do not line up with "
            "the student's. Fix: train the student on data with the teacher's labels (data.labels=[...] in the "
            "teacher's order), or pass a teacher trained on these labels."
        )


def check_vocabulary(teacher: Any, student: Any, folder: Path) -> None:
    """Refuse a teacher that reads other tokens: its outputs would belong to other positions and other words.

    Args:
        teacher: The teacher's tokenizer.
        student: The student's tokenizer.
        folder: The teacher's run folder, for the message.
    """
    teacher_vocab, student_vocab = teacher.get_vocab(), student.get_vocab()
    if teacher_vocab == student_vocab:
        return
    differing = sorted({token for token, _ in set(teacher_vocab.items()) ^ set(student_vocab.items())})
    raise UserError(
        f"distill.teacher: the teacher {folder} has another tokenizer than the student ({len(teacher_vocab)} vs "
        f"{len(student_vocab)} tokens; they differ in {len(differing)} tokens, e.g. {differing[:3]}), so they do "
        f"not read the same tokens. Fix: use a student with the teacher's vocabulary (model.tokenizer={folder} "
        "with a checkpoint trained on it, tokenizer.train=false for language models), or distill.init=teacher."
    )


# --------------------------------------------------------------------------------------------------------------
# distill.init=teacher: the student starts from the teacher's weights


def spread(teacher_layers: int, student_layers: int) -> list[int]:
    """The teacher layer each student layer starts from: spread evenly from the first (6 -> 3: 0, 2, 4)."""
    return [layer * teacher_layers // student_layers for layer in range(student_layers)]


def layer_stack(model: nn.Module) -> tuple[str, nn.ModuleList]:
    """The dotted name and the modules of `model`'s layer stack (`bert.encoder.layer`, `transformer.h`).

    Raises:
        UserError: When the architecture keeps its layers elsewhere.
    """
    base = getattr(model, "base_model", model)
    for path in LAYER_STACKS:
        try:
            stack = base.get_submodule(path)
        except AttributeError:
            continue
        if isinstance(stack, nn.ModuleList):
            return next(name for name, module in model.named_modules() if module is stack), stack
    raise UserError(
        f"distill.init=teacher: cannot find the layers of {type(model).__name__} (llmkit copies the layers of "
        "BERT-family encoders, `encoder.layer`, and of GPT-2, `transformer.h`). Fix: use distill.init=model with a "
        "smaller checkpoint of the same vocabulary as model.name."
    )


def copy_teacher_weights(student: nn.Module, teacher: nn.Module) -> list[int]:
    """Copy the teacher's weights into the student (see the module docstring); returns the teacher layers taken.

    Raises:
        UserError: When the student has more layers than the teacher, or a weight of another shape (a `model.*`
            override other than the layer count).
    """
    student_prefix, student_layers = layer_stack(student)
    teacher_prefix, teacher_layers = layer_stack(teacher)
    if len(student_layers) > len(teacher_layers):
        raise UserError(
            f"distill.init=teacher: the student has {len(student_layers)} layers but the teacher only "
            f"{len(teacher_layers)}, so some would have no layer to start from. Fix: set the student's layer count "
            f"(model.num_hidden_layers, model.n_layer for GPT-2) to {len(teacher_layers)} or less."
        )
    chosen = spread(len(teacher_layers), len(student_layers))
    source = teacher.state_dict()
    weights = {}
    for key, value in student.state_dict().items():
        name = key
        if key.startswith(student_prefix + "."):
            index, _, rest = key[len(student_prefix) + 1 :].partition(".")
            name = f"{teacher_prefix}.{chosen[int(index)]}.{rest}"
        if name not in source or source[name].shape != value.shape:
            found = tuple(source[name].shape) if name in source else "none"
            raise UserError(
                f"distill.init=teacher: the student's {key} has shape {tuple(value.shape)}, the teacher's {found}; "
                "with init=teacher only the layer count may differ from the teacher. Fix: drop the other model.* "
                "size overrides, or use distill.init=model."
            )
        weights[key] = source[name]
    student.load_state_dict(weights)
    return chosen
