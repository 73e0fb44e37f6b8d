"""Build the bundled English-German parallel corpus for llmkit.

The corpus is original text written for llmkit. It is produced by a small
bilingual grammar (subjects, verbs with full German present-tense conjugation,
article and adjective declension, prepositions of place and time, negation,
questions, coordination) plus a list of hand-written everyday sentence pairs.

The material lives in ``source/``: the declension and conjugation tables
(``grammar.json``), the lexicon (``nouns.json``, ``adjectives.json``,
``verbs.json``, ``phrases.json``), the word orders and sentence frames
(``templates.json``) and the hand-written pairs (``handwritten.tsv``, English and
German separated by a tab). This script holds the grammar's rules: which words fit
together, which case and ending they take, and where they go in the sentence. The
few function words that those rules insert themselves (*nicht*, *kein*, *gern*;
*do*, *does*, *will*, *is*, *are*) stay with the rules.

Usage::

    python data/translation/build.py          # rewrite the four files
    python data/translation/build.py --check  # rebuild into a temporary folder and compare

Generation is deterministic (fixed seed, standard library only), so the plain run
rewrites ``train.en``, ``train.de``, ``validation.en`` and ``validation.de`` byte for
byte. ``--check`` leaves the committed files alone, prints ``same`` or ``DIFFERS``
for each of them and exits with status 1 when any differs.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The scripts run as ``python data/<name>/build.py`` and ``data/`` is not a package: put it on the path for rebuild.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import rebuild

SEED = 20240611
N_TRAIN = 12000
N_VALID = 400
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
OUTPUTS = ("train.en", "train.de", "validation.en", "validation.de")

# Person index used for German verb forms: ich, du, er/sie/es, wir, ihr, sie.
P1S, P2S, P3S, P1P, P2P, P3P = range(6)

Pair = tuple[str, str]  # (English, German)
Time = tuple[str, str, bool]  # (English, German, refers to the future)


def load(name: str) -> Any:
    """Read one material file from ``source/``."""
    return json.loads((SOURCE / f"{name}.json").read_text(encoding="utf-8"))


GRAMMAR = load("grammar")
PHRASES = load("phrases")
VERBS = load("verbs")
TEMPLATES = load("templates")
FRAMES = TEMPLATES["frames"]
ENGLISH = TEMPLATES["english"]

# --------------------------------------------------------------------------
# Lexicon, as loaded from source/
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Adj:
    """An adjective: German predicative form, attributive stem and English."""

    pred: str  # predicative German form
    stem: str  # attributive stem (ending is added)
    en: str


@dataclass(frozen=True)
class Noun:
    """A noun with its German forms, English forms, semantic tags and fitting adjectives."""

    g: str
    de: str
    pl: str | None
    en: str
    en_pl: str | None
    tags: frozenset
    loc: frozenset
    adjs: tuple
    obl: str | None = None  # weak masculine: form in accusative/dative singular
    mass: bool = False
    age: str | None = None  # family members: which list of ages fits

    def form(self, case: str, plural: bool) -> str:
        """The German noun form for a case and number."""
        if plural:
            if case == "dat" and not self.pl.endswith(("n", "s")):
                return self.pl + "n"
            return self.pl
        if case != "nom" and self.obl:
            return self.obl
        return self.de


@dataclass(frozen=True)
class Place:
    """A place phrase: German preposition and location noun, and what may happen or be there."""

    prep: str
    loc: str
    act: frozenset  # activities that fit the place (see nouns.json)
    holds: frozenset  # noun location letters
    poss: bool = False  # may take a possessive
    en_prep: str | None = None


@dataclass(frozen=True)
class Verb:
    """A verb: German present-tense forms, English forms and the tags of what fits it."""

    de: tuple  # six finite forms (stem part for separable verbs)
    inf: str
    en: tuple  # (base, third person singular)
    subj: frozenset = frozenset()  # allowed subject tags (P, AN, PET, DC, BIRD ...)
    obj: frozenset = frozenset()  # allowed object noun tags
    act: frozenset = frozenset()  # allowed place activity letters
    particle: str = ""
    person_obj: bool = False


def make_noun(d: dict[str, Any]) -> Noun:
    """A noun from its ``nouns.json`` record (tag lists are space-separated)."""
    return Noun(
        d["g"],
        d["de"],
        d["pl"],
        d["en"],
        d["en_pl"],
        frozenset(d.get("tags", "").split()),
        frozenset(d.get("loc", "").split()),
        tuple(d["adjs"].split()),
        d.get("obl"),
        d.get("mass", False),
        d.get("age"),
    )


def make_place(d: dict[str, Any]) -> Place:
    """A place from its ``nouns.json`` record."""
    act, holds = frozenset(d["act"].split()), frozenset(d["holds"].split())
    return Place(d["prep"], d["loc"], act, holds, d.get("poss", False), d.get("en_prep"))


def paradigm(inf: str) -> list[str]:
    """The six present-tense forms of a verb listed in ``verbs.json`` paradigms."""
    return VERBS["paradigms"][inf].split()


def make_verb(d: dict[str, Any]) -> Verb:
    """A verb from its ``verbs.json`` record: six forms, or a stem and a set of regular endings."""
    if "forms" in d:
        forms = tuple(d["forms"].split())
    else:
        forms = tuple(d["stem"] + e for e in GRAMMAR["present_endings"][d.get("endings", "regular")])
    tags = [frozenset(d.get(key, "").split()) for key in ("subj", "obj", "act")]
    return Verb(forms, d["inf"], tuple(d["en"]), *tags, d.get("particle", ""), d.get("person_obj", False))


def pairs(records: list[dict[str, Any]]) -> list[Pair]:
    """(English, German) tuples from records with ``en`` and ``de``."""
    return [(r["en"], r["de"]) for r in records]


DEF = GRAMMAR["definite"]
EIN = GRAMMAR["ein_endings"]  # endings of ein / kein / mein ...
WEAK, MIXED, STRONG = (GRAMMAR["adjective_endings"][k] for k in ("weak", "mixed", "strong"))
CONTRACT = {(c["prep"], c["article"]): c["form"] for c in GRAMMAR["contractions"]}
EN_PREP = GRAMMAR["prepositions"]
POSS = GRAMMAR["possessives"]
NUMBERS = {int(k): (v["de"], v["en"]) for k, v in GRAMMAR["numbers"].items()}

_ADJ = load("adjectives")
ADJ = {k: Adj(**v) for k, v in _ADJ["adjectives"].items()}
PERSON_STATE = tuple(_ADJ["person_state"])
NAMED_PERSON_STATE = tuple(_ADJ["named_person_state"])
ANIMAL_STATE = tuple(_ADJ["animal_state"])

_NOUNS = load("nouns")
NOUNS = [make_noun(d) for d in _NOUNS["nouns"]]
LOCN = {de: make_noun({"de": de, **d}) for de, d in _NOUNS["locations"].items()}
PLACES = [make_place(p) for p in _NOUNS["places"]]

INTRANS, TRANS, DITRANS, DATIVE = (
    [make_verb(d) for d in VERBS[k]] for k in ("intransitive", "transitive", "ditransitive", "dative")
)
STATIVE = set(VERBS["stative"])
GERN_WITH_OBJECT = set(VERBS["gern_with_object"])
MODALS = {k: v["forms"].split() for k, v in VERBS["modals"].items()}
MODALS_EN = {k: v["en"] for k, v in VERBS["modals"].items()}
SEIN, HABEN, MOECHTEN = paradigm("sein"), paradigm("haben"), paradigm("möchten")
MOTION = VERBS["motion"]

NAMES = [(n, "f") for n in PHRASES["names"]["female"]] + [(n, "m") for n in PHRASES["names"]["male"]]
PRONOUNS = [(p["en"], p["de"], GRAMMAR["persons"].index(p["person"])) for p in PHRASES["pronouns"]]
CITIES = pairs(PHRASES["cities"])
COUNTRIES = pairs(PHRASES["countries"])
VEHICLES = pairs(PHRASES["vehicles"])
INTERCITY = [(v["en"], v["de"]) for v in PHRASES["vehicles"] if v["intercity"]]
_CONT = PHRASES["containers"]
CONTAINERS = {
    drink: [(_CONT[c]["en"], _CONT[c]["de"]) for c in cs] for drink, cs in PHRASES["drink_containers"].items()
}
IDIOMS = pairs(PHRASES["idioms"])
DEGREE = pairs(PHRASES["degree_adverbs"])
AGES = PHRASES["ages"]
AT_HOME = (PHRASES["at_home"]["en"], PHRASES["at_home"]["de"])

# --------------------------------------------------------------------------
# Phrase builders. Every builder returns an (English, German) pair in
# mid-sentence spelling; capitalisation and punctuation are added at the end.
# --------------------------------------------------------------------------


def join(*parts: str) -> str:
    """Join the non-empty parts with single spaces."""
    return " ".join(p for p in parts if p)


def pair(frame: dict[str, str], **slots: str | Pair) -> Pair:
    """Fill an English/German frame from ``templates.json``.

    Args:
        frame: The ``en`` and ``de`` templates.
        **slots: An (English, German) pair per slot, or one string for both.

    Returns:
        Both sentences; empty slots vanish together with their space.
    """
    en = {k: v if isinstance(v, str) else v[0] for k, v in slots.items()}
    de = {k: v if isinstance(v, str) else v[1] for k, v in slots.items()}
    return " ".join(frame["en"].format(**en).split()), " ".join(frame["de"].format(**de).split())


TIMES: list[Time] = [(t["en"], t["de"], t["future"]) for t in PHRASES["times"]]
_first, _last = PHRASES["clock_hours"]
TIMES += [(*pair(FRAMES["clock_time"], n=NUMBERS[h][::-1]), False) for h in range(_first, _last + 1)]
DESTS = [(d["en"], d["de"], d["vehicle"]) for d in PHRASES["destinations"]]
DESTS += [(*pair(FRAMES["to_city"], city=c), "required") for c in CITIES]


def a_an(word: str) -> str:
    """The English indefinite article for a word."""
    return "an" if word[0] in "aeiou" else "a"


def np(
    noun: Noun,
    case: str,
    det: str = "def",
    plural: bool = False,
    adj: str | None = None,
    poss: str | None = None,
    num: int | None = None,
) -> Pair:
    """Noun phrase. det: def, indef, kein, poss, num, bare."""
    key = "pl" if plural else noun.g
    if det == "def":
        art, table = DEF[case][key], WEAK
    elif det == "indef":
        art, table = "ein" + EIN[case][key], MIXED
    elif det == "kein":
        art, table = "kein" + EIN[case][key], MIXED
    elif det == "poss":
        art, table = POSS[poss]["de"] + EIN[case][key], MIXED
    elif det == "num":
        art, table = NUMBERS[num][0], STRONG
    else:
        art, table = "", STRONG
    de_words = [art] if art else []
    en_words = []
    if adj:
        de_words.append(ADJ[adj].stem + table[case][key])
        en_words.append(ADJ[adj].en)
    de_words.append(noun.form(case, plural))
    en_words.append(noun.en_pl if plural else noun.en)
    if det == "def":
        en_words.insert(0, "the")
    elif det in ("indef", "kein") and not plural and not noun.mass:
        en_words.insert(0, a_an(en_words[0]))
    elif det == "poss":
        en_words.insert(0, POSS[poss]["en"])
    elif det == "num":
        en_words.insert(0, NUMBERS[num][1])
    return " ".join(en_words), " ".join(de_words)


def place_phrase(rng: random.Random, place: Place, adj_p: float = 0.12) -> Pair:
    """A prepositional phrase of place (dative), with im/am contracted."""
    noun = LOCN[place.loc]
    det = "poss" if place.poss and rng.random() < 0.2 else "def"
    poss = rng.choice(list(POSS)) if det == "poss" else None
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < adj_p else None
    en, de = np(noun, "dat", det, adj=adj, poss=poss)
    first, rest = de.split(" ", 1)
    contracted = CONTRACT.get((place.prep, first))
    de = f"{contracted} {rest}" if contracted else f"{place.prep} {de}"
    return f"{place.en_prep or EN_PREP[place.prep]} {en}", de


@dataclass
class Subj:
    """A sentence subject in both languages, with its person for the German verb form."""

    en: str
    de: str
    person: int
    tags: frozenset
    gender: str | None = None
    noun: Noun | None = None
    name: str | None = None


def pick_det(rng: random.Random, noun: Noun, allow_indef: bool = True) -> str:
    """A determiner for a subject noun; family members mostly take a possessive."""
    if "FAM" in noun.tags:
        return "poss" if rng.random() < 0.8 else "def"
    r = rng.random()
    if r < 0.15 and "P" not in noun.tags:
        return "poss"
    if r < 0.4 and allow_indef:
        return "indef"
    return "def"


def person_np(
    rng: random.Random, case: str, exclude: set | None = None, allow_plural: bool = True
) -> tuple[str, str, str]:
    """A definite-like person phrase (name, the/my + noun). Returns (en, de, key)."""
    exclude = exclude or set()
    if rng.random() < 0.45:
        name, _ = rng.choice([x for x in NAMES if x[0] not in exclude])
        return name, name, name
    noun = rng.choice([x for x in NOUNS if "P" in x.tags and x.de not in exclude])
    det = "poss" if "FAM" in noun.tags and rng.random() < 0.8 else "def"
    plural = allow_plural and "ONE" not in noun.tags and rng.random() < 0.15
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.15 else None
    en, de = np(noun, case, det, plural, adj, poss=rng.choice(list(POSS)))
    return en, de, noun.de


def pick_subject(
    rng: random.Random,
    tags: frozenset,
    allow_compound: bool = True,
    pronoun_p: float = 0.3,
    allow_indef: bool = True,
) -> Subj:
    """A subject whose tags fit the verb: pronoun, name, two names, person or animal noun."""
    human = "P" in tags
    animals = [x for x in NOUNS if "AN" in x.tags and x.tags & tags]
    r = rng.random()
    if human and (not animals or r < 0.8):
        r = rng.random()
        if r < pronoun_p:
            en, de, person = rng.choice(PRONOUNS)
            return Subj(en, de, person, frozenset({"P"}))
        if r < pronoun_p + 0.3:
            name, g = rng.choice(NAMES)
            return Subj(name, name, P3S, frozenset({"P"}), g, name=name)
        if allow_compound and r < pronoun_p + 0.38:
            a, b = rng.sample(NAMES, 2)
            if rng.random() < 0.3:
                return Subj(*pair(FRAMES["name_and_me"], a=a[0]), P1P, frozenset({"P"}), name=a[0])
            return Subj(*pair(FRAMES["two_names"], a=a[0], b=b[0]), P3P, frozenset({"P"}), name=a[0])
        noun = rng.choice([x for x in NOUNS if "P" in x.tags])
    else:
        noun = rng.choice(animals)
    plural = noun.pl is not None and "ONE" not in noun.tags and rng.random() < 0.25
    det = pick_det(rng, noun, allow_indef)
    if plural and det == "indef":
        det = "def"
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.25 else None
    en, de = np(noun, "nom", det, plural, adj, poss=rng.choice(list(POSS)))
    return Subj(en, de, P3P if plural else P3S, noun.tags, noun.g, noun)


def object_np(
    rng: random.Random, noun: Noun, neg: bool, gern: bool = False, allow_num: bool = True
) -> tuple[str, str, bool] | None:
    """Accusative object. Returns (en, de, definite_like)."""
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.35 else None
    countable = not noun.mass
    has_pl = noun.pl is not None
    if gern:
        plural = countable and has_pl
        if countable and not has_pl:
            return None
        en, de = np(noun, "acc", "bare", plural, adj)
        return en, de, False
    plural = "PLONLY" in noun.tags or (has_pl and rng.random() < 0.3)
    r = rng.random()
    if noun.mass:
        det = "bare" if r < 0.6 else "def"
        plural = False
    elif plural:
        if r < 0.3:
            det = "def"
        elif r < 0.45:
            det = "poss"
        elif r < 0.75 and allow_num and not neg:
            det = "num"
        else:
            det = "bare"
    else:
        det = "def" if r < 0.4 else "poss" if r < 0.5 else "indef"
    if neg and det in ("indef", "bare"):
        det = "kein"
    num = rng.choice(range(2, 13)) if det == "num" else None
    en, de = np(noun, "acc", det, plural, adj, poss=rng.choice(list(POSS)), num=num)
    return en, de, det in ("def", "poss")


def pick_place(rng: random.Random, act: frozenset, subj: Subj | None = None) -> Pair | None:
    """A place phrase that fits the activity (and the animal, if the subject is one)."""
    cands = [p for p in PLACES if p.act & act]
    if subj is not None and subj.noun is not None and "AN" in subj.noun.tags:
        cands = [p for p in cands if "h" not in p.act]
        if "BIG" in subj.noun.tags:
            cands = [p for p in cands if "o" in p.act]
    if not cands:
        return None
    return place_phrase(rng, rng.choice(cands))


def pick_object_noun(rng: random.Random, verb: Verb, subj: Subj) -> Noun | None:
    """An object noun whose tags fit the verb, other than the subject's."""
    cands = [x for x in NOUNS if x.tags & verb.obj and x is not subj.noun]
    if not cands:
        return None
    return rng.choice(cands)


def thing_subject(rng: random.Random, noun: Noun, adj_p: float = 0.15) -> Subj:
    """A third-person subject made from a noun, definite or possessive."""
    plural = noun.pl is not None and ("PLONLY" in noun.tags or rng.random() < 0.25)
    det = "def" if rng.random() < 0.7 else "poss"
    cands = list(noun.adjs)
    adj = rng.choice(cands) if cands and rng.random() < adj_p else None
    en, de = np(noun, "nom", det, plural, adj, poss=rng.choice(list(POSS)))
    return Subj(en, de, P3P if plural else P3S, noun.tags, noun.g, noun)


# --------------------------------------------------------------------------
# Clause assembly
# --------------------------------------------------------------------------


def en_verb(subj: Subj, base: str, s3: str, mode: str, future: bool) -> Pair:
    """Return (pre-subject auxiliary or '', verb string after the subject)."""
    third = subj.person == P3S
    if future:
        if mode == "q":
            return "will", base
        return "", ("will not " if mode == "neg" else "will ") + base
    if mode == "q":
        return ("does" if third else "do"), base
    if mode == "neg":
        return "", ("does not " if third else "do not ") + base
    return "", s3 if third else base


def be_form(subj: Subj) -> str:
    """English present of *to be* for the subject."""
    return {P1S: "am", P3S: "is"}.get(subj.person, "are")


def en_be(subj: Subj, mode: str, future: bool) -> Pair:
    """Like ``en_verb``, for *to be*."""
    if future:
        if mode == "q":
            return "will", "be"
        return "", "will not be" if mode == "neg" else "will be"
    if mode == "q":
        return be_form(subj), ""
    return "", be_form(subj) + (" not" if mode == "neg" else "")


def english_verb(verb: Verb, gern: bool) -> Pair:
    """English base and third-person forms; German *gern* becomes *like to*."""
    base, s3 = verb.en
    if gern:
        return ENGLISH["like_to"][0].format(verb=base), ENGLISH["like_to"][1].format(verb=base)
    return base, s3


def clause(
    rng: random.Random,
    subj: Subj,
    mode: str,
    verb: Pair,
    middle: list[str],
    en_rest: str = "",
    *,
    aux: str = "",
    end: str = "",
    time: Time | None = None,
    front_ok: bool = False,
) -> Pair:
    """A main clause in German verb-second order (verb first in questions) and English order.

    Args:
        rng: The corpus's random number generator.
        subj: The subject.
        mode: ``decl``, ``neg`` or ``q``.
        verb: English verb phrase after the subject, German finite verb.
        middle: German middle field in order (objects, *nicht*, places).
        en_rest: English words after the verb.
        aux: English auxiliary that opens a question.
        end: German clause end: separable particle or infinitive.
        time: The time phrase, if any.
        front_ok: Whether the time phrase may open the sentence.

    Returns:
        The English and the German clause.
    """
    # The draw is made even without a time phrase, so that the random stream stays as it always was.
    front = front_ok and rng.random() < 0.3
    order = "question" if mode == "q" else "fronted" if front and time else "plain"
    when = (time[0], time[1]) if time else ("", "")
    slots = {"aux": (aux, ""), "subj": (subj.en, subj.de), "rest": (en_rest, " ".join(middle)), "end": ("", end)}
    return pair(TEMPLATES["word_order"][order], verb=verb, time=when, **slots)


def pick_time(rng: random.Random, p: float, allow_future: bool = True, mode: str = "decl") -> Time | None:
    """A time phrase with probability p."""
    if rng.random() >= p:
        return None
    times = TIMES if allow_future else [t for t in TIMES if not t[2]]
    if mode == "neg":  # "jeden Tag ... nicht" would negate each day, not the action
        times = [t for t in times if not t[0].startswith("every")]
    return rng.choice(times)


def pick_mode(rng: random.Random, neg_p: float = 0.2, q_p: float = 0.15) -> str:
    """Declarative, negated or question."""
    r = rng.random()
    return "neg" if r < neg_p else "q" if r < neg_p + q_p else "decl"


def others(subj: Subj) -> set:
    """Names and nouns a second person phrase must not repeat."""
    return {subj.name, subj.noun and subj.noun.de}


# --------------------------------------------------------------------------
# Sentence templates. Each returns (English, German) or None.
# --------------------------------------------------------------------------


def t_intrans(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Intransitive verb with optional time, place or company: *Tom spielt mit dem Hund im Garten*."""
    verb = rng.choice(INTRANS)
    subj = pick_subject(rng, verb.subj)
    gern = rng.random() < 0.15
    time = pick_time(rng, 0.35, allow_future=not gern, mode=mode)
    place = pick_place(rng, verb.act, subj) if verb.inf == "sitzen" or rng.random() < 0.75 else None
    with_ = None
    if verb.inf == "spielen" and rng.random() < 0.35:
        if rng.random() < 0.5:
            en, de, _ = person_np(rng, "dat", others(subj))
        else:
            noun = rng.choice([x for x in NOUNS if "DC" in x.tags])
            en, de = np(noun, "dat", "def" if rng.random() < 0.6 else "poss", poss=rng.choice(list(POSS)))
        with_ = pair(FRAMES["with"], x=(en, de))
    bare = not place and not with_ and not time and not gern
    if bare and mode == "decl" and rng.random() < 0.7:
        return None
    aux, vp = en_verb(subj, *english_verb(verb, gern), mode, bool(time and time[2]))
    middle = (["nicht"] if mode == "neg" else []) + (["gern"] if gern else [])
    en_rest = []
    for phrase in (with_, place):
        if phrase:
            middle.append(phrase[1])
            en_rest.append(phrase[0])
    verb_pair = (vp, verb.de[subj.person])
    rest = join(*en_rest)
    return clause(rng, subj, mode, verb_pair, middle, rest, aux=aux, end=verb.particle, time=time, front_ok=front_ok)


def t_trans(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Transitive verb with a person or thing as object, optional time and place; *gern* as *likes to*."""
    verb = rng.choice(TRANS)
    subj = pick_subject(rng, verb.subj)
    person_obj = verb.person_obj and (not verb.obj or rng.random() < 0.4)
    if person_obj and "P" not in subj.tags:
        person_obj = False
        if not verb.obj:
            return None
    gern = False
    if person_obj:
        en_o, de_o, _ = person_np(rng, "acc", others(subj))
        definite = True
    else:
        noun = pick_object_noun(rng, verb, subj)
        if noun is None:
            return None
        gern = verb.inf in GERN_WITH_OBJECT and "P" in subj.tags and rng.random() < 0.15
        res = object_np(rng, noun, mode == "neg" and not gern, gern)
        if res is None:
            return None
        en_o, de_o, definite = res
    time = None if verb.inf in STATIVE else pick_time(rng, 0.3, allow_future=not gern, mode=mode)
    place = None
    if verb.act and mode != "neg" and rng.random() < 0.3:
        place = pick_place(rng, verb.act, subj)
    aux, vp = en_verb(subj, *english_verb(verb, gern), mode, bool(time and time[2]))
    # A definite object comes before nicht and gern, an indefinite one after them.
    middle = [de_o] if definite else []
    if mode == "neg" and (definite or gern):
        middle.append("nicht")
    if gern:
        middle.append("gern")
    if not definite:
        middle.append(de_o)
    if place:
        middle.append(place[1])
    verb_pair = (vp, verb.de[subj.person])
    rest = join(en_o, place[0] if place else "")
    return clause(rng, subj, mode, verb_pair, middle, rest, aux=aux, end=verb.particle, time=time, front_ok=front_ok)


def t_ditrans(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Person in the dative and thing in the accusative: *Die Frau gibt dem Kind einen Apfel*."""
    verb = rng.choice(DITRANS)
    subj = pick_subject(rng, verb.subj, pronoun_p=0.35)
    en_r, de_r, _ = person_np(rng, "dat", others(subj))
    noun = pick_object_noun(rng, verb, subj)
    en_o, de_o, definite = object_np(rng, noun, mode == "neg", allow_num=True)
    time = pick_time(rng, 0.25, mode=mode)
    aux, vp = en_verb(subj, *verb.en, mode, bool(time and time[2]))
    middle = [de_r, de_o] + (["nicht"] if mode == "neg" and definite else [])
    verb_pair = (vp, verb.de[subj.person])
    rest = join(en_r, en_o)
    return clause(rng, subj, mode, verb_pair, middle, rest, aux=aux, end=verb.particle, time=time, front_ok=front_ok)


def t_dative(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Verb whose object is in the dative: *helfen, danken, antworten, folgen*."""
    verb = rng.choice(DATIVE)
    subj = pick_subject(rng, verb.subj)
    en_o, de_o, _ = person_np(rng, "dat", others(subj))
    time = pick_time(rng, 0.3, mode=mode)
    aux, vp = en_verb(subj, *verb.en, mode, bool(time and time[2]))
    middle = [de_o] + (["nicht"] if mode == "neg" else [])
    return clause(rng, subj, mode, (vp, verb.de[subj.person]), middle, en_o, aux=aux, time=time, front_ok=front_ok)


def copula_subject(rng: random.Random, r: float) -> tuple[Subj, Pair | None, str]:
    """Subject, optional hunger/thirst idiom and predicative adjective for ``t_copula``."""
    idiom = None
    if r < 0.35:
        subj = pick_subject(rng, frozenset({"P"}), allow_indef=False)
        if subj.noun is None:
            pool = NAMED_PERSON_STATE
        else:
            pool = PERSON_STATE + tuple(a for a in subj.noun.adjs if a not in PERSON_STATE)
        if rng.random() < 0.25:
            idiom = rng.choice(IDIOMS)
        return subj, idiom, rng.choice(pool)
    if r < 0.5:
        noun = rng.choice([x for x in NOUNS if "AN" in x.tags])
        subj = thing_subject(rng, noun, 0.1)
        if rng.random() < 0.25:
            idiom = rng.choice(IDIOMS)
        return subj, idiom, rng.choice(ANIMAL_STATE + noun.adjs)
    noun = rng.choice([x for x in NOUNS if "P" not in x.tags and "AN" not in x.tags and x.adjs])
    subj = thing_subject(rng, noun, 0.0)
    return subj, None, rng.choice(noun.adjs)


def t_copula(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """*sein* with a predicative adjective (*sehr* / *zu*), or *Hunger/Durst haben* as *to be hungry/thirsty*."""
    r = rng.random()
    subj, idiom, adj = copula_subject(rng, r)
    time = pick_time(rng, 0.12, mode=mode) if r < 0.5 else None
    future = bool(time and time[2])
    if idiom:  # "to be hungry" is "Hunger haben"
        aux, vp = en_be(subj, mode, future)
        noun_de = ("keinen " if mode == "neg" else "") + idiom[1]
        return clause(
            rng, subj, mode, (vp, HABEN[subj.person]), [noun_de], idiom[0], aux=aux, time=time, front_ok=front_ok
        )
    adv = None
    if mode != "neg" and rng.random() < 0.2:
        adv = rng.choice(DEGREE)
    aux, vp = en_be(subj, mode, future)
    de_pred = join("nicht" if mode == "neg" else "", adv[1] if adv else "", ADJ[adj].pred)
    en_pred = join(adv[0] if adv else "", ADJ[adj].en)
    return clause(rng, subj, mode, (vp, SEIN[subj.person]), [de_pred], en_pred, aux=aux, time=time, front_ok=front_ok)


def located_subject(rng: random.Random) -> tuple[Subj, str, list[Place]]:
    """A person, animal or thing, its location letter and the places that can hold it."""
    r = rng.random()
    if r < 0.3:
        subj = pick_subject(rng, frozenset({"P"}))
        holds = "P"
    elif r < 0.6:
        noun = rng.choice([x for x in NOUNS if "AN" in x.tags])
        subj = thing_subject(rng, noun)
        holds = rng.choice(sorted(noun.loc))
    else:
        noun = rng.choice([x for x in NOUNS if x.loc and "AN" not in x.tags and "P" not in x.tags])
        subj = thing_subject(rng, noun)
        holds = rng.choice(sorted(noun.loc))
    places = [p for p in PLACES if holds in p.holds and p.loc != (subj.noun and subj.noun.de)]
    return subj, holds, places


def t_location(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Where someone or something is: *Die Katze ist unter dem Tisch*."""
    subj, holds, places = located_subject(rng)
    at_home = holds == "P" and rng.random() < 0.15
    en_p, de_p = AT_HOME if at_home else place_phrase(rng, rng.choice(places))
    aux, vp = en_be(subj, mode, False)
    middle = (["nicht"] if mode == "neg" else []) + [de_p]
    return clause(rng, subj, mode, (vp, SEIN[subj.person]), middle, en_p, aux=aux)


def t_where(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Questions with *wo* and *wohin*."""
    r = rng.random()
    if r < 0.5:
        subj, _, _ = located_subject(rng)
        return pair(FRAMES["where_is"], verb=(be_form(subj), SEIN[subj.person]), subj=(subj.en, subj.de))
    if r < 0.8:
        verb = rng.choice([x for x in INTRANS if x.act])
        subj = pick_subject(rng, verb.subj)
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return pair(FRAMES["where"], aux=aux, subj=(subj.en, subj.de), verb=(vp, verb.de[subj.person]))
    subj = pick_subject(rng, frozenset({"P"}))
    aux, vp = en_verb(subj, *MOTION["en"], "q", False)
    finite = paradigm(MOTION["on_foot"])[subj.person]
    return pair(FRAMES["where_to"], aux=aux, subj=(subj.en, subj.de), verb=(vp, finite))


def t_wh(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Questions with *was, wen, wem, wer, wie viele* and *welche Farbe*."""
    r = rng.random()
    if r < 0.3:  # was
        verb = rng.choice([x for x in TRANS if x.obj and x.inf not in ("haben", "mögen")])
        subj = pick_subject(rng, verb.subj)
        time = pick_time(rng, 0.3, mode=mode)
        aux, vp = en_verb(subj, *verb.en, "q", bool(time and time[2]))
        when = (time[0], time[1]) if time else ""
        slots = {"subj": (subj.en, subj.de), "verb": (vp, verb.de[subj.person]), "time": when}
        return pair(FRAMES["what"], aux=aux, end=verb.particle, **slots)
    if r < 0.45:  # wen
        verb = rng.choice([x for x in TRANS if x.person_obj])
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        slots = {"subj": (subj.en, subj.de), "verb": (vp, verb.de[subj.person])}
        return pair(FRAMES["whom"], aux=aux, end=verb.particle, **slots)
    if r < 0.55:  # wem
        verb = rng.choice(DATIVE[:3])  # helfen, danken, antworten
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return pair(FRAMES["whom_dative"], aux=aux, subj=(subj.en, subj.de), verb=(vp, verb.de[subj.person]))
    if r < 0.75:  # wer
        verb = rng.choice([x for x in TRANS if x.obj and "P" in x.subj])
        noun = rng.choice([x for x in NOUNS if x.tags & verb.obj])
        en_o, de_o, _ = object_np(rng, noun, False)
        return pair(FRAMES["who"], verb=(verb.en[1], verb.de[P3S]), obj=(en_o, de_o), end=verb.particle)
    if r < 0.9:  # wie viele
        verb = rng.choice([x for x in TRANS if x.inf in ("haben", "kaufen", "sehen", "brauchen")])
        noun = rng.choice([x for x in NOUNS if x.tags & verb.obj and x.pl])
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        slots = {"subj": (subj.en, subj.de), "verb": (vp, verb.de[subj.person])}
        return pair(FRAMES["how_many"], noun=(noun.en_pl, noun.pl), aux=aux, **slots)
    noun = rng.choice([x for x in NOUNS if "rot" in x.adjs or "schwarz" in x.adjs])
    subj = thing_subject(rng, noun, 0.0)
    return pair(FRAMES["what_colour"], verb=(be_form(subj), HABEN[subj.person]), subj=(subj.en, subj.de))


def t_esgibt(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """*es gibt* / *there is, there are* with a place."""
    place = rng.choice([p for p in PLACES if p.holds - {"P"}])
    letters = place.holds - {"P"}
    cands = [x for x in NOUNS if x.loc & letters and x.de != place.loc]
    noun = rng.choice(cands)
    plural = noun.pl is not None and rng.random() < 0.4
    det = "kein" if mode == "neg" else ("num" if plural and rng.random() < 0.6 else "bare" if plural else "indef")
    if noun.mass:
        det, plural = ("kein" if mode == "neg" else "bare"), False
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.3 else None
    num = rng.choice(range(2, 8)) if det == "num" else None
    en_o, de_o = np(noun, "acc", det, plural, adj, num=num)
    where = place_phrase(rng, place)
    be = "are" if plural and not noun.mass else "is"
    if mode == "q":
        return pair(FRAMES["is_there"], verb=be, obj=(en_o, de_o), place=where)
    if mode == "neg":
        en_o = en_o if not en_o.startswith(("a ", "an ")) else en_o.split(" ", 1)[1]
        return pair(FRAMES["there_is_no"], verb=be, obj=(en_o, de_o), place=where)
    return pair(FRAMES["there_is"], verb=be, obj=(en_o, de_o), place=where)


def t_this(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """*Das ist ... / Das sind ...* as *This is ... / These are ...*."""
    noun = rng.choice([x for x in NOUNS if not x.mass and "P" not in x.tags] + [x for x in NOUNS if "FAM" in x.tags])
    plural = noun.pl is not None and "ONE" not in noun.tags and rng.random() < 0.3
    adj = rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.3 else None
    if "FAM" in noun.tags:
        det = "poss"
    elif mode == "neg":
        det = "kein"
    else:
        det = rng.choice(["indef", "poss"]) if not plural else rng.choice(["num", "poss", "bare"])
    if "FAM" in noun.tags and mode == "neg":
        mode = "decl"  # "this is not my mother" would need "nicht", which this template does not place
    num = rng.choice(range(2, 10)) if det == "num" else None
    obj = np(noun, "nom", det, plural, adj, poss=rng.choice(list(POSS)), num=num)
    verb = (ENGLISH["this"][mode][plural], SEIN[P3P if plural else P3S])
    return pair(FRAMES["is_this" if mode == "q" else "this_is"], verb=verb, obj=obj)


def t_job(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """A profession, which German gives without article: *Anna ist Ärztin*, *Tom ist kein Lehrer*."""
    job = rng.choice(PHRASES["jobs"])
    if rng.random() < 0.7:
        name, g = rng.choice(NAMES)
        subj = Subj(name, name, P3S, frozenset({"P"}), g)
    else:
        g = rng.choice("mf")
        pronoun = PHRASES["third_person"][g]
        subj = Subj(pronoun["en"], pronoun["de"], P3S, frozenset({"P"}), g)
    de_job, en_job = job["de_" + g], job["en_" + g]
    aux, vp = en_be(subj, mode, False)
    if mode == "neg":  # professions go without article, so "not a" is "kein(e)"
        de_job = "kein" + EIN["nom"][g] + " " + de_job
    return clause(rng, subj, mode, (vp, SEIN[P3S]), [de_job], f"{a_an(en_job)} {en_job}", aux=aux)


def t_age(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Age, or the question for it: *Mein Bruder ist zwölf Jahre alt*."""
    r = rng.random()
    if r < 0.4:
        name, _ = rng.choice(NAMES)
        who, ages = (name, name), AGES["named"]
    elif r < 0.8:
        noun = rng.choice([x for x in NOUNS if "FAM" in x.tags])
        who, ages = np(noun, "nom", "poss", poss=rng.choice(list(POSS))), AGES[noun.age]
    else:
        noun = rng.choice([x for x in NOUNS if "PET" in x.tags])
        who, ages = np(noun, "nom", "poss", poss=rng.choice(list(POSS))), AGES["pet"]
    if mode == "q":
        return pair(FRAMES["how_old"], subj=who)
    age = rng.choice(ages)
    return pair(FRAMES["age"], subj=who, age=NUMBERS[age][::-1])


def t_motion(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Going somewhere, on foot (*gehen*) or by a vehicle (*fahren*)."""
    subj = pick_subject(rng, frozenset({"P"}))
    dest = rng.choice(DESTS)
    veh = None
    if dest[2] == "required":
        veh = rng.choice(INTERCITY)
    elif dest[2] == "optional" and rng.random() < 0.45:
        veh = rng.choice(VEHICLES)
    time = pick_time(rng, 0.4, mode=mode)
    aux, vp = en_verb(subj, *MOTION["en"], mode, bool(time and time[2]))
    finite = paradigm(MOTION["by_vehicle" if veh else "on_foot"])[subj.person]
    middle = (["nicht"] if mode == "neg" else []) + ([veh[1]] if veh else []) + [dest[1]]
    en_rest = join(dest[0], veh[0] if veh else "")
    return clause(rng, subj, mode, (vp, finite), middle, en_rest, aux=aux, time=time, front_ok=front_ok)


def t_origin(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Where someone lives (*wohnen in*) or comes from (*kommen aus*)."""
    subj = pick_subject(rng, frozenset({"P"}), allow_compound=False)
    live = rng.random() < 0.5  # "lives in Berlin", otherwise "comes from Spain"
    spec = PHRASES["origin"]["live" if live else "come"]
    en_rest, de_rest = pair(spec["place"], place=rng.choice(CITIES if live else COUNTRIES + CITIES))
    finite = paradigm(spec["de"])[subj.person]
    if mode == "q" and rng.random() < 0.5:
        aux, vp = en_verb(subj, *spec["en"], "q", False)
        return pair(FRAMES[spec["question"]], aux=aux, subj=(subj.en, subj.de), verb=(vp, finite))
    aux, vp = en_verb(subj, *spec["en"], mode, False)
    middle = (["nicht"] if mode == "neg" else []) + [de_rest]
    return clause(rng, subj, mode, (vp, finite), middle, en_rest, aux=aux)


def modal_content(rng: random.Random, mode: str) -> tuple[Verb, Subj, tuple[str, str, bool] | None, Pair | None]:
    """Verb, subject, object and place of a modal sentence: intransitive with a place, or with an object."""
    if rng.random() < 0.5:
        verb = rng.choice(INTRANS)
        subj = pick_subject(rng, verb.subj)
        place = pick_place(rng, verb.act, subj) if verb.inf == "sitzen" or rng.random() < 0.5 else None
        return verb, subj, None, place
    verb = rng.choice([x for x in TRANS if x.obj and "P" in x.subj and x.inf not in ("lieben", "mögen", "haben")])
    subj = pick_subject(rng, frozenset({"P"}))
    noun = pick_object_noun(rng, verb, subj)
    return verb, subj, object_np(rng, noun, mode == "neg", allow_num=True), None


def t_modal(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """*können, wollen, müssen* with the infinitive at the end of the German clause."""
    modal = rng.choice(list(MODALS))
    verb, subj, obj, place = modal_content(rng, mode)
    time = pick_time(rng, 0.3, allow_future=False, mode=mode)
    english = MODALS_EN[modal]
    third = subj.person == P3S
    vp = (english[mode][third] + " " + verb.en[0]).strip()
    # As with a full verb, a definite object comes before nicht and an indefinite one after it.
    middle = [obj[1]] if obj and obj[2] else []
    if mode == "neg" and (obj is None or obj[2]):
        middle.append("nicht")
    if obj and not obj[2]:
        middle.append(obj[1])
    en_rest = [obj[0]] if obj else []
    if place:
        middle.append(place[1])
        en_rest.append(place[0])
    aux = english["aux_q"][third] if mode == "q" else ""
    verb_pair = (vp, MODALS[modal][subj.person])
    rest = join(*en_rest)
    return clause(rng, subj, mode, verb_pair, middle, rest, aux=aux, end=verb.inf, time=time, front_ok=front_ok)


def t_wish(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """*möchten* as *would like*: *Ich möchte eine Tasse Tee*."""
    subj = pick_subject(rng, frozenset({"P"}), allow_compound=False, allow_indef=False)
    if mode == "q" and (subj.person == P1S or rng.random() < 0.5):
        en, de, person = next(p for p in PRONOUNS if p[2] == P2S)
        subj = Subj(en, de, person, frozenset({"P"}))
    r = rng.random()
    if r < 0.4:
        noun = rng.choice([x for x in NOUNS if "DRINK" in x.tags])
        obj = pair(FRAMES["measure"], container=rng.choice(CONTAINERS[noun.de]), drink=(noun.en, noun.de))
    else:
        noun = rng.choice([x for x in NOUNS if x.tags & {"FOOD", "BUY"} and not x.mass])
        obj = np(noun, "acc", "indef", adj=rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.3 else None)
    frame = FRAMES["would_you_like" if mode == "q" else "would_like"]
    return pair(frame, subj=(subj.en, subj.de), verb=("", MOECHTEN[subj.person]), obj=obj)


def contrast_objects(rng: random.Random) -> Pair | None:
    """'Tom drinks coffee, but not tea' / 'Tom trinkt Kaffee, aber keinen Tee'."""
    verb = rng.choice([x for x in TRANS if x.obj and "P" in x.subj])
    subj = pick_subject(rng, frozenset({"P"}))
    cands = [x for x in NOUNS if x.tags & verb.obj]
    if len(cands) < 2:
        return None
    n1, n2 = rng.sample(cands, 2)
    if rng.random() < 0.35:
        en1, de1 = np(n1, "acc", "def")
        en2, de2 = np(n2, "acc", "def")
        de2 = f"nicht {de2}"
    else:
        plural = not n1.mass and not n2.mass and n1.pl is not None and n2.pl is not None and rng.random() < 0.4
        en1, de1 = np(n1, "acc", "bare" if plural or n1.mass else "indef", plural)
        en2, de2 = np(n2, "acc", "kein", plural)
    aux, vp = en_verb(subj, *verb.en, "decl", False)
    first = clause(rng, subj, "decl", (vp, verb.de[subj.person]), [de1], en1, aux=aux, end=verb.particle)
    return pair(FRAMES["but_not"], a=first, b=(en2, de2))


def t_coord(rng: random.Random, mode: str, front_ok: bool = True) -> Pair | None:
    """Two clauses joined by *und* / *aber*, or a contrast of two objects."""
    r = rng.random()
    if r < 0.25:
        return contrast_objects(rng)
    makers = [t_intrans, t_trans, t_copula, t_location, t_motion]
    if r < 0.4:
        makers = [t_copula]
    first = second = None
    while first is None:
        first = rng.choice(makers)(rng, "decl", False)
    while second is None:
        second = rng.choice(makers)(rng, "decl", False)
    return pair(FRAMES["but" if r < 0.4 else "and"], a=first, b=second)


SENTENCES: list[tuple[Callable[..., Pair | None], int, float, float]] = [  # (template, weight, negation p, question p)
    (t_intrans, 14, 0.2, 0.15),
    (t_trans, 24, 0.2, 0.15),
    (t_ditrans, 8, 0.2, 0.12),
    (t_dative, 5, 0.2, 0.15),
    (t_copula, 10, 0.25, 0.2),
    (t_location, 6, 0.15, 0.2),
    (t_where, 3, 0.0, 1.0),
    (t_wh, 6, 0.0, 1.0),
    (t_esgibt, 5, 0.2, 0.2),
    (t_this, 4, 0.2, 0.2),
    (t_job, 3, 0.25, 0.25),
    (t_age, 2, 0.0, 0.3),
    (t_motion, 7, 0.15, 0.15),
    (t_origin, 3, 0.15, 0.3),
    (t_modal, 7, 0.25, 0.2),
    (t_wish, 3, 0.0, 0.3),
    (t_coord, 6, 0.0, 0.0),
]

# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def load_handwritten() -> list[Pair]:
    """The hand-written everyday pairs from ``handwritten.tsv`` (English, tab, German)."""
    lines = (SOURCE / "handwritten.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line]


def finish(en: str, de: str, question: bool) -> Pair:
    """Capitalise and punctuate both sentences."""
    mark = "?" if question else "."
    return en[0].upper() + en[1:] + mark, de[0].upper() + de[1:] + mark


def generate(rng: random.Random) -> Pair:
    """One finished generated pair from a template drawn by weight."""
    funcs = [t[0] for t in SENTENCES]
    weights = [t[1] for t in SENTENCES]
    while True:
        idx = rng.choices(range(len(funcs)), weights)[0]
        func, _, neg_p, q_p = SENTENCES[idx]
        mode = pick_mode(rng, neg_p, q_p)
        res = func(rng, mode)
        if res is None:
            continue
        en, de = res
        question = mode == "q" or func in (t_where, t_wh)
        if question and " and I " in f" {en} ":
            continue  # "Do Anna and I ...?" is grammatical but unnatural
        return finish(en, de, question)


def validate(rows: list[Pair]) -> None:
    """Fail on empty lines, stray whitespace or line breaks."""
    for en, de in rows:
        for s in (en, de):
            assert s and s == s.strip() and "  " not in s and "\n" not in s, s


def build(out_dir: Path) -> list[str]:
    """Write the four files into ``out_dir``.

    Args:
        out_dir: Folder for ``train.*`` and ``validation.*``.

    Returns:
        One summary line: the number of hand-written pairs and of train and validation pairs.
    """
    rng = random.Random(SEED)
    seen: set[str] = set()
    rows: list[Pair] = []
    for en, de in load_handwritten():
        if en not in seen:
            seen.add(en)
            rows.append((en, de))
    n_hand = len(rows)
    target = N_TRAIN + N_VALID
    tries = 0
    while len(rows) < target:
        tries += 1
        assert tries < 50 * target, "grammar too small for the requested size"
        en, de = generate(rng)
        if en in seen:
            continue
        seen.add(en)
        rows.append((en, de))
    validate(rows)
    # Validation: drawn from the generated pairs plus a few hand-written ones.
    order = list(range(len(rows)))
    rng.shuffle(order)
    valid_idx = set(order[:N_VALID])
    train = [rows[i] for i in range(len(rows)) if i not in valid_idx]
    valid = [rows[i] for i in sorted(valid_idx)]
    rng.shuffle(train)
    rng.shuffle(valid)
    for name, split in (("train", train), ("validation", valid)):
        for lang, col in (("en", 0), ("de", 1)):
            (out_dir / f"{name}.{lang}").write_text("".join(r[col] + "\n" for r in split), encoding="utf-8")
    return [f"hand-written pairs: {n_hand}; train: {len(train)}; validation: {len(valid)}"]


if __name__ == "__main__":
    sys.exit(rebuild.main(build, HERE, OUTPUTS, "Build the llmkit English-German parallel corpus."))
