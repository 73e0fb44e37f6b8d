"""The `llmkit` command line.

    llmkit recipes                                     list the recipes
    llmkit train RECIPE [--config FILE] [key=value]    train a recipe (also under `accelerate launch -m llmkit`)
    llmkit push OUTPUT_DIR --repo-id NAME/MODEL        share a finished run on a model hub, with a model card
    llmkit predict OUTPUT_DIR [--FIELD TEXT] [--file F] [--json]   run a finished run's model on new inputs
    llmkit translate OUT (--text TEXT | --file FILE)    translate with a model trained by the translation recipe
    llmkit generate OUTPUT_DIR --prompt TEXT [...]     sample text from a trained causal language model
    llmkit merge OUT --to MERGED                       fold a LoRA/IA3 adapter into a plain model folder
    llmkit evaluate RUN [RUN ...] --data FILE_OR_HUB_ID [--json] [key=value]   score runs with their metrics

Bad input ends with one line on stderr and exit status 2; `--debug` (anywhere) shows the traceback instead.
A run stopped by SIGTERM/SIGINT checkpoints and exits with status 75 (`llmkit.guard.EXIT_PREEMPTED`).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence

from llmkit.errors import EXIT_USER_ERROR, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llmkit", description="Fine-tune and pretrain GPT-2 and BERT models.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("recipes", help="list the recipes")

    train = commands.add_parser("train", help="train a recipe", description="Train a recipe.")
    train.add_argument("recipe", help="recipe name (see `llmkit recipes`)")
    train.add_argument("--config", help="YAML config file (e.g. recipes/configs/sentiment/default.yaml)")
    train.add_argument("--print-config", action="store_true", help="print the resolved config as YAML; train nothing")
    train.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. train.lr=3e-5")

    push = commands.add_parser(
        "push",
        help="upload a finished run to a model hub",
        description="Upload a finished run (model, tokenizer, model card, metrics, logs, plot, resolved config; never "
        "optimizer/RNG state, checkpoints or secrets) to the Hugging Face Hub or the server at HF_ENDPOINT. The "
        "token comes from HF_TOKEN or `hf auth login`.",
    )
    push.add_argument("output_dir", help="the run's output folder")
    push.add_argument("--repo-id", required=True, help="NAME/MODEL; created when missing")
    push.add_argument(
        "--private", action="store_true", help="create the repository private (an existing one keeps its visibility)"
    )
    push.add_argument("--revision", help="branch to push to (created when missing; default main)")
    push.add_argument("--commit-message", help="the commit's title")

    predict = commands.add_parser(
        "predict",
        help="run a finished run's model on new inputs",
        description="Run the model of a finished run. `llmkit predict OUTPUT_DIR --help` lists its recipe's inputs.",
    )
    predict.add_argument("output_dir", help="the run's output folder")
    predict.add_argument("options", nargs=argparse.REMAINDER, help="--FIELD TEXT, --file FILE, --json, ...")
    for name, about in (
        ("translate", "translate text with a trained translation model (`predict` for translation runs)"),
        ("generate", "sample text from a trained causal LM (`predict` for clm runs)"),
    ):
        verb = commands.add_parser(
            name,
            help=about,
            description=f"{about[0].upper()}{about[1:]}. `llmkit {name} OUTPUT_DIR --help` lists the options.",
        )
        verb.add_argument("output_dir", help="the run's output folder")
        verb.add_argument("options", nargs=argparse.REMAINDER, help="--text/--prompt TEXT, --file FILE, ...")

    _add_evaluate(commands)

    merge = commands.add_parser(
        "merge", help="fold an adapter into a plain model", description="Merge a run's adapter into its base model."
    )
    merge.add_argument("output_dir", help="output folder of a run trained with peft.method=lora or ia3")
    merge.add_argument("--to", required=True, help="new folder for the merged model (loads without peft)")
    return parser


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser(
        "evaluate",
        help="score finished runs on labelled data with their recipe's metrics",
        description="Score finished runs on labelled data (any format their recipe trains on) with the recipe's "
        "own metrics; writes RUN/eval/NAME.json. key=value settings change how the data is read (columns, "
        "data.max_length, generation settings).",
    )
    evaluate.add_argument("runs", nargs="+", metavar="RUN|key=value", help="run output folders, and settings")
    evaluate.add_argument("--data", required=True, help="a data file or hub dataset id, read as the recipe trains")
    evaluate.add_argument("--split", help="the hub dataset's split (default: the run's data.validation_split)")
    evaluate.add_argument("--name", help="names the result RUN/eval/NAME.json (default: from --data and --split)")
    evaluate.add_argument("--batch-size", type=int, help="examples per forward pass (default: train.eval_batch_size)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON record per run instead of a table")
    evaluate.add_argument("--update-card", action="store_true", help="add the result to each run's model card")


def cmd_recipes(args: argparse.Namespace) -> None:
    from llmkit.registry import RECIPES, get_recipe

    width = max(len(name) for name in RECIPES)
    for name in sorted(RECIPES):
        print(f"{name:<{width}}  {get_recipe(name).description}")


def cmd_train(args: argparse.Namespace) -> None:
    from llmkit.config import load_config
    from llmkit.registry import aliases, get_recipe
    from llmkit.runner import train

    recipe = get_recipe(args.recipe)
    config = load_config(recipe.config, args.config, args.overrides, recipe=recipe.name, also=aliases(recipe.name))
    if args.print_config:
        import yaml

        from llmkit.config import to_dict

        print(yaml.safe_dump({"recipe": recipe.name, **to_dict(config)}, sort_keys=False), end="")
        return
    metrics = train(recipe, config)
    if args.ignore_late_signals:
        # The run is complete: a stop signal now (a scheduler's time limit) must not turn it into a failure that
        # gets requeued; the process prints its results and exits 0.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, signal.SIG_IGN)
    if _is_main_process():
        results = ", ".join(f"{k}={v:.4f}" for k, v in metrics["eval"].items())
        print(f"validation: {results}" if results else "done (no validation set)")
        print(f"model and results written to {config.output_dir}")


def print_recipe_help(name: str) -> None:
    """`llmkit train RECIPE --help`: the recipe's config keys by section, with type, default and description."""
    from llmkit.config import describe_keys
    from llmkit.registry import get_recipe

    recipe = get_recipe(name)
    print(f"usage: llmkit train {name} [--config FILE] [--print-config] [key=value ...]\n\n{recipe.description}.")
    print(
        f"Metrics: {', '.join(recipe.metric_names)} (best checkpoint by {recipe.default_metric} unless "
        "train.metric_for_best says otherwise)."
    )
    section = None
    for key in describe_keys(recipe.config):
        here = key.key.rpartition(".")[0] or "top level"
        if here != section:
            section = here
            print(f"\n{section}:")
        print(f"  {key.key}={key.default!r}  ({key.type})")
        if key.doc:
            print(f"      {key.doc}")


def cmd_push(args: argparse.Namespace) -> None:
    from llmkit.hub import push

    url = push(
        args.output_dir,
        args.repo_id,
        private=args.private,
        revision=args.revision,
        commit_message=args.commit_message,
    )
    print(f"pushed {args.output_dir} to {url}")


def cmd_predict(args: argparse.Namespace) -> None:
    from llmkit.predict import run

    run(args.output_dir, args.options)


def cmd_translate(args: argparse.Namespace) -> None:
    from llmkit.predict import TRANSLATE, run

    run(args.output_dir, args.options, verb=TRANSLATE)


def cmd_generate(args: argparse.Namespace) -> None:
    from llmkit.predict import GENERATE, run

    run(args.output_dir, args.options, verb=GENERATE)


def cmd_evaluate(args: argparse.Namespace) -> None:
    import json

    from llmkit.scoring import evaluate_runs, format_table

    folders = [item for item in args.runs if "=" not in item]
    if args.batch_size is not None and args.batch_size < 1:
        raise UserError(f"evaluate: --batch-size must be at least 1, got {args.batch_size}")
    records = evaluate_runs(
        folders,
        args.data,
        split=args.split,
        name=args.name,
        overrides=[item for item in args.runs if "=" in item],
        batch_size=args.batch_size,
        update_card=args.update_card,
    )
    if _is_main_process():
        print("\n".join(json.dumps(record) for record in records) if args.json else format_table(records))


def cmd_merge(args: argparse.Namespace) -> None:
    from llmkit.models import merge_adapter

    print(f"merged model written to {merge_adapter(args.output_dir, args.to)}")


COMMANDS = {
    "recipes": cmd_recipes,
    "train": cmd_train,
    "push": cmd_push,
    "predict": cmd_predict,
    "translate": cmd_translate,
    "generate": cmd_generate,
    "evaluate": cmd_evaluate,
    "merge": cmd_merge,
}


def _is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


@contextlib.contextmanager
def user_errors(debug: bool) -> Iterator[None]:
    """A `UserError` ends the program with one line on stderr and exit status 2 (`--debug`: the traceback)."""
    try:
        yield
    except UserError as error:
        if debug:
            raise
        print(f"llmkit: error: {' '.join(str(error).split())}", file=sys.stderr)  # one line, whatever the cause
        sys.exit(EXIT_USER_ERROR)


def quiet_libraries(debug: bool) -> None:
    """Show llmkit's own lines, progress bars and errors; the libraries' chatter only with `--debug`.

    Without it: no weight-loading report tables and progress bars from transformers (a task head the checkpoint
    lacks is expected, and llmkit says what it loads), no dataset progress bars, no accelerate notices
    (`Removed shared tensor ...`) and no deprecation warnings aimed at library authors. Errors still show.
    """
    import datasets
    import transformers
    from huggingface_hub.utils import logging as hub_logging

    datasets.disable_progress_bars()
    logging.getLogger("accelerate").setLevel(logging.DEBUG if debug else logging.ERROR)
    if debug:
        transformers.logging.set_verbosity_warning()  # the library default
        return
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    hub_logging.set_verbosity_error()  # retry notices: llmkit reports what finally failed
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `llmkit` and `python -m llmkit`."""
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    if argv[:1] == ["train"] and len(argv) > 1 and not argv[1].startswith("-") and {"-h", "--help"} & set(argv):
        with user_errors(debug):
            print_recipe_help(argv[1])
        return
    parser = build_parser()
    # Overrides may come before or after --config, which argparse's positional handling does not allow.
    args, extra = parser.parse_known_args(argv)
    args.ignore_late_signals = program  # only for the program itself, not for callers of main() in a process
    unknown = [a for a in extra if "=" not in a or a.startswith("-") or args.command != "train"]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    level = logging.DEBUG if debug else logging.INFO if _is_main_process() else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    quiet_libraries(debug)
    from llmkit.guard import Preempted  # after parsing: `llmkit --help` needs neither torch nor accelerate

    try:
        with user_errors(debug):
            COMMANDS[args.command](args)
    except Preempted as stop:
        if _is_main_process():
            print(f"llmkit: {stop}", file=sys.stderr)
        sys.exit(stop.exit_status)
