"""Run a folder written by `llmkit export --format onnx` through onnxruntime, in the shape of a transformers model.

The recipes' `predict` and the evaluation pass (`llmkit.evaluation`) call a model with a batch's keyword tensors and
read `.logits` (classification, token classification) or `.start_logits`/`.end_logits` (question answering), plus
`.loss` when the batch holds labels; they read `model.config` (labels) and call `.to()` and `.eval()`. `OnnxModel`
does exactly that, so `load_trained_model` returns one for an ONNX folder and every verb runs it unchanged. It is a
`torch.nn.Module` without parameters, so accelerate's `prepare` and `llmkit.fastpath` pass it through.

The loss is the transformers head's own loss function (`transformers.loss.loss_utils`), so `llmkit evaluate` on an
ONNX folder reports the same validation loss as on the torch model, to rounding.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoConfig, PretrainedConfig
from transformers.loss.loss_utils import ForQuestionAnsweringLoss, ForSequenceClassificationLoss, ForTokenClassification
from transformers.modeling_outputs import (
    QuestionAnsweringModelOutput,
    SequenceClassifierOutput,
    TokenClassifierOutput,
)

from llmkit.errors import UserError
from llmkit.rundir import ONNX_FILE

# The heads an ONNX folder can hold: the suffix of the transformers class -> the graph's outputs.
HEAD_OUTPUTS = {
    "ForSequenceClassification": ("logits",),
    "ForTokenClassification": ("logits",),
    "ForQuestionAnswering": ("start_logits", "end_logits"),
}
MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # what the exported graphs may take
LABEL_INPUTS = ("labels", "start_positions", "end_positions")  # batch entries the loss uses, never the graph


def head_of(architecture: str) -> str | None:
    """The exportable head a transformers class name ends with (`BertForQuestionAnswering`), or None."""
    return next((head for head in HEAD_OUTPUTS if architecture.endswith(head)), None)


class OnnxModel(torch.nn.Module):
    """An onnxruntime session that answers like the transformers model it was exported from (module docstring).

    Attributes:
        config: The transformers config saved with the graph (labels, problem type, pad token).
        head: Which head the graph computes (a key of `HEAD_OUTPUTS`).
        path: The `model.onnx` file.
    """

    def __init__(self, session: Any, config: PretrainedConfig, head: str, path: Path) -> None:
        super().__init__()
        self.session, self.config, self.head, self.path = session, config, head, path
        self.input_names = [node.name for node in session.get_inputs()]
        self.output_names = list(HEAD_OUTPUTS[head])

    @property
    def device(self) -> torch.device:
        """onnxruntime runs on the CPU here; inputs from any device are copied to it and results copied back."""
        return torch.device("cpu")

    def forward(self, **batch: torch.Tensor) -> Any:
        labels = {key: batch.pop(key) for key in LABEL_INPUTS if key in batch}
        unknown = sorted(set(batch) - set(self.input_names))
        if unknown:
            raise TypeError(f"the ONNX graph {self.path} takes {self.input_names}, not {unknown}")
        ids = batch["input_ids"]
        # A caller that leaves out segment ids means "all first segment", as the torch model's default does.
        feed = {
            name: (batch[name] if name in batch else torch.zeros_like(ids)).detach().cpu().numpy().astype(np.int64)
            for name in self.input_names
        }
        outputs = {
            name: torch.from_numpy(value).to(ids.device)
            for name, value in zip(self.output_names, self.session.run(self.output_names, feed), strict=True)
        }
        return self._output(outputs, labels)

    def _output(self, outputs: dict[str, torch.Tensor], labels: dict[str, torch.Tensor]) -> Any:
        if self.head == "ForQuestionAnswering":
            loss = None
            if "start_positions" in labels and "end_positions" in labels:
                loss = ForQuestionAnsweringLoss(
                    outputs["start_logits"], outputs["end_logits"], labels["start_positions"], labels["end_positions"]
                )
            return QuestionAnsweringModelOutput(loss=loss, **outputs)
        logits = outputs["logits"]
        if self.head == "ForTokenClassification":
            loss = ForTokenClassification(logits, labels["labels"], self.config) if "labels" in labels else None
            return TokenClassifierOutput(loss=loss, logits=logits)
        loss = ForSequenceClassificationLoss(labels["labels"], logits, self.config) if "labels" in labels else None
        return SequenceClassifierOutput(loss=loss, logits=logits)

    def graph_weights(self) -> dict[str, Any]:
        """`parameters` (elements of the graph's weight initializers), `linear_weight_bytes` (bytes of the
        initializers the matrix multiplications read: the linear layers' weights, int8 after quantization) and
        `linear_weight_dtypes` (the element types of those weight matrices)."""
        import onnx
        from onnx import numpy_helper

        graph = onnx.load(str(self.path)).graph
        weights = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
        matmul_inputs = {
            name
            for node in graph.node
            if node.op_type in ("MatMul", "Gemm", "MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat")
            for name in node.input
        }
        linear = [weights[name] for name in matmul_inputs if name in weights]
        return {
            # int64 initializers are shapes and indices the exporter adds, not weights.
            "parameters": sum(array.size for array in weights.values() if array.dtype != np.int64),
            "linear_weight_bytes": sum(array.nbytes for array in linear),
            "linear_weight_dtypes": sorted({str(array.dtype) for array in linear if array.ndim == 2}),
        }


def load_onnx_model(folder: Path, auto_class: Any = None) -> OnnxModel:
    """The `OnnxModel` of an `llmkit export` folder; `auto_class` (the recipe's, e.g.
    `AutoModelForQuestionAnswering`) must name the head the graph computes."""
    config = AutoConfig.from_pretrained(folder, trust_remote_code=False)
    head = head_of((config.architectures or [""])[0])
    wanted = head_of(getattr(auto_class, "__name__", "")) if auto_class is not None else head
    if head is None or wanted != head:
        raise UserError(
            f"model: {folder / ONNX_FILE} computes {(config.architectures or ['an unknown head'])[0]}, not the "
            f"{getattr(auto_class, '__name__', 'requested')} this command needs. Fix: pass the folder to the verbs "
            "of the recipe that trained it."
        )
    return open_graph(folder / ONNX_FILE, config, head)


def open_graph(path: Path, config: PretrainedConfig, head: str) -> OnnxModel:
    """An `OnnxModel` for the graph in `path`, computing `head` of the model `config` describes."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # As many threads as torch uses, so torch and ONNX timings of one machine compare like with like.
    options.intra_op_num_threads = torch.get_num_threads()
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return OnnxModel(session, config, head, path)
