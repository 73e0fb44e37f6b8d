"""Sample text from a causal language model with `model.generate`: the `clm` recipe's samples at each evaluation,
its `predict` (which `llmkit generate` runs) and its token-by-token stream (which `llmkit demo` shows)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase, TextIteratorStreamer

from llmkit.errors import ConfigError, UserError


@dataclass
class SamplingConfig:
    """How text is sampled (at each evaluation, and the defaults of `llmkit generate`)."""

    prompts: list[str] = field(default_factory=lambda: ["One cold morning", "Here is the weather for", "Dear"])
    """Fixed prompts sampled at each evaluation into `samples.jsonl` in the output folder; [] turns sampling off."""
    max_new_tokens: int = 48
    """Tokens to generate per prompt (fewer when the model ends the text with EOS)."""
    temperature: float = 0.8
    """Softmax temperature; 0 picks the most likely token every time (greedy)."""
    top_k: int = 50
    """Sample among the k most likely tokens; 0 turns it off."""
    top_p: float = 0.95
    """Sample among the most likely tokens whose probabilities add up to p; 1 turns it off."""
    repetition_penalty: float = 1.0
    """Divide the scores of tokens already in the text by this (1 turns it off; 1.2 is a common choice)."""
    seed: int = 0
    """Seeds the sampling, so the samples of two evaluations differ only through the model."""

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ConfigError(f"'max_new_tokens' must be at least 1, got {self.max_new_tokens}")
        if self.temperature < 0 or self.top_k < 0 or not 0 < self.top_p <= 1 or self.repetition_penalty <= 0:
            raise ConfigError(
                "'temperature' and 'top_k' must be 0 or more, 'top_p' in (0, 1] and 'repetition_penalty' positive"
            )


def generate(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompts: list[str], settings: SamplingConfig
) -> list[str]:
    """The continuation of each prompt (without the prompt), stopping at EOS or after `max_new_tokens`.

    Sampling draws from its own seeded random stream, so calling this in the middle of training changes nothing
    about the training run.
    """
    _require_eos(tokenizer)
    was_training = model.training
    model.eval()
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(settings.seed)
        continuations = [_continue(model, tokenizer, prompt, settings) for prompt in prompts]
    model.train(was_training)
    return continuations


def stream(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompt: str, settings: SamplingConfig
) -> Iterator[str]:
    """The continuation of one prompt as it grows, a token at a time; the last text yielded is exactly what
    `generate` returns for this prompt (same seed, same settings). `model` must be in eval mode."""
    _require_eos(tokenizer)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    done: dict[str, Any] = {}

    def work() -> None:  # model.generate feeds the streamer from this thread while the caller reads it
        try:
            with torch.random.fork_rng(devices=[]), torch.no_grad():
                torch.manual_seed(settings.seed)
                done["text"] = _continue(model, tokenizer, prompt, settings, streamer)
        except Exception as error:  # handed to the caller; the streamer must end or the reader waits forever
            done["error"] = error
            streamer.end()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    text = ""
    for piece in streamer:
        text += piece
        yield text
    thread.join()
    if "error" in done:
        raise done["error"]
    yield done["text"]


def _require_eos(tokenizer: PreTrainedTokenizerBase) -> None:
    if tokenizer.eos_token_id is None:
        raise UserError("generate: the tokenizer has no EOS token, so generation cannot know where text ends.")


def _continue(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    settings: SamplingConfig,
    streamer: TextIteratorStreamer | None = None,
) -> str:
    # One prompt at a time: no padding, so positions need no care. An empty prompt starts a new document.
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"] if prompt else None
    if ids is None or ids.shape[1] == 0:
        ids = torch.tensor([[tokenizer.eos_token_id]])
    sample = settings.temperature > 0
    options = {"temperature": settings.temperature, "top_k": settings.top_k, "top_p": settings.top_p} if sample else {}
    output = model.generate(
        input_ids=ids.to(model.device),
        attention_mask=torch.ones_like(ids, device=model.device),
        do_sample=sample,
        max_new_tokens=settings.max_new_tokens,
        repetition_penalty=settings.repetition_penalty,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,
        streamer=streamer,
        **options,
    )
    return tokenizer.decode(output[0, ids.shape[1] :], skip_special_tokens=True)
