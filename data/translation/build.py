"""Build the bundled English-German parallel corpus for llmkit.

The corpus is original text written for llmkit. It is produced by a small
bilingual grammar implemented in this file (subjects, verbs with full German
present-tense conjugation, article and adjective declension, prepositions of
place and time, negation, questions, coordination) plus a list of hand-written
everyday sentence pairs. Generation is deterministic: running

    python data/translation/build.py

rewrites ``train.en``, ``train.de``, ``validation.en`` and ``validation.de``
in this folder byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240611
N_TRAIN = 12000
N_VALID = 400
OUT_DIR = Path(__file__).resolve().parent

# Person index used for German verb forms: ich, du, er/sie/es, wir, ihr, sie.
P1S, P2S, P3S, P1P, P2P, P3P = range(6)

# --------------------------------------------------------------------------
# German morphology tables
# --------------------------------------------------------------------------

DEF = {
    "nom": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
}
# Endings of ein / kein / mein ...
EIN = {
    "nom": {"m": "", "f": "e", "n": "", "pl": "e"},
    "acc": {"m": "en", "f": "e", "n": "", "pl": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
}
# Adjective endings after the definite article.
WEAK = {
    "nom": {"m": "e", "f": "e", "n": "e", "pl": "en"},
    "acc": {"m": "en", "f": "e", "n": "e", "pl": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
}
# Adjective endings after ein / kein / possessives.
MIXED = {
    "nom": {"m": "er", "f": "e", "n": "es", "pl": "en"},
    "acc": {"m": "en", "f": "e", "n": "es", "pl": "en"},
    "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
}
# Adjective endings without a determiner (and after numbers).
STRONG = {
    "nom": {"m": "er", "f": "e", "n": "es", "pl": "e"},
    "acc": {"m": "en", "f": "e", "n": "es", "pl": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
}
CONTRACT = {("in", "dem"): "im", ("an", "dem"): "am", ("in", "das"): "ins"}

POSS = {  # key: (German stem, English)
    "my": ("mein", "my"),
    "your": ("dein", "your"),
    "his": ("sein", "his"),
    "her": ("ihr", "her"),
    "our": ("unser", "our"),
    "their": ("ihr", "their"),
}
NUMBERS = {
    2: ("zwei", "two"),
    3: ("drei", "three"),
    4: ("vier", "four"),
    5: ("fünf", "five"),
    6: ("sechs", "six"),
    7: ("sieben", "seven"),
    8: ("acht", "eight"),
    9: ("neun", "nine"),
    10: ("zehn", "ten"),
    11: ("elf", "eleven"),
    12: ("zwölf", "twelve"),
    13: ("dreizehn", "thirteen"),
    14: ("vierzehn", "fourteen"),
    15: ("fünfzehn", "fifteen"),
    16: ("sechzehn", "sixteen"),
    17: ("siebzehn", "seventeen"),
    18: ("achtzehn", "eighteen"),
    19: ("neunzehn", "nineteen"),
    20: ("zwanzig", "twenty"),
    30: ("dreißig", "thirty"),
    40: ("vierzig", "forty"),
    50: ("fünfzig", "fifty"),
    60: ("sechzig", "sixty"),
    70: ("siebzig", "seventy"),
    80: ("achtzig", "eighty"),
}


def reg(stem: str, kind: str = "") -> list[str]:
    """Regular present tense; kind 'e' inserts -e- (arbeit-est), 's' for s-stems."""
    if kind == "e":
        ends = ["e", "est", "et", "en", "et", "en"]
    elif kind == "s":
        ends = ["e", "t", "t", "en", "t", "en"]
    else:
        ends = ["e", "st", "t", "en", "t", "en"]
    return [stem + e for e in ends]


# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Adj:
    pred: str  # predicative German form
    stem: str  # attributive stem (ending is added)
    en: str


ADJ = {
    "rot": Adj("rot", "rot", "red"),
    "blau": Adj("blau", "blau", "blue"),
    "grün": Adj("grün", "grün", "green"),
    "gelb": Adj("gelb", "gelb", "yellow"),
    "schwarz": Adj("schwarz", "schwarz", "black"),
    "weiß": Adj("weiß", "weiß", "white"),
    "braun": Adj("braun", "braun", "brown"),
    "grau": Adj("grau", "grau", "grey"),
    "groß": Adj("groß", "groß", "big"),
    "groß_p": Adj("groß", "groß", "tall"),
    "klein": Adj("klein", "klein", "small"),
    "alt": Adj("alt", "alt", "old"),
    "neu": Adj("neu", "neu", "new"),
    "jung": Adj("jung", "jung", "young"),
    "schön": Adj("schön", "schön", "beautiful"),
    "teuer": Adj("teuer", "teur", "expensive"),
    "billig": Adj("billig", "billig", "cheap"),
    "warm": Adj("warm", "warm", "warm"),
    "kalt": Adj("kalt", "kalt", "cold"),
    "heiß": Adj("heiß", "heiß", "hot"),
    "frisch": Adj("frisch", "frisch", "fresh"),
    "süß": Adj("süß", "süß", "sweet"),
    "lecker": Adj("lecker", "lecker", "delicious"),
    "leer": Adj("leer", "leer", "empty"),
    "voll": Adj("voll", "voll", "full"),
    "schwer": Adj("schwer", "schwer", "heavy"),
    "sauber": Adj("sauber", "sauber", "clean"),
    "schmutzig": Adj("schmutzig", "schmutzig", "dirty"),
    "schnell": Adj("schnell", "schnell", "fast"),
    "lang": Adj("lang", "lang", "long"),
    "kurz": Adj("kurz", "kurz", "short"),
    "interessant": Adj("interessant", "interessant", "interesting"),
    "spannend": Adj("spannend", "spannend", "exciting"),
    "lustig": Adj("lustig", "lustig", "funny"),
    "dunkel": Adj("dunkel", "dunkl", "dark"),
    "müde": Adj("müde", "müd", "tired"),
    "glücklich": Adj("glücklich", "glücklich", "happy"),
    "traurig": Adj("traurig", "traurig", "sad"),
    "krank": Adj("krank", "krank", "ill"),
    "freundlich": Adj("freundlich", "freundlich", "friendly"),
    "nett": Adj("nett", "nett", "nice"),
    "laut": Adj("laut", "laut", "loud"),
    "rund": Adj("rund", "rund", "round"),
    "bequem": Adj("bequem", "bequem", "comfortable"),
}
PERSON_ATTR = ("jung", "alt", "groß_p", "freundlich", "nett")
PERSON_STATE = ("müde", "glücklich", "traurig", "krank", "freundlich", "nett")
ANIMAL_STATE = ("müde", "krank")


@dataclass(frozen=True)
class Noun:
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

    def form(self, case: str, plural: bool) -> str:
        if plural:
            if case == "dat" and not self.pl.endswith(("n", "s")):
                return self.pl + "n"
            return self.pl
        if case != "nom" and self.obl:
            return self.obl
        return self.de


def n(g, de, pl, en, en_pl, tags="", loc="", adjs="", obl=None, mass=False):
    return Noun(g, de, pl, en, en_pl, frozenset(tags.split()), frozenset(loc.split()), tuple(adjs.split()), obl, mass)


COLOURS = "rot blau grün gelb schwarz weiß braun grau"
PA = " ".join(PERSON_ATTR)

NOUNS = [
    # people (tag P); FAM = usually with a possessive
    n("m", "Mann", "Männer", "man", "men", "P", "P", PA),
    n("f", "Frau", "Frauen", "woman", "women", "P", "P", PA),
    n("n", "Kind", "Kinder", "child", "children", "P KID", "P", "klein glücklich müde"),
    n("m", "Junge", "Jungen", "boy", "boys", "P KID", "P", "klein groß_p freundlich", obl="Jungen"),
    n("n", "Mädchen", "Mädchen", "girl", "girls", "P KID", "P", "klein groß_p freundlich"),
    n("m", "Vater", "Väter", "father", "fathers", "P FAM ONE", "P", "alt"),
    n("f", "Mutter", "Mütter", "mother", "mothers", "P FAM ONE", "P", "alt"),
    n("m", "Bruder", "Brüder", "brother", "brothers", "P FAM", "P", "klein groß_p alt"),
    n("f", "Schwester", "Schwestern", "sister", "sisters", "P FAM", "P", "klein groß_p alt"),
    n("m", "Sohn", "Söhne", "son", "sons", "P FAM", "P", "klein jung"),
    n("f", "Tochter", "Töchter", "daughter", "daughters", "P FAM", "P", "klein jung"),
    n("m", "Freund", "Freunde", "friend", "friends", "P FAM", "P", "alt nett"),
    n("m", "Nachbar", "Nachbarn", "neighbour", "neighbours", "P", "P", PA, obl="Nachbarn"),
    n("f", "Lehrerin", "Lehrerinnen", "teacher", "teachers", "P", "P", PA),
    n("m", "Arzt", "Ärzte", "doctor", "doctors", "P", "P", PA),
    n("m", "Großvater", "Großväter", "grandfather", "grandfathers", "P FAM ONE", "P", "alt"),
    n("f", "Großmutter", "Großmütter", "grandmother", "grandmothers", "P FAM ONE", "P", "alt"),
    n("m", "Onkel", "Onkel", "uncle", "uncles", "P FAM", "P", "alt nett"),
    n("f", "Tante", "Tanten", "aunt", "aunts", "P FAM", "P", "alt nett"),
    n("m", "Student", "Studenten", "student", "students", "P", "P", PA, obl="Studenten"),
    n(
        "m",
        "Polizist",
        "Polizisten",
        "police officer",
        "police officers",
        "P",
        "P",
        "jung alt freundlich",
        obl="Polizisten",
    ),
    # animals: AN = any animal, PET = can be owned/fed indoors, BIG = large
    n("m", "Hund", "Hunde", "dog", "dogs", "AN PET DC", "A", "klein groß alt jung schwarz weiß braun schnell laut"),
    n("f", "Katze", "Katzen", "cat", "cats", "AN PET DC", "A", "klein groß alt jung schwarz weiß grau"),
    n("m", "Vogel", "Vögel", "bird", "birds", "AN PET BIRD", "A G", "klein gelb blau laut"),
    n("n", "Pferd", "Pferde", "horse", "horses", "AN PET BIG", "L", "groß alt jung schwarz weiß braun schnell"),
    n("f", "Maus", "Mäuse", "mouse", "mice", "AN PET", "A", "klein grau weiß"),
    n("m", "Fisch", None, "fish", None, "AN AQUA SWIM", "W", "klein groß rot"),
    n("f", "Kuh", "Kühe", "cow", "cows", "AN BIG", "L", "groß alt braun schwarz"),
    n("n", "Schaf", None, "sheep", None, "AN BIG", "L", "weiß schwarz alt jung"),
    n("f", "Ente", "Enten", "duck", "ducks", "AN SWIM", "W", "klein weiß braun"),
    n("n", "Kaninchen", "Kaninchen", "rabbit", "rabbits", "AN PET", "A", "klein weiß braun grau"),
    # food and drink
    n("m", "Apfel", "Äpfel", "apple", "apples", "FOOD ANFOOD", "F", "rot grün groß klein süß frisch"),
    n("f", "Banane", "Bananen", "banana", "bananas", "FOOD", "F", "gelb grün groß klein"),
    n("f", "Orange", "Orangen", "orange", "oranges", "FOOD", "F", "groß klein süß frisch"),
    n("f", "Birne", "Birnen", "pear", "pears", "FOOD", "F", "grün gelb groß klein süß"),
    n("f", "Tomate", "Tomaten", "tomato", "tomatoes", "FOOD", "F", "rot grün groß klein frisch"),
    n("f", "Karotte", "Karotten", "carrot", "carrots", "FOOD ANFOOD", "F", "groß klein frisch"),
    n("n", "Ei", "Eier", "egg", "eggs", "FOOD", "F", "groß klein frisch braun weiß"),
    n("m", "Kuchen", "Kuchen", "cake", "cakes", "FOOD BAKE", "F", "groß klein süß lecker"),
    n("f", "Pizza", None, "pizza", None, "FOOD ORDER", "F", "groß klein lecker heiß"),
    n("n", "Brötchen", "Brötchen", "bread roll", "bread rolls", "FOOD", "F", "frisch klein"),
    n("n", "Brot", None, "bread", None, "FOOD MASS ANFOOD", "F", "frisch", mass=True),
    n("m", "Käse", None, "cheese", None, "FOOD MASS ANFOOD", "F", "", mass=True),
    n("f", "Suppe", None, "soup", None, "FOOD MASS COOK ORDER", "F", "heiß warm kalt lecker", mass=True),
    n("m", "Reis", None, "rice", None, "FOOD MASS COOK", "F", "", mass=True),
    n("n", "Fleisch", None, "meat", None, "FOOD MASS COOK ANFOOD", "F", "frisch", mass=True),
    n("f", "Schokolade", None, "chocolate", None, "FOOD MASS", "F", "dunkel süß", mass=True),
    n("n", "Wasser", None, "water", None, "DRINK MASS ANDRINK", "", "kalt warm", mass=True),
    n("f", "Milch", None, "milk", None, "DRINK MASS ANDRINK", "", "kalt warm frisch", mass=True),
    n("m", "Kaffee", None, "coffee", None, "DRINK MASS ORDER", "", "heiß kalt schwarz", mass=True),
    n("m", "Tee", None, "tea", None, "DRINK MASS ORDER", "", "heiß kalt grün", mass=True),
    n("m", "Saft", None, "juice", None, "DRINK MASS ORDER", "", "kalt frisch süß", mass=True),
    # things
    n(
        "n",
        "Buch",
        "Bücher",
        "book",
        "books",
        "READ BUY OWN OPEN CLOSE SMALL SHOW GIVE",
        "S",
        "neu alt interessant spannend rot blau grün dick klein groß",
    ),
    n("m", "Brief", "Briefe", "letter", "letters", "READ WRITE OPEN SMALL SEND", "S", "lang kurz neu"),
    n("f", "Zeitung", "Zeitungen", "newspaper", "newspapers", "READ BUY SMALL", "S", "neu alt"),
    n("f", "Geschichte", "Geschichten", "story", "stories", "READ WRITE TELL", "", "lang kurz schön lustig spannend"),
    n("f", "Nachricht", "Nachrichten", "message", "messages", "WRITE SEND", "", "kurz lang neu"),
    n("m", "Ball", "Bälle", "ball", "balls", "BUY OWN SMALL GIVE", "S A", COLOURS + " groß klein neu"),
    n(
        "n",
        "Auto",
        "Autos",
        "car",
        "cars",
        "BUY OWN WASH SELL BIGTHING",
        "L",
        COLOURS + " neu alt schnell teuer billig groß klein",
    ),
    n(
        "n",
        "Fahrrad",
        "Fahrräder",
        "bike",
        "bikes",
        "BUY OWN WASH SELL BIGTHING",
        "L",
        COLOURS + " neu alt schnell teuer",
    ),
    n(
        "f",
        "Tasche",
        "Taschen",
        "bag",
        "bags",
        "BUY OWN OPEN CLOSE CARRY SMALL GIVE",
        "R",
        COLOURS + " groß klein neu alt schwer teuer leer",
    ),
    n("f", "Kiste", "Kisten", "box", "boxes", "OPEN CLOSE CARRY", "R", "groß klein schwer leer"),
    n("m", "Stuhl", "Stühle", "chair", "chairs", "BUY SELL FURN", "R", COLOURS + " neu alt bequem"),
    n("m", "Tisch", "Tische", "table", "tables", "BUY SELL FURN", "R", "groß klein neu alt rund"),
    n("f", "Lampe", "Lampen", "lamp", "lamps", "BUY SELL FURN SMALL", "R", COLOURS + " neu"),
    n("f", "Tür", "Türen", "door", "doors", "OPEN CLOSE", "", "rot blau grün weiß alt neu"),
    n("n", "Fenster", "Fenster", "window", "windows", "OPEN CLOSE", "", "groß klein alt"),
    n("m", "Schlüssel", "Schlüssel", "key", "keys", "SMALL FIND OWN", "S", "klein alt neu"),
    n("n", "Handy", "Handys", "phone", "phones", "SMALL FIND BUY OWN SELL", "S", "neu alt teuer billig schwarz"),
    n("f", "Uhr", "Uhren", "watch", "watches", "SMALL FIND BUY OWN WEAR SELL", "S", "neu alt teuer billig schön"),
    n("m", "Hut", "Hüte", "hat", "hats", "WEAR BUY", "S", COLOURS + " neu alt"),
    n("f", "Jacke", "Jacken", "jacket", "jackets", "WEAR BUY", "S", COLOURS + " warm neu"),
    n("m", "Schuh", "Schuhe", "shoe", "shoes", "WEAR BUY PLONLY", "S", COLOURS + " neu"),
    n("n", "Kleid", "Kleider", "dress", "dresses", "WEAR BUY", "", COLOURS + " neu schön"),
    n("n", "Hemd", "Hemden", "shirt", "shirts", "WEAR BUY WASH", "", COLOURS + " neu sauber"),
    n("m", "Computer", "Computer", "computer", "computers", "BUY OWN SELL FURN", "R", "neu alt schnell teuer"),
    n("n", "Bild", "Bilder", "picture", "pictures", "PAINT SHOW BUY FURN GIVE", "R", "schön groß klein"),
    n("f", "Blume", "Blumen", "flower", "flowers", "BUY PAINT GIVE GARDEN", "G", "rot gelb blau weiß schön"),
    n("m", "Baum", "Bäume", "tree", "trees", "PAINT GARDEN", "G", "groß klein alt grün"),
    n("n", "Haus", "Häuser", "house", "houses", "PAINT BUY SELL BIGTHING", "", "groß klein alt neu schön weiß"),
    n("m", "Teller", "Teller", "plate", "plates", "WASH KITCHEN", "K", "sauber schmutzig weiß"),
    n("f", "Tasse", "Tassen", "cup", "cups", "WASH KITCHEN", "K", "sauber schmutzig blau weiß"),
    n("n", "Glas", "Gläser", "glass", "glasses", "WASH KITCHEN", "K", "sauber schmutzig leer voll"),
    n("m", "Stift", "Stifte", "pen", "pens", "SMALL FIND BUY GIVE", "S", COLOURS + " neu"),
    n("n", "Foto", "Fotos", "photo", "photos", "SHOW SEND", "S", "schön alt"),
    n("n", "Paket", "Pakete", "parcel", "parcels", "SEND OPEN CARRY", "S R", "groß klein schwer"),
    n("n", "Lied", "Lieder", "song", "songs", "SING", "", "schön neu alt lustig"),
    n("n", "Geschenk", "Geschenke", "present", "presents", "GIVE OPEN BUY", "R S", "groß klein schön"),
]
# "dick" is used for books; add it here to keep the table above readable.
ADJ["dick"] = Adj("dick", "dick", "thick")

NOUN_BY_DE = {x.de: x for x in NOUNS}


def nouns_with(*tags: str) -> list[Noun]:
    return [x for x in NOUNS if any(t in x.tags for t in tags)]


# Locations used inside prepositional phrases.
LOCN = {
    "Garten": n("m", "Garten", "Gärten", "garden", "gardens", adjs="groß klein schön"),
    "Küche": n("f", "Küche", "Küchen", "kitchen", "kitchens", adjs="groß klein neu"),
    "Park": n("m", "Park", "Parks", "park", "parks", adjs="groß klein schön"),
    "Haus": n("n", "Haus", "Häuser", "house", "houses", adjs="groß klein alt neu weiß"),
    "Wohnzimmer": n("n", "Wohnzimmer", "Wohnzimmer", "living room", "living rooms", adjs="groß klein"),
    "Zimmer": n("n", "Zimmer", "Zimmer", "room", "rooms", adjs="groß klein"),
    "Büro": n("n", "Büro", "Büros", "office", "offices", adjs="groß klein neu"),
    "Schule": n("f", "Schule", "Schulen", "school", "schools", adjs="neu"),
    "Bibliothek": n("f", "Bibliothek", "Bibliotheken", "library", "libraries", adjs="groß alt"),
    "Stadt": n("f", "Stadt", "Städte", "city", "cities", adjs="groß klein alt"),
    "Sofa": n("n", "Sofa", "Sofas", "sofa", "sofas", adjs="rot blau grün grau bequem"),
    "Bett": n("n", "Bett", "Betten", "bed", "beds", adjs="groß klein bequem"),
    "Stuhl": n("m", "Stuhl", "Stühle", "chair", "chairs", adjs="rot blau alt"),
    "Tisch": n("m", "Tisch", "Tische", "table", "tables", adjs="groß klein rund"),
    "Baum": n("m", "Baum", "Bäume", "tree", "trees", adjs="groß alt"),
    "Fenster": n("n", "Fenster", "Fenster", "window", "windows", adjs="groß offen"),
    "Tür": n("f", "Tür", "Türen", "door", "doors", adjs="rot blau grün"),
    "See": n("m", "See", "Seen", "lake", "lakes", adjs="groß klein kalt"),
    "Fluss": n("m", "Fluss", "Flüsse", "river", "rivers", adjs="kalt"),
    "Meer": n("n", "Meer", "Meere", "sea", "seas", adjs="kalt warm"),
    "Tasche": n("f", "Tasche", "Taschen", "bag", "bags", adjs="rot blau schwarz"),
    "Kiste": n("f", "Kiste", "Kisten", "box", "boxes", adjs="groß klein"),
}
ADJ["offen"] = Adj("offen", "offen", "open")
EN_PREP = {
    "in": "in",
    "auf": "on",
    "unter": "under",
    "neben": "next to",
    "vor": "in front of",
    "hinter": "behind",
    "an": "at",
}


@dataclass(frozen=True)
class Place:
    prep: str
    loc: str
    act: frozenset  # activity letters: r rest, a indoor, o outdoor, w work, h human only,
    #                 e at table, k kitchen, d waiting, x water
    holds: frozenset  # noun location letters: P A L W S F K R G
    poss: bool = False  # may take a possessive
    en_prep: str | None = None


def pl_(prep, loc, act="", holds="", poss=False, en_prep=None):
    return Place(prep, loc, frozenset(act.split()), frozenset(holds.split()), poss, en_prep)


PLACES = [
    pl_("in", "Garten", "a o r", "G P A L", True),
    pl_("in", "Küche", "a k e", "K P A F", True),
    pl_("in", "Park", "o", "G P A"),
    pl_("in", "Haus", "a r", "P A", True),
    pl_("in", "Wohnzimmer", "a r", "P A R", True),
    pl_("in", "Zimmer", "a r w", "P A R S", True),
    pl_("in", "Büro", "w h", "P R S", True),
    pl_("in", "Schule", "w h", "P", en_prep="at"),
    pl_("in", "Bibliothek", "w h r", "P"),
    pl_("in", "Stadt", "o", "P"),
    pl_("auf", "Sofa", "r", "A S P", True),
    pl_("auf", "Bett", "r", "A S", True),
    pl_("auf", "Stuhl", "r", "A S"),
    pl_("auf", "Tisch", "", "S F K", True),
    pl_("unter", "Tisch", "", "A S"),
    pl_("unter", "Bett", "", "A S"),
    pl_("unter", "Baum", "r o", "A L P"),
    pl_("neben", "Tür", "d", "S A P"),
    pl_("neben", "Fenster", "", "S A R"),
    pl_("an", "Fenster", "r", "P A"),
    pl_("an", "Tisch", "e w", "P"),
    pl_("vor", "Haus", "o d", "P A L", True),
    pl_("hinter", "Haus", "o", "P A L G", True),
    pl_("vor", "Tür", "d", "P A"),
    pl_("vor", "Schule", "d", "P"),
    pl_("in", "See", "x", "W"),
    pl_("in", "Fluss", "x", "W"),
    pl_("in", "Meer", "x", "W"),
    pl_("in", "Tasche", "", "S", True),
    pl_("in", "Kiste", "", "S"),
]


@dataclass(frozen=True)
class Verb:
    de: tuple  # six finite forms (stem part for separable verbs)
    inf: str
    en: tuple  # (base, third person singular)
    subj: frozenset = frozenset()  # allowed subject tags (P, AN, PET, DC, BIRD ...)
    obj: frozenset = frozenset()  # allowed object noun tags
    act: frozenset = frozenset()  # allowed place activity letters
    particle: str = ""
    person_obj: bool = False


def v(de, inf, en, subj="P", obj="", act="", particle="", person_obj=False):
    return Verb(
        tuple(de),
        inf,
        tuple(en),
        frozenset(subj.split()),
        frozenset(obj.split()),
        frozenset(act.split()),
        particle,
        person_obj,
    )


INTRANS = [
    v(
        ["schlafe", "schläfst", "schläft", "schlafen", "schlaft", "schlafen"],
        "schlafen",
        ("sleep", "sleeps"),
        "P PET BIG",
        act="r",
    ),
    v(reg("spiel"), "spielen", ("play", "plays"), "P DC", act="a o"),
    v(reg("arbeit", "e"), "arbeiten", ("work", "works"), act="w k"),
    v(reg("wart", "e"), "warten", ("wait", "waits"), "P DC", act="d"),
    v(reg("sitz", "s"), "sitzen", ("sit", "sits"), "P DC BIRD", act="r e"),
    v(["lese", "liest", "liest", "lesen", "lest", "lesen"], "lesen", ("read", "reads"), act="r w e"),
    v(reg("sing"), "singen", ("sing", "sings"), "P BIRD", act="a o"),
    v(reg("tanz", "s"), "tanzen", ("dance", "dances"), act="a o"),
    v(reg("lach"), "lachen", ("laugh", "laughs"), act="a o"),
    v(["laufe", "läufst", "läuft", "laufen", "lauft", "laufen"], "laufen", ("run", "runs"), "P DC BIG", act="o"),
    v(reg("schwimm"), "schwimmen", ("swim", "swims"), "P SWIM DC", act="x"),
    v(["esse", "isst", "isst", "essen", "esst", "essen"], "essen", ("eat", "eats"), act="e k"),
    v(reg("lern"), "lernen", ("study", "studies"), act="w e"),
    v(reg("koch"), "kochen", ("cook", "cooks"), act="k"),
]

TRANS = [
    v(
        ["sehe", "siehst", "sieht", "sehen", "seht", "sehen"],
        "sehen",
        ("see", "sees"),
        "P DC",
        "AN BIGTHING GARDEN",
        act="o",
        person_obj=True,
    ),
    v(["habe", "hast", "hat", "haben", "habt", "haben"], "haben", ("have", "has"), "P", "PET AQUA OWN"),
    v(reg("kauf"), "kaufen", ("buy", "buys"), "P", "FOOD DRINK BUY"),
    v(["esse", "isst", "isst", "essen", "esst", "essen"], "essen", ("eat", "eats"), "P", "FOOD", act="e k"),
    v(["fresse", "frisst", "frisst", "fressen", "fresst", "fressen"], "fressen", ("eat", "eats"), "PET BIG", "ANFOOD"),
    v(reg("trink"), "trinken", ("drink", "drinks"), "P", "DRINK", act="e k"),
    v(reg("trink"), "trinken", ("drink", "drinks"), "DC BIG", "ANDRINK"),
    v(["lese", "liest", "liest", "lesen", "lest", "lesen"], "lesen", ("read", "reads"), "P", "READ", act="r w e"),
    v(reg("schreib"), "schreiben", ("write", "writes"), "P", "WRITE", act="w e"),
    v(reg("such"), "suchen", ("look for", "looks for"), "P DC", "SMALL PET", person_obj=True),
    v(reg("find", "e"), "finden", ("find", "finds"), "P DC", "SMALL"),
    v(reg("brauch"), "brauchen", ("need", "needs"), "P", "BUY FOOD"),
    v(
        ["mag", "magst", "mag", "mögen", "mögt", "mögen"],
        "mögen",
        ("like", "likes"),
        "P",
        "AN FOOD DRINK",
        person_obj=True,
    ),
    v(["trage", "trägst", "trägt", "tragen", "tragt", "tragen"], "tragen", ("wear", "wears"), "P", "WEAR"),
    v(["trage", "trägst", "trägt", "tragen", "tragt", "tragen"], "tragen", ("carry", "carries"), "P", "CARRY"),
    v(["wasche", "wäschst", "wäscht", "waschen", "wascht", "waschen"], "waschen", ("wash", "washes"), "P", "WASH DC"),
    v(reg("mal"), "malen", ("paint", "paints"), "P", "PAINT AN", act="a o"),
    v(reg("öffn", "e"), "öffnen", ("open", "opens"), "P", "OPEN"),
    v(reg("mach"), "zumachen", ("close", "closes"), "P", "CLOSE", particle="zu"),
    v(reg("ruf"), "anrufen", ("call", "calls"), "P", "", particle="an", person_obj=True),
    v(reg("besuch"), "besuchen", ("visit", "visits"), "P", "", person_obj=True),
    v(reg("frag"), "fragen", ("ask", "asks"), "P", "", person_obj=True),
    v(reg("kenn"), "kennen", ("know", "knows"), "P", "", person_obj=True),
    v(reg("lieb"), "lieben", ("love", "loves"), "P", "PET", person_obj=True),
    v(["füttere", "fütterst", "füttert", "füttern", "füttert", "füttern"], "füttern", ("feed", "feeds"), "P", "AN"),
    v(reg("verkauf"), "verkaufen", ("sell", "sells"), "P", "SELL"),
    v(reg("koch"), "kochen", ("cook", "cooks"), "P", "COOK", act="k"),
    v(reg("bring"), "mitbringen", ("bring", "brings"), "P", "FOOD SMALL GIVE", particle="mit"),
    v(reg("bestell"), "bestellen", ("order", "orders"), "P", "ORDER"),
    v(["nehme", "nimmst", "nimmt", "nehmen", "nehmt", "nehmen"], "nehmen", ("take", "takes"), "P", "SMALL FOOD"),
    v(
        ["vergesse", "vergisst", "vergisst", "vergessen", "vergesst", "vergessen"],
        "vergessen",
        ("forget", "forgets"),
        "P",
        "SMALL",
    ),
    v(reg("sing"), "singen", ("sing", "sings"), "P", "SING", act="a o"),
]

DITRANS = [
    v(["gebe", "gibst", "gibt", "geben", "gebt", "geben"], "geben", ("give", "gives"), "P", "GIVE FOOD"),
    v(reg("zeig"), "zeigen", ("show", "shows"), "P", "SHOW BIGTHING"),
    v(reg("bring"), "bringen", ("bring", "brings"), "P", "FOOD DRINK SMALL"),
    v(reg("schick"), "schicken", ("send", "sends"), "P", "SEND"),
    v(reg("erzähl"), "erzählen", ("tell", "tells"), "P", "TELL"),
    v(reg("kauf"), "kaufen", ("buy", "buys"), "P", "GIVE"),
]

DATIVE = [
    v(["helfe", "hilfst", "hilft", "helfen", "helft", "helfen"], "helfen", ("help", "helps"), "P"),
    v(reg("dank"), "danken", ("thank", "thanks"), "P"),
    v(reg("antwort", "e"), "antworten", ("answer", "answers"), "P"),
    v(reg("folg"), "folgen", ("follow", "follows"), "P DC"),
]

STATIVE = {"haben", "mögen", "kennen", "lieben"}
MODALS = {
    "können": ["kann", "kannst", "kann", "können", "könnt", "können"],
    "wollen": ["will", "willst", "will", "wollen", "wollt", "wollen"],
    "müssen": ["muss", "musst", "muss", "müssen", "müsst", "müssen"],
}
SEIN = ["bin", "bist", "ist", "sind", "seid", "sind"]
HABEN = ["habe", "hast", "hat", "haben", "habt", "haben"]
GEHEN = reg("geh")
FAHREN = ["fahre", "fährst", "fährt", "fahren", "fahrt", "fahren"]

NAMES = [
    ("Anna", "f"),
    ("Maria", "f"),
    ("Lena", "f"),
    ("Sarah", "f"),
    ("Emma", "f"),
    ("Julia", "f"),
    ("Lisa", "f"),
    ("Sophie", "f"),
    ("Tom", "m"),
    ("Paul", "m"),
    ("Max", "m"),
    ("Ben", "m"),
    ("Jonas", "m"),
    ("David", "m"),
    ("Peter", "m"),
    ("Felix", "m"),
]
PRONOUNS = [
    ("I", "ich", P1S),
    ("you", "du", P2S),
    ("he", "er", P3S),
    ("she", "sie", P3S),
    ("we", "wir", P1P),
    ("they", "sie", P3P),
]

TIMES = [  # (English, German, future?)
    ("today", "heute", False),
    ("every day", "jeden Tag", False),
    ("every morning", "jeden Morgen", False),
    ("every evening", "jeden Abend", False),
    ("in the morning", "am Morgen", False),
    ("in the afternoon", "am Nachmittag", False),
    ("in the evening", "am Abend", False),
    ("at the weekend", "am Wochenende", False),
    ("in summer", "im Sommer", False),
    ("in winter", "im Winter", False),
    ("on Mondays", "montags", False),
    ("on Tuesdays", "dienstags", False),
    ("on Wednesdays", "mittwochs", False),
    ("on Thursdays", "donnerstags", False),
    ("on Fridays", "freitags", False),
    ("on Saturdays", "samstags", False),
    ("on Sundays", "sonntags", False),
    ("tomorrow", "morgen", True),
    ("tomorrow morning", "morgen früh", True),
    ("this evening", "heute Abend", True),
    ("tomorrow evening", "morgen Abend", True),
]
for _h in range(6, 13):
    TIMES.append((f"at {NUMBERS[_h][1]} o'clock", f"um {NUMBERS[_h][0]} Uhr", False))

DESTS = [  # (English, German, vehicle: 0 never, 1 optional, 2 required)
    ("to the park", "in den Park", 1),
    ("into the garden", "in den Garten", 0),
    ("into town", "in die Stadt", 1),
    ("into the kitchen", "in die Küche", 0),
    ("to the cinema", "ins Kino", 1),
    ("to school", "in die Schule", 1),
    ("to the station", "zum Bahnhof", 1),
    ("to the doctor", "zum Arzt", 1),
    ("to work", "zur Arbeit", 1),
    ("home", "nach Hause", 1),
    ("to the supermarket", "zum Supermarkt", 1),
    ("to the zoo", "in den Zoo", 1),
    ("to the bank", "zur Bank", 1),
    ("to the office", "ins Büro", 1),
    ("to the beach", "zum Strand", 1),
    ("to the library", "in die Bibliothek", 1),
    ("to the restaurant", "ins Restaurant", 1),
    ("to the lake", "zum See", 1),
]
CITIES = [
    ("Berlin", "Berlin"),
    ("Hamburg", "Hamburg"),
    ("Munich", "München"),
    ("Vienna", "Wien"),
    ("Cologne", "Köln"),
    ("Paris", "Paris"),
    ("London", "London"),
    ("Rome", "Rom"),
    ("Zurich", "Zürich"),
]
for _en, _de in CITIES:
    DESTS.append((f"to {_en}", f"nach {_de}", 2))
COUNTRIES = [
    ("Germany", "Deutschland"),
    ("Austria", "Österreich"),
    ("England", "England"),
    ("France", "Frankreich"),
    ("Spain", "Spanien"),
    ("Italy", "Italien"),
    ("Poland", "Polen"),
    ("Sweden", "Schweden"),
    ("Japan", "Japan"),
    ("Canada", "Kanada"),
]
CUP = ("a cup of", "eine Tasse")
GLASS = ("a glass of", "ein Glas")
BOTTLE = ("a bottle of", "eine Flasche")
CONTAINERS = {
    "Wasser": [GLASS, BOTTLE],
    "Milch": [CUP, GLASS, BOTTLE],
    "Kaffee": [CUP],
    "Tee": [CUP],
    "Saft": [GLASS, BOTTLE],
}
VEHICLES = [
    ("by train", "mit dem Zug"),
    ("by car", "mit dem Auto"),
    ("by bus", "mit dem Bus"),
    ("by bike", "mit dem Fahrrad"),
    ("by tram", "mit der Straßenbahn"),
    ("by taxi", "mit dem Taxi"),
]
JOBS = [  # (German masculine, German feminine, English masculine, English feminine)
    ("Lehrer", "Lehrerin", "teacher", "teacher"),
    ("Arzt", "Ärztin", "doctor", "doctor"),
    ("Koch", "Köchin", "cook", "cook"),
    ("Student", "Studentin", "student", "student"),
    ("Bäcker", "Bäckerin", "baker", "baker"),
    ("Polizist", "Polizistin", "police officer", "police officer"),
    ("Ingenieur", "Ingenieurin", "engineer", "engineer"),
    ("Pilot", "Pilotin", "pilot", "pilot"),
    ("Kellner", "Kellnerin", "waiter", "waitress"),
    ("Verkäufer", "Verkäuferin", "shop assistant", "shop assistant"),
    ("Sänger", "Sängerin", "singer", "singer"),
    ("Maler", "Malerin", "painter", "painter"),
    ("Journalist", "Journalistin", "journalist", "journalist"),
    ("Architekt", "Architektin", "architect", "architect"),
]


# --------------------------------------------------------------------------
# Phrase builders. Every builder returns an (English, German) pair in
# mid-sentence spelling; capitalisation and punctuation are added at the end.
# --------------------------------------------------------------------------


def a_an(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def np(
    noun: Noun,
    case: str,
    det: str = "def",
    plural: bool = False,
    adj: str | None = None,
    poss: str | None = None,
    num: int | None = None,
):
    """Noun phrase. det: def, indef, kein, poss, num, bare."""
    key = "pl" if plural else noun.g
    if det == "def":
        art, table = DEF[case][key], WEAK
    elif det == "indef":
        art, table = "ein" + EIN[case][key], MIXED
    elif det == "kein":
        art, table = "kein" + EIN[case][key], MIXED
    elif det == "poss":
        art, table = POSS[poss][0] + EIN[case][key], MIXED
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
        en_words.insert(0, POSS[poss][1])
    elif det == "num":
        en_words.insert(0, NUMBERS[num][1])
    return " ".join(en_words), " ".join(de_words)


def place_phrase(rng: random.Random, place: Place, adj_p: float = 0.12):
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
    en: str
    de: str
    person: int
    tags: frozenset
    gender: str | None = None
    noun: Noun | None = None
    name: str | None = None
    extra: dict = field(default_factory=dict)


def pick_det(rng: random.Random, noun: Noun, allow_indef: bool = True) -> str:
    if "FAM" in noun.tags:
        return "poss" if rng.random() < 0.8 else "def"
    r = rng.random()
    if r < 0.15 and "P" not in noun.tags:
        return "poss"
    if r < 0.4 and allow_indef:
        return "indef"
    return "def"


def person_np(rng: random.Random, case: str, exclude: set | None = None, allow_plural: bool = True):
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
                return Subj(f"{a[0]} and I", f"{a[0]} und ich", P1P, frozenset({"P"}), name=a[0])
            return Subj(f"{a[0]} and {b[0]}", f"{a[0]} und {b[0]}", P3P, frozenset({"P"}), name=a[0])
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


def object_np(rng: random.Random, noun: Noun, neg: bool, gern: bool = False, allow_num: bool = True):
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


def pick_place(rng: random.Random, act: frozenset, subj: Subj | None = None):
    cands = [p for p in PLACES if p.act & act]
    if subj is not None and subj.noun is not None and "AN" in subj.noun.tags:
        cands = [p for p in cands if "h" not in p.act]
        if "BIG" in subj.noun.tags:
            cands = [p for p in cands if "o" in p.act]
    if not cands:
        return None
    return place_phrase(rng, rng.choice(cands))


# --------------------------------------------------------------------------
# Clause assembly
# --------------------------------------------------------------------------


def en_verb(subj: Subj, base: str, s3: str, mode: str, future: bool):
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


def en_be(subj: Subj, mode: str, future: bool):
    if future:
        if mode == "q":
            return "will", "be"
        return "", "will not be" if mode == "neg" else "will be"
    form = {P1S: "am", P3S: "is"}.get(subj.person, "are")
    if mode == "q":
        return form, ""
    return "", form + (" not" if mode == "neg" else "")


def join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def assemble(
    subj: Subj,
    finite: str,
    middle: list[str],
    end: str,
    mode: str,
    time_de: str | None,
    front_time: bool,
    en_aux: str,
    en_vp: str,
    en_rest: str,
    time_en: str | None,
):
    """Build German (V2 or V1) and English word order from the parts."""
    if mode == "q":
        de = join(finite, subj.de, time_de or "", *middle, end)
        en = join(en_aux, subj.en, en_vp, en_rest, time_en or "")
    elif front_time and time_de:
        de = join(time_de, finite, subj.de, *middle, end)
        en = join(time_en, subj.en, en_vp, en_rest)
    else:
        de = join(subj.de, finite, time_de or "", *middle, end)
        en = join(subj.en, en_vp, en_rest, time_en or "")
    return en, de


def pick_time(rng: random.Random, p: float, allow_future: bool = True, mode: str = "decl"):
    if rng.random() >= p:
        return None
    times = TIMES if allow_future else [t for t in TIMES if not t[2]]
    if mode == "neg":  # "jeden Tag ... nicht" would negate each day, not the action
        times = [t for t in times if not t[0].startswith("every")]
    return rng.choice(times)


def pick_mode(rng: random.Random, neg_p: float = 0.2, q_p: float = 0.15) -> str:
    r = rng.random()
    return "neg" if r < neg_p else "q" if r < neg_p + q_p else "decl"


# --------------------------------------------------------------------------
# Sentence templates. Each returns (English, German, mode) or None.
# --------------------------------------------------------------------------


def t_intrans(rng: random.Random, mode: str, front_ok: bool = True):
    verb = rng.choice(INTRANS)
    subj = pick_subject(rng, verb.subj)
    gern = rng.random() < 0.15
    time = pick_time(rng, 0.35, allow_future=not gern, mode=mode)
    place = pick_place(rng, verb.act, subj) if verb.inf == "sitzen" or rng.random() < 0.75 else None
    with_ = None
    if verb.inf == "spielen" and rng.random() < 0.35:
        if rng.random() < 0.5:
            en, de, _ = person_np(rng, "dat", {subj.name, subj.noun and subj.noun.de})
        else:
            noun = rng.choice(nouns_with("DC"))
            en, de = np(noun, "dat", "def" if rng.random() < 0.6 else "poss", poss=rng.choice(list(POSS)))
        with_ = (f"with {en}", f"mit {de}")
    bare = not place and not with_ and not time and not gern
    if bare and mode == "decl" and rng.random() < 0.7:
        return None
    future = bool(time and time[2])
    base, s3 = verb.en
    if gern:
        base, s3 = f"like to {base}", f"likes to {base}"
    aux, vp = en_verb(subj, base, s3, mode, future)
    middle = []
    if mode == "neg":
        middle.append("nicht")
    if gern:
        middle.append("gern")
    en_rest = []
    if with_:
        middle.append(with_[1])
        en_rest.append(with_[0])
    if place:
        middle.append(place[1])
        en_rest.append(place[0])
    return assemble(
        subj,
        verb.de[subj.person],
        middle,
        verb.particle,
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        join(*en_rest),
        time[0] if time else None,
    )


def pick_object_noun(rng: random.Random, verb: Verb, subj: Subj):
    cands = [x for x in NOUNS if x.tags & verb.obj and x is not subj.noun]
    if not cands:
        return None
    return rng.choice(cands)


def t_trans(rng: random.Random, mode: str, front_ok: bool = True):
    verb = rng.choice(TRANS)
    subj = pick_subject(rng, verb.subj)
    person_obj = verb.person_obj and (not verb.obj or rng.random() < 0.4)
    if person_obj and "P" not in subj.tags:
        person_obj = False
        if not verb.obj:
            return None
    gern = False
    if person_obj:
        en_o, de_o, _ = person_np(rng, "acc", {subj.name, subj.noun and subj.noun.de})
        definite = True
    else:
        noun = pick_object_noun(rng, verb, subj)
        if noun is None:
            return None
        gern = (
            verb.inf in ("essen", "trinken", "lesen", "kaufen", "malen", "kochen", "singen", "schreiben")
            and "P" in subj.tags
            and rng.random() < 0.15
        )
        res = object_np(rng, noun, mode == "neg" and not gern, gern)
        if res is None:
            return None
        en_o, de_o, definite = res
    time = None if verb.inf in STATIVE else pick_time(rng, 0.3, allow_future=not gern, mode=mode)
    place = None
    if verb.act and mode != "neg" and rng.random() < 0.3:
        place = pick_place(rng, verb.act, subj)
    future = bool(time and time[2])
    base, s3 = verb.en
    if gern:
        base, s3 = f"like to {base}", f"likes to {base}"
    aux, vp = en_verb(subj, base, s3, mode, future)
    middle = []
    if definite:
        middle.append(de_o)
    if mode == "neg" and (definite or gern):
        middle.append("nicht")
    if gern:
        middle.append("gern")
    if not definite:
        middle.append(de_o)
    if place:
        middle.append(place[1])
    return assemble(
        subj,
        verb.de[subj.person],
        middle,
        verb.particle,
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        join(en_o, place[0] if place else ""),
        time[0] if time else None,
    )


def t_ditrans(rng: random.Random, mode: str, front_ok: bool = True):
    verb = rng.choice(DITRANS)
    subj = pick_subject(rng, verb.subj, pronoun_p=0.35)
    en_r, de_r, _ = person_np(rng, "dat", {subj.name, subj.noun and subj.noun.de})
    noun = pick_object_noun(rng, verb, subj)
    en_o, de_o, definite = object_np(rng, noun, mode == "neg", allow_num=True)
    time = pick_time(rng, 0.25, mode=mode)
    future = bool(time and time[2])
    aux, vp = en_verb(subj, *verb.en, mode, future)
    middle = [de_r, de_o]
    if mode == "neg" and definite:
        middle.append("nicht")
    return assemble(
        subj,
        verb.de[subj.person],
        middle,
        verb.particle,
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        join(en_r, en_o),
        time[0] if time else None,
    )


def t_dative(rng: random.Random, mode: str, front_ok: bool = True):
    verb = rng.choice(DATIVE)
    subj = pick_subject(rng, verb.subj)
    en_o, de_o, _ = person_np(rng, "dat", {subj.name, subj.noun and subj.noun.de})
    time = pick_time(rng, 0.3, mode=mode)
    future = bool(time and time[2])
    aux, vp = en_verb(subj, *verb.en, mode, future)
    middle = [de_o] + (["nicht"] if mode == "neg" else [])
    return assemble(
        subj,
        verb.de[subj.person],
        middle,
        "",
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        en_o,
        time[0] if time else None,
    )


def thing_subject(rng: random.Random, noun: Noun, adj_p: float = 0.15):
    plural = noun.pl is not None and ("PLONLY" in noun.tags or rng.random() < 0.25)
    det = "def" if rng.random() < 0.7 else "poss"
    cands = list(noun.adjs)
    adj = rng.choice(cands) if cands and rng.random() < adj_p else None
    en, de = np(noun, "nom", det, plural, adj, poss=rng.choice(list(POSS)))
    return Subj(en, de, P3P if plural else P3S, noun.tags, noun.g, noun)


def t_copula(rng: random.Random, mode: str, front_ok: bool = True):
    r = rng.random()
    idiom = None
    if r < 0.35:
        subj = pick_subject(rng, frozenset({"P"}), allow_indef=False)
        if subj.noun is None:
            pool = (*PERSON_STATE, "jung", "alt", "groß_p")
        else:
            pool = PERSON_STATE + tuple(a for a in subj.noun.adjs if a not in PERSON_STATE)
        if rng.random() < 0.25:
            idiom = rng.choice([("hungry", "Hunger"), ("thirsty", "Durst")])
        adj = rng.choice(pool)
    elif r < 0.5:
        noun = rng.choice(nouns_with("AN"))
        subj = thing_subject(rng, noun, 0.1)
        if rng.random() < 0.25:
            idiom = rng.choice([("hungry", "Hunger"), ("thirsty", "Durst")])
        adj = rng.choice(ANIMAL_STATE + noun.adjs)
    else:
        noun = rng.choice([x for x in NOUNS if "P" not in x.tags and "AN" not in x.tags and x.adjs])
        subj = thing_subject(rng, noun, 0.0)
        adj = rng.choice(noun.adjs)
    time = pick_time(rng, 0.12, mode=mode) if r < 0.5 else None
    future = bool(time and time[2])
    if idiom:
        aux, vp = en_be(subj, mode, future)
        noun_de = ("keinen " if mode == "neg" else "") + idiom[1]
        return assemble(
            subj,
            HABEN[subj.person],
            [noun_de],
            "",
            mode,
            time[1] if time else None,
            front_ok and rng.random() < 0.3,
            aux,
            vp,
            idiom[0],
            time[0] if time else None,
        )
    adv = None
    if mode != "neg" and rng.random() < 0.2:
        adv = rng.choice([("very", "sehr"), ("too", "zu")])
    aux, vp = en_be(subj, mode, future)
    de_pred = join("nicht" if mode == "neg" else "", adv[1] if adv else "", ADJ[adj].pred)
    en_pred = join(adv[0] if adv else "", ADJ[adj].en)
    return assemble(
        subj,
        SEIN[subj.person],
        [de_pred],
        "",
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        en_pred,
        time[0] if time else None,
    )


def located_subject(rng: random.Random):
    r = rng.random()
    if r < 0.3:
        subj = pick_subject(rng, frozenset({"P"}))
        holds = "P"
    elif r < 0.6:
        noun = rng.choice(nouns_with("AN"))
        subj = thing_subject(rng, noun)
        holds = rng.choice(sorted(noun.loc))
    else:
        noun = rng.choice([x for x in NOUNS if x.loc and "AN" not in x.tags and "P" not in x.tags])
        subj = thing_subject(rng, noun)
        holds = rng.choice(sorted(noun.loc))
    places = [p for p in PLACES if holds in p.holds and p.loc != (subj.noun and subj.noun.de)]
    return subj, holds, places


def t_location(rng: random.Random, mode: str, front_ok: bool = True):
    subj, holds, places = located_subject(rng)
    at_home = holds == "P" and rng.random() < 0.15
    place = ("at home", "zu Hause") if at_home else place_phrase(rng, rng.choice(places))
    aux, vp = en_be(subj, mode, False)
    middle = (["nicht"] if mode == "neg" else []) + [place[1]]
    return assemble(subj, SEIN[subj.person], middle, "", mode, None, False, aux, vp, place[0], None)


def t_where(rng: random.Random, mode: str, front_ok: bool = True):
    r = rng.random()
    if r < 0.5:
        subj, _, _ = located_subject(rng)
        form = {P1S: "am", P3S: "is"}.get(subj.person, "are")
        return f"where {form} {subj.en}", f"wo {SEIN[subj.person]} {subj.de}"
    if r < 0.8:
        verb = rng.choice([x for x in INTRANS if x.act])
        subj = pick_subject(rng, verb.subj)
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return (join("where", aux, subj.en, vp), join("wo", verb.de[subj.person], subj.de))
    subj = pick_subject(rng, frozenset({"P"}))
    aux, vp = en_verb(subj, "go", "goes", "q", False)
    return join("where", aux, subj.en, vp), join("wohin", GEHEN[subj.person], subj.de)


def t_wh(rng: random.Random, mode: str, front_ok: bool = True):
    r = rng.random()
    if r < 0.3:  # was
        verb = rng.choice([x for x in TRANS if x.obj and x.inf not in ("haben", "mögen")])
        subj = pick_subject(rng, verb.subj)
        time = pick_time(rng, 0.3, mode=mode)
        future = bool(time and time[2])
        aux, vp = en_verb(subj, *verb.en, "q", future)
        return (
            join("what", aux, subj.en, vp, time[0] if time else ""),
            join("was", verb.de[subj.person], subj.de, time[1] if time else "", verb.particle),
        )
    if r < 0.45:  # wen
        verb = rng.choice([x for x in TRANS if x.person_obj])
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return (join("who", aux, subj.en, vp), join("wen", verb.de[subj.person], subj.de, verb.particle))
    if r < 0.55:  # wem
        verb = rng.choice(DATIVE[:3])
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return join("who", aux, subj.en, vp), join("wem", verb.de[subj.person], subj.de)
    if r < 0.75:  # wer
        verb = rng.choice([x for x in TRANS if x.obj and "P" in x.subj])
        noun = rng.choice([x for x in NOUNS if x.tags & verb.obj])
        en_o, de_o, _ = object_np(rng, noun, False)
        return (join("who", verb.en[1], en_o), join("wer", verb.de[P3S], de_o, verb.particle))
    if r < 0.9:  # wie viele
        verb = rng.choice([x for x in TRANS if x.inf in ("haben", "kaufen", "sehen", "brauchen")])
        noun = rng.choice([x for x in NOUNS if x.tags & verb.obj and x.pl])
        subj = pick_subject(rng, frozenset({"P"}))
        aux, vp = en_verb(subj, *verb.en, "q", False)
        return (
            join("how many", noun.en_pl, aux, subj.en, vp),
            join("wie viele", noun.pl, verb.de[subj.person], subj.de),
        )
    noun = rng.choice([x for x in NOUNS if "rot" in x.adjs or "schwarz" in x.adjs])
    subj = thing_subject(rng, noun, 0.0)
    form = "is" if subj.person == P3S else "are"
    return (f"what colour {form} {subj.en}", f"welche Farbe {HABEN[subj.person]} {subj.de}")


def t_esgibt(rng: random.Random, mode: str, front_ok: bool = True):
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
    en_p, de_p = place_phrase(rng, place)
    many = plural and not noun.mass
    if mode == "q":
        return join("is" if not many else "are", "there", en_o, en_p), join("gibt es", de_p, de_o)
    be = "are" if many else "is"
    if mode == "neg":
        en_o = en_o if not en_o.startswith(("a ", "an ")) else en_o.split(" ", 1)[1]
        return join("there", be, "no", en_o, en_p), join(de_p, "gibt es", de_o)
    return join("there", be, en_o, en_p), join(de_p, "gibt es", de_o)


def t_this(rng: random.Random, mode: str, front_ok: bool = True):
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
        mode = "decl"
    num = rng.choice(range(2, 10)) if det == "num" else None
    en_o, de_o = np(noun, "nom", det, plural, adj, poss=rng.choice(list(POSS)), num=num)
    de_v = "sind" if plural else "ist"
    if mode == "q":
        en = join("are these" if plural else "is this", en_o)
        return en, join(de_v, "das", de_o)
    en_v = "these are" if plural else "this is"
    if mode == "neg":
        en_v += " not"
    return join(en_v, en_o), join("das", de_v, de_o)


def t_job(rng: random.Random, mode: str, front_ok: bool = True):
    job = rng.choice(JOBS)
    if rng.random() < 0.7:
        name, g = rng.choice(NAMES)
        subj = Subj(name, name, P3S, frozenset({"P"}), g)
    else:
        g = rng.choice("mf")
        subj = Subj("he" if g == "m" else "she", "er" if g == "m" else "sie", P3S, frozenset({"P"}), g)
    de_job = job[0] if g == "m" else job[1]
    en_job = job[2] if g == "m" else job[3]
    aux, vp = en_be(subj, mode, False)
    if mode == "neg":
        de_job = ("kein " if g == "m" else "keine ") + de_job
    return assemble(subj, "ist", [de_job], "", mode, None, False, aux, vp, f"{a_an(en_job)} {en_job}", None)


def t_age(rng: random.Random, mode: str, front_ok: bool = True):
    r = rng.random()
    if r < 0.4:
        name, _ = rng.choice(NAMES)
        subj = Subj(name, name, P3S, frozenset({"P"}))
        ages = [*range(2, 21), 30, 40, 50, 60]
    elif r < 0.8:
        noun = rng.choice([x for x in NOUNS if "FAM" in x.tags])
        en, de = np(noun, "nom", "poss", poss=rng.choice(list(POSS)))
        subj = Subj(en, de, P3S, noun.tags)
        if noun.de.startswith("Groß"):
            ages = [60, 70, 80]
        elif noun.de in ("Vater", "Mutter", "Onkel", "Tante"):
            ages = [30, 40, 50, 60]
        else:
            ages = list(range(2, 21))
    else:
        noun = rng.choice([x for x in NOUNS if "PET" in x.tags])
        en, de = np(noun, "nom", "poss", poss=rng.choice(list(POSS)))
        subj = Subj(en, de, P3S, noun.tags)
        ages = list(range(2, 16))
    if mode == "q":
        return f"how old is {subj.en}", f"wie alt ist {subj.de}"
    age = rng.choice(ages)
    return (f"{subj.en} is {NUMBERS[age][1]} years old", f"{subj.de} ist {NUMBERS[age][0]} Jahre alt")


def t_motion(rng: random.Random, mode: str, front_ok: bool = True):
    subj = pick_subject(rng, frozenset({"P"}))
    dest = rng.choice(DESTS)
    veh = None
    if dest[2] == 2:
        veh = rng.choice(VEHICLES[:3])
    elif dest[2] == 1 and rng.random() < 0.45:
        veh = rng.choice(VEHICLES)
    time = pick_time(rng, 0.4, mode=mode)
    future = bool(time and time[2])
    aux, vp = en_verb(subj, "go", "goes", mode, future)
    finite = (FAHREN if veh else GEHEN)[subj.person]
    middle = (["nicht"] if mode == "neg" else []) + ([veh[1]] if veh else []) + [dest[1]]
    en_rest = join(dest[0], veh[0] if veh else "")
    return assemble(
        subj,
        finite,
        middle,
        "",
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux,
        vp,
        en_rest,
        time[0] if time else None,
    )


def t_origin(rng: random.Random, mode: str, front_ok: bool = True):
    subj = pick_subject(rng, frozenset({"P"}), allow_compound=False)
    if rng.random() < 0.5:
        en_c, de_c = rng.choice(CITIES)
        verb = ("live", "lives", reg("wohn"))
        en_rest, de_rest = f"in {en_c}", f"in {de_c}"
        wh = ("where", "wo")
    else:
        en_c, de_c = rng.choice(COUNTRIES + CITIES)
        verb = ("come from", "comes from", reg("komm"))
        en_rest, de_rest = en_c, f"aus {de_c}"
        wh = ("where", "woher")
    if mode == "q" and rng.random() < 0.5:
        aux, vp = en_verb(subj, verb[0], verb[1], "q", False)
        return join(wh[0], aux, subj.en, vp), join(wh[1], verb[2][subj.person], subj.de)
    aux, vp = en_verb(subj, verb[0], verb[1], mode, False)
    middle = (["nicht"] if mode == "neg" else []) + [de_rest]
    return assemble(subj, verb[2][subj.person], middle, "", mode, None, False, aux, vp, en_rest, None)


def t_modal(rng: random.Random, mode: str, front_ok: bool = True):
    modal = rng.choice(list(MODALS))
    forms = MODALS[modal]
    if rng.random() < 0.5:
        verb = rng.choice(INTRANS)
        subj = pick_subject(rng, verb.subj)
        obj = None
        place = pick_place(rng, verb.act, subj) if verb.inf == "sitzen" or rng.random() < 0.5 else None
    else:
        verb = rng.choice([x for x in TRANS if x.obj and "P" in x.subj and x.inf not in ("lieben", "mögen", "haben")])
        subj = pick_subject(rng, frozenset({"P"}))
        noun = pick_object_noun(rng, verb, subj)
        obj = object_np(rng, noun, mode == "neg", allow_num=True)
        place = None
    time = pick_time(rng, 0.3, allow_future=False, mode=mode)
    third = subj.person == P3S
    base = verb.en[0]
    if modal == "können":
        aux_q = "can"
        vp = {"decl": "can", "neg": "cannot"}.get(mode, "") + " " + base
    elif modal == "wollen":
        aux_q = "does" if third else "do"
        vp = (
            {"decl": "wants to" if third else "want to", "neg": ("does not" if third else "do not") + " want to"}.get(
                mode, "want to"
            )
            + " "
            + base
        )
    else:
        aux_q = "does" if third else "do"
        vp = (
            {"decl": "has to" if third else "have to", "neg": ("does not" if third else "do not") + " have to"}.get(
                mode, "have to"
            )
            + " "
            + base
        )
    vp = vp.strip()
    middle = []
    en_rest = []
    if obj and obj[2]:
        middle.append(obj[1])
    if mode == "neg" and (obj is None or obj[2]):
        middle.append("nicht")
    if obj and not obj[2]:
        middle.append(obj[1])
    if obj:
        en_rest.append(obj[0])
    if place:
        middle.append(place[1])
        en_rest.append(place[0])
    return assemble(
        subj,
        forms[subj.person],
        middle,
        verb.inf,
        mode,
        time[1] if time else None,
        front_ok and rng.random() < 0.3,
        aux_q if mode == "q" else "",
        vp,
        join(*en_rest),
        time[0] if time else None,
    )


def t_wish(rng: random.Random, mode: str, front_ok: bool = True):
    subj = pick_subject(rng, frozenset({"P"}), allow_compound=False, allow_indef=False)
    if mode == "q" and (subj.person == P1S or rng.random() < 0.5):
        subj = Subj("you", "du", P2S, frozenset({"P"}))
    forms = ["möchte", "möchtest", "möchte", "möchten", "möchtet", "möchten"]
    r = rng.random()
    if r < 0.4:
        noun = rng.choice([x for x in NOUNS if "DRINK" in x.tags])
        cont = rng.choice(CONTAINERS[noun.de])
        en_o, de_o = f"{cont[0]} {noun.en}", f"{cont[1]} {noun.de}"
    else:
        noun = rng.choice([x for x in NOUNS if x.tags & {"FOOD", "BUY"} and not x.mass])
        en_o, de_o = np(noun, "acc", "indef", adj=rng.choice(noun.adjs) if noun.adjs and rng.random() < 0.3 else None)
    if mode == "q":
        return (join("would", subj.en, "like", en_o), join(forms[subj.person], subj.de, de_o))
    return join(subj.en, "would like", en_o), join(subj.de, forms[subj.person], de_o)


def contrast_objects(rng: random.Random):
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
    en, de = assemble(subj, verb.de[subj.person], [de1], verb.particle, "decl", None, False, aux, vp, en1, None)
    return f"{en}, but not {en2}", f"{de}, aber {de2}"


def t_coord(rng: random.Random, mode: str, front_ok: bool = True):
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
    if r < 0.4:
        return f"{first[0]}, but {second[0]}", f"{first[1]}, aber {second[1]}"
    return f"{first[0]} and {second[0]}", f"{first[1]} und {second[1]}"


TEMPLATES = [  # (function, weight, negation probability, question probability)
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
# Hand-written everyday sentence pairs
# --------------------------------------------------------------------------

HANDWRITTEN = [
    ("Hello!", "Hallo!"),
    ("Good morning!", "Guten Morgen!"),
    ("Good afternoon!", "Guten Tag!"),
    ("Good evening!", "Guten Abend!"),
    ("Good night!", "Gute Nacht!"),
    ("Goodbye!", "Auf Wiedersehen!"),
    ("Bye!", "Tschüss!"),
    ("See you tomorrow!", "Bis morgen!"),
    ("See you later!", "Bis später!"),
    ("See you soon!", "Bis bald!"),
    ("How are you?", "Wie geht es dir?"),
    ("How are you, Mr Weber?", "Wie geht es Ihnen, Herr Weber?"),
    ("I am fine, thank you.", "Mir geht es gut, danke."),
    ("And how are you?", "Und wie geht es dir?"),
    ("Not so good.", "Nicht so gut."),
    ("Thank you!", "Danke!"),
    ("Thank you very much!", "Vielen Dank!"),
    ("You are welcome.", "Gern geschehen."),
    ("Please sit down.", "Bitte setz dich."),
    ("Excuse me!", "Entschuldigung!"),
    ("I am sorry.", "Es tut mir leid."),
    ("What is your name?", "Wie heißt du?"),
    ("My name is Anna.", "Ich heiße Anna."),
    ("His name is Paul.", "Er heißt Paul."),
    ("Nice to meet you.", "Freut mich, dich kennenzulernen."),
    ("Where do you live?", "Wo wohnst du?"),
    ("Where are you from?", "Woher kommst du?"),
    ("I am from England.", "Ich komme aus England."),
    ("How old are you?", "Wie alt bist du?"),
    ("Do you speak German?", "Sprichst du Deutsch?"),
    ("I speak a little German.", "Ich spreche ein bisschen Deutsch."),
    ("Do you speak English?", "Sprichst du Englisch?"),
    ("I am learning German.", "Ich lerne Deutsch."),
    ("German is not difficult.", "Deutsch ist nicht schwer."),
    ("I do not understand that.", "Ich verstehe das nicht."),
    ("Please speak slowly.", "Bitte sprich langsam."),
    ("Speak louder, please.", "Sprich bitte lauter."),
    ("Can you repeat that?", "Kannst du das wiederholen?"),
    ("What does this word mean?", "Was bedeutet dieses Wort?"),
    ("How do you say that in German?", "Wie sagt man das auf Deutsch?"),
    ("Can you help me?", "Kannst du mir helfen?"),
    ("Can I help you?", "Kann ich Ihnen helfen?"),
    ("Of course!", "Natürlich!"),
    ("Yes, please.", "Ja, bitte."),
    ("No, thank you.", "Nein, danke."),
    ("I do not know.", "Ich weiß es nicht."),
    ("I think so.", "Ich glaube schon."),
    ("That is right.", "Das stimmt."),
    ("That is wrong.", "Das ist falsch."),
    ("No problem.", "Kein Problem."),
    ("Good idea!", "Gute Idee!"),
    ("I agree.", "Ich bin einverstanden."),
    ("Really?", "Wirklich?"),
    ("Maybe tomorrow.", "Vielleicht morgen."),
    ("Not today.", "Heute nicht."),
    ("Me too.", "Ich auch."),
    ("Let's go!", "Gehen wir!"),
    ("What time is it?", "Wie spät ist es?"),
    ("It is eight o'clock.", "Es ist acht Uhr."),
    ("It is half past seven.", "Es ist halb acht."),
    ("What day is it today?", "Welcher Tag ist heute?"),
    ("Today is Monday.", "Heute ist Montag."),
    ("Today is Friday.", "Heute ist Freitag."),
    ("Tomorrow is Sunday.", "Morgen ist Sonntag."),
    ("My birthday is in May.", "Mein Geburtstag ist im Mai."),
    ("What is the weather like today?", "Wie ist das Wetter heute?"),
    ("The weather is nice today.", "Das Wetter ist heute schön."),
    ("It is raining.", "Es regnet."),
    ("It is snowing.", "Es schneit."),
    ("It is cold today.", "Heute ist es kalt."),
    ("It is very hot.", "Es ist sehr heiß."),
    ("The sun is shining.", "Die Sonne scheint."),
    ("It is windy.", "Es ist windig."),
    ("Where is the station?", "Wo ist der Bahnhof?"),
    ("The station is over there.", "Der Bahnhof ist dort drüben."),
    ("Where is the toilet?", "Wo ist die Toilette?"),
    ("Where is the next bus stop?", "Wo ist die nächste Haltestelle?"),
    ("Which bus goes to the station?", "Welcher Bus fährt zum Bahnhof?"),
    ("Is it far?", "Ist es weit?"),
    ("No, it is very close.", "Nein, es ist ganz nah."),
    ("I am looking for a hotel.", "Ich suche ein Hotel."),
    ("How much does this cost?", "Wie viel kostet das?"),
    ("It costs ten euros.", "Das kostet zehn Euro."),
    ("That is too expensive.", "Das ist zu teuer."),
    ("Can I pay by card?", "Kann ich mit Karte bezahlen?"),
    ("I would like to pay.", "Ich möchte bezahlen."),
    ("The bill, please.", "Die Rechnung, bitte."),
    ("A table for two, please.", "Einen Tisch für zwei, bitte."),
    ("Two coffees, please.", "Zwei Kaffee, bitte."),
    ("I would like a coffee, please.", "Ich möchte einen Kaffee, bitte."),
    ("What would you like to drink?", "Was möchtest du trinken?"),
    ("What would you like to eat?", "Was möchtest du essen?"),
    ("I will take the soup.", "Ich nehme die Suppe."),
    ("Enjoy your meal!", "Guten Appetit!"),
    ("The food is delicious.", "Das Essen ist lecker."),
    ("I am full.", "Ich bin satt."),
    ("Cheers!", "Prost!"),
    ("Dinner is ready.", "Das Abendessen ist fertig."),
    ("Breakfast is at seven o'clock.", "Das Frühstück ist um sieben Uhr."),
    ("We eat breakfast together.", "Wir frühstücken zusammen."),
    ("Happy birthday!", "Alles Gute zum Geburtstag!"),
    ("Have a nice weekend!", "Schönes Wochenende!"),
    ("Have a good trip!", "Gute Reise!"),
    ("Have fun!", "Viel Spaß!"),
    ("Good luck!", "Viel Glück!"),
    ("Get well soon!", "Gute Besserung!"),
    ("Sleep well!", "Schlaf gut!"),
    ("Happy New Year!", "Frohes neues Jahr!"),
    ("Merry Christmas!", "Frohe Weihnachten!"),
    ("Congratulations!", "Herzlichen Glückwunsch!"),
    ("Welcome!", "Willkommen!"),
    ("Come in!", "Komm herein!"),
    ("Wait a moment, please.", "Warte bitte einen Moment."),
    ("One moment, please.", "Einen Moment, bitte."),
    ("Wait for me!", "Warte auf mich!"),
    ("Listen!", "Hör zu!"),
    ("Look!", "Schau mal!"),
    ("Help!", "Hilfe!"),
    ("Be careful!", "Sei vorsichtig!"),
    ("Hurry up!", "Beeil dich!"),
    ("Don't worry.", "Keine Sorge."),
    ("It does not matter.", "Das macht nichts."),
    ("Everything is okay.", "Alles in Ordnung."),
    ("Is everything okay?", "Ist alles in Ordnung?"),
    ("What is the matter?", "Was ist los?"),
    ("Nothing.", "Nichts."),
    ("Everything is ready.", "Alles ist fertig."),
    ("I love you.", "Ich liebe dich."),
    ("I miss you.", "Du fehlst mir."),
    ("I have a question.", "Ich habe eine Frage."),
    ("What is that?", "Was ist das?"),
    ("Who is that?", "Wer ist das?"),
    ("That is my brother.", "Das ist mein Bruder."),
    ("What are you doing?", "Was machst du?"),
    ("What are you doing today?", "Was machst du heute?"),
    ("I am reading a book.", "Ich lese ein Buch."),
    ("I am going home.", "Ich gehe nach Hause."),
    ("I am coming!", "Ich komme!"),
    ("Are you coming with us?", "Kommst du mit?"),
    ("Where are you?", "Wo bist du?"),
    ("I am here.", "Ich bin hier."),
    ("We are late.", "Wir sind spät dran."),
    ("Sorry, I am late.", "Entschuldigung, ich bin zu spät."),
    ("I do not have time.", "Ich habe keine Zeit."),
    ("Do you have time today?", "Hast du heute Zeit?"),
    ("I have time tomorrow.", "Morgen habe ich Zeit."),
    ("When does the train leave?", "Wann fährt der Zug ab?"),
    ("The train is late.", "Der Zug hat Verspätung."),
    ("The bus is coming.", "Der Bus kommt."),
    ("The shop is closed.", "Das Geschäft ist geschlossen."),
    ("The museum is open.", "Das Museum ist geöffnet."),
    ("The shop opens at nine o'clock.", "Das Geschäft öffnet um neun Uhr."),
    ("The film starts at eight o'clock.", "Der Film beginnt um acht Uhr."),
    ("I get up at seven o'clock.", "Ich stehe um sieben Uhr auf."),
    ("I go to bed at ten o'clock.", "Ich gehe um zehn Uhr ins Bett."),
    ("I brush my teeth.", "Ich putze mir die Zähne."),
    ("I take a shower in the morning.", "Ich dusche am Morgen."),
    ("The phone is ringing.", "Das Telefon klingelt."),
    ("Who is calling?", "Wer ruft an?"),
    ("Call me tomorrow.", "Ruf mich morgen an."),
    ("Here is my phone number.", "Hier ist meine Telefonnummer."),
    ("I need a doctor.", "Ich brauche einen Arzt."),
    ("My head hurts.", "Mein Kopf tut weh."),
    ("I feel better.", "Es geht mir besser."),
    ("Do you have any brothers or sisters?", "Hast du Geschwister?"),
    ("Where do you work?", "Wo arbeitest du?"),
    ("I work in a hospital.", "Ich arbeite in einem Krankenhaus."),
    ("What are your hobbies?", "Was sind deine Hobbys?"),
    ("I like to read and swim.", "Ich lese und schwimme gern."),
    ("The children are playing outside.", "Die Kinder spielen draußen."),
    ("What is your favourite colour?", "Was ist deine Lieblingsfarbe?"),
    ("My favourite colour is blue.", "Meine Lieblingsfarbe ist Blau."),
    ("I like this song.", "Ich mag dieses Lied."),
    ("Do you like it here?", "Gefällt es dir hier?"),
    ("Yes, I like it very much.", "Ja, es gefällt mir sehr gut."),
    ("Close the window, please.", "Mach bitte das Fenster zu."),
    ("Open the door, please.", "Mach bitte die Tür auf."),
    ("Please write your name here.", "Bitte schreib hier deinen Namen."),
    ("I have a dog and a cat.", "Ich habe einen Hund und eine Katze."),
    ("We have a small garden.", "Wir haben einen kleinen Garten."),
    ("The door is open.", "Die Tür ist offen."),
    ("The water is too cold.", "Das Wasser ist zu kalt."),
    ("How was your day?", "Wie war dein Tag?"),
    ("My day was good.", "Mein Tag war gut."),
]


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def finish(en: str, de: str, question: bool) -> tuple[str, str]:
    mark = "?" if question else "."
    return en[0].upper() + en[1:] + mark, de[0].upper() + de[1:] + mark


def generate(rng: random.Random) -> tuple[str, str]:
    funcs = [t[0] for t in TEMPLATES]
    weights = [t[1] for t in TEMPLATES]
    while True:
        idx = rng.choices(range(len(funcs)), weights)[0]
        func, _, neg_p, q_p = TEMPLATES[idx]
        mode = pick_mode(rng, neg_p, q_p)
        res = func(rng, mode)
        if res is None:
            continue
        en, de = res
        question = mode == "q" or func in (t_where, t_wh)
        if question and " and I " in f" {en} ":
            continue  # "Do Anna and I ...?" is grammatical but unnatural
        return finish(en, de, question)


def check(pairs: list[tuple[str, str]]) -> None:
    for en, de in pairs:
        for s in (en, de):
            assert s and s == s.strip() and "  " not in s and "\n" not in s, s


def main() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for en, de in HANDWRITTEN:
        if en not in seen:
            seen.add(en)
            pairs.append((en, de))
    n_hand = len(pairs)
    target = N_TRAIN + N_VALID
    tries = 0
    while len(pairs) < target:
        tries += 1
        assert tries < 50 * target, "grammar too small for the requested size"
        en, de = generate(rng)
        if en in seen:
            continue
        seen.add(en)
        pairs.append((en, de))
    check(pairs)
    # Validation: drawn from the generated pairs plus a few hand-written ones.
    order = list(range(len(pairs)))
    rng.shuffle(order)
    valid_idx = set(order[:N_VALID])
    train = [pairs[i] for i in range(len(pairs)) if i not in valid_idx]
    valid = [pairs[i] for i in sorted(valid_idx)]
    rng.shuffle(train)
    rng.shuffle(valid)
    for name, rows in (("train", train), ("validation", valid)):
        for lang, col in (("en", 0), ("de", 1)):
            path = OUT_DIR / f"{name}.{lang}"
            path.write_text("".join(r[col] + "\n" for r in rows), encoding="utf-8")
    print(f"hand-written pairs: {n_hand}; train: {len(train)}; validation: {len(valid)}")


if __name__ == "__main__":
    main()
