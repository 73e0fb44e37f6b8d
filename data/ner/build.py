"""Build the bundled llmkit named-entity dataset (``train.conll``, ``validation.conll``, ``validation.jsonl``).

Every sentence is original text written for llmkit: sentence templates filled with invented person and
organisation names, invented and real place names and concrete dates. The material lives in ``source/``
next to this file; this script only draws from it:

* ``source/templates.yaml``: tokenized sentence templates with entity slots (``{PER}``, ``{CITY}``,
  ``{COMPANY}``, ``{DATE}`` ...) and lower-case filler slots (``{num}``, ``{place}`` ...);
* ``source/people.yaml``, ``source/places.yaml``, ``source/organisations.yaml`` and ``source/dates.yaml``:
  the entity values (PER, LOC, ORG and DATE);
* ``source/lexicon.yaml``: the fillers, which are never entities.

The build is deterministic (fixed seed). Every fifth entry of each name list is held out of the training
split, so part of the validation entities never occur in training. Sentences are unique across both splits.
The tags are IOB2 (``B-PER``, ``I-PER``, ``B-LOC``, ``I-LOC``, ``B-ORG``, ``I-ORG``, ``B-DATE``, ``I-DATE``,
``O``).

Usage (from anywhere)::

    python data/ner/build.py          # rewrite the three files
    python data/ner/build.py --check  # rebuild into a temporary folder and compare

``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS`` for each of them and exits with
status 1 when any differs (0 otherwise).
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for rebuild.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild

SEED = 20240621
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
OUTPUTS = ("train.conll", "validation.conll", "validation.jsonl")
SIZES = {"train": 3000, "validation": 500}  # sentences per split, generated in this order
DOCUMENT_SENTENCES = 200  # a -DOCSTART- line opens the file and every later block of this many sentences
HOLDOUT_EVERY = 5  # every fifth entry of each name list appears only in the validation split
MIN_TOKENS, MAX_TOKENS = 5, 30
MAX_ENTITY_TOKENS = 4
ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")
DOCSTART = "-DOCSTART- O"
SLOT = re.compile(r"\{([A-Za-z]+?)(\d*)\}")

Sentence = tuple[list[str], list[str]]


def load(name: str) -> Any:
    """Read one material file from ``source/``."""
    return yaml.safe_load((SOURCE / f"{name}.yaml").read_text(encoding="utf-8"))


PEOPLE = load("people")
PLACES = load("places")
ORGS = load("organisations")
DATES = load("dates")
LEXICON = load("lexicon")
TEMPLATES = load("templates")

PLACE_SLOTS = {
    "CITY": "cities",
    "COUNTRY": "countries",
    "REGION": "regions",
    "RIVER": "rivers",
    "MOUNTAIN": "mountains",
    "LAKE": "lakes",
    "ISLAND": "islands",
}
PERSON_SLOTS = ("PER", "FIRST", "LAST", "AFIRST", "APER")
DATE_SLOTS = ("DATE", "WHEN", "DAY", "MONTH", "YEAR")


def slot_label(kind: str) -> str:
    """The entity type a slot's value is tagged with, or ``O`` for a filler.

    Args:
        kind: The slot name without braces and digits, such as ``CITY`` or ``num``.

    Returns:
        ``PER``, ``LOC``, ``ORG``, ``DATE`` or ``O``.

    Raises:
        ValueError: For a slot that no source file provides.
    """
    if kind in PERSON_SLOTS:
        return "PER"
    if kind in PLACE_SLOTS or kind == "LOC":
        return "LOC"
    if kind in ORGS["kinds"] or kind == "ORG":
        return "ORG"
    if kind in DATE_SLOTS:
        return "DATE"
    if kind in LEXICON:
        return "O"
    raise ValueError(f"unknown slot {{{kind}}}")


def share(items: list[str], split: str) -> list[str]:
    """The entries of a name list a split draws from: validation all of them, train all but every fifth."""
    if split == "validation":
        return list(items)
    return [item for i, item in enumerate(items) if i % HOLDOUT_EVERY != HOLDOUT_EVERY - 1]


def ordinal(day: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th`` ... ``28th``."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


class Drawer:
    """Draws slot values for one split from its share of the name lists."""

    def __init__(self, rng: random.Random, split: str) -> None:
        """Take the split's share of every name list.

        Args:
            rng: The build's random number generator, shared by both splits.
            split: ``train`` or ``validation``.
        """
        self.rng = rng
        ambiguous = share(PEOPLE["ambiguous_first_names"], split)
        self.names = {
            "first": share(PEOPLE["first_names"], split) + ambiguous,
            "afirst": ambiguous,
            "last": share(PEOPLE["last_names"], split),
            "particle": share(PEOPLE["particle_last_names"], split),
        }
        self.names.update({slot: share(PLACES[key], split) for slot, key in PLACE_SLOTS.items()})
        self.names.update({kind: share(spec["names"], split) for kind, spec in ORGS["kinds"].items()})

    def pick(self, key: str) -> str:
        """One entry of a name list."""
        return self.rng.choice(self.names[key])

    def weighted(self, forms: Sequence[Sequence[Any]]) -> str:
        """One text of ``[text, weight]`` pairs, drawn by weight."""
        return self.rng.choices([text for text, _ in forms], [weight for _, weight in forms])[0]

    def person(self, kind: str) -> str:
        """A value for a PER slot: a full name, a surname or a first name."""
        if kind in ("FIRST", "LAST"):
            return self.pick(kind.lower())
        if kind == "AFIRST":
            return self.pick("afirst")
        if kind == "APER":
            return f"{self.pick('afirst')} {self.pick('last')}"
        form = self.weighted(PEOPLE["forms"])
        first, first2 = self.rng.sample(self.names["first"], 2)
        last, last2 = self.rng.sample(self.names["last"], 2)
        return form.format(first=first, first2=first2, last=last, last2=last2, particle=self.pick("particle"))

    def place(self, kind: str) -> str:
        """A value for a LOC slot; ``LOC`` stands for a city, a country or a region."""
        if kind == "LOC":
            kind = self.weighted(list(PLACES["loc_weights"].items()))
        return self.pick(kind)

    def organisation(self, kind: str) -> str:
        """A value for an ORG slot: a listed name or, now and then, one built from a pattern."""
        if kind == "ORG":
            kind = self.rng.choice(list(ORGS["kinds"]))
        if self.rng.random() >= ORGS["pattern_share"]:
            return self.pick(kind)
        pattern = self.rng.choice(ORGS["kinds"][kind]["patterns"])
        return pattern.format(CITY=self.pick("CITY"), REGION=self.pick("REGION"), LAST=self.pick("last"))

    def date(self, kind: str) -> str:
        """A value for a DATE slot: a weekday, a month, a year or a date made of them."""
        day = self.rng.randint(1, DATES["last_day"])
        month, weekday = self.rng.choice(DATES["months"]), self.rng.choice(DATES["weekdays"])
        year = str(self.rng.randint(DATES["first_year"], DATES["last_year"]))
        if kind in ("DAY", "MONTH", "YEAR"):
            return {"DAY": weekday, "MONTH": month, "YEAR": year}[kind]
        form = self.weighted(DATES["on_forms"] if kind == "DATE" else DATES["in_forms"])
        return form.format(d=day, dth=ordinal(day), month=month, year=year, weekday=weekday)

    def draw(self, kind: str, used: set[str]) -> tuple[str, str]:
        """A value for a slot that is not in ``used``, with entities kept to at most four tokens.

        Args:
            kind: The slot name without braces and digits.
            used: Values already given to slots of the same kind in this sentence.

        Returns:
            The value and its entity type (``O`` for fillers).
        """
        label = slot_label(kind)
        makers = {"PER": self.person, "LOC": self.place, "ORG": self.organisation, "DATE": self.date}
        for _ in range(100):
            text = makers[label](kind) if label in makers else self.rng.choice(LEXICON[kind])
            if text not in used and (label == "O" or len(text.split()) <= MAX_ENTITY_TOKENS):
                return text, label
        raise RuntimeError(f"cannot draw a fresh value for {{{kind}}}")


def fill(template: str, drawer: Drawer, casual: bool) -> Sentence:
    """Fill a tokenized template and tag its tokens.

    Args:
        template: Tokens separated by single spaces; a token that is a whole ``{SLOT}`` gets a drawn value.
        drawer: Draws the slot values.
        casual: Write the sentence in lower case (the tags stay).

    Returns:
        The tokens and their IOB2 tags.

    Raises:
        ValueError: For a malformed template token.
    """
    tokens: list[str] = []
    tags: list[str] = []
    chosen: dict[str, tuple[str, str, str]] = {}  # slot token -> (kind, value, label)
    for word in template.split(" "):
        match = SLOT.fullmatch(word)
        if match is None:
            if not word or "{" in word or "}" in word:
                raise ValueError(f"bad token {word!r} in template {template!r}")
            tokens.append(word)
            tags.append("O")
            continue
        kind = match.group(1)
        if word not in chosen:
            used = {value for other, value, _ in chosen.values() if other == kind}
            chosen[word] = (kind, *drawer.draw(kind, used))
        _, value, label = chosen[word]
        parts = value.split()
        tokens += parts
        tags += ["O"] * len(parts) if label == "O" else [f"B-{label}"] + [f"I-{label}"] * (len(parts) - 1)
    if casual:
        tokens = [token.lower() for token in tokens]
    else:
        tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
    return tokens, tags


def all_templates() -> list[tuple[str, str]]:
    """Every template with its section name, in file order."""
    return [(section, template) for section, items in TEMPLATES.items() for template in items]


def generate(rng: random.Random, drawer: Drawer, size: int, seen: set[str]) -> list[Sentence]:
    """Draw ``size`` sentences of 5 to 30 tokens whose text is not in ``seen`` yet (and add them to it).

    Args:
        rng: The build's random number generator.
        drawer: Draws the slot values for this split.
        size: How many sentences to make.
        seen: Texts of the sentences made so far, in any split.

    Returns:
        The sentences, in the order drawn.
    """
    templates = all_templates()
    sentences: list[Sentence] = []
    for _ in range(size * 100):
        if len(sentences) == size:
            return sentences
        section, template = rng.choice(templates)
        tokens, tags = fill(template, drawer, casual=section == "casual")
        text = " ".join(tokens)
        if MIN_TOKENS <= len(tokens) <= MAX_TOKENS and text not in seen:
            seen.add(text)
            sentences.append((tokens, tags))
    raise RuntimeError(f"could only make {len(sentences)} of {size} distinct sentences")


def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """The entities of an IOB2 tag sequence as ``(type, start, end)``, ``end`` exclusive."""
    found = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            end = i + 1
            while end < len(tags) and tags[end] == "I-" + tag[2:]:
                end += 1
            found.append((tag[2:], i, end))
    return found


def entity_words(sentences: list[Sentence]) -> set[str]:
    """Every distinct word, in lower case, that is part of an entity in a split."""
    return {token.lower() for tokens, tags in sentences for token, tag in zip(tokens, tags, strict=True) if tag != "O"}


def describe(name: str, sentences: list[Sentence]) -> str:
    """One summary line: sentences, tokens, entities per type and sentences without entities."""
    counts = Counter(label for _, tags in sentences for label, _, _ in spans(tags))
    tokens = sum(len(t) for t, _ in sentences)
    empty = sum(1 for _, tags in sentences if not spans(tags))
    per_type = ", ".join(f"{label} {counts[label]}" for label in ENTITY_TYPES)
    return f"{name}: {len(sentences)} sentences, {tokens} tokens, entities {per_type}; {empty} without entities"


def conll_text(sentences: list[Sentence]) -> str:
    """CoNLL text: ``TOKEN TAG`` lines, a blank line after each sentence, ``-DOCSTART- O`` every 200 sentences."""
    lines: list[str] = []
    for i, (tokens, tags) in enumerate(sentences):
        if i % DOCUMENT_SENTENCES == 0:
            lines += [DOCSTART, ""]
        lines += [f"{token} {tag}" for token, tag in zip(tokens, tags, strict=True)]
        lines.append("")
    return "\n".join(lines) + "\n"


def jsonl_text(sentences: list[Sentence]) -> str:
    """JSON lines, one ``{"tokens": [...], "tags": [...]}`` object per sentence."""
    rows = [json.dumps({"tokens": tokens, "tags": tags}, ensure_ascii=False) for tokens, tags in sentences]
    return "\n".join(rows) + "\n"


def build(out_dir: Path) -> list[str]:
    """Write the three files into ``out_dir``.

    Args:
        out_dir: Folder for ``train.conll``, ``validation.conll`` and ``validation.jsonl``.

    Returns:
        Summary lines: sizes and entity counts per split, and how many validation entities hold a new word.
    """
    rng = random.Random(SEED)
    seen: set[str] = set()
    splits = {split: generate(rng, Drawer(rng, split), size, seen) for split, size in SIZES.items()}
    train, valid = splits["train"], splits["validation"]
    (out_dir / "train.conll").write_text(conll_text(train), encoding="utf-8")
    (out_dir / "validation.conll").write_text(conll_text(valid), encoding="utf-8")
    (out_dir / "validation.jsonl").write_text(jsonl_text(valid), encoding="utf-8")
    known = entity_words(train)
    mentions = [tokens[a:b] for tokens, tags in valid for _, a, b in spans(tags)]
    unseen = sum(1 for words in mentions if any(word.lower() not in known for word in words))
    return [
        describe("train.conll", train),
        describe("validation.conll / validation.jsonl", valid),
        f"validation entities with a word that is in no train entity: {unseen} of {len(mentions)}",
    ]


if __name__ == "__main__":
    sys.exit(rebuild.main(build, HERE, OUTPUTS, "Build the llmkit named-entity dataset."))
