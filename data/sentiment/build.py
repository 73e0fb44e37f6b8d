"""Build the bundled llmkit sentiment dataset (train.csv and validation.csv).

Every sentence in this dataset is original text written for llmkit. The material lives in ``source/`` next to
this file; this script only composes it:

* ``source/handwritten_positive.txt`` and ``source/handwritten_negative.txt``: hand-written review snippets,
  one per line;
* ``source/domains.yaml``: per-domain items, aspects with positive and negative adjectives, and concrete events;
* ``source/lexicon.yaml``: phrase lists shared by all domains (intensifiers, closings, personas, ...);
* ``source/templates.yaml``: the sentence templates, filled with ``str.format`` syntax.

The build is deterministic (fixed seed). Each generated template is capped at a small share of the rows so
that no single pattern dominates. The output is split into exactly balanced ``train`` and ``validation``
files with no duplicate texts and no overlap between the splits.

Usage (from anywhere)::

    python data/sentiment/build.py          # rewrite train.csv and validation.csv
    python data/sentiment/build.py --check  # rebuild into a temporary folder and compare

``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS`` for each of them and exits with
status 1 when any differs (0 otherwise).
"""

from __future__ import annotations

import csv
import random
import string
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for rebuild.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild

SEED = 20240611
TRAIN_PER_LABEL = 900
VALIDATION_PER_LABEL = 225
TEMPLATE_SHARE_CAP = 0.045  # max share of all rows produced by one template
MIN_WORDS, MAX_WORDS = 5, 35
OUT_DIR = Path(__file__).resolve().parent
SOURCE = OUT_DIR / "source"
OUTPUTS = ("train.csv", "validation.csv")
# Relative sampling weights of the templates (default 1.0).
WEIGHTS = {"event": 0.8, "feeling": 0.6, "recommend": 0.6, "value": 0.7}
SARCASM_SHARE = 0.015  # of negative rows
OPPOSITE = {"positive": "negative", "negative": "positive"}

Slots = dict[str, "str | Callable[[], str]"]
Template = Callable[[random.Random, dict, str, "str | list[str]"], str]


def _load_yaml(name: str) -> dict:
    return yaml.safe_load((SOURCE / name).read_text(encoding="utf-8"))


def _load_lines(name: str) -> list[str]:
    return [line for line in (SOURCE / name).read_text(encoding="utf-8").splitlines() if line]


def _load_domains() -> dict[str, dict]:
    """Domains from ``domains.yaml``, with each aspect turned into a dict that carries its own name."""
    domains = _load_yaml("domains.yaml")
    for d in domains.values():
        d["aspects"] = [{"name": name, **aspect} for name, aspect in d["aspects"].items()]
    return domains


DOMAINS = _load_domains()
LEX = _load_yaml("lexicon.yaml")
TEXTS = _load_yaml("templates.yaml")
HANDWRITTEN = {label: _load_lines(f"handwritten_{label}.txt") for label in ("positive", "negative")}
ABSOLUTE = frozenset(LEX["absolute_adjectives"])


# ---------------------------------------------------------------------------
# Small text helpers.
# ---------------------------------------------------------------------------


def be(plural: bool, present: bool = False) -> str:
    """Return the verb 'to be' agreeing with the aspect and tense."""
    if present:
        return "are" if plural else "is"
    return "were" if plural else "was"


def a_an(word: str) -> str:
    """Prefix the right indefinite article ('a' or 'an') to ``word``."""
    first = word.split()[0]
    if first.isupper() and first[0] in "AEFHILMNORSX":
        return f"an {word}"
    if first[0].lower() in "aeiou" and not first.isupper():
        return f"an {word}"
    return f"a {word}"


def cap(text: str) -> str:
    """Capitalise the first letter only (``str.capitalize`` would lower-case the rest)."""
    return text[0].upper() + text[1:]


FILTERS: dict[str, Callable[[str], str]] = {"cap": cap, "an": a_an}


class _Filler(string.Formatter):
    """``str.format`` with lazy slots and the ``cap`` / ``an`` filters of ``templates.yaml``.

    A callable slot is called anew at each place it appears, left to right, so a template that names ``{adj}``
    draws its adjective at the same point in the random sequence as the f-string it replaced did.
    """

    def get_value(self, key: Any, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        """The slot's value; a callable slot is called."""
        value = kwargs[key]
        return value() if callable(value) else value

    def format_field(self, value: Any, format_spec: str) -> str:
        """Apply the ``|``-separated filters named in the format spec."""
        for name in filter(None, format_spec.split("|")):
            value = FILTERS[name](value)
        return value


_FILLER = _Filler()


def fill(text: str, slots: Slots) -> str:
    """Fill one template string."""
    return _FILLER.vformat(text, (), slots)


def _forms(forms: list[str]) -> list[str]:
    # A single string here would make rng.choice pick one of its characters.
    if not isinstance(forms, list):
        raise TypeError(f"expected a list of alternative forms in templates.yaml, got {forms!r}")
    return forms


def choose_form(rng: random.Random, forms: list[str], slots: Slots) -> str:
    """Draw one form, then fill it (lazy slots are drawn for that form only)."""
    return fill(rng.choice(_forms(forms)), slots)


def choose_filled(rng: random.Random, forms: list[str], slots: Slots) -> str:
    """Fill every form, then draw one: the lazy slots of all forms are drawn, in order, before the choice.

    These templates were once a list of f-strings passed to ``rng.choice``; keeping their order of random
    draws keeps the committed files reproducible.
    """
    return rng.choice([fill(form, slots) for form in _forms(forms)])


def intens(rng: random.Random, adj: str, pol: str) -> str:
    """Optionally put an intensifier before a single-word adjective."""
    if " " in adj or adj in ABSOLUTE:
        return adj
    word = rng.choice(LEX["intensifiers"][pol])
    return f"{word} {adj}" if word else adj


def pick_aspect(rng: random.Random, d: dict, exclude: str | None = None) -> dict:
    """Draw an aspect of domain ``d`` other than ``exclude``."""
    return rng.choice([a for a in d["aspects"] if a["name"] != exclude])


def adj_of(rng: random.Random, aspect: dict, pol: str) -> str:
    """Draw an adjective of polarity ``pol`` for ``aspect``."""
    return rng.choice(aspect[pol])


def fresh(rng: random.Random, aspect: dict, pol: str) -> Callable[[], str]:
    """A lazy slot that draws a new adjective each time the template uses it."""
    return lambda: adj_of(rng, aspect, pol)


def aspect_slots(aspect: dict, n: str = "") -> Slots:
    """The ``{aspect}``, ``{was}`` and ``{is}`` slots (suffixed with ``n``, e.g. ``{aspect2}``)."""
    plural = aspect["plural"]
    return {f"aspect{n}": aspect["name"], f"was{n}": be(plural), f"is{n}": be(plural, True)}


# ---------------------------------------------------------------------------
# Templates: each takes (rng, domain, polarity, its texts from templates.yaml) and returns a sentence. The
# order of random draws in each function is part of the seeded build.
# ---------------------------------------------------------------------------


def t_aspect_simple(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    adj = intens(rng, adj_of(rng, a, pol), pol)
    return choose_form(rng, forms, {**aspect_slots(a), "item": item, "adj": adj})


def t_two_aspects(rng: random.Random, d: dict, pol: str, text: str) -> str:
    a1 = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a1["name"])
    closing = rng.choice(LEX["closings"][pol])
    slots = {**aspect_slots(a1, "1"), **aspect_slots(a2, "2"), "closing": closing}
    return fill(text, {**slots, "adj1": fresh(rng, a1, pol), "adj2": fresh(rng, a2, pol)})


def t_negation(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    other = adj_of(rng, a, OPPOSITE[pol])
    return choose_form(rng, forms, {**aspect_slots(a), "item": item, "other": other, "adj": fresh(rng, a, pol)})


def t_mixed(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a1 = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a1["name"])
    slots = {**aspect_slots(a1, "1"), **aspect_slots(a2, "2"), "item": rng.choice(d["items"])}
    return choose_form(rng, forms, {**slots, "other1": fresh(rng, a1, OPPOSITE[pol]), "adj2": fresh(rng, a2, pol)})


def t_recommend(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {"item": item, "who": rng.choice(LEX["people"])})


def t_terse(rng: random.Random, d: dict, pol: str, text: str) -> str:
    word1, word2 = rng.sample(LEX["terse"][pol], 2)
    a = pick_aspect(rng, d)
    slots = {**aspect_slots(a), "word1": word1, "word2": word2, "again": d["again"]}
    return fill(text, {**slots, "adj": fresh(rng, a, pol)})


def t_formal(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    item = rng.choice(d["items"])
    a = pick_aspect(rng, d)
    return choose_form(rng, forms, {**aspect_slots(a), "item": item, "adj": fresh(rng, a, pol)})


def t_casual(rng: random.Random, d: dict, pol: str, text: str) -> str:
    a = pick_aspect(rng, d)
    opener = rng.choice(LEX["casual_openers"])
    word = rng.choice(LEX["casual_words"][pol])
    ending = rng.choice(LEX["casual_endings"][pol])
    return fill(text, {**aspect_slots(a), "opener": opener, "word": word, "ending": ending})


def t_event(rng: random.Random, d: dict, pol: str, text: str) -> str:
    event = rng.choice(d["events"][pol])
    prefix = rng.choice(LEX["prefixes"][pol])
    return cap(fill(text, {"prefix": f"{prefix} " if prefix else "", "event": event}))


def t_two_events(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    event1, event2 = rng.sample(d["events"][pol], 2)
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {"event1": event1, "event2": event2, "item": item})


def t_event_aspect(rng: random.Random, d: dict, pol: str, text: str) -> str:
    event = rng.choice(d["events"][pol])
    a = pick_aspect(rng, d)
    joiner = rng.choice(LEX["joiners"])
    adj = intens(rng, adj_of(rng, a, pol), pol)
    return fill(text, {**aspect_slots(a), "event": event, "joiner": joiner, "adj": adj})


def t_expectation(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {**aspect_slots(a), "item": item, "adj": adj_of(rng, a, pol)})


def t_persona(rng: random.Random, d: dict, pol: str, text: str) -> str:
    a = pick_aspect(rng, d)
    persona = rng.choice(LEX["personas"])
    adj = intens(rng, adj_of(rng, a, pol), pol)
    return fill(text, {**aspect_slots(a), "persona": persona, "adj": adj})


def t_comparison(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {**aspect_slots(a), "item": item, "adj": adj_of(rng, a, pol)})


def t_time(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    duration = rng.choice(LEX["durations"])
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {**aspect_slots(a), "duration": duration, "item": item, "adj": fresh(rng, a, pol)})


def t_rating(rng: random.Random, d: dict, pol: str, text: str) -> str:
    a1 = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a1["name"])
    slots = {**aspect_slots(a1, "1"), **aspect_slots(a2, "2"), "stars": rng.choice(LEX["stars"][pol])}
    return fill(text, {**slots, "adj1": fresh(rng, a1, pol), "adj2": fresh(rng, a2, pol)})


def t_question(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    slots = {**aspect_slots(a), "item": rng.choice(d["items"]), "adj": fresh(rng, a, pol)}
    return choose_filled(rng, forms, {**slots, "generic": lambda: rng.choice(LEX["generic_adjectives"][pol])})


def t_value(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    return choose_filled(rng, forms, {**aspect_slots(a), "item": item, "adj": fresh(rng, a, pol)})


def t_feeling(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    item = rng.choice(d["items"])
    feeling = rng.choice(LEX["feelings"][pol])
    generic = rng.choice(LEX["generic_adjectives"][pol])
    return choose_filled(rng, forms, {"item": item, "feeling": feeling, "generic": generic})


def t_generic_verdict(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    item = rng.choice(d["items"])
    generic1, generic2 = rng.sample(LEX["generic_adjectives"][pol], 2)
    slots = {"item": item, "generic1": generic1, "generic2": generic2, "again": d["again"]}
    return choose_filled(rng, forms, slots)


def t_sarcasm(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    """Sarcastic complaint (negative only; used sparingly)."""
    a = pick_aspect(rng, d)
    event = rng.choice(d["events"]["negative"])
    return choose_filled(rng, forms, {**aspect_slots(a), "event": event, "adj": fresh(rng, a, "negative")})


def t_instructional(rng: random.Random, d: dict, pol: str, forms: list[str]) -> str:
    item = rng.choice(d["items"])
    a = pick_aspect(rng, d)
    return choose_filled(rng, forms, {**aspect_slots(a), "item": item, "adj": fresh(rng, a, pol)})


# Sampling order of the templates; sarcasm is drawn separately.
TEMPLATES: dict[str, Template] = {
    "aspect_simple": t_aspect_simple,
    "two_aspects": t_two_aspects,
    "negation": t_negation,
    "mixed": t_mixed,
    "recommend": t_recommend,
    "terse": t_terse,
    "formal": t_formal,
    "casual": t_casual,
    "event": t_event,
    "two_events": t_two_events,
    "event_aspect": t_event_aspect,
    "expectation": t_expectation,
    "persona": t_persona,
    "comparison": t_comparison,
    "time": t_time,
    "rating": t_rating,
    "question": t_question,
    "value": t_value,
    "feeling": t_feeling,
    "generic_verdict": t_generic_verdict,
    "instructional": t_instructional,
}


def texts_of(name: str, pol: str) -> str | list[str]:
    """The texts of template ``name`` for polarity ``pol`` (or for both polarities)."""
    spec = TEXTS[name]
    return spec[pol] if pol in spec else spec["both"]


# ---------------------------------------------------------------------------
# Assembly.
# ---------------------------------------------------------------------------


def word_count(text: str) -> int:
    """Number of white-space separated words."""
    return len(text.split())


def generate_label(rng: random.Random, pol: str, n_needed: int, cap_n: int, seen: set[str]) -> list[str]:
    """Return ``n_needed`` unique sentences of one polarity: the hand-written ones, then generated ones.

    Args:
        rng: the build's random generator.
        pol: ``"positive"`` or ``"negative"``.
        n_needed: number of sentences to return.
        cap_n: most sentences any one template may produce.
        seen: texts used so far (both labels); the new ones are added.

    Returns:
        The sentences, hand-written first.
    """
    rows = list(HANDWRITTEN[pol])
    for t in rows:
        if t in seen:
            raise ValueError(f"duplicate hand-written text: {t}")
        if not MIN_WORDS <= word_count(t) <= MAX_WORDS:
            raise ValueError(f"hand-written text has the wrong length: {t}")
        seen.add(t)
    names = list(TEMPLATES)
    weights = [WEIGHTS.get(n, 1.0) for n in names]
    domain_names = list(DOMAINS)
    counts = dict.fromkeys(names, 0)
    sarcasm_left = 0 if pol == "positive" else int(SARCASM_SHARE * n_needed)
    attempts = 0
    while len(rows) < n_needed:
        attempts += 1
        if attempts > 500_000:
            raise RuntimeError("generator could not produce enough unique rows")
        d = DOMAINS[rng.choice(domain_names)]
        if sarcasm_left and rng.random() < 0.03:
            name, fn = "sarcasm", t_sarcasm
        else:
            name = rng.choices(names, weights=weights)[0]
            fn = TEMPLATES[name]
            if counts[name] >= cap_n:
                continue
        text = fn(rng, d, pol, texts_of(name, pol))
        if text in seen or not MIN_WORDS <= word_count(text) <= MAX_WORDS:
            continue
        seen.add(text)
        rows.append(text)
        if name == "sarcasm":
            sarcasm_left -= 1
        else:
            counts[name] += 1
    return rows


def write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    """Write ``(text, label)`` rows under a ``text,label`` header, quoted as the csv module does."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def build(out_dir: Path, seed: int = SEED) -> list[str]:
    """Write ``train.csv`` and ``validation.csv`` into ``out_dir``.

    Args:
        out_dir: folder to write into (the committed files live in ``OUT_DIR``).
        seed: seed of the random generator; only ``SEED`` reproduces the committed files.

    Returns:
        One summary line per file written.
    """
    rng = random.Random(seed)
    per_label = TRAIN_PER_LABEL + VALIDATION_PER_LABEL
    cap_n = int(TEMPLATE_SHARE_CAP * 2 * per_label) // 2  # per label per template
    seen: set[str] = set()
    splits: dict[str, list[tuple[str, str]]] = {"train": [], "validation": []}
    for label in ("positive", "negative"):
        texts = generate_label(rng, label, per_label, cap_n, seen)
        rng.shuffle(texts)
        splits["validation"] += [(t, label) for t in texts[:VALIDATION_PER_LABEL]]
        splits["train"] += [(t, label) for t in texts[VALIDATION_PER_LABEL:]]
    summary = []
    for name, rows in splits.items():
        rng.shuffle(rows)
        write_csv(out_dir / f"{name}.csv", rows)
        summary.append(f"wrote {len(rows)} rows to {name}.csv")
    return summary


if __name__ == "__main__":
    sys.exit(rebuild.main(build, OUT_DIR, OUTPUTS, __doc__.splitlines()[0]))
