"""The `llmkit` command line.

    llmkit recipes                                     list the recipes
    llmkit train RECIPE [--config FILE] [key=value]    train a recipe (also under `accelerate launch -m llmkit`)

Bad input ends with one line on stderr and exit status 2; `--debug` (anywhere) shows the traceback instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from llmkit.errors import EXIT_USER_ERROR, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="llmkit", description="Fine-tune and pretrain GPT-2 and BERT models.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("recipes", help="list the recipes")

    train = commands.add_parser("train", help="train a recipe", description="Train a recipe.")
    train.add_argument("recipe", help="recipe name (see `llmkit recipes`)")
    train.add_argument("--config", help="YAML config file (e.g. recipes/configs/sentiment/default.yaml)")
    train.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides, e.g. train.lr=3e-5")
    return parser


def cmd_recipes(args: argparse.Namespace) -> None:
    from llmkit.registry import RECIPES

    width = max(len(name) for name in RECIPES)
    for name, (_, description) in sorted(RECIPES.items()):
        print(f"{name:<{width}}  {description}")


def cmd_train(args: argparse.Namespace) -> None:
    from llmkit.config import load_config
    from llmkit.registry import get_recipe
    from llmkit.runner import train

    recipe = get_recipe(args.recipe)
    config = load_config(recipe.Config, args.config, args.overrides)
    metrics = train(args.recipe, config, recipe.build)
    if _is_main_process():
        results = ", ".join(f"{k}={v:.4f}" for k, v in metrics["eval"].items())
        print(f"validation: {results}" if results else "done (no validation set)")
        print(f"model and results written to {config.output_dir}")


COMMANDS = {"recipes": cmd_recipes, "train": cmd_train}


def _is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `llmkit` and `python -m llmkit`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    parser = build_parser()
    # Overrides may come before or after --config, which argparse's positional handling does not allow.
    args, extra = parser.parse_known_args(argv)
    unknown = [a for a in extra if "=" not in a or a.startswith("-") or args.command != "train"]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    level = logging.DEBUG if debug else logging.INFO if _is_main_process() else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    logging.getLogger("accelerate").setLevel(logging.DEBUG if debug else logging.WARNING)
    import datasets

    datasets.disable_progress_bars()
    try:
        COMMANDS[args.command](args)
    except UserError as error:
        if debug:
            raise
        print(f"llmkit: error: {error}", file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
