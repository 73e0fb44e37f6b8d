"""The one training loop: every recipe runs through `train`, on a CPU, one GPU, several GPUs or several machines.

A recipe declares itself (`llmkit.recipe.Recipe`) and builds a `Task` (model, tokenizer, datasets, collator,
metrics); the runner owns everything else: accelerate set-up, packed or length-grouped batches, gradient
accumulation and clipping, the learning-rate schedule, mixed precision, periodic evaluation, atomic checkpoints
with exact resume, the best/last-N checkpoint policy, progress, TensorBoard and JSONL logs, the training-curve plot
and the final Hugging Face model folder. With `distill.teacher` the loss also learns from a finished run's outputs
(`llmkit.distill`).

Batch sizes are global (summed over processes) and each batch is split across processes
(`split_batches=True`), so one process and N processes see the same batches and take the same optimizer steps.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import platform
import shutil
import time
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

from llmkit import fastpath, packing, pieces
from llmkit.adapters import apply_peft, describe_parameters, save_model
from llmkit.card import write_model_card
from llmkit.checkpoints import (
    check_output_space,
    checkpoint_folder,
    find_checkpoint,
    list_checkpoints,
    model_fingerprint,
    read_checkpoint_state,
    reporting_write_errors,
    save_checkpoint,
    step_of,
    write_text_atomically,
    written_config,
)
from llmkit.chunked_loss import DEFAULT_CHUNK, chunk_causal_lm_loss
from llmkit.config import RunConfig, flatten, result_changes, to_dict, with_settings
from llmkit.data import LengthGroupedSampler, check_data_files, make_loader
from llmkit.distill import load_teacher, student_config
from llmkit.errors import UserError
from llmkit.evaluation import eval_loader, evaluate_task
from llmkit.guard import StepGuard, check_finite_weights
from llmkit.plotting import plot_training_curves
from llmkit.profiling import PhaseTimer, profile_table
from llmkit.recipe import Batch, Metric, Recipe, model_inputs
from llmkit.rundir import (
    LOG_FILE,
    METRICS_FILE,
    PLOT_FILE,
    RUN_CONFIG,
    RunLock,
    check_output_dir,
    clear_finished_run,
)
from llmkit.rundir import save_config as save_run_config
from llmkit.trackers import PROJECT, make_trackers

logger = logging.getLogger("llmkit")

# Other processes wait at a barrier while the main process loads and tokenizes the data first; the default collective
# time-out (10 minutes with NCCL) would kill runs whose preprocessing takes longer.
BARRIER_TIMEOUT = timedelta(hours=2)


@dataclass
class TrainState:
    """Where training stands; saved with every checkpoint so a resumed run continues exactly."""

    step: int = 0
    epoch: int = 0
    batches_in_epoch: int = 0
    best_metric: float | None = None
    best_checkpoint: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    # Early stopping: the best evaluation so far, evaluations since it improved, and why the run stopped (if it did).
    best_eval: float | None = None
    evals_without_improvement: int = 0
    stopped_early: str | None = None
    # Throughput over every attempt of the run (a resumed run adds to what the checkpoint recorded).
    train_seconds: float = 0.0
    real_tokens: int = 0
    positions: int = 0


@dataclass
class LogWindow:
    """What happened since the last training log line: loss, tokens and time (pauses for evaluation excluded)."""

    device: torch.device
    loss: torch.Tensor = None  # type: ignore[assignment]
    batches: int = 0
    tokens: int = 0
    positions: int = 0
    start: float = 0.0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.loss = torch.zeros((), device=self.device)
        self.batches = self.tokens = self.positions = 0
        self.start = time.perf_counter()

    def add(self, loss: torch.Tensor, batch: Batch) -> None:
        self.loss += loss.detach()
        self.batches += 1
        tokens, positions = count_tokens(batch)
        self.tokens, self.positions = self.tokens + tokens, self.positions + positions


def pick_precision(choice: str) -> str:
    """Resolve `auto`: bf16 or fp16 on GPUs, full precision on CPUs (where bf16 is far slower)."""
    if choice != "auto":
        return choice
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "no"


def build_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    """AdamW with no decay on biases and normalisation weights; the fused kernel where torch has one.

    The split is the Trainer's (`Trainer.get_decay_parameter_names`, a method that needs a Trainer instance):
    1-D weights are LayerNorm weights and biases in every architecture llmkit trains.
    """
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


def count_tokens(batch: Batch) -> tuple[int, int]:
    """Real (non-padding) tokens in a batch, and all the positions the model computes, padding included."""
    positions = pieces.positions(batch) if pieces.PIECE_ENDS in batch else batch["input_ids"].numel()
    if packing.SEGMENT_IDS in batch:
        return int((batch[packing.SEGMENT_IDS] >= 0).sum()), positions
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum()), positions
    return positions, positions


def make_accelerator(config: RunConfig, output: Path) -> Accelerator:
    """The run's accelerator: mixed precision, accumulation, trackers, and batches split across processes."""
    train = config.train
    accelerator = Accelerator(
        mixed_precision=pick_precision(train.mixed_precision),
        gradient_accumulation_steps=train.grad_accum_steps,
        # Streams are read by every process rather than dispatched from the first: the dispatcher drops the
        # DataLoader's private generator, so resuming would draw on the global RNG and shift dropout masks.
        dataloader_config=DataLoaderConfiguration(split_batches=True, dispatch_batches=False),
        log_with=make_trackers(train.report_to, output),
        kwargs_handlers=[InitProcessGroupKwargs(timeout=BARRIER_TIMEOUT)],
        project_dir=str(output),
    )
    for key in ("batch_size", "eval_batch_size"):
        if getattr(train, key) % accelerator.num_processes:
            raise UserError(
                f"config: 'train.{key}'={getattr(train, key)} cannot be split evenly over "
                f"{accelerator.num_processes} processes. Fix: make it a multiple of {accelerator.num_processes}."
            )
    return accelerator


class Runner:
    """Trains one recipe's `Task` under one config. Use `train()`; the class only keeps the loop's state together."""

    def __init__(self, recipe: Recipe, config: RunConfig, accelerator: Accelerator, best: Metric) -> None:
        self.recipe, self.config, self.accelerator, self.best = recipe, config, accelerator, best
        self.output = Path(config.output_dir)
        self.pusher = None
        if config.hub.push and accelerator.is_main_process:
            from llmkit.hub import RepoPusher  # needs the hub client only when pushing

            # Created before training, so a missing token or write access stops the run now, not hours later.
            self.pusher = RepoPusher(config.hub.repo_id, private=config.hub.private, revision=config.hub.revision)
        set_seed(config.seed)
        config = student_config(config, recipe.name)  # distill.init=teacher: the teacher's architecture
        self.task = recipe.build(config, accelerator)
        self.config = with_settings(config, self.task.resolved)
        self.streaming = isinstance(self.task.train_dataset, IterableDataset)
        if self.streaming and not config.train.max_steps:
            raise UserError(
                "config: the training data is streamed, so its length is unknown and 'train.epochs' cannot set the "
                "run's length. Fix: set train.max_steps=N."
            )
        needs_validation = config.train.early_stopping_patience or config.train.load_best_at_end
        if needs_validation and self.task.eval_dataset is None:
            raise UserError(
                "config: train.early_stopping_patience and train.load_best_at_end need validation data to compare "
                "evaluations. Fix: set data.validation, or turn them off."
            )
        self.task.model = apply_peft(self.task.model, config.peft, self.task.peft_task_type, self.task.fresh_modules)
        speedups = fastpath.speed_up(self.task.model, accelerator.device)
        self.packed = self._use_packing(config.train.batching)
        if self.packed:
            in_pieces = isinstance(self.task.packed_collate_fn, pieces.PiecesCollator)
            speedups.append(f"training batches {'run in length-sorted pieces' if in_pieces else 'are packed'}")
        if speedups:
            logger.info("speed-ups: %s", "; ".join(speedups))
        self.teacher = load_teacher(self.config, self.task, accelerator, self.packed)  # None without distill.teacher
        # The teacher's loss reads the student's logits, which the chunked loss never makes.
        if config.train.chunked_loss and self.teacher is None and chunk_causal_lm_loss(self.task.model):
            logger.info("speed-ups: the causal-LM loss is computed %d positions at a time", DEFAULT_CHUNK)
        self.state = TrainState()
        self.fingerprint = model_fingerprint(self.task.model)
        self.guard = StepGuard(accelerator, config.train.on_nonfinite, self.output)
        self.saved_at = -1  # the step of the last checkpoint this process wrote
        self.last_eval: dict[str, float] = {}
        self.evaluated_at = -1
        self.timer = PhaseTimer(config.train.profile, accelerator.device)

    # ----------------------------------------------------------------------------------------------------------
    def train(self) -> dict[str, Any]:
        """Run the whole loop and write the output folder; returns the contents of `metrics.json`."""
        max_steps, steps_per_epoch = self._set_up()
        main = self.accelerator.is_main_process
        window = LogWindow(self.accelerator.device)
        self.last_eval = _eval_at(self.state.history, self.state.step)  # a run killed while writing its model
        self.evaluated_at = self.state.step if self.last_eval else -1
        epochs = math.inf if self.streaming else math.ceil(max_steps / steps_per_epoch)
        seconds_before = self.state.train_seconds  # a resumed run's earlier time is not this process's
        # Closed however the loop ends, so an error message starts on its own line, not after the bar.
        with tqdm(total=max_steps, initial=self.state.step, disable=not main, desc="train", unit="step") as progress:
            # A run that stopped early stays stopped: resuming its last checkpoint only completes the output folder.
            while self.state.step < max_steps and self.state.epoch < epochs and not self.state.stopped_early:
                if self._run_epoch(max_steps, progress, window):
                    break
        state = self.state
        summary = {
            "steps": state.step,
            "epochs": state.epoch if self.streaming else state.step / steps_per_epoch,
            "train_seconds": state.train_seconds,
            "real_tokens": state.real_tokens,
            "real_tokens_per_s": state.real_tokens / state.train_seconds if state.train_seconds else 0.0,
            "padding_fraction": 1 - state.real_tokens / state.positions if state.positions else 0.0,
            "stopped_early": state.stopped_early,
            "hardware": describe_hardware(self.accelerator),
        }
        if self.timer.enabled:
            summary["profile"] = self.timer.report(state.train_seconds - seconds_before)
            logger.info("where the time went (train.profile):\n%s", profile_table(summary["profile"]))
        return self._finish(summary)

    def _set_up(self) -> tuple[int, int | None]:
        """Data loaders, optimizer and schedule, all prepared; resume if asked. Returns the run's step counts."""
        acc, cfg, task = self.accelerator, self.config.train, self.task
        check_output_space(self.output, task.model, cfg.keep_last)
        checkpoint = self._resume_point()  # every check before anything is written
        self._start_output()
        train_dl = self._train_dataloader()
        # A stream has no length: it runs for max_steps, starting a new pass whenever it runs dry.
        steps_per_epoch = None if self.streaming else math.ceil(len(train_dl) / cfg.grad_accum_steps)
        max_steps = cfg.max_steps or cfg.epochs * steps_per_epoch
        optimizer = build_optimizer(task.model, cfg.lr, cfg.weight_decay)
        scheduler = get_scheduler(
            cfg.scheduler, optimizer, num_warmup_steps=int(cfg.warmup_ratio * max_steps), num_training_steps=max_steps
        )
        self.model, self.optimizer, self.train_dl, self.scheduler = acc.prepare(
            task.model, optimizer, train_dl, scheduler
        )
        self.eval_dl = None
        if task.eval_dataset is not None:
            self.eval_dl = acc.prepare(eval_loader(task, self.config.train.eval_batch_size, self.config))
        if checkpoint is not None:
            self._resume(*checkpoint)
        logger.info(
            "%s: %s training examples, %d steps (%s per epoch), parameters: %s, %d process(es), %s",
            self.recipe.name,
            "streamed" if self.streaming else len(task.train_dataset),
            max_steps,
            steps_per_epoch or "?",
            describe_parameters(self.model),
            acc.num_processes,
            f"mixed precision {acc.mixed_precision}",
        )
        return max_steps, steps_per_epoch

    def _run_epoch(self, max_steps: int, progress: tqdm, window: LogWindow) -> bool:
        """One pass over the training data (the rest of it, after a resume); True when the run is over."""
        self.train_dl.set_epoch(self.state.epoch)
        if hasattr(self.task.train_dataset, "set_epoch"):  # examples that change by epoch (dynamic masking)
            self.task.train_dataset.set_epoch(self.state.epoch)
        skip = self.state.batches_in_epoch
        batches = self.accelerator.skip_first_batches(self.train_dl, skip) if skip else self.train_dl
        seen = skip
        self.model.train()
        for batch in self.timer.timed(batches):
            seen += 1
            window.add(self._forward_backward(batch), batch)
            self.state.batches_in_epoch += 1
            if not self.accelerator.sync_gradients:
                continue
            self.state.step += 1
            progress.update(1)
            if self._after_step(max_steps, progress, window):
                return True
        if self.streaming and self.state.step < max_steps:
            if seen == 0:
                raise UserError("the training stream yields no batches. Fix: check the training data.")
            self.state.epoch += 1
            self.state.batches_in_epoch = 0
        return False

    def _forward_backward(self, batch: Batch) -> torch.Tensor:
        """One forward and backward pass; on the last one of an accumulation, clip and (if healthy) step."""
        acc, cfg = self.accelerator, self.config.train
        timer = self.timer
        with acc.accumulate(self.model):
            with timer.phase("forward"):
                outputs = self.model(**model_inputs(batch))
                loss = outputs.loss if self.teacher is None else self.teacher.loss(outputs, batch)
            with timer.phase("backward"):
                acc.backward(loss)
            with timer.phase("optimizer"):
                grad_norm = None
                if acc.sync_gradients:  # an infinite limit only measures the norm, for the guard
                    grad_norm = acc.clip_grad_norm_(self.model.parameters(), cfg.max_grad_norm or math.inf)
                if not acc.sync_gradients or self.guard.healthy(loss, grad_norm, self.state.step + 1):
                    self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad(set_to_none=True)
        return loss

    def _after_step(self, max_steps: int, progress: tqdm, window: LogWindow) -> bool:
        """Log, evaluate, checkpoint and honour a stop signal as scheduled after an optimizer step; True at the end."""
        cfg, step = self.config.train, self.state.step
        end = step == max_steps
        if step % cfg.log_every == 0 or end:
            self._log_window(window, progress)
        epoch_done = not self.streaming and self.state.batches_in_epoch == len(self.train_dl)
        pause = time.perf_counter()
        if self.eval_dl is not None and _due(cfg.eval_every, step, epoch_done, end):
            with self.timer.phase("evaluation"):
                self.last_eval, self.evaluated_at = self.evaluate(), step
            self.model.train()
            end = self._stops_early() or end
        if epoch_done:
            self.state.epoch += 1
            self.state.batches_in_epoch = 0
        metrics = self.last_eval if self.evaluated_at == step else {}
        if _due(cfg.save_every, step, epoch_done, end):
            self._save_checkpoint(metrics)
        if self.guard.stop_requested and not end:
            self._stop(metrics)
        window.start += time.perf_counter() - pause
        return end

    def _stops_early(self) -> bool:
        """Whether the evaluation just made ends the run (`train.early_stopping_patience`), alike on every process."""
        cfg, state = self.config.train, self.state
        value = self.last_eval.get(self.best.name)
        if not cfg.early_stopping_patience or value is None:
            return False
        gain = (
            None if state.best_eval is None else (value - state.best_eval) * (1 if self.best.higher_is_better else -1)
        )
        if gain is None or gain > cfg.early_stopping_threshold:
            state.best_eval, state.evals_without_improvement = value, 0
            return False
        state.evals_without_improvement += 1
        if state.evals_without_improvement < cfg.early_stopping_patience:
            return False
        state.stopped_early = (
            f"{self.best.name} did not improve by more than {cfg.early_stopping_threshold} on its best value "
            f"{state.best_eval:.4f} for {cfg.early_stopping_patience} evaluation(s)"
        )
        logger.info("stopping early at step %d: %s (train.early_stopping_patience)", state.step, state.stopped_early)
        return True

    def _log_window(self, window: LogWindow, progress: tqdm) -> None:
        acc, state = self.accelerator, self.state
        elapsed = time.perf_counter() - window.start
        counts = torch.tensor([window.tokens, window.positions], device=acc.device)
        tokens, computed = acc.reduce(counts, "sum").tolist()
        mean_loss = float(acc.reduce(window.loss / window.batches, "mean"))
        state.train_seconds += elapsed
        state.real_tokens, state.positions = state.real_tokens + tokens, state.positions + computed
        record = {
            "step": self.state.step,
            "epoch": self.state.epoch,
            "loss": mean_loss,
            "lr": self.scheduler.get_last_lr()[0],
            "tokens_per_s": tokens / elapsed,
        }
        self._log("train", record)
        progress.set_postfix(loss=f"{mean_loss:.4f}", tok_s=f"{tokens / elapsed:,.0f}")
        window.reset()

    # ----------------------------------------------------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        """Run the validation set once; metrics are computed on exactly its examples, on every process."""
        acc, task = self.accelerator, self.task
        metrics = evaluate_task(acc, self.model, self.eval_dl, task, self.recipe)
        self._log("eval", {"step": self.state.step, **metrics})
        logger.info("eval at step %d: %s", self.state.step, ", ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
        if task.after_evaluate is not None and acc.is_main_process:
            task.after_evaluate(acc.unwrap_model(self.model), self.state.step, metrics)
        return metrics

    # ----------------------------------------------------------------------------------------------------------
    def _use_packing(self, batching: str) -> bool:
        """Whether training batches are packed (`train.batching`): where the recipe offers a packing collator."""
        if batching == "packed" and self.task.packed_collate_fn is None:
            raise UserError(
                f"config: 'train.batching'=packed needs a model that reads packed batches (BERT-family and GPT-2 "
                f"sequence classifiers, with sdpa or eager attention, llmkit/packing.py; translation, NER, QA and "
                f"line-by-line masked-LM models, in length-sorted pieces, llmkit/pieces.py); "
                f"this run's model is {type(fastpath.unwrapped(self.task.model)).__name__}. "
                "Fix: use train.batching=auto (packs where it can), grouped or random."
            )
        if self.config.distill.teacher and isinstance(self.task.packed_collate_fn, pieces.PiecesCollator):
            if batching == "packed":
                raise UserError(
                    "config: 'train.batching'=packed runs this recipe's batches in pieces, whose loss comes without "
                    "the logits a distillation teacher compares. Fix: use train.batching=auto, grouped or random."
                )
            return False  # `auto`: grouped batches, as for models that cannot pack
        return batching in ("auto", "packed") and self.task.packed_collate_fn is not None

    def _train_dataloader(self) -> DataLoader:
        # Batches are random draws unless grouped by length (then padding nearly disappears, but a batch holds only
        # short or only long texts); packed batches are random draws laid end to end.
        task, batching = self.task, self.config.train.batching
        random = batching == "random" or self.packed
        collate = task.packed_collate_fn if self.packed else task.collate_fn
        sampler = None
        if not self.streaming:  # a stream brings its own order; no sampler can index it
            sampler = LengthGroupedSampler(
                task.lengths if task.lengths is not None else [0] * len(task.train_dataset),
                self.config.train.batch_size,
                seed=self.config.seed,
                shuffle=True,
                group_by_length=task.lengths is not None and not random,
            )
        cfg = self.config
        return make_loader(task.train_dataset, sampler, collate, cfg.train.batch_size, cfg.train.num_workers, cfg.seed)

    def _start_output(self) -> None:
        acc = self.accelerator
        if acc.is_main_process:
            with reporting_write_errors(f"the run's config to {self.output}", self.output):
                self.output.mkdir(parents=True, exist_ok=True)
                if self.config.overwrite_output_dir and not self.config.resume_from_checkpoint:
                    clear_finished_run(self.output)
                save_run_config(self.config, self.output / RUN_CONFIG, self.recipe.name)
        acc.wait_for_everyone()
        with reporting_write_errors(f"the tracker logs ({', '.join(self.config.train.report_to)})", self.output):
            acc.init_trackers(PROJECT, config=_scalars(flatten(to_dict(self.config))))

    def _resume_point(self) -> tuple[Path, dict[str, Any]] | None:
        """The checkpoint to resume from and its training state, checked (recipe, model, files, settings)."""
        request = self.config.resume_from_checkpoint
        if not request:
            return None
        checkpoint = find_checkpoint(self.output, request)
        if checkpoint is None:
            logger.info("resume_from_checkpoint=latest: no checkpoint in %s yet, starting fresh", self.output)
            return None
        saved = read_checkpoint_state(checkpoint, self.recipe.name, self.fingerprint)
        written = written_config(checkpoint)
        changes = result_changes(written, to_dict(self.config)) if written is not None else []
        if changes and not self.config.resume_allow_changes:
            raise UserError(
                f"resume_from_checkpoint: these settings differ from {checkpoint}'s and change what is trained: "
                f"{'; '.join(changes)}. Fix: resume with the run's settings, or accept the change with "
                "resume_allow_changes=true."
            )
        if changes:
            logger.warning("resuming with changed settings (resume_allow_changes=true): %s", "; ".join(changes))
        return checkpoint, saved

    def _resume(self, checkpoint: Path, saved: dict[str, Any]) -> None:
        try:
            self.accelerator.load_state(str(checkpoint))
        except Exception as error:  # torch and safetensors raise many types for a damaged file
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise UserError(f"resume_from_checkpoint: cannot load {checkpoint}: {reason}") from None
        self.state = TrainState(**saved)
        if self.accelerator.is_main_process:
            # Lines logged after this checkpoint belong to the abandoned attempt: start the log over from it.
            lines = [json.dumps(record) for record in self.state.history]
            write_text_atomically(self.output / LOG_FILE, "".join(line + "\n" for line in lines))
        logger.info("resumed from %s at step %d", checkpoint, self.state.step)

    def _checkpoint_folder(self) -> Path:
        return checkpoint_folder(self.output, self.state.step)

    def _save_checkpoint(self, metrics: dict[str, float]) -> None:
        """Write `checkpoints/step-N` atomically, then keep the best and the last `keep_last`."""
        acc, folder = self.accelerator, self._checkpoint_folder()
        check_finite_weights(self.model, f"checkpoint {folder}")
        value = metrics.get(self.best.name)
        if value is not None and self.best.improves(value, self.state.best_metric):
            self.state.best_metric, self.state.best_checkpoint = value, str(folder)
        save_checkpoint(acc, folder, vars(self.state), self.recipe.name, self.fingerprint, to_dict(self.config))
        self.saved_at = self.state.step
        if acc.is_main_process:
            keep = set(list_checkpoints(self.output)[-self.config.train.keep_last :])
            for old in list_checkpoints(self.output):
                if old not in keep and str(old) != self.state.best_checkpoint:
                    shutil.rmtree(old)
            if self.pusher is not None and self.config.hub.strategy == "checkpoint":
                model = acc.unwrap_model(self.model)
                self.pusher.upload_checkpoint(self.output, model, self.task.tokenizer, self.state.step)
        acc.wait_for_everyone()

    def _load_best(self) -> int | None:
        """Put the best checkpoint's weights into the model (`train.load_best_at_end`); its step, or None."""
        best = self.state.best_checkpoint
        if best is None or not Path(best).is_dir():
            logger.warning(
                "train.load_best_at_end: no checkpoint recorded a %s value (evaluate and save on the same steps); "
                "the final model is the last step's",
                self.best.name,
            )
            return None
        state = self.state
        try:
            self.accelerator.load_state(best)
        except Exception as error:  # a damaged file raises many types
            raise UserError(f"train.load_best_at_end: cannot load {best}: {str(error).splitlines()[0]}") from None
        self.state = state  # the run's record stays the run's, not the checkpoint's
        logger.info("load_best_at_end: the final model is %s (%s=%.4f)", best, self.best.name, state.best_metric)
        return step_of(Path(best))

    def _stop(self, metrics: dict[str, float]) -> None:
        """A stop signal reached some process: checkpoint this step (once) and end the run with `Preempted`."""
        if self.saved_at != self.state.step:
            self._save_checkpoint(metrics)
        self.accelerator.end_training()
        raise self.guard.preempted(self._checkpoint_folder(), self.recipe.name)

    def _log(self, kind: str, record: dict[str, Any]) -> None:
        acc = self.accelerator
        self.state.history.append({"kind": kind, **record})
        acc.log({f"{kind}/{k}": v for k, v in record.items() if k != "step"}, step=record["step"])
        if acc.is_main_process:
            with (self.output / LOG_FILE).open("a", encoding="utf-8") as log:
                log.write(json.dumps({"kind": kind, **record}) + "\n")

    def _finish(self, summary: dict[str, Any]) -> dict[str, Any]:
        acc = self.accelerator
        acc.wait_for_everyone()
        best_step = self._load_best() if self.config.train.load_best_at_end else None
        metrics = {
            "recipe": self.recipe.name,
            "eval": self.last_eval,
            "train": summary,
            "best": {
                "metric": self.best.name,
                "value": self.state.best_metric,
                "checkpoint": self.state.best_checkpoint,
                "loaded_at_end": best_step is not None,
                "step": best_step,
            },
        }
        if best_step is not None:  # the final model is the best checkpoint's, and so are its results
            metrics["eval"] = _eval_at(self.state.history, best_step) or self.last_eval
        model = acc.unwrap_model(self.model)
        check_finite_weights(model, f"the model in {self.output}")
        # Every process takes part: under FSDP and ZeRO-3 this gathers the sharded weights.
        weights = acc.get_state_dict(self.model)
        if acc.is_main_process:
            with reporting_write_errors(f"the model to {self.output}", self.output):
                save_model(model, self.output, weights)
                self.task.tokenizer.save_pretrained(self.output)
                plot_training_curves(self.state.history, self.output / PLOT_FILE)
                write_model_card(self.output, repo_id=self.config.hub.repo_id, metrics=metrics)
                # Last, and atomically: metrics.json is what makes the folder a finished run.
                write_text_atomically(self.output / METRICS_FILE, json.dumps(metrics, indent=2))
        acc.end_training()
        if self.pusher is not None:
            self.pusher.upload(self.output, f"llmkit {self.recipe.name}: model after {self.state.step} steps")
        return metrics


def describe_hardware(accelerator: Accelerator) -> str:
    """What trained the model, for `metrics.json` and the model card, e.g. `2 x NVIDIA H100 80GB HBM3, bf16`."""
    device, precision = accelerator.device, accelerator.mixed_precision
    precision = "fp32" if precision == "no" else precision
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"{device.type.upper()} ({platform.machine() or 'unknown'}, {torch.get_num_threads()} threads)"
    return f"{accelerator.num_processes} x {name}, {precision}"


def _due(every: int, step: int, epoch_done: bool, end: bool) -> bool:
    """Whether evaluating or saving is due: every N steps, else at the end of each epoch; always at the end."""
    return (every and step % every == 0) or (not every and epoch_done) or end


def _eval_at(history: list[dict[str, Any]], step: int) -> dict[str, float]:
    """The evaluation logged at `step`, if any."""
    for record in reversed(history):
        if record["kind"] == "eval" and record["step"] == step:
            return {k: v for k, v in record.items() if k not in ("kind", "step")}
    return {}


def _scalars(settings: dict[str, Any]) -> dict[str, Any]:
    """TensorBoard hparams take scalars only."""
    return {key: value for key, value in settings.items() if isinstance(value, int | float | str | bool)}


def train(recipe: Recipe, config: RunConfig) -> dict[str, Any]:
    """Train `recipe` under `config` and write the output folder; returns the final metrics.

    The best-checkpoint metric is checked before anything loads, and the main process holds the output folder's
    lock (`llmkit.rundir.RunLock`) from before it checks the folder until the run ends.
    """
    recipe = recipe.for_config(config)
    best = recipe.metric(config.train.metric_for_best)
    check_data_files(getattr(config, "data", None))
    output = Path(config.output_dir)
    accelerator = make_accelerator(config, output)
    with contextlib.ExitStack() as stack:
        if accelerator.is_main_process:
            stack.enter_context(RunLock(output, f"llmkit train {recipe.name}"))
        check_output_dir(output, bool(config.resume_from_checkpoint), config.overwrite_output_dir)
        runner = Runner(recipe, config, accelerator, best)
        with runner.guard:
            return runner.train()
