"""Build the bundled llmkit sentence-similarity dataset (train.csv and validation.csv).

Every sentence in this dataset is original text written for llmkit. The material lives in ``source/`` next to
this file; this script only composes it:

* ``source/frames.yaml``: statements grouped by domain, each with wordings that mean the same (``say``), slots
  such as ``{person}``, ``{city}`` or ``{date}`` for the main content, and values for one minor detail ``{m}``;
* ``source/values.yaml``: what fills the slots (names, places and things) and the forms that numbers and
  dates are written in ("3 May", "May 3rd").

A pair starts from one statement filled with one set of values; how the second sentence is made sets the
score level, in the STS convention:

* 5: the same statement and values, reworded (another wording, alternatives and number forms drawn anew);
* 4: the same, with another minor detail ``{m}``;
* 3: the same, with another value in one of the main slots (a person, a place, a number, a date);
* 2: another statement of the same domain that keeps one entity (a person, a place, a shop ...);
* 1: another statement of the same domain with no value in common;
* 0: a statement of another domain with no value in common.

The score is the level plus a small jitter (-0.2 to 0.2, clipped to 0..5), written with one decimal. Which
sentence comes first is drawn. The build is deterministic (fixed seed). No sentence appears twice in the whole
dataset, so no pair repeats and the splits share no sentence; each split has the same number of pairs of
every level.

Usage (from anywhere)::

    python data/similarity/build.py          # rewrite train.csv and validation.csv
    python data/similarity/build.py --check  # rebuild into a temporary folder and compare

``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS`` for each of them and exits with
status 1 when any differs (0 otherwise).
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for
# rebuild.py and slotfill.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild
import slotfill
from slotfill import SLOT, Frame, Values, kind

SEED = 20240712
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
OUTPUTS = ("train.csv", "validation.csv")
PER_LEVEL = {"validation": 67, "train": 420}  # pairs of each score level per split
LEVELS = (5, 4, 3, 2, 1, 0)
JITTER = (-0.2, -0.1, 0.0, 0.1, 0.2)
MINOR = "m"
Row = tuple[str, str, str, int]  # sentence1, sentence2, score, level


FRAMES: dict[str, list[Frame]] = slotfill.load(SOURCE, "frames")
VALUES = slotfill.load(SOURCE, "values")


def slots(frame: Frame) -> list[str]:
    """The slot names of a statement, in order of first appearance in its first wording.

    Raises:
        ValueError: When its wordings do not all have the same slots, lack the minor detail, or put "a" before
            one that starts with a vowel.
    """
    names = list(dict.fromkeys(SLOT.findall(frame["say"][0])))
    for text in frame["say"]:
        if set(SLOT.findall(text)) != set(names) or MINOR not in names:
            raise ValueError(f"slots of {text!r} differ from those of {frame['say'][0]!r} or lack {{{MINOR}}}")
        if re.search(r"\ba \{m\}", text, re.IGNORECASE) and any(v[0] in "aeiou" for v in frame["minor"]):
            raise ValueError(f"{text!r} puts 'a' before a minor detail that starts with a vowel")
    return names


def draw(rng: random.Random, slot: str, frame: Frame) -> Any:
    """One value for ``slot`` of ``frame``."""
    of = kind(slot)
    if of == MINOR:
        return rng.choice(frame["minor"])
    return slotfill.draw(rng, VALUES, of)


def fresh(rng: random.Random, slot: str, frame: Frame, taken: Collection[Any]) -> Any:
    """A value for ``slot`` of ``frame`` that is not in ``taken``."""
    while True:
        value = draw(rng, slot, frame)
        if value not in taken:
            return value


def fill(rng: random.Random, frame: Frame, given: Values | None = None, avoid: Values | None = None) -> Values:
    """Values for every slot of a statement: the ones ``given`` has, then new ones not in ``avoid``, all different."""
    values = {slot: given[slot] for slot in slots(frame) if given and slot in given}
    for slot in slots(frame):
        if slot not in values:
            values[slot] = fresh(rng, slot, frame, [*values.values(), *(avoid or {}).values()])
    return values


def write(rng: random.Random, frame: Frame, values: Values) -> str:
    """One sentence of ``frame``: a wording drawn, then filled with ``values`` (see :func:`slotfill.write`)."""
    return slotfill.write(rng, VALUES, rng.choice(frame["say"]), values)


def second(rng: random.Random, level: int, domain: str, frame: Frame, values: Values) -> str | None:
    """The second sentence of a pair of ``level`` (None when this statement cannot make one)."""
    if level >= 3:
        changed = dict(values)
        if level < 5:
            slot = MINOR if level == 4 else rng.choice([s for s in values if s != MINOR])
            changed[slot] = fresh(rng, slot, frame, values.values())
        return write(rng, frame, changed)
    if level == 0:
        other = rng.choice(FRAMES[rng.choice([d for d in FRAMES if d != domain])])
    else:
        other = rng.choice([f for f in FRAMES[domain] if f is not frame])
    given = None
    if level == 2:
        shared = [s for s in slots(other) if s in values and kind(s) in VALUES["entities"]]
        if not shared:
            return None
        slot = rng.choice(shared)
        given = {slot: values[slot]}
    return write(rng, other, fill(rng, other, given, avoid=values))


def generate(rng: random.Random, per_level: int) -> dict[int, list[Row]]:
    """``per_level`` pairs of each level, with no sentence used twice."""
    rows: dict[int, list[Row]] = {level: [] for level in LEVELS}
    seen: set[str] = set()
    for _ in range(per_level * 200):
        level = min(LEVELS, key=lambda n: len(rows[n]))
        if len(rows[level]) == per_level:
            return rows
        domain = rng.choice(list(FRAMES))
        frame = rng.choice(FRAMES[domain])
        values = fill(rng, frame)
        first, other = write(rng, frame, values), second(rng, level, domain, frame, values)
        if other is None or first == other or first in seen or other in seen:
            continue
        if rng.random() < 0.5:
            first, other = other, first
        seen.update((first, other))
        score = min(5.0, max(0.0, level + rng.choice(JITTER)))
        rows[level].append((first, other, f"{score:.1f}", level))
    raise RuntimeError("could not make enough distinct pairs")


def build(out_dir: Path) -> list[str]:
    """Write ``train.csv`` and ``validation.csv`` into ``out_dir`` and return one summary line per file."""
    rng = random.Random(SEED)
    rows = generate(rng, sum(PER_LEVEL.values()))
    summary, start = [], 0
    for split, n in PER_LEVEL.items():
        part = [row for level in LEVELS for row in rows[level][start : start + n]]
        rng.shuffle(part)
        slotfill.write_csv(out_dir / f"{split}.csv", ("sentence1", "sentence2", "score"), part)
        mean = sum(float(row[2]) for row in part) / len(part)
        summary.append(f"{split}.csv: {len(part)} pairs ({n} of each level 0 to 5), mean score {mean:.2f}")
        start += n
    return summary


if __name__ == "__main__":
    sys.exit(rebuild.main(build, HERE, OUTPUTS, __doc__.splitlines()[0]))
