"""Build the llmkit language-modelling corpus (``train.txt`` and ``validation.txt``).

Everything here was written for llmkit. The corpus mixes two kinds of documents:

* the hand-written paragraphs in ``handwritten.txt`` (one document per paragraph,
  paragraphs separated by a blank line), and
* documents composed by this script: a short story with one character (pronouns kept
  consistent), a town description, an animal or tool description, a recipe, a
  letter, a weather report, a travel diary entry, a working day, or a season.

The material the generated documents are made of lives in ``source/*.json``, one file
per kind of document (plus ``words.json`` and ``names.json``, shared by all): names,
word and phrase lists, invented places, animals, tools, dishes and events, and the
sentence templates. This script holds only the logic that draws from that material
and fits the pieces together.

A template is a ``str.format`` string filled from the generator's context
(``{name}``, ``{he}``, ``{His}``, ``{town}`` ...) and then capitalised. Most generators
describe their document as ``parts``, one slot per sentence: a string is a fixed
sentence, a list holds alternatives of which one is drawn, and ``{"from": key}``
draws from alternatives the generator supplies because they depend on an earlier
choice (the kind of weather, say).

Usage::

    python data/lm/build.py          # rewrite train.txt and validation.txt
    python data/lm/build.py --check  # rebuild into a temporary folder and compare

The output is deterministic (fixed seed), so the plain run rewrites both files byte
for byte. ``--check`` leaves the committed files alone, prints ``same`` or
``DIFFERS`` for each of them and exits with status 1 when any differs. Each document
is a single paragraph, and documents are separated by exactly one blank line.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for rebuild.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild

SEED = 20240611
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
OUTPUTS = ("train.txt", "validation.txt")
TRAIN_BYTES = 900_000
VALID_FRACTION = 0.07

Context = dict[str, str]


def load(name: str) -> Any:
    """Read one material file from ``source/``."""
    return json.loads((SOURCE / f"{name}.json").read_text(encoding="utf-8"))


WORDS = load("words")
NAMES = load("names")
TOWNS = load("towns")
STORIES = load("stories")
ANIMALS = load("animals")
TOOLS = load("tools")
RECIPES = load("recipes")
LETTERS = load("letters")
WEATHER = load("weather")
TRAVEL = load("travel")
WORK = load("work")
SEASONS = load("seasons")
ALL_NAMES = NAMES["female"] + NAMES["male"]

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def words(n: int) -> str:
    """Spell out a number below one hundred."""
    ones = WORDS["ones"]
    if n < 20:
        return ones[n]
    tens, unit = divmod(n, 10)
    return WORDS["tens"][tens] + ("" if unit == 0 else " " + ones[unit])


def art(phrase: str) -> str:
    """Prefix a noun phrase with the right indefinite article."""
    low = phrase.lower()
    if low.startswith(tuple(WORDS["an_prefixes"])):
        return "an " + phrase
    if low.startswith(tuple(WORDS["a_prefixes"])):
        return "a " + phrase
    return ("an " if low[0] in "aeiou" else "a ") + phrase


def cap(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower the rest)."""
    return text[0].upper() + text[1:]


def join_list(items: list[str]) -> str:
    """Join items as ``a, b and c``."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def numbered(prefix: str, items: list[str]) -> Context:
    """Name drawn items for the templates: ``p1``, ``p2`` ..."""
    return {f"{prefix}{i}": item for i, item in enumerate(items, 1)}


def fill(template: str, ctx: Context) -> str:
    """Fill a sentence template from the context and capitalise it."""
    return cap(template.format(**ctx))


def compose(rng: random.Random, parts: list[Any], ctx: Context, pools: dict[str, list[str]] | None = None) -> str:
    """Turn a document plan into text, drawing one alternative for each slot that has several.

    Args:
        rng: The corpus's random number generator.
        parts: Slots, one per sentence: fixed text, a list of alternatives, or ``{"from": key}``.
        ctx: Values for the template fields.
        pools: The alternatives that ``{"from": key}`` slots refer to.

    Returns:
        The sentences joined by single spaces.
    """
    sentences = []
    for slot in parts:
        if isinstance(slot, dict):
            slot = (pools or {})[slot["from"]]
        sentences.append(fill(rng.choice(slot) if isinstance(slot, list) else slot, ctx))
    return " ".join(sentences)


def pronoun_ctx(gender: str) -> Context:
    """Template fields for 'f' or 'm': ``he``, ``him``, ``his``, ``himself``, ``boy`` and capitalised forms."""
    ctx = dict(WORDS["pronouns"][gender])
    for key in list(ctx):
        ctx[key.capitalize()] = cap(ctx[key])
    return ctx


def town_name(rng: random.Random) -> str:
    """An invented place name built from two parts, such as Ash + ford."""
    first, second = rng.choice(TOWNS["name_first"]), rng.choice(TOWNS["name_second"])
    # Avoid three equal letters in a row: Mill + ley gives Milley.
    if first[-1] == second[0] and first[-2] == first[-1]:
        second = second[1:]
    return first + second


def person(rng: random.Random) -> tuple[str, str]:
    """A first name and its gender, 'f' or 'm', with even odds."""
    if rng.random() < 0.5:
        return rng.choice(NAMES["female"]), "f"
    return rng.choice(NAMES["male"]), "m"


def hero(rng: random.Random) -> Context:
    """The context for a story about one person: name and pronouns."""
    name, gender = person(rng)
    ctx = pronoun_ctx(gender)
    ctx["name"] = name
    return ctx


# ---------------------------------------------------------------------------
# Generators. Each draws its choices in a fixed order: the order of the rng
# calls decides the corpus, so reordering them changes every later document.
# ---------------------------------------------------------------------------


def story_lost_object(rng: random.Random) -> str:
    """A child loses a treasured object and finds it again with help."""
    data = STORIES["lost_object"]
    ctx = hero(rng)
    obj = rng.choice(data["objects"])
    places = rng.sample(data["hiding_places"], 3)
    ctx.update(rng.choice(data["helpers"]))
    ctx.update(numbered("p", places), obj=obj, a_obj=art(obj), town=town_name(rng), age=words(rng.randint(6, 12)))
    return compose(rng, data["parts"], ctx)


def story_market(rng: random.Random) -> str:
    """A grower takes goods to market and deals with trouble on the road."""
    data = STORIES["market"]
    ctx = hero(rng)
    ctx.update(role=rng.choice(data["roles"]), good=rng.choice(data["goods"]), home=town_name(rng), dest=town_name(rng))
    obstacle = rng.choice(data["obstacles"])
    ctx.update(treat=rng.choice(data["treats"]), day=rng.choice(WORDS["days"]), animal=rng.choice(data["animals"]))
    # The obstacle and the ending may name the animal or the goods, so they are filled first.
    ctx.update({key: text.format(**ctx) for key, text in obstacle.items()})
    ctx["ending"] = rng.choice(data["endings"]).format(**ctx)
    return compose(rng, data["parts"], ctx)


def story_skill(rng: random.Random) -> str:
    """Someone learns a skill through patient practice."""
    data = STORIES["skill"]
    ctx = hero(rng)
    ctx.update(rng.choice(data["skills"]))
    ctx.update(teacher=rng.choice(data["teachers"]), weeks=words(rng.randint(2, 9)))
    return compose(rng, data["parts"], ctx)


def story_rescue(rng: random.Random) -> str:
    """Someone stops to help an animal or a person in trouble."""
    data = STORIES["rescue"]
    ctx = hero(rng)
    ctx.update(rng.choice(data["troubles"]))
    ctx.update(town=town_name(rng), walk=rng.choice(data["walks"]))
    return compose(rng, data["parts"], ctx)


def story_fable(rng: random.Random) -> str:
    """An animal fable; each plot has its own set of character traits."""
    data = STORIES["fable"]
    a1, a2 = rng.sample(data["animals"], 2)
    n1 = rng.choice(data["names"])
    ctx = pronoun_ctx(rng.choice("fm"))
    plot = data["plots"][rng.randrange(len(data["plots"]))]
    trait = rng.choice(plot["traits"])
    ctx.update(a1=a1, a2=a2, a_a2=art(a2), n1=n1, trait=trait, a_trait=art(trait))
    ctx.update(home=rng.choice(data["homes"]), den=rng.choice(data["dens"]), song=rng.choice(data["songs"]))
    return compose(rng, plot["parts"], ctx)


def story_festival(rng: random.Random) -> str:
    """Someone prepares for a town festival and saves the day."""
    data = STORIES["festival"]
    ctx = hero(rng)
    ctx.update(rng.choice(TOWNS["festivals"]))
    ctx["town"] = town_name(rng)
    ctx.update(rng.choice(data["tasks"]))
    return compose(rng, data["parts"], ctx)


def town_description(rng: random.Random) -> str:
    """An encyclopedic entry on an invented town."""
    ctx = {"town": town_name(rng)}
    ctx.update(rng.choice(TOWNS["trades"]))
    ctx.update(numbered("b", rng.sample(TOWNS["buildings"], 3)))
    ctx.update(rng.choice(TOWNS["festivals"]))
    ctx["river"] = rng.choice(TOWNS["rivers"])
    ctx.update(
        land=rng.choice(TOWNS["landscapes"]),
        pop=words(rng.randint(2, 9)) + " hundred",
        near=town_name(rng),
        miles=words(rng.randint(3, 30)),
        age=rng.choice(TOWNS["ages"]),
    )
    return compose(rng, TOWNS["parts"], ctx)


def animal_description(rng: random.Random) -> str:
    """An encyclopedic entry on an invented animal, named after its habitat (a marsh vole)."""
    prefix = rng.choice(list(ANIMALS["habitats"]))
    species = rng.choice(ANIMALS["species"])
    base, group, size = species["base"], species["group"], ANIMALS["sizes"][species["size"]]
    kind = ANIMALS["groups"][group]
    foods = rng.sample(species["foods"], 2)
    body = rng.sample(kind["body_parts"], 2)
    colour = rng.choice(ANIMALS["colours"])
    name = f"{prefix} {base}"
    plural = name + ("es" if base.endswith("ch") else "s")
    ctx = {
        "name": name,
        "a_name": art(name),
        "group": group,
        "a_group": art(group),
        "a_size_group": art(size["word"]) + " " + group,
        "habitat": ANIMALS["habitats"][prefix],
        "colour": colour,
        "covering": kind["covering"].format(colour=colour, a_colour=art(colour)),
        "plural": plural,
        "Plural": cap(plural),
    }
    ctx.update(numbered("f", foods) | numbered("b", body))
    ctx.update(size=rng.choice(size["phrases"]), young=words(rng.randint(2, 7)), time=rng.choice(ANIMALS["times"]))
    return compose(rng, ANIMALS["parts"], ctx, {"young": ANIMALS["young"][kind["young"]]})


def tool_description(rng: random.Random) -> str:
    """An encyclopedic entry on a hand tool."""
    tool = rng.choice(TOOLS["tools"])
    ctx = {key: tool[key] for key in ("tool", "users", "use", "shape")}
    ctx.update(
        a_tool=art(tool["tool"]),
        material=rng.choice(tool["materials"]),
        town=town_name(rng),
        years=words(rng.choice(TOOLS["years"])),
    )
    return compose(rng, TOOLS["parts"], ctx)


def recipe(rng: random.Random) -> str:
    """A recipe: one main ingredient in one of a few dishes, with its steps."""
    dish = rng.choice(RECIPES["recipes"])
    main, food = rng.choice(dish["mains"])
    (_, v1), (_, v2) = rng.sample(dish["base"][:2], 2)
    ctx = {"main": main, "main_a": art(main), "food": food, "v1": v1, "v2": v2}
    ctx.update(
        n=words(rng.randint(2, 4)),
        m=words(rng.choice(RECIPES["minutes"])),
        people=words(rng.randint(2, 6)),
        town=town_name(rng),
        cook=rng.choice(ALL_NAMES),
    )
    ctx["title"] = dish["title"].format(**ctx)
    ctx["items"] = join_list([item for item, _ in dish["base"]] + ["some " + food])
    intro = rng.choice(RECIPES["intros"])
    outro = rng.choice(RECIPES["outros"])
    tip = rng.choice(RECIPES["tips"])
    # An empty tip stands for a recipe without one.
    parts = [intro, *dish["steps"], *([tip] if tip else []), outro]
    return " ".join(fill(p, ctx) for p in parts)


def letter(rng: random.Random) -> str:
    """A letter to a friend or relative with a few pieces of news."""
    writer, _ = person(rng)
    # All three names are drawn whichever kind of recipient is chosen.
    names = {"name": rng.choice(ALL_NAMES), "aunt": rng.choice(NAMES["female"]), "uncle": rng.choice(NAMES["male"])}
    to = rng.choice(LETTERS["recipients"]).format(**names)
    ctx = {
        "crop": rng.choice(LETTERS["crops"]),
        "tree": rng.choice(LETTERS["trees"]),
        "friend": rng.choice(ALL_NAMES),
        "day": rng.choice(WORDS["days"]),
        "place": rng.choice(LETTERS["places"]),
        "n": words(rng.randint(2, 6)),
        "town": town_name(rng),
        "colour": rng.choice(LETTERS["colours"]),
        "month": rng.choice(WORDS["months"]),
    }
    news = rng.sample(LETTERS["news"], rng.randint(3, 5))
    greeting = rng.choice(LETTERS["greetings"])
    wish = rng.choice(LETTERS["wishes"])
    signature = LETTERS["signature"].format(closing=rng.choice(LETTERS["closings"]), writer=writer)
    # The greeting continues the "Dear ...," line, so it keeps its lower-case start.
    opening = LETTERS["salutation"].format(to=to) + " " + greeting.format(**ctx)
    return opening + " " + " ".join(fill(p, ctx) for p in [*news, wish, signature])


def weather_report(rng: random.Random) -> str:
    """A weather forecast; sky, later weather and advice depend on the kind of weather."""
    kinds = WEATHER["kinds"]
    kind = rng.choice(list(kinds))
    low, high = kinds[kind]["temperature"]
    temp = rng.randint(low, high)
    ctx = {
        "day": rng.choice(WORDS["days"]),
        "area": rng.choice(WEATHER["areas"]),
        "temp": words(temp),
        "night": words(max(0, temp - rng.randint(3, 8))),
        "wind": rng.choice(WEATHER["winds"]),
        "strength": rng.choice(WEATHER["strengths"]),
        "tomorrow": rng.choice(list(kinds)),
    }
    outlook = WEATHER["same_outlook"] if ctx["tomorrow"] == kind else WEATHER["new_outlook"]
    ctx["outlook"] = outlook.format(**ctx)
    return compose(rng, WEATHER["parts"], ctx, kinds[kind])


def travel_diary(rng: random.Random) -> str:
    """A diary entry about a day's journey between two towns."""
    transport = rng.choice(TRAVEL["transport"])
    ctx = {"a": town_name(rng), "b": town_name(rng)}
    ctx.update(numbered("s", rng.sample(TRAVEL["sights"], 2)))
    day = rng.randint(1, 12)
    ctx.update(
        meal=rng.choice(TRAVEL["meals"]),
        lodging=rng.choice(TRAVEL["lodgings"]),
        ord=WORDS["ordinals"][day - 1],
        day=words(day),
        month=rng.choice(WORDS["months"]),
        mode=transport["mode"],
        hours=words(rng.randint(2, 9)),
        companion=rng.choice(ALL_NAMES),
    )
    ctx.update(how=transport["how"].format(**ctx), line=transport["line"])
    return compose(rng, TRAVEL["parts"], ctx)


def working_day(rng: random.Random) -> str:
    """One ordinary working day of someone with a trade."""
    ctx = hero(rng)
    role = rng.choice(WORK["roles"])
    ctx.update(role=role["role"], place=role["place"], a_role=art(role["role"]))
    ctx.update(numbered("t", rng.sample(role["tasks"], 3)))
    ctx.update(
        town=town_name(rng),
        hour=words(rng.randint(4, 7)),
        years=words(rng.randint(3, 40)),
        lunch=rng.choice(TRAVEL["meals"]),
        day=rng.choice(WORDS["days"]),
    )
    return compose(rng, WORK["parts"], ctx)


def season_description(rng: random.Random) -> str:
    """A season in an invented town: its first sentence, four to six others in their written order, a closing."""
    season = rng.choice(list(SEASONS["seasons"]))
    pool = SEASONS["seasons"][season]
    town = town_name(rng)
    rest = sorted(rng.sample(range(1, len(pool)), rng.randint(4, 6)))
    closing = rng.choice(SEASONS["closings"]).format(town=town, season=season)
    return " ".join([pool[0], *(pool[i] for i in rest), closing])


GENERATORS: list[tuple[Callable[[random.Random], str], int]] = [  # (generator, weight)
    (story_lost_object, 3),
    (story_market, 3),
    (story_skill, 3),
    (story_rescue, 3),
    (story_fable, 3),
    (story_festival, 2),
    (town_description, 2),
    (animal_description, 2),
    (tool_description, 1),
    (recipe, 2),
    (letter, 2),
    (weather_report, 1),
    (travel_diary, 2),
    (working_day, 2),
    (season_description, 1),
]

# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def load_handwritten() -> list[str]:
    """The hand-written documents, one per paragraph, each on a single line."""
    text = (HERE / "handwritten.txt").read_text(encoding="utf-8")
    docs = [" ".join(p.split()) for p in text.split("\n\n")]
    return [d for d in docs if d]


def generate(rng: random.Random, seen: set[str]) -> str:
    """A generated document that is not in ``seen`` yet (and is added to it)."""
    funcs = [f for f, w in GENERATORS for _ in range(w)]
    while True:
        doc = " ".join(rng.choice(funcs)(rng).split())
        if doc not in seen:
            seen.add(doc)
            return doc


def size(docs: list[str]) -> int:
    """Bytes of a split file: each document plus its separating blank line."""
    return sum(len(d.encode("utf-8")) + 2 for d in docs)


def build(out_dir: Path) -> list[str]:
    """Write both splits into ``out_dir``.

    Args:
        out_dir: Folder for ``train.txt`` and ``validation.txt``.

    Returns:
        One summary line (documents and bytes) per file written.
    """
    rng = random.Random(SEED)
    hand = load_handwritten()
    seen = set(hand)
    # Every eleventh hand-written document, starting with the fourth, goes to validation.
    valid_hand = hand[3::11]
    train = [d for i, d in enumerate(hand) if (i - 3) % 11 != 0]
    while size(train) < TRAIN_BYTES:
        train.append(generate(rng, seen))
    valid = list(valid_hand)
    while size(valid) < TRAIN_BYTES * VALID_FRACTION:
        valid.append(generate(rng, seen))
    rng.shuffle(train)
    rng.shuffle(valid)
    summary = []
    for name, docs in zip(OUTPUTS, (train, valid), strict=True):
        path = out_dir / name
        path.write_text("\n\n".join(docs) + "\n", encoding="utf-8")
        summary.append(f"{name}: {len(docs)} documents, {path.stat().st_size} bytes")
    return summary


if __name__ == "__main__":
    sys.exit(rebuild.main(build, HERE, OUTPUTS, "Build the llmkit language-modelling corpus."))
