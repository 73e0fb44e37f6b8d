"""Template filling shared by the generators that compose sentences from slots (paraphrase, similarity).

Those generators write each sentence from a hand-written wording in their ``source/frames.yaml``. A wording has
``{slot}`` placeholders, named after their kind with a digit when one statement has two of a kind (``{person}``,
``{city2}``), and ``[a|b]`` groups of interchangeable words. What fills the slots comes from their
``source/values.yaml``, the *table* that the functions here take:

* ``first_names`` and ``last_names``: a ``person`` is one of each, drawn separately;
* ``date``: a day from 1 to ``last_day`` and a month from ``names.month``, written in one of the ``forms``
  (``{d}`` the day, ``{dth}`` the day as an ordinal, ``{month}`` the month name);
* ``numbers``: per kind, an integer from ``low`` to ``high`` (in steps of ``step``, default 1), written in one
  of the ``forms`` (``{n}`` the number, ``{word}`` the number in words from ``number_words`` when it has one);
* ``names``: per kind, the words or phrases for every other kind, written as they are.

Every draw goes through the ``random.Random`` the caller passes, in a fixed order, so a generator that calls these
functions in the same order builds the same files. Standard library and yaml only, because the generators run
outside the package.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

SLOT = re.compile(r"\{([a-z]+\d*)\}")
CHOICE = re.compile(r"\[([^\]]+)\]")

Frame = dict[str, Any]  # one statement of frames.yaml
Values = dict[str, Any]  # slot name -> value: a name, an integer, or (day, month) for a date


def load(source: Path, name: str) -> Any:
    """Read one material file ``<name>.yaml`` from a generator's ``source/`` folder."""
    return yaml.safe_load((source / f"{name}.yaml").read_text(encoding="utf-8"))


def kind(slot: str) -> str:
    """The kind of a slot: ``city2`` -> ``city``."""
    return slot.rstrip("0123456789")


def draw(rng: random.Random, table: dict[str, Any], of: str) -> Any:
    """One value of kind ``of`` from ``table`` (the contents of values.yaml)."""
    if of == "person":
        return f"{rng.choice(table['first_names'])} {rng.choice(table['last_names'])}"
    if of == "date":
        return rng.randint(1, table["date"]["last_day"]), rng.choice(table["names"]["month"])
    if of in table["numbers"]:
        spec = table["numbers"][of]
        return rng.randrange(spec["low"], spec["high"] + 1, spec.get("step", 1))
    return rng.choice(table["names"][of])


def ordinal(day: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th`` ... ``28th``."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def render(rng: random.Random, table: dict[str, Any], slot: str, value: Any) -> str:
    """A value as text, in a form drawn from ``table`` for numbers and dates."""
    of = kind(slot)
    if of == "date":
        day, month = value
        return rng.choice(table["date"]["forms"]).format(d=day, dth=ordinal(day), month=month)
    if of in table["numbers"]:
        words = table["number_words"]
        word = words[value] if value < len(words) else str(value)
        return rng.choice(table["numbers"][of]["forms"]).format(n=value, word=word)
    return value


def write(rng: random.Random, table: dict[str, Any], template: str, values: Values) -> str:
    """One sentence: alternatives drawn, slots written out, first letter capitalised."""
    text = CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = SLOT.sub(lambda m: render(rng, table, m.group(1), values[m.group(1)]), text)
    return text[0].upper() + text[1:]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows under their header, each cut to the header's columns, quoted as the csv module does."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(row[: len(header)] for row in rows)
