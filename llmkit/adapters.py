"""Parameter-efficient fine-tuning for every recipe: LoRA and IA3 adapters through `peft`.

The runner calls `apply_peft` on the model a recipe builds, so a recipe gets adapters without code of its own:
`peft.method=lora` (or `ia3`) on the command line is enough. What to adapt is picked per architecture (GPT-2's
Conv1D layers, BERT's attention and dense layers) and which head to train fully is picked per task, from the
recipe's declaration (`Task.peft_task_type`) or else from the model's class name (`...ForSequenceClassification`).

A run with adapters writes an adapter folder (`adapter_config.json`, `adapter_model.safetensors`, the base model's
`config.json`); `llmkit.models.load_trained_model` loads it (or a plain model folder) and
`llmkit.models.merge_adapter` folds the adapter into a plain model folder that loads without peft.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import torch
from transformers import PretrainedConfig

from llmkit.config import PeftConfig
from llmkit.errors import ConfigError
from llmkit.rundir import usual_permissions

# Module-name suffixes that get LoRA updates, per `config.model_type`: every projection in attention and MLP.
LORA_TARGETS: dict[str, list[str]] = {
    "gpt2": ["c_attn", "c_proj", "c_fc"],
    "bert": ["query", "key", "value", "dense"],
    "roberta": ["query", "key", "value", "dense"],
}
# IA3 (Liu et al., 2022) scales keys, values and the feed-forward output; the second list names the feed-forward
# layers, whose input is scaled instead of their output.
IA3_TARGETS: dict[str, tuple[list[str], list[str]]] = {
    "gpt2": (["c_attn", "mlp.c_proj"], ["mlp.c_proj"]),
    "bert": (["key", "value", "output.dense"], ["output.dense"]),
    "roberta": (["key", "value", "output.dense"], ["output.dense"]),
}
# Model class-name endings -> peft task type. The task type tells peft which head to train fully
# (`modules_to_save`): `classifier`/`score` for classification, `qa_outputs` for extractive QA.
TASK_TYPES: dict[str, str] = {
    "ForSequenceClassification": "SEQ_CLS",
    "ForTokenClassification": "TOKEN_CLS",
    "ForQuestionAnswering": "QUESTION_ANS",
    "ForCausalLM": "CAUSAL_LM",
    "LMHeadModel": "CAUSAL_LM",
    "ForConditionalGeneration": "SEQ_2_SEQ_LM",
    "EncoderDecoderModel": "SEQ_2_SEQ_LM",
}

# peft's wrapper for QUESTION_ANS (`PeftModelForQuestionAnswering`, peft 0.21) drops `token_type_ids` on its way to
# the model: a BERT reader would train and predict without its segment ids while the merged model reads them. A
# plain `PeftModel` passes every input through, so those task types get one, with their head named to train fully.
PLAIN_WRAPPER_HEADS: dict[str, tuple[str, ...]] = {"QUESTION_ANS": ("qa_outputs",)}


def infer_task_type(model: torch.nn.Module) -> str | None:
    """The peft task type for a transformers model class, or None (a plain `PeftModel`, e.g. for masked LM)."""
    name = type(model).__name__
    return next((kind for ending, kind in TASK_TYPES.items() if name.endswith(ending)), None)


def model_types(config: PretrainedConfig | None) -> list[str]:
    """`model_type` of the model and of its encoder and decoder, if it has them (e.g. BERT-to-GPT-2)."""
    if config is None:  # not a transformers model: `peft.target_modules` must name the modules
        return []
    found = [config.model_type]
    for part in ("encoder", "decoder"):
        sub = getattr(config, part, None)
        if isinstance(sub, PretrainedConfig):
            found += model_types(sub)
    return found


def _defaults(types: list[str], table: dict[str, Any]) -> list[Any]:
    return [table[kind] for kind in types if kind in table]


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def build_peft_config(model: torch.nn.Module, config: PeftConfig, task_type: str | None) -> Any:
    """The `peft` config for `model`: targets per architecture unless `peft.target_modules` names them."""
    import peft

    types = model_types(getattr(model, "config", None))
    # GPT-2 stores its projections transposed (Conv1D), which adapters must know to update the right side.
    transposed = "gpt2" in types
    extra = config.modules_to_save or None
    if config.method == "lora":
        targets = config.target_modules or _unique([n for names in _defaults(types, LORA_TARGETS) for n in names])
        return peft.LoraConfig(
            task_type=task_type,
            r=config.r,
            lora_alpha=config.alpha,
            lora_dropout=config.dropout,
            target_modules=targets or None,
            fan_in_fan_out=transposed,
            modules_to_save=extra,
        )
    defaults = _defaults(types, IA3_TARGETS)
    targets = config.target_modules or _unique([n for names, _ in defaults for n in names])
    feedforward = [n for _, names in defaults for n in names if n in targets]
    return peft.IA3Config(
        task_type=task_type,
        target_modules=targets or None,
        feedforward_modules=_unique(feedforward) if targets else None,
        fan_in_fan_out=transposed,
        modules_to_save=extra,
    )


def apply_peft(
    model: torch.nn.Module, config: PeftConfig, task_type: str | None = None, fresh_modules: tuple[str, ...] = ()
) -> torch.nn.Module:
    """Wrap `model` with the adapters `config` asks for (unchanged for `peft.method=none`).

    Args:
        model: The recipe's transformers model.
        config: The run's `peft` section.
        task_type: A peft task type (`SEQ_CLS`, `QUESTION_ANS`, `CAUSAL_LM`, ...) from the recipe; inferred from
            the model's class when None.
        fresh_modules: Modules the recipe initialised at random (a head the checkpoint lacked), trained fully and
            saved with the adapter; otherwise every load would draw them anew.

    Raises:
        ConfigError: When the target modules are not in the model, or none are known for its architecture.
    """
    if config.method == "none":
        return model
    import peft

    task_type = task_type or infer_task_type(model)
    if task_type in PLAIN_WRAPPER_HEADS:
        fresh_modules, task_type = (*fresh_modules, *PLAIN_WRAPPER_HEADS[task_type]), None
    if fresh_modules:  # modules the checkpoint lacked: only training and saving them fully makes them real
        config = dataclasses.replace(config, modules_to_save=[*config.modules_to_save, *fresh_modules])
    peft_config = build_peft_config(model, config, task_type)
    try:
        return peft.get_peft_model(model, peft_config)
    except ValueError as error:
        names = sorted({name.rsplit(".", 1)[-1] for name, _ in model.named_modules() if name})
        types = ", ".join(model_types(getattr(model, "config", None)))
        raise ConfigError(
            f"config: 'peft.target_modules' for {type(model).__name__} ({types}): "
            f"{str(error).splitlines()[0]} Fix: set peft.target_modules=[...] to module names such as: "
            f"{', '.join(names[:20])}"
        ) from None


def describe_parameters(model: torch.nn.Module) -> str:
    """`trainable 0.3M of 22.7M (1.3%)`."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    share = 100 * trainable / total if total else 0.0
    return f"trainable {_millions(trainable)} of {_millions(total)} ({share:.1f}%)"


def _millions(count: int) -> str:
    return f"{count / 1e6:.1f}M" if count >= 1e5 else f"{count:,}"


def is_adapter(model: torch.nn.Module) -> bool:
    """Whether `model` carries peft adapters."""
    from peft import PeftModel

    return isinstance(model, PeftModel)


def save_model(model: torch.nn.Module, folder: Path, state_dict: dict[str, torch.Tensor] | None = None) -> None:
    """Write `model` as a Hugging Face folder: the full weights, or the adapter plus its base model's config.

    The base config (with the recipe's labels and pad token) lets `load_trained_model` rebuild the exact base
    model the adapter was trained on.

    Args:
        model: The unwrapped model.
        folder: The output folder.
        state_dict: Its full weights, gathered from all processes when they are sharded (FSDP, ZeRO-3).
    """
    model.save_pretrained(folder, safe_serialization=True, state_dict=state_dict)
    usual_permissions(folder)
    if is_adapter(model):
        base = model.get_base_model()
        base.config.architectures = [type(base).__name__]
        base.config.save_pretrained(folder)
