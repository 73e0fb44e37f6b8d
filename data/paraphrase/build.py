"""Build the bundled llmkit paraphrase dataset (train.csv and validation.csv).

Every sentence in this dataset is original text written for llmkit. The material lives in ``source/`` next to
this file; this script only composes it:

* ``source/frames.yaml``: statements grouped by domain, each with wordings that mean the same (``say``) and
  wordings that mean something else (``not``), with slots such as ``{person}``, ``{city2}`` or ``{date}``;
* ``source/values.yaml``: what fills the slots (names, places and things) and the forms that numbers and
  dates are written in ("3 May", "May 3rd").

A pair fills one statement with one set of values. An ``equivalent`` pair writes it twice, each time with a
wording, alternatives and number forms drawn anew. A ``not_equivalent`` pair writes the second sentence with
its meaning changed in one of four ways: one slot gets another value (``value``), two slots of one kind swap
their values (``swap``: "A hired B" / "B hired A"), a ``not`` wording (``not``), or another statement of the
same domain that keeps the values of the slots the two have in common (``other``). Which sentence comes first
is drawn. The build is deterministic (fixed seed). No sentence appears twice in the whole dataset, so no pair
repeats and the splits share no sentence; each split is exactly balanced between the labels.

Usage (from anywhere)::

    python data/paraphrase/build.py          # rewrite train.csv and validation.csv
    python data/paraphrase/build.py --check  # rebuild into a temporary folder and compare

``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS`` for each of them and exits with
status 1 when any differs (0 otherwise).
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for
# rebuild.py and slotfill.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild
import slotfill
from slotfill import SLOT, Frame, Values, kind

SEED = 20240705
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
OUTPUTS = ("train.csv", "validation.csv")
PER_LABEL = {"validation": 200, "train": 1500}  # pairs of each label per split
LABELS = ("equivalent", "not_equivalent")
# How a not_equivalent pair is made, and the odds; a swap is made from a statement that has two slots to swap.
CHANGES = {"value": 0.4, "not": 0.25, "swap": 0.15, "other": 0.2}
Row = tuple[str, str, str, str]  # sentence1, sentence2, label, how the pair was made


FRAMES: dict[str, list[Frame]] = slotfill.load(SOURCE, "frames")
VALUES = slotfill.load(SOURCE, "values")


def slots(frame: Frame) -> list[str]:
    """The slot names of a statement, in order of first appearance in its first wording.

    Raises:
        ValueError: When its ``say`` wordings do not all have the same slots or a ``not`` wording has another.
    """
    names = list(dict.fromkeys(SLOT.findall(frame["say"][0])))
    for text in frame["say"] + frame["not"]:
        found = set(SLOT.findall(text))
        if found - set(names) or (text in frame["say"] and found != set(names)):
            raise ValueError(f"slots of {text!r} differ from those of {frame['say'][0]!r}")
    return names


def fresh(rng: random.Random, slot: str, values: Values) -> Any:
    """A value for ``slot`` that no slot in ``values`` holds."""
    while True:
        value = slotfill.draw(rng, VALUES, kind(slot))
        if value not in values.values():
            return value


def fill(rng: random.Random, frame: Frame, given: Values | None = None) -> Values:
    """Values for every slot of a statement: the ones ``given`` has, then new ones, all different."""
    values = {slot: given[slot] for slot in slots(frame) if given and slot in given}
    for slot in slots(frame):
        if slot not in values:
            values[slot] = fresh(rng, slot, values)
    return values


def write(rng: random.Random, template: str, values: Values) -> str:
    """One sentence of ``template`` with ``values`` (see :func:`slotfill.write`)."""
    return slotfill.write(rng, VALUES, template, values)


def swappable(frame: Frame) -> list[tuple[str, str]]:
    """Pairs of slots of one kind whose swap changes the meaning (none for a symmetric statement)."""
    if frame.get("symmetric"):
        return []
    names = slots(frame)
    return [(a, b) for a in names for b in names if a < b and kind(a) == kind(b)]


def make_pair(rng: random.Random, label: str) -> tuple[str, str, str]:
    """Two sentences of ``label`` and how the second was made (``reworded`` or one of CHANGES)."""
    change = "reworded" if label == "equivalent" else rng.choices(list(CHANGES), list(CHANGES.values()))[0]
    domain = rng.choice([d for d, frames in FRAMES.items() if change != "swap" or any(map(swappable, frames))])
    frame = rng.choice([f for f in FRAMES[domain] if change != "swap" or swappable(f)])
    values = fill(rng, frame)
    first = write(rng, rng.choice(frame["say"]), values)
    if change == "reworded":
        return first, write(rng, rng.choice(frame["say"]), values), change
    if change == "not":
        return first, write(rng, rng.choice(frame["not"]), values), change
    if change == "other":
        other = rng.choice([f for f in FRAMES[domain] if f is not frame])
        return first, write(rng, rng.choice(other["say"]), fill(rng, other, values)), change
    if change == "swap":
        a, b = rng.choice(swappable(frame))
        changed = {**values, a: values[b], b: values[a]}
    else:
        slot = rng.choice(list(values))
        changed = {**values, slot: fresh(rng, slot, values)}
    return first, write(rng, rng.choice(frame["say"]), changed), change


def generate(rng: random.Random, per_label: int) -> dict[str, list[Row]]:
    """``per_label`` pairs of each label, with no sentence used twice."""
    rows: dict[str, list[Row]] = {label: [] for label in LABELS}
    seen: set[str] = set()
    for _ in range(per_label * 100):
        label = min(LABELS, key=lambda name: len(rows[name]))
        if len(rows[label]) == per_label:
            return rows
        first, second, how = make_pair(rng, label)
        if first == second or first in seen or second in seen:
            continue
        if rng.random() < 0.5:
            first, second = second, first
        seen.update((first, second))
        rows[label].append((first, second, label, how))
    raise RuntimeError("could not make enough distinct pairs")


def build(out_dir: Path) -> list[str]:
    """Write ``train.csv`` and ``validation.csv`` into ``out_dir`` and return one summary line per file."""
    rng = random.Random(SEED)
    rows = generate(rng, sum(PER_LABEL.values()))
    summary, start = [], 0
    for split, n in PER_LABEL.items():
        part = [row for label in LABELS for row in rows[label][start : start + n]]
        rng.shuffle(part)
        slotfill.write_csv(out_dir / f"{split}.csv", ("sentence1", "sentence2", "label"), part)
        made = Counter(row[3] for row in part)
        summary.append(
            f"{split}.csv: {len(part)} pairs ({n} of each label); "
            + ", ".join(f"{how} {made[how]}" for how in ("reworded", *CHANGES))
        )
        start += n
    return summary


if __name__ == "__main__":
    sys.exit(rebuild.main(build, HERE, OUTPUTS, __doc__.splitlines()[0]))
