"""One pass over an evaluation set, on any number of processes, with the outputs handed back in dataset order.

Batches run longest first (tight padding), are split across processes and gathered back; the runner then gives
the recipe's `compute_metrics` each `eval_step` entry in the order of the evaluation dataset, without padding
values the task could mistake for data:

- a 1-D entry (one number per example) as one tensor;
- a wider entry (a sequence per example: logits, generated ids) as a list of tensors, one per example, each as
  wide as the batch it was computed in made it (the runner records each example's width before processes pad
  their parts to a common width for the gather, and cuts that padding off again).

`transformers.trainer_pt_utils.nested_concat` would pad rows of different batches with a sentinel (-100) instead:
a value some tasks produce (logits) and others would have to avoid, which is why rows are kept apart here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset, IterableDataset

from llmkit.data import LengthGroupedSampler, make_loader
from llmkit.recipe import Batch, Recipe, Task, model_inputs

INDEX = "meta_eval_index"  # each example's position in the evaluation dataset
WIDTH = "meta_eval_width:"  # prefix of the entries that record each example's own width


class Indexed(Dataset):
    """A map-style dataset whose items come with their index, for `indexed_collate`."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[int, Any]:
        return index, self.dataset[index]


def indexed_collate(collate: Callable[[list[Any]], Batch]) -> Callable[[list[tuple[int, Any]]], Batch]:
    """Wrap a recipe's collator for `Indexed` items: the batch gains an `INDEX` entry."""

    def collate_indexed(items: list[tuple[int, Any]]) -> Batch:
        batch = collate([item for _, item in items])
        batch[INDEX] = torch.tensor([index for index, _ in items])
        return batch

    return collate_indexed


def eval_loader(task: Task, batch_size: int, config: Any) -> DataLoader:
    """The evaluation batches of `task` (a `RunConfig` gives the workers and seed): longest first, for tight
    padding; `gather_outputs` hands the outputs back in dataset order. A stream is read in its own order."""
    workers, seed = config.train.num_workers, config.seed
    if isinstance(task.eval_dataset, IterableDataset):
        return make_loader(task.eval_dataset, None, task.collate_fn, batch_size, workers, seed)
    lengths = task.eval_lengths
    sampler = LengthGroupedSampler(
        lengths if lengths is not None else [0] * len(task.eval_dataset),
        batch_size,
        seed=seed,
        shuffle=False,
        group_by_length=lengths is not None,
    )
    return make_loader(Indexed(task.eval_dataset), sampler, indexed_collate(task.collate_fn), batch_size, workers, seed)


def evaluate_task(
    accelerator: Accelerator, model: torch.nn.Module, batches: Any, task: Task, recipe: Recipe
) -> dict[str, float]:
    """The mean loss and the recipe's declared metrics of `model` on `batches` (made by `eval_loader`)."""
    gathered = gather_outputs(accelerator, model, batches, task.eval_step)
    metrics = {"loss": float(gathered["loss"].mean())}
    if task.compute_metrics is not None:
        computed = task.compute_metrics(gathered)
        recipe.check_metrics(computed)
        metrics.update(computed)
    return metrics


def gather_outputs(
    accelerator: Accelerator,
    model: torch.nn.Module,
    batches: Any,
    eval_step: Callable[[torch.nn.Module, Batch, Any], dict[str, torch.Tensor]] | None,
) -> dict[str, Any]:
    """Run `model` over `batches` and return what `eval_step` kept (and each example's loss), in dataset order."""
    kept: dict[str, list[torch.Tensor]] = {}
    model.eval()
    for batch in batches:
        with torch.no_grad():
            outputs = model(**model_inputs(batch))
        values = _batch_values(accelerator, model, batch, outputs, eval_step)
        if accelerator.num_processes > 1 and any(value.ndim >= 2 for value in values.values()):
            values = accelerator.pad_across_processes(values, dim=1)
        for key, value in accelerator.gather_for_metrics(values).items():
            kept.setdefault(key, []).append(value.cpu())
    return _in_dataset_order(kept)


def _batch_values(
    accelerator: Accelerator, model: torch.nn.Module, batch: Batch, outputs: Any, eval_step: Any
) -> dict[str, torch.Tensor]:
    size = next(iter(batch.values())).shape[0]
    values = {"loss": outputs.loss.detach().float().expand(size)}
    if eval_step is not None:
        values.update(eval_step(accelerator.unwrap_model(model), batch, outputs))
    if INDEX in batch:
        values[INDEX] = batch[INDEX]
    device = values["loss"].device
    widths = {WIDTH + k: torch.full((size,), v.shape[1], device=device) for k, v in values.items() if v.ndim >= 2}
    return {**values, **widths}


def _in_dataset_order(kept: dict[str, list[torch.Tensor]]) -> dict[str, Any]:
    gathered: dict[str, Any] = {}
    for key, parts in kept.items():
        if key.startswith(WIDTH):
            continue
        if parts[0].ndim < 2:
            gathered[key] = torch.cat(parts)
        else:
            widths = torch.cat(kept[WIDTH + key]).tolist()
            rows = [row for part in parts for row in part]
            gathered[key] = [row[:width] for row, width in zip(rows, widths, strict=True)]
    if INDEX not in gathered:  # a stream: the order it was read in
        return gathered
    order = gathered.pop(INDEX).argsort().tolist()
    return {
        key: value[order] if isinstance(value, torch.Tensor) else [value[i] for i in order]
        for key, value in gathered.items()
    }
