"""The shape of the house: imports point one way, units are short, and every recipe keeps the recipe contract."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator
from helpers import ROOT, reset_accelerate, run_recipe
from test_clm import TINY, lm_corpus  # noqa: F401 (a fixture)

from llmkit.cli import main
from llmkit.config import load_config
from llmkit.errors import ConfigError
from llmkit.evaluation import Indexed, gather_outputs, indexed_collate
from llmkit.recipe import Recipe
from llmkit.registry import RECIPES, get_recipe

LONGEST_FUNCTION = 60  # lines, docstring included


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside functions, as absolute dotted names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from llmkit import packing`
    return found


def module_graph() -> dict[str, set[str]]:
    """llmkit's own modules and the llmkit/recipes modules each imports."""
    modules = {}
    for path in sorted((ROOT / "llmkit").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        targets = {target for target in imports_of(path) if target in modules and target != name}
        targets |= {target for target in imports_of(path) if target.split(".")[0] == "recipes"}
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the graph's modules, as a path that returns to its start, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target] if target in path else [node, target]
            if target in graph and target not in state and (cycle := visit(target, [*path, target])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_llmkit_modules_import_no_circle():
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_the_registry_reaches_the_recipes():
    reaching = {name for name, targets in module_graph().items() if any(t.startswith("recipes") for t in targets)}
    assert reaching <= {"llmkit.registry"}, f"llmkit modules importing recipes/: {sorted(reaching)}"


def test_recipes_use_the_library_not_its_verbs():
    """A recipe builds on the library's parts; the runner, the CLI and the verbs call it, never the reverse."""
    callers = {"llmkit.runner", "llmkit.cli", "llmkit.card", "llmkit.hub", "llmkit.predict", "llmkit.registry"}
    for path in sorted((ROOT / "recipes").glob("*.py")):
        assert not imports_of(path) & callers, f"{path.name} imports {sorted(imports_of(path) & callers)}"


def test_no_function_is_longer_than_a_screen():
    long = []
    for path in sorted([*(ROOT / "llmkit").rglob("*.py"), *(ROOT / "recipes").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_FUNCTION:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "functions over 60 lines: " + ", ".join(long)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_declares_itself(name):
    recipe = get_recipe(name)
    assert isinstance(recipe, Recipe) and recipe.name == name
    assert recipe.metrics and recipe.default_metric in recipe.metric_names
    assert recipe.predict is not None and recipe.predict_fields
    assert recipe.card.pipeline_tag and recipe.card.task_name
    assert recipe.config().output_dir.startswith("runs/")
    declared = recipe.for_config(recipe.config())  # the declaration a run with the default config has
    assert declared.metrics and set(declared.metric_names) <= set(recipe.metric_names)
    assert declared.default_metric in declared.metric_names and declared.specialize is None


@pytest.mark.parametrize(
    ("settings", "metrics", "fields"),
    [
        ((), ["loss", "accuracy", "f1", "matthews_correlation"], ("text",)),
        (("data.positive_label=positive",), ["loss", "accuracy", "f1", "matthews_correlation", "f1_positive"], None),
        (("data.problem=multi_label",), ["loss", "f1_micro", "f1_macro", "exact_match"], ("text",)),
        (("data.problem=regression", "data.text_pair_column=b"), ["loss", "pearson", "spearmanr", "mse"], None),
    ],
)
def test_a_classification_run_declares_its_problem_types_metrics_and_fields(settings, metrics, fields):
    recipe = get_recipe("classification")
    declared = recipe.for_config(load_config(recipe.config, None, settings))
    assert declared.metric_names == metrics and declared.default_metric == metrics[1]
    assert declared.predict_fields == (fields or (("text", "text_pair") if "pair" in str(settings) else ("text",)))


def test_sentiment_is_the_text_classifier_under_its_first_name():
    assert get_recipe("sentiment").build is get_recipe("classification").build
    assert get_recipe("sentiment").config().output_dir == "runs/sentiment"


def test_unknown_metric_for_best_stops_before_any_model_loads(capsys, tmp_path):
    reset_accelerate()
    with pytest.raises(SystemExit) as exit_info:
        # The model does not exist: a run that loaded it before checking the metric would fail on the model.
        main(["train", "sentiment", "model.name=/no/such/model", f"output_dir={tmp_path}", "train.metric_for_best=acc"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "'train.metric_for_best'='acc' is not a metric of the 'sentiment' recipe" in err
    assert "loss, accuracy, f1" in err
    assert not any(tmp_path.iterdir())


def test_metric_directions_come_from_the_declaration():
    clm = get_recipe("clm")
    assert not clm.metric("nats_per_char").higher_is_better and not clm.metric("bits_per_byte").higher_is_better
    assert clm.metric("accuracy").higher_is_better and clm.metric(None).name == "loss"
    with pytest.raises(ConfigError, match="Fix: use one of: loss, perplexity"):
        clm.metric("nats")


def test_clm_keeps_the_checkpoint_with_the_lowest_nats_per_char(lm_corpus, tmp_path):  # noqa: F811
    out = tmp_path / "run"
    schedule = ("train.max_steps=6", "train.eval_every=2", "train.save_every=2", "train.keep_last=1")
    metrics = run_recipe(
        "clm", *TINY, *lm_corpus, f"output_dir={out}", *schedule, "train.metric_for_best=nats_per_char"
    )
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    evaluations = {record["step"]: record["nats_per_char"] for record in log if record["kind"] == "eval"}
    best_step = min(evaluations, key=evaluations.get)
    assert max(evaluations.values()) > min(evaluations.values())  # the model learns, so there is a worst one too
    assert metrics["best"]["value"] == pytest.approx(evaluations[best_step])
    assert metrics["best"]["checkpoint"].endswith(f"step-{best_step:07d}")


class EchoModel(torch.nn.Module):
    """Returns its input ids as 'logits', with a loss, so evaluation outputs can be traced back to examples."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(()))

    def forward(self, input_ids, attention_mask, labels=None):
        loss = (input_ids.float().mean() * 0 + self.weight) if labels is not None else None
        return type("Output", (), {"loss": loss, "logits": input_ids})()


def test_evaluation_outputs_come_back_in_dataset_order_without_foreign_padding():
    reset_accelerate()
    accelerator = Accelerator(cpu=True)
    lengths = [3, 7, 1, 5, 2, 6, 4, 8, 2]
    examples = [{"input_ids": [10 * i + j + 1 for j in range(n)], "labels": i} for i, n in enumerate(lengths)]

    def collate(batch):
        width = max(len(e["input_ids"]) for e in batch)
        ids = torch.tensor([e["input_ids"] + [0] * (width - len(e["input_ids"])) for e in batch])
        return {
            "input_ids": ids,
            "attention_mask": (ids > 0).long(),
            "labels": torch.tensor([e["labels"] for e in batch]),
        }

    order = sorted(range(len(examples)), key=lambda i: -lengths[i])  # longest first, as the runner batches
    loader = torch.utils.data.DataLoader(
        Indexed(examples), batch_size=4, sampler=order, collate_fn=indexed_collate(collate)
    )
    gathered = gather_outputs(
        accelerator,
        EchoModel(),
        loader,
        lambda model, batch, outputs: {"ids": outputs.logits, "label": batch["labels"]},
    )
    assert gathered["label"].tolist() == list(range(len(examples)))
    for example, row in zip(examples, gathered["ids"], strict=True):
        # As wide as its own batch (which pads with the collator's 0), never wider, and the example's own ids.
        assert row[: len(example["input_ids"])].tolist() == example["input_ids"]
        assert not row[len(example["input_ids"]) :].any()
    widths = [len(row) for row in gathered["ids"]]
    assert sorted(set(widths)) == [1, 4, 8]  # the three batches' widths: nothing padded across batches
