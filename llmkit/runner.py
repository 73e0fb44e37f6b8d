"""The one training loop: every recipe runs through `train`, on a CPU, one GPU, several GPUs or several machines.

A recipe builds a `Task` (model, tokenizer, datasets, collator, metrics); the runner owns everything else:
accelerate set-up, packed or length-grouped batches, gradient accumulation and clipping, the learning-rate schedule,
mixed precision, periodic evaluation, atomic checkpoints with exact resume, the best/last-N checkpoint policy, progress,
TensorBoard and JSONL logs, the training-curve plot and the final Hugging Face model folder.

Batch sizes are global (summed over processes) and each batch is split across processes
(`split_batches=True`), so one process and N processes see the same batches and take the same optimizer steps.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
from accelerate import Accelerator, DataLoaderConfiguration, InitProcessGroupKwargs
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, IterableDataset
from tqdm.auto import tqdm
from transformers import get_scheduler

from llmkit import fastpath, packing
from llmkit.adapters import apply_peft, describe_parameters, save_model
from llmkit.config import RunConfig, save_config, to_dict
from llmkit.data import LengthGroupedSampler
from llmkit.errors import UserError
from llmkit.faults import (
    STATE_FILE,  # noqa: F401 (re-exported: where a checkpoint's completeness marker is)
    StepGuard,
    check_finite_weights,
    check_output_space,
    find_checkpoint,
    list_checkpoints,
    model_fingerprint,
    read_checkpoint_state,
    reporting_write_errors,
    save_checkpoint,
    write_text_atomically,
)
from llmkit.plotting import plot_training_curves

logger = logging.getLogger("llmkit")

RUN_CONFIG = "run_config.yaml"
METRICS_FILE = "metrics.json"
LOG_FILE = "train_log.jsonl"
# Other processes wait at a barrier while the main process loads and tokenizes the data first; the default collective
# time-out (10 minutes with NCCL) would kill runs whose preprocessing takes longer.
BARRIER_TIMEOUT = timedelta(hours=2)


Batch = dict[str, torch.Tensor]


@dataclass
class Task:
    """What a recipe hands the runner.

    Attributes:
        model: The network; its forward returns an output with `.loss` when the batch has labels.
        tokenizer: Saved next to the model so the output folder is self-contained.
        train_dataset: Tokenized training examples: any indexable dataset (a `datasets.Dataset`), or a
            `torch.utils.data.IterableDataset` for streamed corpora (then `train.max_steps` is required, an epoch
            is one pass over the stream, and a resumed run skips the batches already seen).
        eval_dataset: Tokenized validation examples, or None.
        collate_fn: Turns a list of examples into a padded batch of tensors.
        lengths: Token count of each training example, for length-grouped batching (None disables it).
        eval_lengths: The same for the validation examples (None keeps their order).
        eval_step: Picks what to keep from one evaluation batch (e.g. predictions and labels); the runner gathers
            it across processes, dropping the duplicates that pad the last batch. A `loss` entry (one value per
            example) replaces the batch-mean loss, which is inexact when the last batch splits unevenly. Batch
            keys starting with `meta_` (e.g. example indices) reach `eval_step` but are kept out of the model's
            forward call.
        compute_metrics: Turns the gathered evaluation outputs into named metrics.
        metric_for_best: The metric that picks the best checkpoint.
        greater_is_better: Whether a larger `metric_for_best` is better.
        after_evaluate: Called on the main process after each evaluation with the unwrapped model, the step and
            the metrics (e.g. to write text samples into the output folder).
        peft_task_type: The peft task type (`SEQ_CLS`, `QUESTION_ANS`, `CAUSAL_LM`, ...) that decides which head
            trains fully under `peft.method`; None infers it from the model's class.
    """

    model: torch.nn.Module
    tokenizer: Any
    train_dataset: Any
    collate_fn: Callable[[list[dict[str, Any]]], Batch]
    eval_dataset: Any = None
    lengths: Sequence[int] | None = None
    eval_lengths: Sequence[int] | None = None
    eval_step: Callable[[torch.nn.Module, Batch, Any], dict[str, torch.Tensor]] | None = None
    compute_metrics: Callable[[dict[str, torch.Tensor]], dict[str, float]] | None = None
    metric_for_best: str = "loss"
    greater_is_better: bool = False
    after_evaluate: Callable[[torch.nn.Module, int, dict[str, float]], None] | None = None
    peft_task_type: str | None = None


@dataclass
class TrainState:
    """Where training stands; saved with every checkpoint so a resumed run continues exactly."""

    step: int = 0
    epoch: int = 0
    batches_in_epoch: int = 0
    best_metric: float | None = None
    best_checkpoint: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


def pick_precision(choice: str) -> str:
    """Resolve `auto`: bf16 or fp16 on GPUs, full precision on CPUs (where bf16 is far slower)."""
    if choice != "auto":
        return choice
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "no"


def prepare_output_dir(config: RunConfig) -> Path:
    """Refuse to overwrite a finished run unless asked to; never touch it when resuming."""
    output = Path(config.output_dir)
    if output.exists() and not output.is_dir():
        raise UserError(f"output_dir: {output} exists and is not a folder. Fix: choose another output_dir.")
    previous = output / RUN_CONFIG
    if previous.exists() and not config.resume_from_checkpoint and not config.overwrite_output_dir:
        raise UserError(
            f"output_dir: {output} already holds a run. Fix: choose another output_dir, continue it with "
            "resume_from_checkpoint=latest, or replace it with overwrite_output_dir=true."
        )
    return output


WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "adapter_model.safetensors")


def require_finished_run(folder: Path, command: str) -> None:
    """Raise a `UserError` for `command` unless `folder` holds a completed run: config, final metrics, weights."""
    if not folder.is_dir():
        raise UserError(f"{command}: {folder} does not exist. Fix: pass the output_dir of a finished run.")
    missing = [name for name in (RUN_CONFIG, METRICS_FILE) if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append(WEIGHT_FILES[0])
    if missing:
        raise UserError(
            f"{command}: {folder} is not a finished llmkit run (missing {', '.join(missing)}). Fix: pass the "
            "output_dir of a run that completed, or finish this one with resume_from_checkpoint=latest."
        )


def build_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    """AdamW with no decay on biases and normalisation weights; the fused kernel where torch has one."""
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        is_norm = "norm" in name.lower() or parameter.ndim < 2
        (no_decay if is_norm else decay).append(parameter)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    try:
        return torch.optim.AdamW(groups, lr=lr, fused=True)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(groups, lr=lr)


def model_inputs(batch: Batch) -> Batch:
    """The batch without its `meta_` entries, which are for evaluation bookkeeping, not the model."""
    return {key: value for key, value in batch.items() if not key.startswith("meta_")}


def count_tokens(batch: Batch) -> tuple[int, int]:
    """Real (non-padding) tokens in a batch, and all the positions the model computes, padding included."""
    positions = batch["input_ids"].numel()
    if packing.SEGMENT_IDS in batch:
        return int((batch[packing.SEGMENT_IDS] >= 0).sum()), positions
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum()), positions
    return positions, positions


class Runner:
    """Trains one `Task` under one `RunConfig`. Use `train()`; the class only keeps the loop's state together."""

    def __init__(self, recipe: str, config: RunConfig, build_task: Callable[[Any, Accelerator], Task]) -> None:
        self.recipe = recipe
        self.config = config
        self.output = prepare_output_dir(config)
        train = config.train
        self.accelerator = Accelerator(
            mixed_precision=pick_precision(train.mixed_precision),
            gradient_accumulation_steps=train.grad_accum_steps,
            # Streams are read by every process rather than dispatched from the first: the dispatcher drops the
            # DataLoader's private generator, so resuming would draw on the global RNG and shift dropout masks.
            dataloader_config=DataLoaderConfiguration(split_batches=True, dispatch_batches=False),
            log_with="tensorboard",
            kwargs_handlers=[InitProcessGroupKwargs(timeout=BARRIER_TIMEOUT)],
            project_dir=str(self.output),
        )
        processes = self.accelerator.num_processes
        for key in ("batch_size", "eval_batch_size"):
            if getattr(train, key) % processes:
                raise UserError(
                    f"config: 'train.{key}'={getattr(train, key)} cannot be split evenly over {processes} "
                    f"processes. Fix: make it a multiple of {processes}."
                )
        self.pusher = None
        if config.hub.push and self.accelerator.is_main_process:
            from llmkit.hub import RepoPusher  # hub and card read the folder layout this module defines

            # Created before training, so a missing token or write access stops the run now, not hours later.
            self.pusher = RepoPusher(config.hub.repo_id, private=config.hub.private, revision=config.hub.revision)
        set_seed(config.seed)
        self.task = build_task(config, self.accelerator)
        self.streaming = isinstance(self.task.train_dataset, IterableDataset)
        if self.streaming and not train.max_steps:
            raise UserError(
                "config: the training data is streamed, so its length is unknown and 'train.epochs' cannot set the "
                "run's length. Fix: set train.max_steps=N."
            )

        self.task.model = apply_peft(self.task.model, config.peft, self.task.peft_task_type)
        speedups = fastpath.speed_up(self.task.model, self.accelerator.device)
        self.packed = self._use_packing(train.batching)
        if self.packed:
            speedups.append("training batches are packed")
        if speedups:
            logger.info("speed-ups: %s", "; ".join(speedups))
        self.state = TrainState()
        self.fingerprint = model_fingerprint(self.task.model)
        self.guard = StepGuard(self.accelerator, train.on_nonfinite, self.output)
        self.saved_at = -1  # the step of the last checkpoint this process wrote

    # ----------------------------------------------------------------------------------------------------------
    def train(self) -> dict[str, Any]:
        """Run the whole loop and write the output folder; returns the contents of `metrics.json`."""
        acc, cfg, task = self.accelerator, self.config.train, self.task
        check_output_space(self.output, task.model, cfg.keep_last)
        self._start_output()
        train_dl = self._dataloader(task.train_dataset, task.lengths, cfg.batch_size, shuffle=True)
        eval_dl = (
            self._dataloader(task.eval_dataset, task.eval_lengths, cfg.eval_batch_size, shuffle=False)
            if task.eval_dataset is not None
            else None
        )
        # A stream has no length: it runs for max_steps, starting a new pass whenever it runs dry.
        steps_per_epoch = None if self.streaming else math.ceil(len(train_dl) / cfg.grad_accum_steps)
        max_steps = cfg.max_steps or cfg.epochs * steps_per_epoch
        epochs = math.inf if self.streaming else math.ceil(max_steps / steps_per_epoch)
        optimizer = build_optimizer(task.model, cfg.lr, cfg.weight_decay)
        scheduler = get_scheduler(
            cfg.scheduler,
            optimizer,
            num_warmup_steps=int(cfg.warmup_ratio * max_steps),
            num_training_steps=max_steps,
        )
        model, optimizer, train_dl, scheduler = acc.prepare(task.model, optimizer, train_dl, scheduler)
        self.model = model
        if eval_dl is not None:
            eval_dl = acc.prepare(eval_dl)
        self._resume()
        logger.info(
            "%s: %s training examples, %d steps (%s per epoch), parameters: %s, %d process(es), %s",
            self.recipe,
            "streamed" if self.streaming else len(task.train_dataset),
            max_steps,
            steps_per_epoch or "?",
            describe_parameters(model),
            acc.num_processes,
            f"mixed precision {acc.mixed_precision}",
        )

        progress = tqdm(
            total=max_steps,
            initial=self.state.step,
            disable=not acc.is_main_process,
            desc="train",
            unit="step",
        )
        window_loss, window_batches = torch.zeros((), device=acc.device), 0
        window_tokens, window_positions, real_tokens, positions = 0, 0, 0, 0
        train_seconds, window_start = 0.0, time.perf_counter()
        last_eval = _eval_at(self.state.history, self.state.step)  # a run killed while writing its model
        evaluated_at = self.state.step if last_eval else -1
        model.train()
        while self.state.step < max_steps and self.state.epoch < epochs:
            train_dl.set_epoch(self.state.epoch)
            if hasattr(task.train_dataset, "set_epoch"):  # examples that change by epoch (dynamic masking)
                task.train_dataset.set_epoch(self.state.epoch)
            skip = self.state.batches_in_epoch
            batches = acc.skip_first_batches(train_dl, skip) if skip else train_dl
            seen = skip
            for batch in batches:
                seen += 1
                with acc.accumulate(model):
                    loss = model(**model_inputs(batch)).loss
                    acc.backward(loss)
                    if acc.sync_gradients:  # an infinite limit only measures the norm, for the guard
                        grad_norm = acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm or math.inf)
                    if not acc.sync_gradients or self.guard.healthy(loss, grad_norm, self.state.step + 1):
                        optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad(set_to_none=True)
                self.state.batches_in_epoch += 1
                window_loss += loss.detach()
                window_batches += 1
                batch_tokens, batch_positions = count_tokens(batch)
                window_tokens, window_positions = window_tokens + batch_tokens, window_positions + batch_positions
                if not acc.sync_gradients:
                    continue
                self.state.step += 1
                progress.update(1)
                step = self.state.step
                if step % cfg.log_every == 0 or step == max_steps:
                    elapsed = time.perf_counter() - window_start
                    counts = torch.tensor([window_tokens, window_positions], device=acc.device)
                    tokens, computed = acc.reduce(counts, "sum").tolist()
                    mean_loss = float(acc.reduce(window_loss / window_batches, "mean"))
                    train_seconds += elapsed
                    real_tokens, positions = real_tokens + tokens, positions + computed
                    record = {
                        "step": step,
                        "epoch": self.state.epoch,
                        "loss": mean_loss,
                        "lr": scheduler.get_last_lr()[0],
                        "tokens_per_s": tokens / elapsed,
                    }
                    self._log("train", record)
                    progress.set_postfix(loss=f"{mean_loss:.4f}", tok_s=f"{tokens / elapsed:,.0f}")
                    window_loss.zero_()
                    window_tokens = window_positions = window_batches = 0
                    window_start = time.perf_counter()
                epoch_done = not self.streaming and self.state.batches_in_epoch == len(train_dl)
                end = step == max_steps
                pause = time.perf_counter()
                if eval_dl is not None and (
                    (cfg.eval_every and step % cfg.eval_every == 0) or (not cfg.eval_every and epoch_done) or end
                ):
                    last_eval = self.evaluate(eval_dl)
                    evaluated_at = step
                    model.train()
                if epoch_done:
                    self.state.epoch += 1
                    self.state.batches_in_epoch = 0
                if (cfg.save_every and step % cfg.save_every == 0) or (not cfg.save_every and epoch_done) or end:
                    self._save_checkpoint(last_eval if evaluated_at == step else {})
                if self.guard.stop_requested and not end:
                    self._stop(last_eval if evaluated_at == step else {})
                window_start += time.perf_counter() - pause
                if end:
                    break
            if self.streaming and self.state.step < max_steps:
                if seen == 0:
                    raise UserError("the training stream yields no batches. Fix: check the training data.")
                self.state.epoch += 1
                self.state.batches_in_epoch = 0
        progress.close()
        summary = {
            "steps": self.state.step,
            "epochs": self.state.epoch if self.streaming else self.state.step / steps_per_epoch,
            "train_seconds": train_seconds,
            "real_tokens": real_tokens,
            "real_tokens_per_s": real_tokens / train_seconds if train_seconds else 0.0,
            "padding_fraction": 1 - real_tokens / positions if positions else 0.0,
            "hardware": describe_hardware(acc.device, acc.num_processes, acc.mixed_precision),
        }
        return self._finish(summary, last_eval)

    # ----------------------------------------------------------------------------------------------------------
    def evaluate(self, eval_dl: DataLoader) -> dict[str, float]:
        """Run the validation set once; metrics are computed on exactly its examples, on every process."""
        acc, task, model = self.accelerator, self.task, self.model
        model.eval()
        kept: dict[str, list[torch.Tensor]] = {}
        for batch in eval_dl:
            with torch.no_grad():
                outputs = model(**model_inputs(batch))
            size = next(iter(batch.values())).shape[0]
            values = {"loss": outputs.loss.detach().float().expand(size)}
            if task.eval_step is not None:
                values.update(task.eval_step(acc.unwrap_model(model), batch, outputs))
            if acc.num_processes > 1:
                values = acc.pad_across_processes(values, dim=1) if _has_2d(values) else values
            for key, value in acc.gather_for_metrics(values).items():
                kept.setdefault(key, []).append(value.cpu())
        gathered = {key: _concat(parts) for key, parts in kept.items()}
        metrics = {"loss": float(gathered["loss"].mean())}
        if task.compute_metrics is not None:
            metrics.update(task.compute_metrics(gathered))
        self._log("eval", {"step": self.state.step, **metrics})
        logger.info("eval at step %d: %s", self.state.step, ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
        if task.after_evaluate is not None and acc.is_main_process:
            task.after_evaluate(acc.unwrap_model(model), self.state.step, metrics)
        return metrics

    # ----------------------------------------------------------------------------------------------------------
    def _use_packing(self, batching: str) -> bool:
        """Whether training batches are packed (`train.batching`); teaches the model to read them if so."""
        if batching not in ("auto", "packed"):
            return False
        if not packing.can_pack(self.task.model):
            if batching == "packed":
                raise UserError(
                    f"config: 'train.batching'=packed needs a BERT-family sequence classifier (single-label, sdpa "
                    f"or eager attention); this run's model is {type(self.task.model).__name__}. "
                    "Fix: use train.batching=auto (packs where it can), grouped or random."
                )
            return False
        packing.enable(self.task.model)
        return True

    def _dataloader(self, dataset: Any, lengths: Sequence[int] | None, batch_size: int, shuffle: bool) -> DataLoader:
        # Training batches are random unless grouped by length; evaluation (whose order does not matter) always
        # runs longest first, for tight batches.
        batching = self.config.train.batching
        random = shuffle and (batching == "random" or self.packed)
        collate = self.task.collate_fn
        if shuffle and self.packed:
            collate = packing.PackingCollator(collate, self.task.model.config.hidden_size)
        sampler = None
        if not isinstance(dataset, IterableDataset):  # a stream brings its own order; no sampler can index it
            sampler = LengthGroupedSampler(
                lengths if lengths is not None else [0] * len(dataset),
                batch_size,
                seed=self.config.seed,
                shuffle=shuffle,
                group_by_length=lengths is not None and not random,
            )
        return DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=sampler,
            collate_fn=collate,
            num_workers=self.config.train.num_workers,
            # A private generator keeps DataLoader start-up from drawing on the global RNG, which would shift
            # dropout masks after a resume.
            generator=torch.Generator().manual_seed(self.config.seed),
        )

    def _start_output(self) -> None:
        acc = self.accelerator
        if acc.is_main_process:
            self.output.mkdir(parents=True, exist_ok=True)
            if self.config.overwrite_output_dir and not self.config.resume_from_checkpoint:
                shutil.rmtree(self.output / "checkpoints", ignore_errors=True)
                (self.output / LOG_FILE).unlink(missing_ok=True)
            save_config(self.config, self.output / RUN_CONFIG, self.recipe)
        acc.wait_for_everyone()
        acc.init_trackers("tensorboard", config=_flat_hparams(to_dict(self.config)))

    def _resume(self) -> None:
        request = self.config.resume_from_checkpoint
        if not request:
            return
        checkpoint = find_checkpoint(self.output, request)
        if checkpoint is None:
            logger.info("resume_from_checkpoint=latest: no checkpoint in %s yet, starting fresh", self.output)
            return
        saved = read_checkpoint_state(checkpoint, self.recipe, self.fingerprint)  # before touching any weights
        try:
            self.accelerator.load_state(str(checkpoint))
        except Exception as error:  # torch and safetensors raise many types for a damaged file
            raise UserError(f"resume_from_checkpoint: cannot load {checkpoint}: {error}") from None
        self.state = TrainState(**saved)
        if self.accelerator.is_main_process:
            # Lines logged after this checkpoint belong to the abandoned attempt: start the log over from it.
            lines = [json.dumps(record) for record in self.state.history]
            write_text_atomically(self.output / LOG_FILE, "".join(line + "\n" for line in lines))
        logger.info("resumed from %s at step %d", checkpoint, self.state.step)

    def _save_checkpoint(self, metrics: dict[str, float]) -> None:
        """Write `checkpoints/step-N` atomically, then keep the best and the last `keep_last`."""
        acc, task = self.accelerator, self.task
        folder = self.output / "checkpoints" / f"step-{self.state.step:07d}"
        check_finite_weights(self.model, f"checkpoint {folder}")
        value = metrics.get(task.metric_for_best)
        best = self.state.best_metric
        if value is not None and (best is None or (value > best if task.greater_is_better else value < best)):
            self.state.best_metric, self.state.best_checkpoint = value, str(folder)
        save_checkpoint(acc, folder, vars(self.state), self.recipe, self.fingerprint)
        self.saved_at = self.state.step
        if acc.is_main_process:
            keep = set(list_checkpoints(self.output)[-self.config.train.keep_last :])
            for old in list_checkpoints(self.output):
                if old not in keep and str(old) != self.state.best_checkpoint:
                    shutil.rmtree(old)
            if self.pusher is not None and self.config.hub.strategy == "checkpoint":
                model = acc.unwrap_model(self.model)
                self.pusher.upload_checkpoint(self.output, model, task.tokenizer, self.state.step)
        acc.wait_for_everyone()

    def _stop(self, metrics: dict[str, float]) -> None:
        """A stop signal reached some process: checkpoint this step (once) and end the run with `Preempted`."""
        if self.saved_at != self.state.step:
            self._save_checkpoint(metrics)
        self.accelerator.end_training()
        raise self.guard.preempted(self.output / "checkpoints" / f"step-{self.state.step:07d}", self.recipe)

    def _log(self, kind: str, record: dict[str, Any]) -> None:
        acc = self.accelerator
        self.state.history.append({"kind": kind, **record})
        acc.log({f"{kind}/{k}": v for k, v in record.items() if k != "step"}, step=record["step"])
        if acc.is_main_process:
            with (self.output / LOG_FILE).open("a", encoding="utf-8") as log:
                log.write(json.dumps({"kind": kind, **record}) + "\n")

    def _finish(self, summary: dict[str, Any], last_eval: dict[str, float]) -> dict[str, Any]:
        acc, task = self.accelerator, self.task
        acc.wait_for_everyone()
        metrics = {
            "recipe": self.recipe,
            "eval": last_eval,
            "train": summary,
            "best": {
                "metric": task.metric_for_best,
                "value": self.state.best_metric,
                "checkpoint": self.state.best_checkpoint,
            },
        }
        model = acc.unwrap_model(self.model)
        check_finite_weights(model, f"the model in {self.output}")
        # Every process takes part: under FSDP and ZeRO-3 this gathers the sharded weights.
        weights = acc.get_state_dict(self.model)
        if acc.is_main_process:
            with reporting_write_errors(f"the model to {self.output}", self.output):
                save_model(model, self.output, weights)
                task.tokenizer.save_pretrained(self.output)
                (self.output / METRICS_FILE).write_text(json.dumps(metrics, indent=2))
                plot_training_curves(self.state.history, self.output / "training_curves.png")
                from llmkit.card import write_model_card

                write_model_card(self.output, repo_id=self.config.hub.repo_id)
        acc.end_training()
        if self.pusher is not None:
            self.pusher.upload(self.output, f"llmkit {self.recipe}: model after {self.state.step} steps")
        return metrics


def describe_hardware(device: torch.device, processes: int, precision: str) -> str:
    """What trained the model, for `metrics.json` and the model card, e.g. `2 x NVIDIA H100 80GB HBM3, bf16`."""
    precision = "fp32" if precision == "no" else precision
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"{device.type.upper()} ({platform.machine() or 'unknown'}, {torch.get_num_threads()} threads)"
    return f"{processes} x {name}, {precision}"


def _eval_at(history: list[dict[str, Any]], step: int) -> dict[str, float]:
    """The evaluation logged at `step`, if any."""
    for record in reversed(history):
        if record["kind"] == "eval" and record["step"] == step:
            return {k: v for k, v in record.items() if k not in ("kind", "step")}
    return {}


def _has_2d(values: dict[str, torch.Tensor]) -> bool:
    return any(v.ndim >= 2 for v in values.values())


def _concat(parts: list[torch.Tensor]) -> torch.Tensor:
    """Concatenate per-batch tensors, right-padding any sequence dimension to the longest batch."""
    if parts[0].ndim >= 2:
        width = max(p.shape[1] for p in parts)
        parts = [torch.nn.functional.pad(p, (0, width - p.shape[1])) if p.shape[1] < width else p for p in parts]
    return torch.cat(parts)


def _flat_hparams(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """TensorBoard hparams take scalars only."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flat_hparams(value, f"{prefix}{key}."))
        elif isinstance(value, int | float | str | bool):
            flat[f"{prefix}{key}"] = value
    return flat


def train(recipe: str, config: RunConfig, build_task: Callable[[Any, Accelerator], Task]) -> dict[str, Any]:
    """Train `build_task(config, accelerator)` and write the output folder; returns the final metrics."""
    runner = Runner(recipe, config, build_task)
    with runner.guard:
        return runner.train()
