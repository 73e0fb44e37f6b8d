"""The recipes llmkit knows, by name: the one place that imports `recipes/` (adding a recipe is one line here).

Each entry names a recipe module and the `Recipe` declaration in it (`llmkit.recipe.Recipe`). Modules are imported
only when asked for, so the command line starts without loading every recipe's dependencies.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from llmkit.errors import UserError
from llmkit.recipe import Recipe
from llmkit.rundir import recipe_name

# name -> "module:declaration"
RECIPES: dict[str, str] = {
    "classification": "recipes.classification:RECIPE",
    "sentiment": "recipes.classification:SENTIMENT",
    "qa": "recipes.qa:RECIPE",
    "clm": "recipes.clm:RECIPE",
    "mlm": "recipes.mlm:RECIPE",
    "translation": "recipes.translation:RECIPE",
    "ner": "recipes.ner:RECIPE",
}


def get_recipe(name: str) -> Recipe:
    """The declaration of the recipe `name`.

    Raises:
        UserError: When no recipe has that name.
    """
    if name not in RECIPES:
        known = ", ".join(sorted(RECIPES))
        raise UserError(f"unknown recipe '{name}'. Recipes: {known} (see `llmkit recipes`)")
    module, _, attribute = RECIPES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def shipped_config(name: str) -> str | None:
    """The recipe's own `recipes/configs/NAME/default.yaml` (the documented offline run; `make finetune` reads it),
    relative to the working folder when it lies below it; None when the recipe ships none."""
    import recipes

    path = Path(recipes.__file__).resolve().parent / "configs" / name / "default.yaml"
    if not path.is_file():
        return None
    here = Path.cwd().resolve()
    return str(path.relative_to(here) if path.is_relative_to(here) else path)


def aliases(name: str) -> list[str]:
    """The other names of the recipe `name` (those whose declaration lives in the same module)."""
    module = RECIPES[name].partition(":")[0]
    return [other for other, entry in RECIPES.items() if other != name and entry.partition(":")[0] == module]


def find_recipe(name: str) -> Recipe | None:
    """The declaration of `name`, or None for a recipe this installation does not have (an old or newer run)."""
    return get_recipe(name) if name in RECIPES else None


def recipe_of_run(folder: Path, command: str) -> Recipe:
    """The recipe that trained the run in `folder`, for `command` (e.g. `predict`).

    Raises:
        UserError: When the folder holds no run config, or names a recipe this installation does not have.
    """
    name = recipe_name(Path(folder))
    recipe = find_recipe(name)
    if recipe is None:
        raise UserError(
            f"{command}: {folder} was trained by recipe '{name}', which this llmkit does not have. "
            f"Recipes: {', '.join(sorted(RECIPES))}. Fix: use the llmkit version that trained it."
        )
    return recipe
