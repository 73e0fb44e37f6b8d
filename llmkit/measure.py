"""What a model costs to serve: weights on disk, parameters, linear-weight bytes, CPU latency and throughput.

One home for these measurements, shared by the compression report (`llmkit.compress`) and the benchmarks, so a
figure in `compression.json` and one in `benchmarks/results/` mean the same thing:

- `latency`: wall time of single requests (batch 1), one after another, after a few warm-up calls; median and 90th
  percentile in milliseconds.
- `throughput`: examples per second over whole batches (32 by default) of the same inputs.
- `weight_bytes`: the size on disk of a folder's weight files (`llmkit.rundir.WEIGHT_FILES` and shards).
- `weight_summary`: parameter count and the bytes of the linear layers' weights as stored in memory (an int8
  torchao weight counts its int8 data and its scales), for torch models and `llmkit.onnx_model.OnnxModel` alike.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers.pytorch_utils import Conv1D

from llmkit.rundir import WEIGHT_FILES

WARMUP = 3  # calls before timing starts: the first ones allocate and (onnxruntime) plan the graph


def latency(model: Any, requests: Sequence[dict[str, torch.Tensor]]) -> dict[str, float]:
    """Median and 90th-percentile milliseconds of `model(**request)` over `requests` (batch-1 inputs)."""
    times = _timed(model, requests)
    return {"latency_ms_median": float(np.median(times) * 1e3), "latency_ms_p90": float(np.percentile(times, 90) * 1e3)}


def throughput(model: Any, batches: Sequence[dict[str, torch.Tensor]]) -> float:
    """Examples per second of `model` over `batches`, run one after another."""
    times = _timed(model, batches)
    return sum(len(batch["input_ids"]) for batch in batches) / sum(times)


def _timed(model: Any, inputs: Sequence[dict[str, torch.Tensor]]) -> list[float]:
    times = []
    with torch.no_grad():
        for batch in [*inputs[:WARMUP], *inputs]:
            start = time.perf_counter()
            model(**batch)
            times.append(time.perf_counter() - start)
    return times[min(WARMUP, len(inputs)) :]


def weight_bytes(folder: Path) -> int:
    """Bytes on disk of the weight files in `folder` (safetensors, shards, adapter or ONNX graph)."""
    names = {*WEIGHT_FILES, *(path.name for path in folder.glob("model-*-of-*.safetensors"))}
    return sum((folder / name).stat().st_size for name in names if (folder / name).is_file())


def weight_summary(model: Any) -> dict[str, Any]:
    """`parameters`, `linear_weight_bytes` and `linear_weight_dtypes` of a torch model or an ONNX graph."""
    if hasattr(model, "graph_weights"):  # an `OnnxModel`
        return model.graph_weights()
    linear = [module.weight for module in model.modules() if isinstance(module, torch.nn.Linear | Conv1D)]
    return {
        "parameters": sum(parameter.numel() for parameter in model.parameters()),
        "linear_weight_bytes": sum(stored_bytes(weight) for weight in _unique(linear)),
        "linear_weight_dtypes": sorted({str(stored_dtype(weight)).removeprefix("torch.") for weight in linear}),
    }


def stored_bytes(tensor: torch.Tensor) -> int:
    """The bytes a tensor holds: a torchao quantized tensor's int8 data and scales, or a plain tensor's elements."""
    names = [*getattr(tensor, "tensor_data_names", ()), *getattr(tensor, "optional_tensor_data_names", ())]
    parts = [getattr(tensor, name, None) for name in names]
    parts = [part for part in parts if isinstance(part, torch.Tensor)] or [tensor]
    return sum(part.numel() * part.element_size() for part in parts)


def stored_dtype(tensor: torch.Tensor) -> torch.dtype:
    """The dtype of a tensor's stored values: `torch.int8` for a torchao int8 weight (its `qdata`)."""
    data = getattr(tensor, "qdata", None)
    return data.dtype if isinstance(data, torch.Tensor) else tensor.dtype


def _unique(tensors: list[torch.Tensor]) -> list[torch.Tensor]:
    """Each tensor once: a tied weight (an output layer that shares the embeddings) is stored once."""
    return list({id(tensor): tensor for tensor in tensors}.values())
