"""Translation (sequence to sequence): train a model to turn sentences of one language into another.

Run it:
    make finetune RECIPE=translation
    llmkit train translation --config recipes/configs/translation/default.yaml train.epochs=4
    llmkit train translation --config recipes/configs/translation/bert2gpt2.yaml
    llmkit train translation --config recipes/configs/translation/gpt2.yaml
    llmkit train translation model.name=Helsinki-NLP/opus-mt-en-de model.init=pretrained     (online)
    llmkit translate runs/translation --text "The dog is in our garden."

What it does:
    - data: two line-aligned files (`data.train=data/translation/train` reads `train.en` and `train.de`),
      csv/tsv/json/jsonl/parquet files with one column per language or the nested `{"translation": {"en": ...,
      "de": ...}}` form, or a hub dataset id; an optional task prefix in front of every source sentence
    - one recipe, three model forms (`model.form`):
        seq2seq: any AutoModelForSeq2SeqLM (T5 gets its "translate English to German: " prefix, mBART/M2M/NLLB
          their language codes), or one built from scratch with a byte-level BPE tokenizer trained on the corpus
          (the offline default: a small Marian Transformer);
        encoder-decoder: EncoderDecoderModel from a BERT-style encoder (`model.name`) and a GPT-2 or BERT decoder
          (`model.decoder`) that gets cross-attention; decoder start, pad and EOS ids come from its tokenizer;
        decoder-only: GPT-2 trained on `source <sep> target <eos>` with the loss on the target tokens only
    - teacher forcing with labels padded with -100, optional label smoothing
    - evaluation generates translations (greedy or beam search, batched) and scores them with sacreBLEU's corpus
      BLEU and chrF (llmkit/metrics/sacrebleu.py); OUTPUT/predictions.txt holds one line per validation line, in
      the original order, and OUTPUT/sacrebleu.json the scores with their signatures
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from tqdm.auto import tqdm
from transformers import (
    AutoModel,
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    EncoderDecoderModel,
)
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.auto.modeling_auto import (
    MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
    MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES,
)

from llmkit import decoding, metrics, pieces
from llmkit.config import DataSourceConfig, ModelConfig, RunConfig
from llmkit.data import prepare_once, subset
from llmkit.errors import ConfigError, UserError
from llmkit.models import TrainedRun, check_fits, load_model, load_model_config, load_tokenizer
from llmkit.parallel_text import Pairs, load_pairs
from llmkit.recipe import CardInfo, Metric, PredictOption, Recipe, Task, output_path
from llmkit.tokenization import train_tokenizer

logger = logging.getLogger("llmkit")

Form = Literal["seq2seq", "encoder-decoder", "decoder-only"]
TARGET_TOKENIZER = "target_tokenizer"  # sub-folder for a decoder tokenizer that differs from the encoder's
PAIR_KEYS = ("input_ids", "labels")  # an encoder-decoder computes both the source and the target
LANGUAGES = {"en": "English", "de": "German", "fr": "French", "ro": "Romanian", "es": "Spanish", "it": "Italian"}


@dataclass
class DataConfig(DataSourceConfig):
    """Where the sentence pairs come from and how to read them."""

    train: str = "data/translation/train"
    """Training pairs: a path prefix of two line-aligned files (`PREFIX.en`, `PREFIX.de`), a csv/tsv/json/jsonl/
    parquet file, or a hub dataset id."""
    validation: str | None = "data/translation/validation"
    """Validation pairs (same forms), or null to train without evaluation."""
    source_lang: str = "en"
    """Source language code: the file suffix, column or key of the source side."""
    target_lang: str = "de"
    """Target language code."""
    source_column: str | None = None
    """Column holding the source text in a table; defaults to `source_lang` (or the `translation` column)."""
    target_column: str | None = None
    """Column holding the target text in a table; defaults to `target_lang`."""
    prefix: str | None = None
    """Text put in front of every source sentence. Unset: T5's "translate English to German: ", else none."""
    max_source_length: int = 128
    """Longer sources are truncated to this many tokens."""
    max_target_length: int = 128
    """Longer targets are truncated to this many tokens."""
    max_eval_examples: int | None = None
    """Evaluate on the first this many validation pairs."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if min(self.max_source_length, self.max_target_length) < 2:
            raise ConfigError("'max_source_length' and 'max_target_length' must be at least 2")
        if (self.max_eval_examples or 1) < 1:
            raise ConfigError(f"'max_eval_examples' must be at least 1, got {self.max_eval_examples}")


@dataclass
class TranslationModelConfig(ModelConfig):
    """The network: a seq2seq checkpoint or architecture, an encoder plus a decoder, or a decoder alone."""

    name: str = "marian"
    """A checkpoint (hub id, folder, `minilm`), or with `init=scratch` an architecture (`marian`, `bart`, `gpt2`).
    For `form=encoder-decoder` this is the encoder."""
    init: Literal["pretrained", "scratch"] = "scratch"
    form: Form = "seq2seq"
    """`seq2seq` (AutoModelForSeq2SeqLM), `encoder-decoder` (EncoderDecoderModel of `name` and `decoder`) or
    `decoder-only` (a causal LM on `source <sep> target`)."""
    decoder: str | None = None
    """The decoder of `form=encoder-decoder`: a GPT-2 or BERT checkpoint, or an architecture with
    `decoder_init=scratch`. Unset: the same as `name`."""
    decoder_init: Literal["pretrained", "scratch"] = "pretrained"
    """`pretrained` loads the decoder's weights (cross-attention starts random); `scratch` builds it random."""
    decoder_config: dict[str, Any] = field(default_factory=dict)
    """Architecture overrides for the decoder (`model.decoder_config.n_layer=2`)."""
    tokenizer_vocab_size: int = 4000
    """Size of the byte-level BPE tokenizer trained on the training pairs for an architecture built from scratch
    without `tokenizer`."""


@dataclass
class GenerateConfig:
    """How translations are generated during evaluation and by `llmkit translate`."""

    num_beams: int = 1
    """1 is greedy decoding; more is beam search."""
    max_new_tokens: int = 64
    """Longest translation in tokens."""
    length_penalty: float = 1.0
    """Beam search only: >1 favours longer translations, <1 shorter ones."""

    def __post_init__(self) -> None:
        if self.num_beams < 1 or self.max_new_tokens < 1:
            raise ConfigError("'num_beams' and 'max_new_tokens' must be at least 1")


@dataclass
class Config(RunConfig):
    """Translation run."""

    output_dir: str = "runs/translation"
    label_smoothing: float = 0.0
    """Spread this much of each target token's probability over the vocabulary (0.1 is usual)."""
    model: TranslationModelConfig = field(default_factory=TranslationModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    generate: GenerateConfig = field(default_factory=GenerateConfig)

    def __post_init__(self) -> None:
        if not 0 <= self.label_smoothing < 1:
            raise ConfigError(f"'label_smoothing' must be in [0, 1), got {self.label_smoothing}")


@dataclass
class TokenizerPair:
    """The source (encoder) and target (decoder) tokenizers; one object for most models."""

    source: Any
    target: Any

    def save_pretrained(self, folder: str | Path) -> None:
        self.source.save_pretrained(folder)
        if self.target is not self.source:
            self.target.save_pretrained(Path(folder) / TARGET_TOKENIZER)


def build(config: Config, accelerator: Any) -> Task:
    """Load and check the pairs, tokenizers and model; return the task the runner trains."""
    data, form = config.data, config.model.form
    train, validation, tokenizers = prepare_once(accelerator, lambda: prepare_pairs(config))
    model = build_model(config.model, tokenizers)
    check_lengths(model, data, form)
    configure_generation(model, tokenizers, config)
    prefix = source_prefix(data, model.config.model_type)
    train_set, eval_set = prepare_once(
        accelerator,
        lambda: (
            encode_pairs(train, tokenizers, form, data, prefix),
            encode_pairs(validation, tokenizers, form, data, prefix) if validation is not None else None,
        ),
    )
    own_loss(model, config.label_smoothing, form)
    sacrebleu = metrics.load("sacrebleu")

    def compute_metrics(gathered: dict[str, Any]) -> dict[str, float]:
        predictions = decode(tokenizers.target, gathered["predictions"], model.generation_config.pad_token_id)
        scores = sacrebleu.compute(predictions=predictions, references=validation.targets)
        logger.info("BLEU %s; chrF %s", scores["bleu_signature"], scores["chrf_signature"])
        if accelerator.is_main_process:
            text = "".join(p + "\n" for p in predictions)
            output_path(config, "predictions.txt").write_text(text, encoding="utf-8")
            output_path(config, "sacrebleu.json").write_text(json.dumps(scores, indent=1))
        return {"bleu": scores["bleu"], "chrf": scores["chrf"]}

    def padded(features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        return collate(features, tokenizers.source.pad_token_id)

    return Task(
        model=model,
        tokenizer=tokenizers,
        train_dataset=train_set,
        eval_dataset=eval_set,
        collate_fn=padded,
        # Random batches run in length-sorted pieces (`train.batching=auto|packed`): length-grouped batches
        # learned far more slowly from scratch (llmkit/pieces.py).
        packed_collate_fn=pieces.PiecesCollator(padded, ("input_ids",) if form == "decoder-only" else PAIR_KEYS),
        lengths=[len(f["input_ids"]) for f in train_set],
        eval_lengths=[len(f["input_ids"]) for f in eval_set] if eval_set is not None else None,
        eval_step=lambda model, batch, outputs: {"predictions": generate(model, batch, form)},
        compute_metrics=compute_metrics,
        peft_task_type="CAUSAL_LM" if form == "decoder-only" else "SEQ_2_SEQ_LM",
    )


def prepare_pairs(config: Config) -> tuple[Pairs, Pairs | None, TokenizerPair]:
    """The training pairs (subset if asked), the validation pairs, and the tokenizers (trained on the pairs)."""
    data = config.data
    train = _pairs(data.train, data, "data.train", data.train_split)
    chosen = subset(list(zip(train.sources, train.targets, strict=True)), data.max_train_examples, config.seed)
    train = Pairs([source for source, _ in chosen], [target for _, target in chosen])
    validation = _pairs(data.validation, data, "data.validation", data.validation_split)
    if validation is not None and data.max_eval_examples:
        validation = validation.head(data.max_eval_examples)
    return train, validation, build_tokenizers(config.model, train.sources + train.targets)


def _pairs(source: str | None, data: DataConfig, key: str, split: str) -> Pairs | None:
    return load_pairs(
        source,
        source_lang=data.source_lang,
        target_lang=data.target_lang,
        key=key,
        split=split,
        config_name=data.dataset_config,
        source_column=data.source_column,
        target_column=data.target_column,
    )


# --------------------------------------------------------------------------------------------------------------
# Tokenizers and models


def build_tokenizers(model: TranslationModelConfig, corpus: list[str]) -> TokenizerPair:
    """Load the tokenizers, or train one on the corpus for an architecture built from scratch."""
    source = _tokenizer(model.name, model.init, model, corpus)
    target = source
    if model.form == "encoder-decoder" and model.decoder not in (None, model.name):
        target = _tokenizer(model.decoder, model.decoder_init, model, corpus)
    if model.form == "decoder-only" and target.sep_token is None:
        target.add_special_tokens({"sep_token": "<sep>"})
    if target.pad_token is None or (model.form == "encoder-decoder" and target.pad_token_id == _start_id(target)):
        # An encoder-decoder masks decoder positions equal to the pad id, so the start token must differ from it.
        target.add_special_tokens({"pad_token": "<pad>"})
    return TokenizerPair(source, target)


def _tokenizer(name: str, init: str, model: TranslationModelConfig, corpus: list[str]) -> Any:
    if model.tokenizer is None and init == "scratch" and not Path(name).exists() and name in CONFIG_MAPPING:
        tokenizer = train_tokenizer(corpus, "bpe", model.tokenizer_vocab_size)
        tokenizer.add_special_tokens({"pad_token": "<pad>"})
        return tokenizer
    return load_tokenizer(ModelConfig(name=name, tokenizer=model.tokenizer if name == model.name else None))


def _start_id(tokenizer: Any) -> int | None:
    return tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.cls_token_id


def _end_id(tokenizer: Any) -> int | None:
    return tokenizer.eos_token_id if tokenizer.eos_token_id is not None else tokenizer.sep_token_id


def build_model(model: TranslationModelConfig, tokenizers: TokenizerPair) -> Any:
    """Build the network of `model.form`, checking the architecture fits the form before loading weights."""
    if model.form == "encoder-decoder":
        encoder = load_model(AutoModel, model, _model_config(model, tokenizers.source))
        decoder_spec = ModelConfig(
            name=model.decoder or model.name,
            init=model.decoder_init,
            config=model.decoder_config,
            trust_remote_code=model.trust_remote_code,
        )
        decoder_config = _model_config(decoder_spec, tokenizers.target, is_decoder=True, add_cross_attention=True)
        _require(decoder_config, MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, decoder_spec.name, "a decoder (GPT-2, BERT)")
        decoder = load_model(AutoModelForCausalLM, decoder_spec, decoder_config)
        network = EncoderDecoderModel(encoder=encoder, decoder=decoder)
        _fit_vocabulary(network.decoder, tokenizers.target)
        return network
    model_config = _model_config(model, tokenizers.source)
    if model.form == "seq2seq":
        hint = "sequence-to-sequence. Fix: use model.form=encoder-decoder (BERT/GPT-2) or model.form=decoder-only"
        _require(model_config, MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES, model.name, hint)
        network = load_model(AutoModelForSeq2SeqLM, model, model_config)
    else:
        _require(model_config, MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, model.name, "a causal (decoder-only) language model")
        network = load_model(AutoModelForCausalLM, model, model_config)
    _fit_vocabulary(network, tokenizers.target)
    return network


def check_lengths(model: Any, data: DataConfig, form: str) -> None:
    """The source and target lengths must fit the encoder's and the decoder's positions (before training)."""
    if form == "decoder-only":  # one sequence: source, separator, target
        total = data.max_source_length + data.max_target_length
        check_fits(model.config, total, "data.max_source_length + data.max_target_length")
        return
    encoder = model.config.encoder if form == "encoder-decoder" else model.config
    decoder = model.config.decoder if form == "encoder-decoder" else model.config
    check_fits(encoder, data.max_source_length, "data.max_source_length")
    check_fits(decoder, data.max_target_length, "data.max_target_length")


def _model_config(spec: ModelConfig, tokenizer: Any, **settings: Any) -> Any:
    config = load_model_config(spec, **settings)
    if spec.init == "scratch":  # the vocabulary is the tokenizer's, often trained on the corpus a moment ago
        config.vocab_size, config.pad_token_id = len(tokenizer), tokenizer.pad_token_id
        if hasattr(config, "decoder_vocab_size"):  # Marian keeps a separate one
            config.decoder_vocab_size = len(tokenizer)
    return config


def _require(config: Any, mapping: dict[str, str], name: str, what: str) -> None:
    if config.model_type not in mapping:
        raise UserError(f"model: '{name}' is a {config.model_type} model, which is not {what}")


def _fit_vocabulary(model: Any, tokenizer: Any) -> None:
    """Grow the embeddings for tokens added to the tokenizer (a pad or separator token)."""
    if len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))


def configure_generation(model: Any, tokenizers: TokenizerPair, config: Config) -> None:
    """Set start, end and pad ids and the decoding settings; they are saved with the model for `translate`."""
    target, form, generation = tokenizers.target, config.model.form, model.generation_config
    start, end = _start_id(target), _end_id(target)
    if form == "encoder-decoder" or (form == "seq2seq" and config.model.init == "scratch"):
        if start is None or end is None:
            raise UserError(
                f"model: the decoder tokenizer of '{config.model.decoder or config.model.name}' has no start "
                "(BOS or CLS) or no end (EOS or SEP) token, so translations cannot start or stop. "
                "Fix: use a GPT-2 or BERT tokenizer (model.tokenizer=...)."
            )
        if form == "seq2seq":  # a from-scratch model starts decoding from EOS, as BART does
            start = end
            model.config.bos_token_id = generation.bos_token_id = start
            generation.forced_eos_token_id = generation.forced_bos_token_id = None
        model.config.decoder_start_token_id = generation.decoder_start_token_id = start
    if form != "seq2seq" or config.model.init == "scratch":
        model.config.eos_token_id = generation.eos_token_id = end
        model.config.pad_token_id = generation.pad_token_id = target.pad_token_id
    if generation.pad_token_id is None:
        generation.pad_token_id = target.pad_token_id
    set_language_codes(target, generation, config.data)
    gen = config.generate
    generation.update(num_beams=gen.num_beams, max_new_tokens=gen.max_new_tokens, do_sample=False, max_length=None)
    if gen.num_beams > 1:
        generation.length_penalty = gen.length_penalty


def set_language_codes(tokenizer: Any, generation: Any, data: DataConfig) -> None:
    """mBART-50, M2M100 and NLLB mark languages with codes (`de_DE`, `__de__`, `deu_Latn`) the decoder starts with."""
    if not hasattr(tokenizer, "tgt_lang"):
        return
    codes = [str(t) for t in tokenizer.all_special_tokens]

    def code(lang: str) -> str:
        for candidate in codes:
            if candidate in (lang, f"__{lang}__") or candidate.startswith(f"{lang}_"):
                return candidate
        raise UserError(f"data: language '{lang}' has no language code in this tokenizer. Codes: {codes[:40]}")

    tokenizer.src_lang, tokenizer.tgt_lang = code(data.source_lang), code(data.target_lang)
    generation.forced_bos_token_id = tokenizer.convert_tokens_to_ids(tokenizer.tgt_lang)


def source_prefix(data: DataConfig, model_type: str) -> str:
    """The configured prefix, or T5's task prefix (T5 was trained with "translate English to German: ")."""
    if data.prefix is not None or model_type not in ("t5", "mt5"):
        return data.prefix or ""
    source = LANGUAGES.get(data.source_lang, data.source_lang)
    return f"translate {source} to {LANGUAGES.get(data.target_lang, data.target_lang)}: "


# --------------------------------------------------------------------------------------------------------------
# Examples, batches and generation


def encode_sources(texts: list[str], tokenizer: Any, form: str, max_length: int) -> list[list[int]]:
    """Encoder inputs; for a decoder-only model, the prompt `source <sep>`."""
    if form != "decoder-only":
        return tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    ids = tokenizer(texts, add_special_tokens=False, truncation=True, max_length=max_length - 1)["input_ids"]
    return [[*row, tokenizer.sep_token_id] for row in ids]


def encode_pairs(pairs: Pairs, tokenizers: TokenizerPair, form: str, data: DataConfig, prefix: str) -> list[dict]:
    """Token ids of every pair; labels end with EOS and, for a decoder-only model, are -100 over the prompt."""
    sources = encode_sources([prefix + s for s in pairs.sources], tokenizers.source, form, data.max_source_length)
    target, end = tokenizers.target, _end_id(tokenizers.target)
    if form == "seq2seq":  # the tokenizer knows the model's conventions (EOS, mBART's language code)
        targets = target(text_target=pairs.targets, truncation=True, max_length=data.max_target_length)["input_ids"]
    else:
        encoded = target(pairs.targets, add_special_tokens=False, truncation=True, max_length=data.max_target_length)
        targets = encoded["input_ids"]
    targets = [row if row and row[-1] == end else [*row, end] for row in targets]
    if form != "decoder-only":
        return [
            {"input_ids": s, "labels": t, "index": i} for i, (s, t) in enumerate(zip(sources, targets, strict=True))
        ]
    return [
        {"input_ids": s + t, "labels": [-100] * len(s) + t, "prompt_length": len(s), "index": i}
        for i, (s, t) in enumerate(zip(sources, targets, strict=True))
    ]


def _pad(rows: list[list[int]], value: int, side: str = "right") -> torch.Tensor:
    tensors = [torch.tensor(row, dtype=torch.long) for row in rows]
    return torch.nn.utils.rnn.pad_sequence(tensors, batch_first=True, padding_value=value, padding_side=side)


def collate(features: list[dict[str, Any]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a batch; `meta_` keys carry the example index and, for decoder-only models, left-padded prompts."""
    ids = [f["input_ids"] for f in features]
    batch = {
        "input_ids": _pad(ids, pad_id),
        "attention_mask": _pad([[1] * len(row) for row in ids], 0),
        "meta_index": torch.tensor([f["index"] for f in features]),
    }
    if "labels" in features[0]:
        batch["labels"] = _pad([f["labels"] for f in features], -100)
    if "prompt_length" in features[0]:
        prompts = [f["input_ids"][: f["prompt_length"]] for f in features]
        batch["meta_prompt_ids"] = _pad(prompts, pad_id, "left")
        batch["meta_prompt_mask"] = _pad([[1] * len(p) for p in prompts], 0, "left")
    return batch


def generate(model: Any, batch: dict[str, torch.Tensor], form: str, settings: Any = None) -> torch.Tensor:
    """Translate one batch with `settings` (a `GenerationConfig`; None: the model's own); returns the new token
    ids, padded."""
    if form == "decoder-only":
        prompts = batch["meta_prompt_ids"]
        output = model.generate(input_ids=prompts, attention_mask=batch["meta_prompt_mask"], generation_config=settings)
        return output[:, prompts.shape[1] :]
    mask = batch["attention_mask"]
    fast = decoding.greedy(model, batch["input_ids"], mask, settings or model.generation_config)
    if fast is not None:  # greedy search that drops finished translations from the batch
        return fast
    return model.generate(input_ids=batch["input_ids"], attention_mask=mask, generation_config=settings)


def decode(tokenizer: Any, ids: list[torch.Tensor] | torch.Tensor, pad_id: int | None) -> list[str]:
    """Text of generated ids (one row per translation), dropping padding and special tokens."""
    rows = [[token for token in row.tolist() if token != pad_id] for row in ids]
    return [text.strip() for text in tokenizer.batch_decode(rows, skip_special_tokens=True)]


def own_loss(model: Any, smoothing: float, form: str) -> None:
    """Make `model` compute its training loss itself (`llmkit.pieces.own_loss`), label-smoothed by `smoothing`: once
    (the model never computes its plain loss as well, a full-vocabulary softmax per step, thrown away), over the
    whole batch or its length-sorted pieces; an encoder-decoder gets the decoder inputs its labels would make."""
    causal = form == "decoder-only"
    pieces.own_loss(model, smoothing=smoothing, causal=causal, decoder_inputs=not causal)


# --------------------------------------------------------------------------------------------------------------
# Inference


def predict(run: TrainedRun, records: list[dict[str, str]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Translate `records[i]["text"]`; one `{"translation": ...}` each, generated as `options` (or the run) say.

    Blank texts get a blank translation, so a file's lines and its translations stay aligned.
    """
    form, data = run.config.model.form, run.config.data
    source = run.tokenizer()
    target = run.tokenizer(TARGET_TOKENIZER) if (run.folder / TARGET_TOKENIZER).is_dir() else source
    model = run.model(AutoModelForCausalLM if form == "decoder-only" else AutoModelForSeq2SeqLM)
    # A copy: the model is loaded once per run (`TrainedRun`), so one call's options must not become the next's.
    generation = copy.deepcopy(model.generation_config)
    set_language_codes(target, generation, data)
    generation.update(**{o.name: options[o.name] for o in GENERATE_OPTIONS if options.get(o.name) is not None})
    prefix = source_prefix(data, model.config.model_type)
    filled = [i for i, record in enumerate(records) if record["text"].strip()]
    ids = encode_sources([prefix + records[i]["text"].strip() for i in filled], source, form, data.max_source_length)
    features = [
        {"input_ids": row, "index": i, **({"prompt_length": len(row)} if form == "decoder-only" else {})}
        for i, row in zip(filled, ids, strict=True)
    ]
    features.sort(key=lambda f: -len(f["input_ids"]))  # similar lengths in a batch: little padding
    translations = dict.fromkeys(range(len(records)), "")
    batch_size = options["batch_size"]
    for start in tqdm(range(0, len(features), batch_size), desc="translate", unit="batch"):
        batch = {
            k: v.to(run.device) for k, v in collate(features[start : start + batch_size], source.pad_token_id).items()
        }
        with torch.no_grad():
            generated = generate(model, batch, form, generation)
        texts = decode(target, generated.cpu(), generation.pad_token_id)
        translations.update(zip(batch["meta_index"].tolist(), texts, strict=True))
    return [{"translation": translations[i]} for i in range(len(records))]


GENERATE_OPTIONS = (
    PredictOption("num_beams", int, "beams for beam search; 1 is greedy", setting="generate.num_beams"),
    PredictOption("max_new_tokens", int, "longest translation in tokens", setting="generate.max_new_tokens"),
    PredictOption(
        "length_penalty",
        float,
        "beam search: >1 favours longer translations, <1 shorter ones",
        setting="generate.length_penalty",
    ),
)
RECIPE = Recipe(
    name="translation",
    description="translation with seq2seq models, BERT/GPT-2 encoder-decoders or GPT-2",
    config=Config,
    build=build,
    metrics=(
        Metric("bleu", higher_is_better=True, description="sacreBLEU corpus BLEU"),
        Metric("chrf", higher_is_better=True, description="sacreBLEU chrF"),
    ),
    default_metric="bleu",
    predict=predict,
    predict_fields=("text",),
    predict_options=GENERATE_OPTIONS,
    card=CardInfo(
        pipeline_tag="translation",
        task_name="Translation",
        examples=({"text": "The dog is in our garden."}, {"text": "Two children are playing on the beach."}),
        usage=(
            "from transformers import AutoModelForSeq2SeqLM, AutoTokenizer\n\n"
            'tokenizer = AutoTokenizer.from_pretrained("{where}")\n'
            'model = AutoModelForSeq2SeqLM.from_pretrained("{where}")\n'
            'inputs = tokenizer(["The dog is in our garden."], return_tensors="pt")\n'
            "print(tokenizer.batch_decode(model.generate(**inputs), skip_special_tokens=True))"
        ),
    ),
)
