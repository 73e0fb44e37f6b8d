"""Build the bundled llmkit extractive question-answering dataset.

Running ``python data/qa/build.py`` regenerates, byte for byte, the four files in this folder:

* ``train.json`` and ``validation.json`` (SQuAD v1.1 layout, all answerable);
* ``train_v2.json`` and ``validation_v2.json`` (SQuAD v2.0 layout, about a third of the questions are
  unanswerable and marked ``is_impossible``).

Usage (from anywhere)::

    python data/qa/build.py          # rewrite the four JSON files
    python data/qa/build.py --check  # rebuild into a temporary folder and compare

``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS`` for each of them and exits with
status 1 when any differs (0 otherwise).

All text is original and was written for llmkit. It lives in ``source/`` next to this file, and the dataset
mixes two kinds of material:

1. Hand-written paragraphs (``source/handwritten_<split>.yaml``), each with hand-written questions. Only the
   answer *text* is written by hand; its character offset is always found by code (``context.find``) and
   checked.
2. Generated paragraphs. Each template in ``source/templates.yaml`` holds the sentences of a paragraph about an
   invented subject (a town, a company, a river, a festival, ...) and question phrasings keyed by the slot that
   answers them. Its ``slots_*`` function below draws the slot values (names, numbers and phrases from
   ``source/entities.yaml``) with a seeded ``random.Random``. The order of most sentences is shuffled, and the
   renderer records where every slot value lands in the paragraph, so offsets are exact.

Generated articles are named after an invented town and hold two to four paragraphs produced by different
templates. Every name comes from a shared pool that never hands out the same name twice, so no article title or
context is shared between files.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for rebuild.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild

SEED = 20240611
OUT_DIR = Path(__file__).resolve().parent
SOURCE = OUT_DIR / "source"
VERSION_V1 = "1.1"
VERSION_V2 = "v2.0"
SPLITS = ("train", "validation", "train_v2", "validation_v2")
OUTPUTS = tuple(f"{split}.json" for split in SPLITS)
# Paragraphs generated per file, on top of the hand-written ones.
GENERATED = {"train": 110, "validation": 26, "train_v2": 110, "validation_v2": 10}
# Slots that hold a person's name: in validation files the surname alone is also a gold answer.
PERSON_KEYS = frozenset(
    {
        "founder",
        "inventor",
        "discoverer",
        "captain",
        "teacher",
        "climber",
        "coach",
        "ceo",
        "author",
        "architect",
        "engineer",
        "negotiator",
        "painter",
        "keeper",
        "musician",
        "buyer",
    }
)
SLOT = re.compile(r"\{(\w+)\}")

Slots = dict[str, str]
# A sentence is a string, a list of alternative phrasings (one is drawn) or a tuple of sentences kept together.
Sentence = "str | list[str] | tuple[Sentence, ...]"


def _load_yaml(name: str) -> Any:
    return yaml.safe_load((SOURCE / name).read_text(encoding="utf-8"))


ENT = SimpleNamespace(**_load_yaml("entities.yaml"))


# --------------------------------------------------------------------------
# Names and numbers
# --------------------------------------------------------------------------


class NamePool:
    """Hands out invented names that are never repeated in the dataset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        places = [a + b for a in ENT.place_start for b in ENT.place_end]
        rivers = [a + b for a in ENT.river_start for b in ENT.river_end]
        people = [f"{a} {b}" for a in ENT.first_names for b in ENT.last_names]
        for lst in (places, rivers, people):
            rng.shuffle(lst)
        self.places = places
        self.rivers = rivers
        self.people = people
        self.para_surnames: set[str] = set()
        self.used: set[str] = set()

    def place(self) -> str:
        """A new place name."""
        return self.places.pop()

    def river(self) -> str:
        """A new river name."""
        return "River " + self.rivers.pop()

    def unique(self, make: Callable[[], str]) -> str:
        """Call ``make()`` until it returns a name not used before."""
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def combo(self, first: list[str], second: list[str], sep: str = " ") -> str:
        """A never-repeated name made of two parts."""
        r = self.rng
        return self.unique(lambda: r.choice(first) + sep + r.choice(second))

    def new_paragraph(self) -> None:
        """Start a paragraph: surnames may repeat across paragraphs but not within one."""
        self.para_surnames = set()

    def person(self) -> str:
        """A new person's name whose surname is not used yet in this paragraph."""
        # Never two people with the same surname in one paragraph, so that a
        # surname given as an alternative answer is never ambiguous.
        skipped = []
        while True:
            name = self.people.pop()
            last = name.split()[-1]
            if last not in self.para_surnames:
                self.para_surnames.add(last)
                self.people.extend(reversed(skipped))
                return name
            skipped.append(name)


class Article:
    """Shared setting for the paragraphs of one generated article."""

    def __init__(self, names: NamePool, rng: random.Random) -> None:
        self.town = names.place()
        self.region = rng.choice(ENT.regions)
        self.river = names.river()


def num(r: random.Random, lo: int, hi: int, step: int = 1) -> str:
    """A formatted integer such as ``12,400``."""
    return f"{r.randrange(lo, hi + 1, step):,}"


def word(r: random.Random, lo: int, hi: int) -> str:
    """A small number written as a word."""
    return ENT.number_words[r.randint(lo, hi)]


def pick(r: random.Random, options: str | list[str]) -> str:
    """Choose one variant when given a list, else return the value."""
    return r.choice(options) if isinstance(options, list) else options


# --------------------------------------------------------------------------
# Slot values of the paragraph templates in source/templates.yaml
#
# Each function draws the slot values of one template for a paragraph about
# article ``a``, taking new names from ``n``; {town}, {region} and {river}
# come from the article. The order of the draws is part of the seeded build.
# --------------------------------------------------------------------------


def slots_town(r: random.Random, n: NamePool, a: Article) -> Slots:
    year = r.randint(1150, 1600)
    return dict(
        founder=n.person(),
        role=r.choice(ENT.founder_roles),
        year=str(year),
        charter=str(year + r.randint(30, 200)),
        industry=r.choice(ENT.industries),
        population=num(r, 2000, 48000, 100),
        bank=r.choice(ENT.banks),
    )


def slots_company(r: random.Random, n: NamePool, a: Article) -> Slots:
    while True:
        suffix, product = r.choice(list(ENT.products.items()))
        founder = n.person()
        company = f"{founder.split()[-1]} {suffix}"
        if company not in n.used:
            n.used.add(company)
            break
    year = r.randint(1780, 1950)
    return dict(
        company=company,
        product=product,
        founder=founder,
        year=str(year),
        employees=num(r, 120, 4000, 10),
        country=r.choice(ENT.states),
        ceo=n.person(),
        ceo_year=str(r.randint(1975, 2021)),
        factories=word(r, 2, 6),
    )


def slots_inventor(r: random.Random, n: NamePool, a: Article) -> Slots:
    while True:
        device, purpose = r.choice(list(ENT.devices.items()))
        inventor = n.person()
        machine = f"{inventor.split()[-1]} {device}"
        if machine not in n.used:
            n.used.add(machine)
            break
    year = r.randint(1760, 1900)
    return dict(
        machine=machine,
        inventor=inventor,
        last=inventor.split()[-1],
        trade=r.choice(ENT.trades),
        year=str(year),
        purpose=purpose,
        workers=word(r, 4, 20),
        material=r.choice(ENT.materials),
        patent=str(year + r.randint(1, 6)),
    )


def slots_river(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        hills=r.choice(ENT.hills),
        length=num(r, 40, 480) + " kilometres",
        sea=r.choice(ENT.seas),
        tributary=n.river(),
        fish=r.choice(ENT.fish),
        bridges=word(r, 3, 19),
        bridge_year=str(r.randint(1200, 1700)),
        width=word(r, 4, 15) + " metres",
    )


def slots_animal(r: random.Random, n: NamePool, a: Article) -> Slots:
    animal = n.combo(ENT.animal_adjectives, list(ENT.animal_kinds))
    return dict(
        animal=animal,
        klass=ENT.animal_kinds[animal.split()[-1]],
        habitat=r.choice(ENT.habitats),
        diet=r.choice(ENT.diets),
        length=str(r.randint(6, 60)) + " centimetres",
        lifespan=word(r, 3, 14) + " years",
        year=str(r.randint(1790, 1960)),
        discoverer=n.person(),
        brood=word(r, 2, 7),
        threat=r.choice(ENT.threats),
    )


def slots_dish(r: random.Random, n: NamePool, a: Article) -> Slots:
    dish = n.unique(lambda: f"{a.town} {r.choice(ENT.dish_kinds)}")
    return dict(
        dish=dish,
        ingredient=r.choice(ENT.ingredients),
        ingredient2=r.choice(ENT.second_ingredients),
        vessel=r.choice(ENT.vessels),
        minutes=str(r.randrange(20, 185, 5)) + " minutes",
        festival=f"the {a.town} {r.choice(ENT.festival_kinds)}",
        spice=r.choice(ENT.spices),
        year=str(r.randint(1600, 1900)),
        author=n.person(),
    )


def slots_club(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        club=f"{a.town} {r.choice(ENT.club_suffixes)}",
        sport=r.choice(ENT.sports),
        year=str(r.randint(1860, 1960)),
        group=r.choice(ENT.founder_groups),
        stadium=f"{n.place()} Park",
        capacity=num(r, 1500, 32000, 50),
        colours=r.choice(ENT.colours),
        rival=f"{n.place()} {r.choice(ENT.club_suffixes)}",
        titles=word(r, 2, 20),
        coach=n.person(),
    )


def slots_festival(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        festival=f"{a.town} {r.choice(ENT.festival_kinds)}",
        month=r.choice(ENT.months),
        days=word(r, 2, 10),
        visitors=num(r, 3000, 90000, 500),
        year=str(r.randint(1500, 1950)),
        founder=n.person(),
        reason=r.choice(ENT.reasons),
        event=r.choice(ENT.festival_events),
        symbol=r.choice(ENT.symbols),
        charity=r.choice(ENT.charities),
    )


def slots_bridge(r: random.Random, n: NamePool, a: Article) -> Slots:
    year = r.randint(1700, 1930)
    return dict(
        bridge=f"{n.place()} Bridge",
        architect=n.person(),
        build=word(r, 2, 9),
        year=str(year),
        material=r.choice(ENT.bridge_materials),
        length=str(r.randint(40, 420)) + " metres",
        cost=f"{r.randint(8, 190)},000 pounds",
        funders=r.choice(ENT.bridge_funders),
        toll_end=str(year + r.randint(10, 80)),
    )


def slots_building(r: random.Random, n: NamePool, a: Article) -> Slots:
    year = r.randint(1720, 1910)
    return dict(
        building=f"{a.town} {r.choice(ENT.building_kinds)}",
        style=r.choice(ENT.styles),
        year=str(year),
        architect=n.person(),
        orig=r.choice(ENT.original_uses),
        floors=word(r, 2, 5),
        feature=r.choice(ENT.features),
        fire=str(year + r.randint(20, 100)),
        now=r.choice(ENT.current_uses),
        seats=str(r.randrange(150, 900, 10)),
    )


def slots_ship(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        ship=n.combo(ENT.ship_first, ENT.ship_second),
        kind=r.choice(ENT.ship_types),
        port=a.town,
        year=str(r.randint(1650, 1890)),
        captain=n.person(),
        crew=str(r.randint(12, 90)),
        dest=n.place(),
        cargo=r.choice(ENT.cargoes),
        days=str(r.randint(40, 300)),
        delay=r.choice(ENT.delays),
        fate=r.choice(ENT.fates),
        months=word(r, 3, 12),
    )


def slots_composer(r: random.Random, n: NamePool, a: Article) -> Slots:
    name = n.person()
    byear = r.randint(1700, 1900)
    return dict(
        musician=name,
        last=name.split()[-1],
        instrument=r.choice(ENT.instruments),
        byear=str(byear),
        teacher=n.person(),
        academy=f"{n.place()} Conservatory",
        work=n.combo(ENT.work_first, ENT.work_second),
        wyear=str(byear + r.randint(20, 45)),
        ensemble=r.choice(ENT.ensembles),
        quality=r.choice(ENT.qualities),
        dyear=str(byear + r.randint(50, 90)),
        burial=n.place(),
        archive=f"the {n.place()} Record Office",
    )


def slots_college(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        college=f"{a.town} College",
        subject=r.choice(ENT.subjects),
        year=str(r.randint(1780, 1960)),
        founder=n.person(),
        students=num(r, 300, 9000, 10),
        volumes=num(r, 20000, 400000, 1000),
        motto=r.choice(ENT.mottos),
        site=r.choice(ENT.former_sites),
    )


def slots_mountain(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        mountain=f"Mount {n.place()}",
        range=r.choice(ENT.hills),
        height=num(r, 900, 4200),
        year=str(r.randint(1780, 1930)),
        climber=n.person(),
        face=r.choice(ENT.faces),
        glacier=f"the {n.place()} Glacier",
        hut=str(r.randint(1880, 1980)),
        beds=str(r.randint(8, 60)),
    )


def slots_island(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        island=f"{n.place()} Island",
        sea=r.choice(ENT.seas),
        area=str(r.randint(4, 220)),
        population=num(r, 40, 3000, 10),
        village=n.place(),
        export=r.choice(ENT.exports),
        port=a.town,
        hours=word(r, 2, 9),
        origin=r.choice(ENT.states),
        year=str(r.randint(900, 1500)),
        crop=r.choice(ENT.island_crops),
    )


def slots_treaty(r: random.Random, n: NamePool, a: Article) -> Slots:
    s1, s2 = r.sample(ENT.states, 2)
    year = r.randint(1300, 1850)
    return dict(
        treaty=f"Treaty of {a.town}",
        year=str(year),
        state1=s1,
        state2=s2,
        war=word(r, 3, 20) + " years",
        disputed=r.choice(ENT.disputed_lands),
        exchange=r.choice(ENT.exchanges),
        negotiator=n.person(),
        end=str(year + r.randint(15, 120)),
    )


def slots_plant(r: random.Random, n: NamePool, a: Article) -> Slots:
    plant = n.combo(ENT.plant_first, ENT.plant_second, sep="")
    product, use = r.choice(list(ENT.plant_products.items()))
    return dict(
        plant=plant,
        Plant=plant[0].upper() + plant[1:],
        height=str(r.randint(20, 180)) + " centimetres",
        colour=r.choice(ENT.flower_colours),
        month=r.choice(ENT.months),
        product=product,
        use=use,
        year=str(r.randint(1600, 1950)),
        need=r.choice(ENT.needs),
        bad=r.choice(ENT.bad_conditions),
        ailment=r.choice(ENT.ailments),
    )


def slots_railway(r: random.Random, n: NamePool, a: Article) -> Slots:
    town2 = n.place()
    year = r.randint(1830, 1910)
    return dict(
        line=f"{a.town} and {town2} Railway",
        gauge=r.choice(ENT.gauges),
        town2=town2,
        engineer=n.person(),
        year=str(year),
        length=str(r.randint(8, 90)) + " kilometres",
        stations=word(r, 3, 16),
        halt=n.place(),
        loco=r.choice(ENT.loco_names),
        loco_year=str(year + r.randint(0, 40)),
        freight=r.choice(ENT.freights),
        freight_end=str(r.randint(1950, 1990)),
    )


def slots_painting(r: random.Random, n: NamePool, a: Article) -> Slots:
    title = n.combo(ENT.painting_first, ENT.painting_second)
    year = r.randint(1750, 1930)
    return dict(
        painting=title,
        painter=n.person(),
        year=str(year),
        view=r.choice(ENT.viewpoints),
        size=f"{r.randint(40, 240)} by {r.randint(40, 240)} centimetres",
        museum=r.choice(ENT.museums),
        city=n.place(),
        buy_year=str(year + r.randint(5, 90)),
        buyer=n.person(),
        price=f"{r.randint(2, 900)} guineas",
        medium=r.choice(ENT.sketch_media),
    )


def slots_game(r: random.Random, n: NamePool, a: Article) -> Slots:
    return dict(
        game=n.combo(ENT.game_first, ENT.game_second),
        players=word(r, 2, 6),
        inventor=n.person(),
        year=str(r.randint(1700, 1960)),
        pieces=word(r, 6, 20),
        objective=r.choice(ENT.objectives),
        champ=n.place(),
        champ_year=str(r.randint(1960, 2010)),
        minutes=f"{r.randint(15, 90)} minutes",
        book=r.choice(ENT.rule_books),
    )


def slots_lighthouse(r: random.Random, n: NamePool, a: Article) -> Slots:
    year = r.randint(1760, 1910)
    return dict(
        light=f"{a.town} Light",
        headland=r.choice(ENT.headlands),
        height=f"{r.randint(12, 55)} metres",
        year=str(year),
        range=str(r.randint(8, 28)) + " nautical miles",
        flashes=word(r, 2, 5),
        period=str(r.randrange(10, 35, 5)),
        keeper=n.person(),
        auto=str(r.randint(1960, 1998)),
        wreck=n.combo(ENT.ship_first, ENT.ship_second),
    )


# Template order is part of the seeded build (articles draw a sample of it).
TEMPLATES: dict[str, Callable[[random.Random, NamePool, Article], Slots]] = {
    "town": slots_town,
    "company": slots_company,
    "inventor": slots_inventor,
    "river": slots_river,
    "animal": slots_animal,
    "dish": slots_dish,
    "club": slots_club,
    "festival": slots_festival,
    "bridge": slots_bridge,
    "building": slots_building,
    "ship": slots_ship,
    "composer": slots_composer,
    "college": slots_college,
    "mountain": slots_mountain,
    "island": slots_island,
    "treaty": slots_treaty,
    "plant": slots_plant,
    "railway": slots_railway,
    "painting": slots_painting,
    "game": slots_game,
    "lighthouse": slots_lighthouse,
}


# --------------------------------------------------------------------------
# Loading the texts
# --------------------------------------------------------------------------


def _strings(value: object, where: str) -> list[str]:
    # Phrasings are drawn with rng.choice even when there is only one, and answers are looped over: a bare
    # string in their place would silently pick or loop over single characters, so insist on a list.
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        raise ValueError(f"{where}: expected a list of strings, got {value!r}")
    return value


def _sentence(spec: str | dict) -> Sentence:
    """A sentence of templates.yaml: a string, ``one_of`` alternatives (a list) or ``together`` (a tuple)."""
    if isinstance(spec, str):
        return spec
    if "one_of" in spec:
        return _strings(spec["one_of"], "one_of")
    return tuple(_sentence(s) for s in spec["together"])


def load_templates() -> dict[str, dict]:
    """The template texts, as first / rest sentences, ``qs`` (slot, phrasings) and ``imp`` (slot or None, ...)."""
    texts = {}
    for name, spec in _load_yaml("templates.yaml").items():
        texts[name] = {
            "first": [_sentence(s) for s in spec["first"]],
            "rest": [_sentence(s) for s in spec["rest"]],
            "qs": [(key, _strings(p, f"{name}.{key}")) for key, p in spec["questions"].items()],
            "imp": [(u["plausible"], _strings(u["ask"], f"{name}.unanswerable")) for u in spec["unanswerable"]],
        }
    if set(texts) != set(TEMPLATES):
        raise ValueError(f"templates.yaml and TEMPLATES differ: {sorted(set(texts) ^ set(TEMPLATES))}")
    return texts


def _hand_paragraph(spec: dict) -> dict:
    return {
        # The YAML wraps a context over several lines: normalise the white space.
        "context": " ".join(spec["context"].split()),
        "qs": [(q["question"], _strings(q["answers"], q["question"])) for q in spec["questions"]],
        "imp": [(q["question"], q["plausible"]) for q in spec.get("unanswerable", [])],
    }


def load_hand(split: str) -> list[tuple[str, list[dict]]]:
    """The hand-written articles of ``split`` as (title, paragraphs)."""
    articles = _load_yaml(f"handwritten_{split}.yaml")
    return [(art["title"], [_hand_paragraph(p) for p in art["paragraphs"]]) for art in articles]


TEXTS = load_templates()


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------


def render(sentences: list[str], slots: Slots) -> tuple[str, dict[str, int]]:
    """Fill the slots and record where each slot value first lands."""
    parts: list[str] = []
    pos = 0
    spans: dict[str, int] = {}
    for sentence in sentences:
        if parts:
            parts.append(" ")
            pos += 1
        last = 0
        for m in SLOT.finditer(sentence):
            literal = sentence[last : m.start()]
            parts.append(literal)
            pos += len(literal)
            value = slots[m.group(1)]
            spans.setdefault(m.group(1), pos)
            parts.append(value)
            pos += len(value)
            last = m.end()
        parts.append(sentence[last:])
        pos += len(sentence) - last
    return "".join(parts), spans


class IdMaker:
    """Deterministic, unique, SQuAD-looking hexadecimal ids."""

    def __init__(self, split: str) -> None:
        self.split = split
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        key = f"llmkit-qa/{self.split}/{self.count}"
        return hashlib.sha1(key.encode()).hexdigest()[:24]


def alternatives(context: str, start: int, text: str, key: str | None) -> list[tuple[int, str]]:
    """Other acceptable spans for a gold answer (validation files only)."""
    alts = []
    if key in PERSON_KEYS and " " in text:
        last = text.split()[-1]
        alts.append((start + len(text) - len(last), last))
    m = re.match(r"^([\d,.]+) [a-z]", text)
    if m:
        alts.append((start, m.group(1)))
    for prefix in ("the ", "in ", "about ", "around ", "a "):
        if context[max(0, start - len(prefix)) : start] == prefix:
            alts.append((start - len(prefix), prefix + text))
            break
    for prefix in ("the ", "a "):
        if text.startswith(prefix) and len(text) > len(prefix) + 3:
            alts.append((start + len(prefix), text[len(prefix) :]))
    return alts


def fill(question: str, slots: Slots) -> str:
    """Fill a question template; "Harriers's" becomes "Harriers'"."""
    return re.sub(r"s's\b", "s'", question.format(**slots))


def answer(context: str, start: int, text: str) -> dict:
    """A SQuAD answer, after checking that ``text`` sits at ``start``."""
    assert context[start : start + len(text)] == text, (text, context)
    return {"text": text, "answer_start": start}


def paragraph_text(rng: random.Random, t: dict, slots: Slots) -> tuple[str, dict[str, int]]:
    """Draw the phrasing and order of a template's sentences and render them."""
    sentences = [pick(rng, s) for s in t["first"]]
    rest = list(t["rest"])
    rng.shuffle(rest)
    for item in rest:
        group = item if isinstance(item, tuple) else (item,)
        sentences.extend(pick(rng, s) for s in group)
    return render(sentences, slots)


def unanswerable(
    rng: random.Random, t: dict, slots: Slots, context: str, spans: dict[str, int], ids: IdMaker
) -> list[dict]:
    """Two or three of the template's unanswerable questions, with the nearest real span as plausible answer."""
    qas = []
    for key, phrasings in rng.sample(t["imp"], rng.choice([2, 2, 3])):
        qa = {"id": ids(), "question": fill(rng.choice(phrasings), slots), "answers": [], "is_impossible": True}
        if key is not None and key in spans:
            qa["plausible_answers"] = [answer(context, spans[key], slots[key])]
        qas.append(qa)
    return qas


def generated_paragraph(
    rng: random.Random, names: NamePool, art: Article, template: str, split: str, ids: IdMaker
) -> dict:
    """One generated paragraph with its questions, in the SQuAD layout.

    Args:
        rng: the build's random generator.
        names: the shared name pool.
        art: the article the paragraph belongs to.
        template: name of the template in ``TEMPLATES``.
        split: output file (``train``, ``validation_v2``, ...): v2 files get unanswerable questions and
            validation files extra gold answers.
        ids: id maker of the split.

    Returns:
        ``{"context": ..., "qas": [...]}``.
    """
    v2 = split.endswith("_v2")
    val = split.startswith("validation")
    names.new_paragraph()
    # Every template may use the town, region and river of its article.
    slots = {"town": art.town, "region": art.region, "river": art.river, **TEMPLATES[template](rng, names, art)}
    t = TEXTS[template]
    context, spans = paragraph_text(rng, t, slots)

    candidates = []
    for key, phrasings in t["qs"]:
        question = fill(rng.choice(phrasings), slots)
        if key in spans and slots[key].lower() not in question.lower():
            candidates.append((key, question))
    n_ans = rng.randint(4, 5) if v2 else rng.randint(4, 6)
    chosen = rng.sample(candidates, min(n_ans, len(candidates)))
    qas = []
    for key, question in chosen:
        start, text = spans[key], slots[key]
        golds = [answer(context, start, text)]
        if val:
            alts = alternatives(context, start, text, key)
            for a_start, a_text in rng.sample(alts, rng.randint(0, min(2, len(alts)))):
                golds.append(answer(context, a_start, a_text))
        qa = {"id": ids(), "question": question, "answers": golds}
        if v2:
            qa["is_impossible"] = False
        qas.append(qa)
    if v2:
        qas += unanswerable(rng, t, slots, context, spans, ids)
        rng.shuffle(qas)
    else:
        for qa in qas:
            qa["is_impossible"] = False
    return {"context": context, "qas": qas}


def hand_paragraph(rng: random.Random, para: dict, split: str, ids: IdMaker) -> dict:
    """A hand-written paragraph with its questions, in the SQuAD layout; offsets are found here."""
    v2 = split.endswith("_v2")
    context = para["context"]
    qas = []
    for question, golds in para["qs"]:
        answers = []
        for text in golds:
            start = context.find(text)
            assert start >= 0, (text, context)
            answers.append(answer(context, start, text))
        qas.append({"id": ids(), "question": question, "answers": answers, "is_impossible": False})
    if v2:
        for question, plausible in para["imp"]:
            qa = {"id": ids(), "question": question, "answers": [], "is_impossible": True}
            if plausible is not None:
                start = context.find(plausible)
                assert start >= 0, (plausible, context)
                qa["plausible_answers"] = [answer(context, start, plausible)]
            qas.append(qa)
        rng.shuffle(qas)
    return {"context": context, "qas": qas}


def build_split(rng: random.Random, names: NamePool, split: str, hand: list) -> dict:
    """The whole dataset of one file: hand-written articles, then generated ones, shuffled."""
    ids = IdMaker(split)
    articles = []
    for title, paras in hand:
        articles.append({"title": title, "paragraphs": [hand_paragraph(rng, p, split, ids) for p in paras]})
    made = 0
    while made < GENERATED[split]:
        art = Article(names, rng)
        k = min(rng.choice([2, 3, 3, 4]), GENERATED[split] - made)
        templates = rng.sample(list(TEMPLATES), k)
        paragraphs = [generated_paragraph(rng, names, art, t, split, ids) for t in templates]
        articles.append({"title": art.town, "paragraphs": paragraphs})
        made += k
    rng.shuffle(articles)
    version = VERSION_V2 if split.endswith("_v2") else VERSION_V1
    return {"version": version, "data": articles}


def validate(dataset: dict) -> None:
    """Assert that ids are unique and every answer span sits at its stated offset."""
    seen = set()
    for article in dataset["data"]:
        for para in article["paragraphs"]:
            ctx = para["context"]
            for qa in para["qas"]:
                assert qa["id"] not in seen
                seen.add(qa["id"])
                spans = qa["answers"] + qa.get("plausible_answers", [])
                for a in spans:
                    s = a["answer_start"]
                    assert ctx[s : s + len(a["text"])] == a["text"]
                assert bool(qa["answers"]) != qa["is_impossible"]


def build(out_dir: Path, seed: int = SEED) -> list[str]:
    """Write the four JSON files into ``out_dir``.

    Args:
        out_dir: folder to write into (the committed files live in ``OUT_DIR``).
        seed: seed of the random generator; only ``SEED`` reproduces the committed files.

    Returns:
        One summary line (counts) per file written.
    """
    rng = random.Random(seed)
    names = NamePool(rng)
    summary = []
    for split in SPLITS:
        dataset = build_split(rng, names, split, load_hand(split))
        validate(dataset)
        path = out_dir / f"{split}.json"
        path.write_text(json.dumps(dataset, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paras = [p for a in dataset["data"] for p in a["paragraphs"]]
        qas = [q for p in paras for q in p["qas"]]
        impossible = sum(q["is_impossible"] for q in qas)
        summary.append(
            f"{path.name}: {len(dataset['data'])} articles, {len(paras)} paragraphs, "
            f"{len(qas)} questions, {impossible} unanswerable"
        )
    return summary


if __name__ == "__main__":
    sys.exit(rebuild.main(build, OUT_DIR, OUTPUTS, __doc__.splitlines()[0]))
