"""Build the bundled llmkit extractive question-answering dataset.

Running ``python data/qa/build.py`` regenerates, byte for byte, the four files
in this folder:

* ``train.json`` and ``validation.json`` (SQuAD v1.1 layout, all answerable);
* ``train_v2.json`` and ``validation_v2.json`` (SQuAD v2.0 layout, about a
  third of the questions are unanswerable and marked ``is_impossible``).

All text is original and was written for llmkit.  The dataset mixes two kinds
of material:

1. Hand-written paragraphs (``HAND_*`` lists below), each with hand-written
   questions.  Only the answer *text* is written by hand; its character offset
   is always found by code (``context.find``) and checked.
2. Generated paragraphs.  Each ``t_*`` function is a paragraph template about
   an invented subject (a town, a company, a river, a festival, ...).  It draws
   names, numbers and phrases from the entity lists below with a seeded
   ``random.Random``, shuffles the order of most sentences, and lists question
   phrasings keyed by the slot that answers them.  The renderer records where
   every slot value lands in the paragraph, so offsets are exact.

Generated articles are named after an invented town and hold two to four
paragraphs produced by different templates.  Every name comes from a shared
pool that never hands out the same name twice, so no article title or context
is shared between files.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

SEED = 20240611
OUT_DIR = Path(__file__).resolve().parent
VERSION_V1 = "1.1"
VERSION_V2 = "v2.0"

# --------------------------------------------------------------------------
# Entity lists (all invented)
# --------------------------------------------------------------------------

# fmt: off
PLACE_START = [
    "Varn", "Quel", "Ostr", "Tamb", "Keld", "Morv", "Pell", "Sorr", "Drav",
    "Hesk", "Yarl", "Zenn", "Corv", "Bral", "Fenn", "Gask", "Hald", "Ilv",
    "Jarr", "Lomb", "Merr", "Norv", "Orr", "Prax", "Rask", "Skel", "Thorv",
    "Vell", "Wend", "Brask", "Cald", "Dunst", "Elv", "Fald", "Grev", "Harn",
    "Kess", "Lund", "Mald", "Tressel",
]
PLACE_END = [
    "holt", "mere", "wick", "stead", "ford", "dale", "haven", "moor", "ton",
    "brook", "gate", "crest", "wold", "by", "ness", "mouth", "field", "ridge",
    "stow", "combe", "thorpe", "ley", "well", "bury",
]
RIVER_START = [
    "Om", "Tes", "Quil", "Had", "Sal", "Vel", "Nin", "Car", "Lis", "Em",
    "Bran", "Dor", "Ur", "Gal", "Ferr", "Ysk",
]
RIVER_END = [
    "bre", "sary", "len", "dow", "tor", "lis", "now", "rel", "ka", "ber",
    "wyn", "ith", "ane", "ost",
]
FIRST_NAMES = [
    "Ada", "Albin", "Alma", "Ansel", "Berit", "Bram", "Cora", "Cyrus",
    "Dagny", "Doran", "Edda", "Elias", "Fenna", "Floris", "Greta", "Gideon",
    "Hedda", "Hollis", "Ilse", "Ivo", "Jora", "Jasper", "Kerstin", "Lorcan",
    "Liesel", "Mattias", "Marit", "Nils", "Nora", "Osric", "Orla", "Piet",
    "Petra", "Quentin", "Rhoswen", "Rufus", "Sabine", "Soren", "Tilde",
    "Tobiah", "Una", "Ulric", "Vera", "Viggo", "Wenna", "Wendel", "Yselde",
    "Zacharias", "Maren", "Emrys",
]
LAST_NAMES = [
    "Marrow", "Quillon", "Ashgrave", "Tennerly", "Vosk", "Halloran",
    "Brackwater", "Pellingham", "Orwin", "Sallow", "Dunmore", "Fetterly",
    "Graylock", "Hembry", "Ingleby", "Jessop", "Kettleby", "Lammering",
    "Morcombe", "Nettlefold", "Oakhollow", "Prenderwick", "Rookwood",
    "Stilby", "Thackeray", "Underhay", "Vantrell", "Wicklow", "Yarrow",
    "Ziegler", "Ambrey", "Birchall", "Copperfield", "Dewhurst", "Ellery",
    "Fairbrook", "Gorse", "Hartwell", "Ivesley", "Kinloch", "Lathbury",
    "Merriweather", "Norrington", "Ottley", "Pilgrim", "Radlett", "Sorenby",
    "Tolland", "Upshaw", "Vickery", "Westerby", "Corrigan", "Ravensdale",
    "Holmgard", "Steerwell",
]
REGIONS = [
    "Aldermark", "Westmere", "Coldharbour", "Ostvale", "Brannock", "Lissendale",
    "Harrowfell", "Tamsin Downs", "Greymarch", "Eldwater", "Sorrowfield",
    "Kettlemoor", "Fenlock", "Highbarrow", "Mardale Reach", "Ambervale",
]
STATES = [
    "Velmaria", "Ostrand", "Carrisse", "Domenia", "Thessaly Minor", "Varkland",
    "Elbrandt", "Sulvania", "Merovar", "Kaldrea", "Norvesse", "Istrania",
]
SEAS = [
    "the Sallow Sea", "the Grey Bight", "the Amber Gulf", "the Narrow Sea",
    "the Bay of Orlen", "the Skerry Sound", "the Cold Reach",
]
HILLS = [
    "the Greywater Hills", "the Tollen Fells", "the Harrow Uplands",
    "the Blackstone Moors", "the Kessock Heights", "the Windle Crags",
    "the Ravel Mountains", "the Sorrel Downs",
]
FOUNDER_ROLES = [
    "wool merchant", "retired soldier", "ferryman", "miller", "chapel warden",
    "salt trader", "stonemason", "shipwright", "horse dealer",
]
INDUSTRIES = [
    "wool weaving", "salt panning", "tanning", "slate quarrying",
    "cider making", "boat building", "rope making", "lead mining",
    "glass blowing", "paper milling",
]
PRODUCTS = [
    ("Looms", "weaving looms"), ("Ceramics", "glazed tiles"),
    ("Pumps", "water pumps"), ("Optics", "spectacle lenses"),
    ("Biscuits", "ship's biscuits"), ("Bicycles", "touring bicycles"),
    ("Clockworks", "tower clocks"), ("Instruments", "brass barometers"),
    ("Printing", "letterpress machines"), ("Cutlery", "kitchen knives"),
    ("Ropeworks", "mooring ropes"), ("Pianos", "upright pianos"),
]
DEVICES = [
    ("seed drill", "plant a whole field of barley in one afternoon"),
    ("hay baler", "press loose hay into tight bundles"),
    ("loom", "weave patterned cloth without a second operator"),
    ("water pump", "lift water from a mine shaft sixty metres deep"),
    ("threshing machine", "separate grain from straw at harvest"),
    ("printing press", "print both sides of a sheet at once"),
    ("rope walk", "twist three strands into rope in a single pass"),
    ("sawmill", "cut logs into planks of equal thickness"),
    ("butter churn", "churn cream for forty households at a time"),
]
TRADES = [
    "blacksmith", "clockmaker", "carpenter", "schoolteacher", "miller",
    "wheelwright", "locksmith", "surveyor",
]
MATERIALS = ["ash wood", "wrought iron", "oak", "cast iron", "brass", "elm"]
FISH = [
    "brown trout", "silver eels", "grayling", "freshwater pike", "barbel",
    "speckled char",
]
ANIMAL_ADJECTIVES = [
    "amber-tailed", "dusk", "reed", "copper-crested", "moss", "lantern",
    "ridge", "ashen", "striped", "bell-voiced", "ochre", "pine",
    "silver-throated", "hooded", "speckled", "long-toed",
]
ANIMAL_KINDS = [
    ("shrike", "bird"), ("marten", "mammal"), ("toad", "amphibian"),
    ("grebe", "bird"), ("vole", "mammal"), ("newt", "amphibian"),
    ("hare", "mammal"), ("wren", "bird"), ("shrew", "mammal"),
    ("frog", "amphibian"), ("kestrel", "bird"), ("dormouse", "mammal"),
]
HABITATS = [
    "the reed beds", "the beech woods", "the upland bogs", "the sand dunes",
    "the hedgerows", "the chalk grasslands", "the alder swamps",
]
DIETS = [
    "beetles and moth larvae", "freshwater snails", "seeds and berries",
    "earthworms", "small fish", "grasshoppers", "spiders and flies",
]
THREATS = [
    "the draining of wetlands", "the loss of old hedgerows",
    "heavy use of pesticides", "the spread of farmland",
    "predation by feral cats",
]
DISH_KINDS = [
    "stew", "pudding", "broth", "pie", "loaf", "porridge", "hotpot",
    "flatbread", "casserole", "tart",
]
INGREDIENTS = [
    "barley", "smoked mutton", "river eels", "split peas", "buckwheat",
    "salted cod", "chestnuts", "turnips", "lentils", "goose fat",
]
SECOND_INGREDIENTS = [
    "onions", "wild garlic", "dried apples", "cabbage", "leeks",
    "soft cheese", "carrots", "juniper berries",
]
SPICES = ["caraway", "nutmeg", "black pepper", "dill seed", "mustard seed"]
VESSELS = [
    "clay pot", "copper pan", "cast-iron kettle", "lidded earthenware dish",
]
SPORTS = ["football", "rugby", "hockey", "cricket", "hurling", "lacrosse"]
CLUB_SUFFIX = ["Rovers", "Athletic", "Wanderers", "United", "Harriers", "Town"]
FOUNDER_GROUPS = [
    "railway workers", "schoolteachers", "dock labourers", "mill hands",
    "students", "brewery workers", "coal miners", "church choristers",
]
COLOURS = [
    "green and white", "red and black", "blue and gold", "claret and sky blue",
    "orange and black", "white and navy",
]
FESTIVAL_KINDS = [
    "Lantern Fair", "Apple Wake", "Ribbon Festival", "Harvest Moot",
    "Boat Feast", "Bonfire Fair", "Kite Day", "Bell Festival",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]
REASONS = [
    "the end of a long drought", "the reopening of the harbour",
    "the first harvest after a famine", "the return of the fishing fleet",
    "the completion of the town walls", "the recovery from a plague",
]
FEST_EVENTS = [
    "a torchlit procession", "a boat race on the river",
    "a singing contest", "a parade of decorated carts",
    "a tug-of-war across the market square", "a fireworks display",
]
SYMBOLS = [
    "a paper lantern", "a sprig of rowan", "a blue ribbon", "a small bell",
    "a painted apple", "a wooden whistle",
]
BUILDING_KINDS = [
    "Corn Exchange", "Guildhall", "Assembly Rooms", "Market Hall",
    "Customs House", "Wool Hall",
]
STYLES = ["neoclassical", "Gothic Revival", "Palladian", "baroque"]
ORIG_USES = [
    "a grain market", "the meeting place of the town council",
    "a courthouse", "a hall for dances and concerts", "a wool warehouse",
]
FEATURES = [
    "a clock tower", "a copper dome", "a statue of a ploughman",
    "a glass lantern", "a bell turret",
]
CURRENT_USES = [
    "the town museum", "a public library", "a theatre", "a craft market",
    "the register office",
]
SHIP_FIRST = [
    "Swift", "Good", "Northern", "Grey", "Lady", "Silver", "Brave", "Patient",
]
SHIP_SECOND = [
    "Heron", "Intent", "Star", "Gull", "Ardith", "Marigold", "Hope", "Wind",
]
SHIP_TYPES = ["three-masted barque", "brig", "schooner", "whaling ship"]
CARGOES = [
    "timber and tar", "salted herring", "wool bales", "iron tools",
    "barrels of wine", "coal",
]
DELAYS = [
    "a long spell of calm weather", "repeated storms",
    "an outbreak of fever among the crew", "damage to the rudder",
    "pack ice",
]
FATES = [
    "sold to a timber merchant", "broken up for scrap",
    "converted into a training ship", "laid up in the harbour for years",
]
INSTRUMENTS = ["violin", "cello", "organ", "harp", "flute", "piano", "oboe"]
WORK_FIRST = [
    "Songs of", "Variations on", "A Mass for", "Nocturne for", "Dances from",
    "Elegy for", "Overture to", "Suite from",
]
WORK_SECOND = [
    "the Marsh", "the Salt Road", "Lost Sailors", "the Glass Bell",
    "the Winter Orchard", "the Fell", "the Harbour Lights", "a Ferryman",
]
ENSEMBLES = [
    "the Municipal Orchestra", "the Cathedral Choir",
    "the Philharmonic Society", "a string quartet of students",
]
QUALITIES = [
    "bold harmonies", "lively rhythms", "haunting melodies",
    "careful orchestration",
]
SUBJECTS = [
    "agriculture", "marine engineering", "forestry", "textile design",
    "music", "veterinary science", "architecture",
]
MOTTOS = [
    "Patience builds", "Learn by the lamp", "Root and branch",
    "Steady hands", "Through the furrow", "Ask and measure",
]
FORMER_SITES = [
    "army barracks", "brewery", "racecourse", "rope works", "hospital",
    "country estate",
]
FACES = ["north ridge", "east face", "south-west buttress", "west couloir"]
EXPORTS = [
    "salted fish", "seaweed fertiliser", "woollen yarn", "peat",
    "goat cheese", "kelp ash",
]
DISPUTED = [
    "the salt marshes", "the river islands", "the upper valley",
    "the coastal forests", "the silver mines",
]
EXCHANGES = [
    "fishing rights in the bay", "a payment of ten thousand crowns",
    "free passage for its merchants", "the return of captured ships",
]
PLANT_FIRST = [
    "moon", "salt", "cinder", "stone", "marsh", "glass", "dawn", "ember",
    "frost", "copper",
]
PLANT_SECOND = [
    "petal", "bush", "wort", "crop", "lily", "thistle", "berry", "bell",
    "weed",
]
FLOWER_COLOURS = ["pale blue", "bright yellow", "white", "violet", "orange"]
PLANT_PRODUCTS = [
    ("an oil", "lamp fuel"), ("a dye", "colouring wool"),
    ("a paste", "treating burns"), ("a flour", "baking flatbread"),
    ("a resin", "sealing barrels"),
]
NEEDS = [
    "well-drained sandy soil", "full sun", "constant moisture",
    "sheltered valleys",
]
BADS = ["heavy clay", "deep shade", "frost hollows", "salty ground"]
GAUGES = ["narrow-gauge", "standard-gauge"]
LOCO_NAMES = [
    "Lady Morwen", "Iron Duke", "Puffin", "Sir Harald", "Busy Bee",
    "Kestrel", "Old Faithful",
]
FREIGHTS = ["slate", "milk churns", "coal", "timber", "livestock"]
PAINTING_FIRST = [
    "The Ferry", "Women Mending Nets", "The Frozen Mill Pond",
    "Haymakers Resting", "The Lamplighter", "The Estuary", "The Blue Kitchen",
    "Children with a Kite", "The Net Loft", "Washing Day", "The Cider Press",
    "Market Morning",
]
PAINTING_SECOND = [
    "at Dusk", "in Winter", "at Low Tide", "in the Rain", "at Noon",
]
VIEWPOINTS = [
    "a hill above the town", "the deck of a boat", "an upstairs window",
    "the far bank of the river",
]
MUSEUMS = [
    "the Civic Gallery", "the Hallam Museum", "the Museum of Fine Art",
    "the Old Exchange Gallery",
]
GAME_FIRST = [
    "Fox", "Hare", "Crow", "Salt", "Mill", "Tide", "Lantern", "Stone",
    "Kestrel", "Ferry",
]
GAME_SECOND = [
    "Moot", "Gate", "Rows", "Crossing", "Fall", "Walk", "Ring", "Field",
]
OBJECTIVES = [
    "capture the opponent's king stone",
    "build an unbroken line from one edge to the other",
    "move all pieces into the far corner",
    "surround the central square",
]
HEADLANDS = [
    "Gull Point", "the Black Nab", "Carrick Head", "Skerry Ness",
    "Hound's Tooth", "Widow's Rock",
]
NUMWORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]
# fmt: on


class NamePool:
    """Hands out invented names that are never repeated in the dataset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        places = [a + b for a in PLACE_START for b in PLACE_END]
        rivers = [a + b for a in RIVER_START for b in RIVER_END]
        people = [f"{a} {b}" for a in FIRST_NAMES for b in LAST_NAMES]
        for lst in (places, rivers, people):
            rng.shuffle(lst)
        self.places = places
        self.rivers = rivers
        self.people = people
        self.para_surnames: set[str] = set()
        self.used: set[str] = set()

    def place(self) -> str:
        return self.places.pop()

    def river(self) -> str:
        return "River " + self.rivers.pop()

    def unique(self, make) -> str:
        """Call ``make()`` until it returns a name not used before."""
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def combo(self, first: list[str], second: list[str], sep=" ") -> str:
        """A never-repeated name made of two parts."""
        r = self.rng
        return self.unique(lambda: r.choice(first) + sep + r.choice(second))

    def new_paragraph(self) -> None:
        self.para_surnames = set()

    def person(self) -> str:
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
        self.region = rng.choice(REGIONS)
        self.river = names.river()


def num(r: random.Random, lo: int, hi: int, step: int = 1) -> str:
    """A formatted integer such as ``12,400``."""
    return f"{r.randrange(lo, hi + 1, step):,}"


def word(r: random.Random, lo: int, hi: int) -> str:
    """A small number written as a word."""
    return NUMWORDS[r.randint(lo, hi)]


def pick(r: random.Random, options):
    """Choose one variant when given a list, else return the value."""
    return r.choice(options) if isinstance(options, list) else options


# --------------------------------------------------------------------------
# Paragraph templates
#
# Each template returns a dict with
#   slots: slot name -> value
#   first: opening sentence(s) (kept first)
#   rest:  further sentences (shuffled)
#   qs:    [(slot, [question phrasings])]   answerable questions
#   imp:   [(plausible slot or None, [phrasings])]   unanswerable ones
# A sentence may be a list of alternative phrasings.
# --------------------------------------------------------------------------


def t_town(r, n, a):
    year = r.randint(1150, 1600)
    slots = dict(
        town=a.town,
        region=a.region,
        river=a.river,
        founder=n.person(),
        role=r.choice(FOUNDER_ROLES),
        year=str(year),
        charter=str(year + r.randint(30, 200)),
        industry=r.choice(INDUSTRIES),
        population=num(r, 2000, 48000, 100),
        bank=r.choice(["northern", "southern", "eastern", "western"]),
    )
    first = [
        [
            "{town} is a market town in the {region} region, built on the {bank} bank of the {river}.",
            "The market town of {town} lies on the {bank} bank of the {river} in the {region} region.",
        ]
    ]
    rest = [
        [
            "Local records say it was founded in {year} by {founder}, a {role} "
            "who had been granted the land by the regional council.",
            "Tradition holds that {founder}, a {role}, laid out the first "
            "streets in {year} on land granted by the regional council.",
        ],
        "For most of its history the town lived from {industry}, a trade that still employs many families.",
        "A royal charter issued in {charter} gave {town} the right to hold a weekly market.",
        "At the most recent census the town had {population} residents.",
    ]
    qs = [
        ("founder", ["Who founded {town}?", "Which person is credited with establishing {town}?"]),
        ("year", ["In what year was {town} founded?", "When did {founder} establish the town?"]),
        ("river", ["On which river does {town} stand?", "Which river flows past {town}?"]),
        ("region", ["In which region is {town}?", "What region is {town} part of?"]),
        (
            "industry",
            [
                "What trade did {town} traditionally depend on?",
                "Which industry has long supported the people of {town}?",
            ],
        ),
        (
            "charter",
            [
                "When was {town} granted its royal charter?",
                "In which year did {town} win the right to a weekly market?",
            ],
        ),
        (
            "population",
            ["How many people live in {town} according to the latest census?", "What is the population of {town}?"],
        ),
        ("role", ["What was {founder}'s occupation?", "How did {founder} earn a living?"]),
        ("bank", ["On which bank of the {river} is {town} built?"]),
    ]
    imp = [
        ("founder", ["Who founded the village across the {river} from {town}?"]),
        ("charter", ["In what year did {town} lose its royal charter?"]),
        ("population", ["How many residents did {town} have when it was founded?"]),
        ("industry", ["Which industry replaced {industry} in {town}?"]),
        (None, ["Who was the first mayor of {town}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_company(r, n, a):
    while True:
        suffix, product = r.choice(PRODUCTS)
        founder = n.person()
        company = f"{founder.split()[-1]} {suffix}"
        if company not in n.used:
            n.used.add(company)
            break
    year = r.randint(1780, 1950)
    slots = dict(
        company=company,
        product=product,
        town=a.town,
        founder=founder,
        year=str(year),
        employees=num(r, 120, 4000, 10),
        country=r.choice(STATES),
        ceo=n.person(),
        ceo_year=str(r.randint(1975, 2021)),
        factories=word(r, 2, 6),
    )
    first = [
        [
            "{company} is a manufacturer of {product} with its headquarters in {town}.",
            "Based in {town}, {company} makes {product}.",
        ]
    ]
    rest = [
        "The firm was started in {year} by {founder}, who began by repairing old machines in a rented workshop.",
        "It now employs about {employees} people across {factories} factories.",
        "Much of its output is shipped to {country}, its largest foreign market.",
        "Since {ceo_year} the company has been led by {ceo}, a former apprentice at the firm.",
    ]
    qs = [
        ("product", ["What does {company} make?", "What kind of goods does {company} produce?"]),
        ("town", ["Where is {company} based?", "In which town are the headquarters of {company}?"]),
        ("year", ["When was {company} founded?", "In what year did {founder} start the business?"]),
        ("founder", ["Who started {company}?", "Who founded {company}?"]),
        ("employees", ["Roughly how many workers does {company} have?", "About how many people work for {company}?"]),
        ("country", ["Which country is the biggest export market for {company}?"]),
        ("ceo", ["Who has headed {company} since {ceo_year}?", "Who is in charge of {company}?"]),
        ("ceo_year", ["Since what year has {ceo} led the company?"]),
        ("factories", ["How many factories does {company} operate?"]),
    ]
    imp = [
        ("ceo", ["Who will succeed {ceo} as head of {company}?"]),
        ("country", ["Which country is the smallest export market for {company}?"]),
        (None, ["What was the annual revenue of {company}?"]),
        ("employees", ["How many people did {company} employ in {year}?"]),
        ("year", ["In what year did {founder} retire?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_inventor(r, n, a):
    while True:
        device, purpose = r.choice(DEVICES)
        inventor = n.person()
        machine = f"{inventor.split()[-1]} {device}"
        if machine not in n.used:
            n.used.add(machine)
            break
    year = r.randint(1760, 1900)
    slots = dict(
        machine=machine,
        inventor=inventor,
        last=inventor.split()[-1],
        trade=r.choice(TRADES),
        town=a.town,
        year=str(year),
        purpose=purpose,
        workers=word(r, 4, 20),
        material=r.choice(MATERIALS),
        patent=str(year + r.randint(1, 6)),
        region=a.region,
    )
    first = [
        [
            "The {machine} was designed by {inventor}, a {trade} who lived in {town}.",
            "{inventor}, a {trade} from {town}, is remembered as the designer of the {machine}.",
        ]
    ]
    rest = [
        "{last} completed the first working model in {year} after several failed attempts.",
        "The device could {purpose}, a job that had previously needed {workers} labourers.",
        "Its frame was made of {material} to keep it light and cheap to repair.",
        "A patent was granted in {patent}, and copies were soon being built in workshops across {region}.",
    ]
    qs = [
        ("inventor", ["Who designed the {machine}?", "Who invented the {machine}?"]),
        ("trade", ["What was {inventor}'s trade?", "What did {inventor} do for a living?"]),
        ("town", ["Where did {inventor} live?"]),
        (
            "year",
            ["When was the first working {machine} completed?", "In what year did {last} finish a working model?"],
        ),
        ("purpose", ["What could the {machine} do?"]),
        ("workers", ["How many labourers were once needed for the work the {machine} did?"]),
        (
            "material",
            ["What was the frame of the {machine} made of?", "Which material was used for the machine's frame?"],
        ),
        ("patent", ["When was the {machine} patented?", "In which year did {last} receive a patent?"]),
        ("region", ["Across which region were copies of the {machine} built?"]),
    ]
    imp = [
        ("inventor", ["Who bought the patent for the {machine}?"]),
        ("patent", ["In what year did production of the {machine} end?"]),
        (None, ["How much did the first {machine} cost?"]),
        ("material", ["What were the wheels of the {machine} made of?"]),
        ("year", ["When did {last} begin work on a second machine?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_river(r, n, a):
    slots = dict(
        river=a.river,
        hills=r.choice(HILLS),
        length=num(r, 40, 480) + " kilometres",
        sea=r.choice(SEAS),
        tributary=n.river(),
        town=a.town,
        fish=r.choice(FISH),
        bridges=word(r, 3, 19),
        bridge_year=str(r.randint(1200, 1700)),
        width=word(r, 4, 15) + " metres",
    )
    first = [
        [
            "The {river} rises in {hills} and flows for {length} before emptying into {sea}.",
            "From its source in {hills}, the {river} runs for {length} to {sea}.",
        ]
    ]
    rest = [
        "Its largest tributary, the {tributary}, joins it just below {town}.",
        "Anglers prize the river for its {fish}, which gather in shallow pools each spring.",
        "The river is crossed by {bridges} bridges, the oldest of which dates from {bridge_year}.",
        "In dry summers the lower reaches can shrink to a width of only {width}.",
    ]
    qs = [
        ("hills", ["Where is the source of the {river}?", "In which hills does the {river} begin?"]),
        ("length", ["How long is the {river}?", "What is the length of the {river}?"]),
        ("sea", ["Into what body of water does the {river} flow?", "Where does the {river} reach the sea?"]),
        (
            "tributary",
            [
                "What is the name of the {river}'s biggest tributary?",
                "Which river is the largest tributary of the {river}?",
            ],
        ),
        ("town", ["Near which town does the {tributary} meet the {river}?"]),
        ("fish", ["Which fish is the {river} known for?", "What do anglers catch in the {river} in spring?"]),
        ("bridges", ["How many bridges cross the {river}?"]),
        ("bridge_year", ["When was the oldest bridge over the {river} built?"]),
        ("width", ["How narrow can the lower {river} become in a dry summer?"]),
    ]
    imp = [
        ("width", ["How deep is the {river} at its mouth?"]),
        ("tributary", ["What is the smallest tributary of the {river}?"]),
        ("bridge_year", ["When was the newest bridge over the {river} built?"]),
        ("fish", ["Which fish were introduced into the {river}?"]),
        ("hills", ["Where does the {tributary} rise?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_animal(r, n, a):
    kinds = dict(ANIMAL_KINDS)
    animal = n.combo(ANIMAL_ADJECTIVES, list(kinds))
    klass = kinds[animal.split()[-1]]
    slots = dict(
        animal=animal,
        klass=klass,
        habitat=r.choice(HABITATS),
        region=a.region,
        diet=r.choice(DIETS),
        length=str(r.randint(6, 60)) + " centimetres",
        lifespan=word(r, 3, 14) + " years",
        year=str(r.randint(1790, 1960)),
        discoverer=n.person(),
        brood=word(r, 2, 7),
        threat=r.choice(THREATS),
        town=a.town,
    )
    first = [
        [
            "The {animal} is a small {klass} found mainly in {habitat} of {region}.",
            "Found chiefly in {habitat} of {region}, the {animal} is a small {klass}.",
        ]
    ]
    rest = [
        "It feeds mostly on {diet}, which it hunts at dusk.",
        "Adults reach about {length} in length and may live for up to {lifespan} in the wild.",
        "The species was first described in {year} by the naturalist "
        "{discoverer}, who collected specimens near {town}.",
        "Females usually raise {brood} young each year.",
        "Its numbers have fallen because of {threat}, and it is now protected by law.",
    ]
    qs = [
        ("klass", ["What kind of animal is the {animal}?"]),
        ("habitat", ["In what sort of place does the {animal} live?"]),
        ("region", ["In which region is the {animal} mainly found?"]),
        ("diet", ["What does the {animal} eat?", "What is the main food of the {animal}?"]),
        ("length", ["How long are adult {animal}s?", "What length does a grown {animal} reach?"]),
        ("lifespan", ["How long can a {animal} live in the wild?"]),
        ("year", ["When was the {animal} first described?", "In what year did science first record the {animal}?"]),
        ("discoverer", ["Who first described the {animal}?", "Which naturalist first described the species?"]),
        ("brood", ["How many young does a female {animal} usually raise each year?"]),
        ("threat", ["Why has the {animal} become rarer?", "What has caused the decline of the {animal}?"]),
        ("town", ["Near which town were the first specimens collected?"]),
    ]
    imp = [
        ("discoverer", ["Who first bred the {animal} in captivity?"]),
        ("lifespan", ["How long do {animal}s live in captivity?"]),
        (None, ["What animals prey on the {animal}?"]),
        ("year", ["When was the {animal} given legal protection?"]),
        ("brood", ["How many eggs does a female {animal} lay in winter?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_dish(r, n, a):
    dish = n.unique(lambda: f"{a.town} {r.choice(DISH_KINDS)}")
    slots = dict(
        dish=dish,
        region=a.region,
        ingredient=r.choice(INGREDIENTS),
        ingredient2=r.choice(SECOND_INGREDIENTS),
        vessel=r.choice(VESSELS),
        minutes=str(r.randrange(20, 185, 5)) + " minutes",
        festival=f"the {a.town} {r.choice(FESTIVAL_KINDS)}",
        town=a.town,
        spice=r.choice(SPICES),
        year=str(r.randint(1600, 1900)),
        author=n.person(),
    )
    first = [
        [
            "{dish} is a traditional dish from {region}, made mainly from {ingredient} and {ingredient2}.",
            "A traditional dish of {region}, {dish} is made mainly from {ingredient} and {ingredient2}.",
        ]
    ]
    rest = [
        "The mixture is cooked slowly in a {vessel} for about {minutes} until it thickens.",
        "It is customarily served during {festival}, when families gather in the town square.",
        "Cooks in {town} often add a pinch of {spice} just before serving.",
        "The earliest written recipe appears in a cookbook published in {year} by {author}.",
    ]
    qs = [
        ("ingredient", ["What is the main ingredient of {dish}?"]),
        ("ingredient2", ["Besides {ingredient}, what goes into {dish}?"]),
        ("region", ["Which region does {dish} come from?"]),
        ("vessel", ["In what is {dish} cooked?", "What kind of vessel is used to cook {dish}?"]),
        ("minutes", ["How long is {dish} cooked?", "For roughly how long does {dish} simmer?"]),
        ("festival", ["At which celebration is {dish} usually eaten?"]),
        ("spice", ["What spice do cooks in {town} add to {dish}?"]),
        ("year", ["When was the first known recipe for {dish} published?"]),
        ("author", ["Who wrote the earliest recorded recipe for {dish}?"]),
    ]
    imp = [
        ("author", ["Who invented {dish}?"]),
        (None, ["How many calories are in a serving of {dish}?"]),
        ("spice", ["What spice do cooks outside {town} add to {dish}?"]),
        ("minutes", ["How long does {dish} keep once cooked?"]),
        ("year", ["When was {dish} first served at {festival}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_club(r, n, a):
    slots = dict(
        club=f"{a.town} {r.choice(CLUB_SUFFIX)}",
        sport=r.choice(SPORTS),
        town=a.town,
        year=str(r.randint(1860, 1960)),
        group=r.choice(FOUNDER_GROUPS),
        stadium=f"{n.place()} Park",
        capacity=num(r, 1500, 32000, 50),
        colours=r.choice(COLOURS),
        rival=f"{n.place()} {r.choice(CLUB_SUFFIX)}",
        titles=word(r, 2, 20),
        coach=n.person(),
    )
    first = [
        [
            "{club} is a {sport} club from {town}.",
            "{club} is the principal {sport} club of {town}.",
        ]
    ]
    rest = [
        "It was formed in {year} by a group of {group}.",
        "Home games are played at {stadium}, which holds {capacity} spectators.",
        "The team wears {colours}, and its supporters have a long rivalry with {rival}.",
        "The club has been regional champion {titles} times, most recently under the coach {coach}.",
    ]
    qs = [
        ("sport", ["What sport does {club} play?"]),
        ("year", ["When was {club} formed?", "In what year was {club} founded?"]),
        ("group", ["Who formed {club}?", "What sort of people founded {club}?"]),
        ("stadium", ["Where does {club} play its home games?", "What is the name of {club}'s home ground?"]),
        ("capacity", ["How many spectators can {stadium} hold?", "What is the capacity of {club}'s ground?"]),
        ("colours", ["What colours does {club} wear?"]),
        ("rival", ["Who are the main rivals of {club}?"]),
        ("titles", ["How many regional championships has {club} won?"]),
        ("coach", ["Who coached {club} to its most recent title?"]),
    ]
    imp = [
        ("group", ["Who founded {rival}?"]),
        ("capacity", ["How many spectators watched {club}'s first game?"]),
        ("coach", ["Which coach led {club} to its first title?"]),
        ("colours", ["What colours does {rival} wear?"]),
        ("year", ["When did {club} move to {stadium}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_festival(r, n, a):
    slots = dict(
        festival=f"{a.town} {r.choice(FESTIVAL_KINDS)}",
        month=r.choice(MONTHS),
        town=a.town,
        days=word(r, 2, 10),
        visitors=num(r, 3000, 90000, 500),
        year=str(r.randint(1500, 1950)),
        founder=n.person(),
        reason=r.choice(REASONS),
        event=r.choice(FEST_EVENTS),
        symbol=r.choice(SYMBOLS),
        charity=r.choice(
            ["the local almshouses", "the lifeboat station", "the village school", "the cottage hospital"]
        ),
    )
    first = [
        [
            "The {festival} is held every {month} in the streets of {town}.",
            "Each {month}, {town} hosts the {festival}.",
        ]
    ]
    rest = [
        "It lasts {days} days and draws around {visitors} visitors.",
        "The festival began in {year}, when {founder} organised a procession to mark {reason}.",
        "Its best-known event is {event}, held on the final evening.",
        "By custom every participant carries {symbol}.",
        "Money raised at the stalls now goes to {charity}.",
    ]
    qs = [
        ("month", ["In which month does the {festival} take place?", "When in the year is the {festival} held?"]),
        ("days", ["How many days does the {festival} last?"]),
        ("visitors", ["Roughly how many people visit the {festival}?"]),
        ("year", ["When was the {festival} first held?", "In what year did the {festival} begin?"]),
        ("founder", ["Who organised the first procession?", "Who started the {festival}?"]),
        ("reason", ["What did the first procession celebrate?"]),
        (
            "event",
            ["What is the most famous event of the {festival}?", "What happens on the last evening of the festival?"],
        ),
        ("symbol", ["What does each participant carry?"]),
        ("charity", ["Who benefits from the money raised at the stalls?"]),
    ]
    imp = [
        ("month", ["In which month was the {festival} cancelled?"]),
        ("founder", ["Who organises the {festival} today?"]),
        ("visitors", ["How many visitors came to the first {festival}?"]),
        ("event", ["What event opens the {festival}?"]),
        (None, ["How much does a ticket to the {festival} cost?"]),
        ("charity", ["What did the money from the first festival pay for?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_bridge(r, n, a):
    year = r.randint(1700, 1930)
    slots = dict(
        bridge=f"{n.place()} Bridge",
        river=a.river,
        town=a.town,
        architect=n.person(),
        build=word(r, 2, 9),
        year=str(year),
        material=r.choice(["granite", "brick", "cast iron", "sandstone", "steel"]),
        length=str(r.randint(40, 420)) + " metres",
        cost=f"{r.randint(8, 190)},000 pounds",
        funders=r.choice(["local merchants", "a public subscription", "the county council", "the railway company"]),
        toll_end=str(year + r.randint(10, 80)),
    )
    first = [
        [
            "The {bridge} carries the main road across the {river} at {town}.",
            "At {town}, the main road crosses the {river} on the {bridge}.",
        ]
    ]
    rest = [
        "It was designed by the engineer {architect} and took {build} years to build, opening in {year}.",
        "The structure is made of {material} and measures {length} from bank to bank.",
        "Construction cost {cost}, raised largely through {funders}.",
        "A toll was charged to cross it until {toll_end}.",
    ]
    qs = [
        ("river", ["Which river does the {bridge} span?"]),
        ("architect", ["Who designed the {bridge}?", "Which engineer was responsible for the {bridge}?"]),
        ("build", ["How many years did it take to build the {bridge}?"]),
        ("year", ["When did the {bridge} open?", "In what year was the {bridge} opened?"]),
        ("material", ["What is the {bridge} made of?"]),
        ("length", ["How long is the {bridge}?"]),
        ("cost", ["How much did the {bridge} cost to build?"]),
        ("funders", ["How was most of the money for the {bridge} raised?"]),
        ("toll_end", ["Until what year was a toll charged on the {bridge}?"]),
    ]
    imp = [
        ("architect", ["Who designed the earlier crossing at {town}?"]),
        ("toll_end", ["When was the toll on the {bridge} introduced?"]),
        ("length", ["How high above the water is the {bridge}?"]),
        ("cost", ["How much did it cost to repair the {bridge}?"]),
        (None, ["How many people cross the {bridge} each day?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_building(r, n, a):
    year = r.randint(1720, 1910)
    slots = dict(
        building=f"{a.town} {r.choice(BUILDING_KINDS)}",
        town=a.town,
        style=r.choice(STYLES),
        year=str(year),
        architect=n.person(),
        orig=r.choice(ORIG_USES),
        floors=word(r, 2, 5),
        feature=r.choice(FEATURES),
        fire=str(year + r.randint(20, 100)),
        now=r.choice(CURRENT_USES),
        seats=str(r.randrange(150, 900, 10)),
    )
    first = [
        [
            "The {building} is a {style} building in the centre of {town}.",
            "Standing in the centre of {town}, the {building} is built in the {style} style.",
        ]
    ]
    rest = [
        "It was completed in {year} to a design by {architect} and was first used as {orig}.",
        "The building has {floors} floors and is topped by {feature}.",
        "After a fire in {fire} it was restored, and it now houses {now}.",
        "Its great hall can seat {seats} people and is often hired for weddings and winter markets.",
    ]
    qs = [
        ("style", ["In what architectural style is the {building}?"]),
        ("year", ["When was the {building} completed?"]),
        ("architect", ["Who designed the {building}?", "Which architect drew up plans for the {building}?"]),
        ("orig", ["What was the {building} originally used for?", "What was the first purpose of the {building}?"]),
        ("floors", ["How many floors does the {building} have?"]),
        ("feature", ["What sits on top of the {building}?"]),
        ("fire", ["In what year was the {building} damaged by fire?"]),
        ("now", ["What does the {building} house today?", "What is the {building} used for now?"]),
        ("seats", ["How many people fit in the great hall of the {building}?"]),
    ]
    imp = [
        (None, ["What caused the fire at the {building}?"]),
        ("architect", ["Who paid for the restoration of the {building}?"]),
        ("fire", ["When is the {building} due to be demolished?"]),
        ("floors", ["How many rooms does the {building} contain?"]),
        ("year", ["When did work on the {building} begin?"]),
        ("seats", ["How many guests attended the reopening of the {building}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_ship(r, n, a):
    slots = dict(
        ship=n.combo(SHIP_FIRST, SHIP_SECOND),
        kind=r.choice(SHIP_TYPES),
        port=a.town,
        year=str(r.randint(1650, 1890)),
        captain=n.person(),
        crew=str(r.randint(12, 90)),
        dest=n.place(),
        cargo=r.choice(CARGOES),
        days=str(r.randint(40, 300)),
        delay=r.choice(DELAYS),
        fate=r.choice(FATES),
        months=word(r, 3, 12),
    )
    first = [
        [
            "The {ship} was a {kind} that sailed from {port} in {year} under the command of {captain}.",
            "In {year} the {kind} {ship} left {port} with {captain} in command.",
        ]
    ]
    rest = [
        "Its crew of {crew} was bound for the port of {dest} with a cargo of {cargo}.",
        "The voyage took {days} days, far longer than planned, because of {delay}.",
        "On its return the ship was {fate}.",
        "Before leaving, the crew loaded provisions for {months} months, "
        "mostly salted pork, dried peas and ship's biscuit.",
    ]
    qs = [
        ("kind", ["What type of vessel was the {ship}?"]),
        ("port", ["From which port did the {ship} sail?"]),
        ("year", ["In what year did the {ship} set sail?"]),
        ("captain", ["Who commanded the {ship}?", "Who was the captain of the {ship}?"]),
        ("crew", ["How many sailors were in the {ship}'s crew?"]),
        ("dest", ["Where was the {ship} heading?"]),
        ("cargo", ["What was the {ship} carrying?"]),
        ("days", ["How many days did the voyage take?"]),
        ("delay", ["Why did the voyage last longer than expected?"]),
        ("fate", ["What happened to the {ship} after it came back?"]),
        ("months", ["For how many months did the {ship} carry provisions?"]),
    ]
    imp = [
        ("captain", ["Who built the {ship}?"]),
        ("months", ["How many months of food were left when the {ship} returned?"]),
        ("crew", ["How many of the crew died on the voyage?"]),
        ("cargo", ["What cargo did the {ship} bring home?"]),
        ("days", ["How many days had the voyage been planned to take?"]),
        ("year", ["When was the {ship} launched?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_composer(r, n, a):
    name = n.person()
    byear = r.randint(1700, 1900)
    slots = dict(
        musician=name,
        last=name.split()[-1],
        instrument=r.choice(INSTRUMENTS),
        town=a.town,
        byear=str(byear),
        teacher=n.person(),
        academy=f"{n.place()} Conservatory",
        work=n.combo(WORK_FIRST, WORK_SECOND),
        wyear=str(byear + r.randint(20, 45)),
        ensemble=r.choice(ENSEMBLES),
        quality=r.choice(QUALITIES),
        dyear=str(byear + r.randint(50, 90)),
        burial=n.place(),
        archive=f"the {n.place()} Record Office",
        river=a.river,
    )
    first = [
        [
            "{musician} was a composer and {instrument} player born in {town} in {byear}.",
            "Born in {town} in {byear}, {musician} was a composer who also played the {instrument}.",
        ]
    ]
    rest = [
        "{last} trained under {teacher} at the {academy}.",
        (
            [
                "{last}'s best-known work, {work}, was first performed in {wyear} by {ensemble}.",
                "The most popular of {last}'s pieces is {work}, premiered by {ensemble} in {wyear}.",
            ],
            "Critics praised its {quality}, though audiences at first thought it too long.",
        ),
        "{last} died in {dyear} and was buried in {burial}.",
        "Letters kept at {archive} describe long walks beside the {river} that inspired many of {last}'s pieces.",
    ]
    qs = [
        ("instrument", ["Which instrument did {musician} play?"]),
        ("town", ["Where was {musician} born?"]),
        ("byear", ["In what year was {musician} born?"]),
        ("teacher", ["Who taught {musician}?", "Under whom did {last} study?"]),
        ("academy", ["Where did {last} study music?"]),
        ("work", ["What is {musician}'s most famous composition?"]),
        ("wyear", ["When was {work} first performed?"]),
        ("ensemble", ["Who gave the first performance of {work}?"]),
        ("quality", ["What did critics admire in {work}?"]),
        ("dyear", ["When did {musician} die?"]),
        ("burial", ["Where is {musician} buried?"]),
        ("archive", ["Where are {musician}'s letters kept?"]),
        ("river", ["Along which river did {last} like to walk?"]),
    ]
    imp = [
        ("teacher", ["Who taught {teacher}?"]),
        ("wyear", ["When was {work} first published?"]),
        ("instrument", ["Which instrument did {teacher} play?"]),
        ("burial", ["Where did {musician} spend the last years of life?"]),
        (None, ["How many symphonies did {musician} write?"]),
        ("archive", ["Where are the original manuscripts of {work} kept?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_college(r, n, a):
    slots = dict(
        college=f"{a.town} College",
        town=a.town,
        subject=r.choice(SUBJECTS),
        year=str(r.randint(1780, 1960)),
        founder=n.person(),
        students=num(r, 300, 9000, 10),
        volumes=num(r, 20000, 400000, 1000),
        motto=r.choice(MOTTOS),
        site=r.choice(FORMER_SITES),
    )
    first = [
        [
            "{college} is a public college in {town} specialising in {subject}.",
            "Specialising in {subject}, {college} is the main place of higher learning in {town}.",
        ]
    ]
    rest = [
        "It was established in {year} with money left in the will of {founder}.",
        "About {students} students are enrolled, and its library holds more than {volumes} volumes.",
        'The college motto, "{motto}", is carved above the main gate.',
        "Its campus occupies the grounds of a former {site} on the edge of town.",
    ]
    qs = [
        ("subject", ["What does {college} specialise in?"]),
        ("year", ["When was {college} established?"]),
        ("founder", ["Whose bequest paid for {college}?", "Whose will provided the money for {college}?"]),
        ("students", ["How many students attend {college}?"]),
        ("volumes", ["How many volumes does the college library hold?"]),
        ("motto", ["What is the motto of {college}?", "What words are carved above the college's main gate?"]),
        ("site", ["What used to stand on the site of the {college} campus?"]),
    ]
    imp = [
        ("founder", ["Who was the first principal of {college}?"]),
        ("students", ["How many teachers work at {college}?"]),
        ("year", ["When did the college library open?"]),
        ("motto", ["What was the college's original motto?"]),
        (None, ["How much does a year at {college} cost?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_mountain(r, n, a):
    slots = dict(
        mountain=f"Mount {n.place()}",
        range=r.choice(HILLS),
        height=num(r, 900, 4200),
        year=str(r.randint(1780, 1930)),
        climber=n.person(),
        face=r.choice(FACES),
        glacier=f"the {n.place()} Glacier",
        town=a.town,
        hut=str(r.randint(1880, 1980)),
        beds=str(r.randint(8, 60)),
    )
    first = [
        [
            "{mountain} is the highest peak in {range}, rising to {height} metres.",
            "Rising to {height} metres, {mountain} is the tallest summit in {range}.",
        ]
    ]
    rest = [
        "The first recorded ascent was made in {year} by {climber}, who climbed the {face} with two local guides.",
        "A glacier known as {glacier} covers much of its northern slope.",
        "Walkers usually set out from {town}, where a shelter built in {hut} offers beds for {beds} people.",
    ]
    qs = [
        ("range", ["In which range is {mountain} the highest peak?"]),
        ("height", ["How high is {mountain}?", "What is the elevation of {mountain} in metres?"]),
        ("year", ["When was {mountain} first climbed?"]),
        ("climber", ["Who made the first recorded ascent of {mountain}?"]),
        ("face", ["Which route did the first climbers of {mountain} take?"]),
        ("glacier", ["What glacier lies on the northern slope of {mountain}?"]),
        ("town", ["From which town do most walkers start?"]),
        ("hut", ["When was the walkers' shelter built?"]),
        ("beds", ["How many people can sleep in the shelter?"]),
    ]
    imp = [
        ("climber", ["Who made the first winter ascent of {mountain}?"]),
        ("height", ["How high is the second-highest peak in {range}?"]),
        ("year", ["When was {glacier} first mapped?"]),
        ("face", ["Which face of {mountain} has never been climbed?"]),
        ("beds", ["How many beds does the summit hut have?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_island(r, n, a):
    slots = dict(
        island=f"{n.place()} Island",
        sea=r.choice(SEAS),
        area=str(r.randint(4, 220)),
        population=num(r, 40, 3000, 10),
        village=n.place(),
        export=r.choice(EXPORTS),
        port=a.town,
        hours=word(r, 2, 9),
        origin=r.choice(STATES),
        year=str(r.randint(900, 1500)),
        crop=r.choice(["oats", "potatoes", "barley", "rye"]),
    )
    first = [
        [
            "{island} lies in {sea} and covers roughly {area} square kilometres.",
            "Covering about {area} square kilometres, {island} is an island in {sea}.",
        ]
    ]
    rest = [
        "Its {population} inhabitants live mostly in {village}, the only harbour.",
        "The island's main export is {export}, shipped weekly to the mainland.",
        "A ferry from {port} reaches it in about {hours} hours.",
        "Settlers from {origin} are thought to have arrived around {year}.",
        "Apart from a few fields of {crop}, most of the land is open moor grazed by sheep.",
    ]
    qs = [
        ("sea", ["In which sea is {island}?"]),
        ("area", ["How many square kilometres does {island} cover?"]),
        ("population", ["How many people live on {island}?"]),
        ("village", ["Where do most of the islanders live?", "What is the only harbour on {island}?"]),
        ("export", ["What is the chief export of {island}?"]),
        ("port", ["From which mainland port does the ferry leave?"]),
        ("hours", ["How long does the ferry crossing take?"]),
        ("origin", ["Where did the first settlers of {island} come from?"]),
        ("year", ["Around when were the first settlers thought to have arrived?"]),
        ("crop", ["What crop is grown on {island}?"]),
    ]
    imp = [
        ("export", ["What is the main import of {island}?"]),
        ("hours", ["How long is the flight to {island}?"]),
        ("year", ["When did the first ferry to {island} run?"]),
        ("population", ["How many people lived on {island} in {year}?"]),
        (None, ["What is the highest point on {island}?"]),
        ("crop", ["What crop did the first settlers bring to {island}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_treaty(r, n, a):
    s1, s2 = r.sample(STATES, 2)
    year = r.randint(1300, 1850)
    slots = dict(
        treaty=f"Treaty of {a.town}",
        year=str(year),
        state1=s1,
        state2=s2,
        war=word(r, 3, 20) + " years",
        disputed=r.choice(DISPUTED),
        exchange=r.choice(EXCHANGES),
        negotiator=n.person(),
        end=str(year + r.randint(15, 120)),
        town=a.town,
    )
    first = [
        [
            "The {treaty} was signed in {year} between {state1} and {state2}.",
            "In {year}, {state1} and {state2} signed the {treaty}.",
        ]
    ]
    rest = [
        "It ended a quarrel over {disputed} that had lasted {war}.",
        "Under its terms {state1} gave up its claim in return for {exchange}.",
        "The agreement was drafted by {negotiator}, an envoy from {state2} "
        "who spent months in {town} during the talks.",
        "It remained in force until {end}.",
    ]
    qs = [
        ("year", ["When was the {treaty} signed?"]),
        ("state1", ["Which state gave up its claim under the {treaty}?"]),
        ("disputed", ["What territory was the quarrel about?", "What was in dispute before the {treaty}?"]),
        ("war", ["How long had the quarrel lasted?"]),
        ("exchange", ["What did {state1} receive under the {treaty}?"]),
        ("negotiator", ["Who drafted the {treaty}?"]),
        ("state2", ["Which state did {negotiator} represent?"]),
        ("end", ["Until what year did the {treaty} remain in force?"]),
    ]
    imp = [
        ("negotiator", ["Who signed the {treaty} on behalf of {state1}?"]),
        ("year", ["When did talks on the {treaty} begin?"]),
        ("end", ["When was the {treaty} first broken?"]),
        ("exchange", ["What did {state2} give up under the {treaty}?"]),
        (None, ["How many soldiers died in the quarrel?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_plant(r, n, a):
    plant = n.combo(PLANT_FIRST, PLANT_SECOND, sep="")
    product, use = r.choice(PLANT_PRODUCTS)
    slots = dict(
        plant=plant,
        Plant=plant[0].upper() + plant[1:],
        region=a.region,
        height=str(r.randint(20, 180)) + " centimetres",
        colour=r.choice(FLOWER_COLOURS),
        month=r.choice(MONTHS),
        product=product,
        use=use,
        town=a.town,
        year=str(r.randint(1600, 1950)),
        need=r.choice(NEEDS),
        bad=r.choice(BADS),
        ailment=r.choice(["sore throats", "headaches", "fevers", "stomach cramps"]),
    )
    first = [
        [
            "{Plant} is a flowering shrub native to {region}.",
            "Native to {region}, {plant} is a small flowering shrub.",
        ]
    ]
    rest = [
        "It grows to about {height} tall and produces {colour} flowers in {month}.",
        "Its seeds are pressed to make {product}, which is used for {use}.",
        "Farmers around {town} first planted it as a crop in {year}.",
        "The plant needs {need} and does poorly in {bad}.",
        "In folk medicine a tea brewed from its leaves was given for "
        "{ailment}, and bees gather a pale, mild honey from its blossom.",
    ]
    qs = [
        ("region", ["Where does {plant} grow wild?"]),
        ("height", ["How tall does {plant} grow?"]),
        ("colour", ["What colour are the flowers of {plant}?"]),
        ("month", ["In which month does {plant} flower?"]),
        ("product", ["What is made by pressing the seeds of {plant}?"]),
        ("use", ["What is the product of {plant} seeds used for?"]),
        ("year", ["When was {plant} first grown as a crop?"]),
        ("town", ["Around which town did farmers first cultivate {plant}?"]),
        ("need", ["What conditions does {plant} need?"]),
        ("bad", ["In what conditions does {plant} grow badly?"]),
        ("ailment", ["What was a tea made from {plant} leaves used to treat?"]),
    ]
    imp = [
        ("colour", ["What colour are the leaves of {plant}?"]),
        ("month", ["In which month is {plant} harvested?"]),
        (None, ["Who introduced {plant} to {town}?"]),
        ("ailment", ["What was a tea made from {plant} roots used for?"]),
        ("height", ["How deep do the roots of {plant} go?"]),
        ("year", ["When did farmers around {town} stop growing {plant}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_railway(r, n, a):
    town2 = n.place()
    year = r.randint(1830, 1910)
    slots = dict(
        line=f"{a.town} and {town2} Railway",
        gauge=r.choice(GAUGES),
        town=a.town,
        town2=town2,
        engineer=n.person(),
        year=str(year),
        length=str(r.randint(8, 90)) + " kilometres",
        stations=word(r, 3, 16),
        halt=n.place(),
        loco=r.choice(LOCO_NAMES),
        loco_year=str(year + r.randint(0, 40)),
        freight=r.choice(FREIGHTS),
        freight_end=str(r.randint(1950, 1990)),
    )
    first = [
        [
            "The {line} is a {gauge} line linking {town} with {town2}.",
            "Linking {town} with {town2}, the {line} is a {gauge} line.",
        ]
    ]
    rest = [
        "Planned by the engineer {engineer}, it opened to passengers in {year}.",
        "The route is {length} long and has {stations} stations, including a request stop at {halt}.",
        "Its most famous locomotive, {loco}, was built in {loco_year} and still runs on summer weekends.",
        "Freight traffic, mostly {freight}, came to an end in {freight_end}.",
    ]
    qs = [
        ("gauge", ["What gauge is the {line}?"]),
        ("town2", ["Which town does the line connect with {town}?"]),
        ("engineer", ["Who planned the {line}?"]),
        ("year", ["When did the {line} open to passengers?"]),
        ("length", ["How long is the {line}?"]),
        ("stations", ["How many stations does the {line} have?"]),
        ("halt", ["Where is the request stop on the {line}?"]),
        ("loco", ["What is the name of the line's best-known locomotive?"]),
        ("loco_year", ["When was {loco} built?"]),
        ("freight", ["What goods did the {line} mainly carry?"]),
        ("freight_end", ["When did freight services on the {line} end?"]),
    ]
    imp = [
        ("freight_end", ["When did passenger services on the {line} end?"]),
        ("engineer", ["Who drove {loco}?"]),
        ("stations", ["How many locomotives does the {line} own?"]),
        ("loco_year", ["When was {loco} withdrawn from service?"]),
        (None, ["How much is a ticket from {town} to {town2}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_painting(r, n, a):
    title = n.combo(PAINTING_FIRST, PAINTING_SECOND)
    year = r.randint(1750, 1930)
    slots = dict(
        painting=title,
        painter=n.person(),
        year=str(year),
        town=a.town,
        view=r.choice(VIEWPOINTS),
        size=f"{r.randint(40, 240)} by {r.randint(40, 240)} centimetres",
        museum=r.choice(MUSEUMS),
        city=n.place(),
        buy_year=str(year + r.randint(5, 90)),
        buyer=n.person(),
        price=f"{r.randint(2, 900)} guineas",
        medium=r.choice(["charcoal", "watercolour", "red chalk", "pencil"]),
    )
    first = [
        [
            "{painting} is an oil painting by {painter}, finished in {year}.",
            "Finished in {year}, {painting} is an oil painting by {painter}.",
        ]
    ]
    rest = [
        "It shows everyday life in {town}, seen from {view}.",
        "The canvas measures {size} and hangs today in {museum} in {city}.",
        "It was bought in {buy_year} by the collector {buyer} for {price}.",
        "{painter} made several preparatory sketches in {medium}, a few of which survive in private hands.",
    ]
    qs = [
        ("painter", ["Who painted {painting}?"]),
        ("year", ["When was {painting} finished?"]),
        ("town", ["Which town is shown in {painting}?"]),
        ("view", ["From what viewpoint is the scene painted?"]),
        ("size", ["How big is the canvas of {painting}?"]),
        ("museum", ["Where is {painting} displayed today?"]),
        ("city", ["In which city is {painting} kept?"]),
        ("buyer", ["Who bought {painting} in {buy_year}?"]),
        ("buy_year", ["When did {buyer} buy the painting?"]),
        ("price", ["How much did {buyer} pay for {painting}?"]),
        ("medium", ["In what medium were the preparatory sketches made?"]),
    ]
    imp = [
        ("price", ["For how much did {buyer} later sell {painting}?"]),
        ("year", ["When did {painter} begin {painting}?"]),
        ("buyer", ["Who framed {painting}?"]),
        ("museum", ["Where was {painting} first exhibited?"]),
        (None, ["How many paintings did {painter} produce?"]),
        ("medium", ["In what medium did {painter} work before {year}?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_game(r, n, a):
    slots = dict(
        game=n.combo(GAME_FIRST, GAME_SECOND),
        players=word(r, 2, 6),
        inventor=n.person(),
        year=str(r.randint(1700, 1960)),
        pieces=word(r, 6, 20),
        objective=r.choice(OBJECTIVES),
        town=a.town,
        champ=n.place(),
        champ_year=str(r.randint(1960, 2010)),
        minutes=f"{r.randint(15, 90)} minutes",
        book=r.choice(
            ["The Parlour Companion", "The Fireside Almanac", "Games for Long Evenings", "The Traveller's Pocket Book"]
        ),
    )
    first = [
        [
            "{game} is a board game for {players} players, invented by {inventor} in {year}.",
            "Invented by {inventor} in {year}, {game} is a board game for {players} players.",
        ]
    ]
    rest = [
        "Each player begins with {pieces} wooden pieces, and the aim is to {objective}.",
        "The game spread quickly through the coffee houses of {town}.",
        "A yearly championship has been held in {champ} since {champ_year}.",
        "A typical game lasts about {minutes}.",
        "The rules were first printed in {book}, a pamphlet sold for a penny at country fairs.",
    ]
    qs = [
        ("players", ["How many people can play {game}?"]),
        ("inventor", ["Who invented {game}?"]),
        ("year", ["When was {game} invented?"]),
        ("pieces", ["How many pieces does each player start with in {game}?"]),
        ("objective", ["What is the aim of {game}?"]),
        ("town", ["In which town's coffee houses did {game} first catch on?"]),
        ("champ", ["Where is the {game} championship held?"]),
        ("champ_year", ["Since when has there been a {game} championship?"]),
        ("minutes", ["How long does a game of {game} usually take?"]),
        ("book", ["In which publication did the rules of {game} first appear?"]),
    ]
    imp = [
        ("inventor", ["Who won the first {game} championship?"]),
        ("pieces", ["How many squares are on a {game} board?"]),
        ("minutes", ["How long did the longest recorded game of {game} last?"]),
        ("champ", ["Where was the first {game} tournament held?"]),
        (None, ["How many copies of {game} have been sold?"]),
        ("book", ["In which publication did {inventor} describe a second game?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


def t_lighthouse(r, n, a):
    year = r.randint(1760, 1910)
    slots = dict(
        light=f"{a.town} Light",
        headland=r.choice(HEADLANDS),
        town=a.town,
        height=f"{r.randint(12, 55)} metres",
        year=str(year),
        range=str(r.randint(8, 28)) + " nautical miles",
        flashes=word(r, 2, 5),
        period=str(r.randrange(10, 35, 5)),
        keeper=n.person(),
        auto=str(r.randint(1960, 1998)),
        wreck=n.combo(SHIP_FIRST, SHIP_SECOND),
    )
    first = [
        [
            "The {light} stands on {headland}, on the coast near {town}.",
            "On {headland}, close to {town}, stands the {light}.",
        ]
    ]
    rest = [
        "The tower is {height} tall and was first lit in {year}.",
        "Its lamp, visible for {range}, flashes {flashes} times every {period} seconds.",
        "The last resident keeper, {keeper}, left in {auto} when the light was automated.",
        "It was built after the wreck of the {wreck}, which ran aground on the rocks below.",
    ]
    qs = [
        ("headland", ["On which headland is the {light}?"]),
        ("height", ["How tall is the {light}?"]),
        ("year", ["When was the {light} first lit?"]),
        ("range", ["How far away can the {light} be seen?"]),
        ("flashes", ["How many times does the light flash in each cycle?"]),
        ("keeper", ["Who was the last keeper to live at the {light}?"]),
        ("auto", ["In what year was the {light} automated?"]),
        ("wreck", ["Which shipwreck led to the building of the {light}?"]),
    ]
    imp = [
        ("keeper", ["Who was the first keeper of the {light}?"]),
        ("year", ["When was the {light} last repainted?"]),
        (None, ["How many people died in the wreck of the {wreck}?"]),
        ("range", ["How far can the foghorn of the {light} be heard?"]),
        ("height", ["How tall was the original wooden beacon?"]),
    ]
    return dict(slots=slots, first=first, rest=rest, qs=qs, imp=imp)


TEMPLATES = [
    t_town,
    t_company,
    t_inventor,
    t_river,
    t_animal,
    t_dish,
    t_club,
    t_festival,
    t_bridge,
    t_building,
    t_ship,
    t_composer,
    t_college,
    t_mountain,
    t_island,
    t_treaty,
    t_plant,
    t_railway,
    t_painting,
    t_game,
    t_lighthouse,
]


# --------------------------------------------------------------------------
# Hand-written paragraphs
#
# Each entry is (title, [paragraph, ...]); a paragraph is built with ``hp``
# from its text, answerable questions as (question, answer or [answers]) and,
# for the v2 files, unanswerable questions as (question, plausible or None).
# Answer offsets are never written here: ``make_hand`` finds them.
# --------------------------------------------------------------------------


def hp(text: str, qs: list, imp: list | None = None) -> dict:
    """A hand-written paragraph; whitespace in ``text`` is normalised."""
    return dict(context=" ".join(text.split()), qs=qs, imp=imp or [])


HAND_TRAIN = [
    (
        "Orrin Vale Observatory",
        [
            hp(
                """
        The Orrin Vale Observatory was built on a limestone ridge above the
        village of Tamsey in 1884. Its founder, the amateur astronomer Harriet
        Oakhurst, paid for the dome with money she had earned from a chain of
        seed shops. The main telescope has a lens 61 centimetres across, which
        for nearly two decades made it the largest instrument in the county.
        Oakhurst used it to catalogue more than four hundred variable stars.
        After her death the observatory passed to the county school board, and
        today it opens to the public on clear Friday evenings between October
        and March.
        """,
                [
                    ("Which village lies below the observatory?", "Tamsey"),
                    ("Who founded the Orrin Vale Observatory?", "Harriet Oakhurst"),
                    ("What business earned the founder the money for the dome?", "a chain of seed shops"),
                    ("How wide is the lens of the main telescope?", "61 centimetres"),
                    ("How many variable stars did Oakhurst catalogue?", "more than four hundred"),
                    ("Who took over the observatory after its founder died?", "the county school board"),
                ],
            )
        ],
    ),
    (
        "Brassfield Clock Company",
        [
            hp(
                """
            The Brassfield Clock Company was formed in 1839 when the brothers
            Edmund and Silas Brassfield bought a disused tannery beside the
            Kettle Brook. Water from the brook turned a wheel that drove their
            lathes, so they could cut gear teeth far faster than rival makers
            who worked by hand. Their first catalogue listed only three models,
            the cheapest of which sold for eleven shillings. By 1860 the firm
            was shipping clocks to merchants in every port along the eastern
            coast.
            """,
                [
                    ("In what year did the Brassfield Clock Company begin?", "1839"),
                    ("Which brothers started the company?", "Edmund and Silas Brassfield"),
                    ("What kind of building did the brothers buy?", "a disused tannery"),
                    ("What did the water of the Kettle Brook drive?", "a wheel"),
                    ("How many models appeared in the first catalogue?", "three"),
                    ("What was the price of the cheapest early clock?", "eleven shillings"),
                ],
            ),
            hp(
                """
            Trouble came in 1871, when a flood carried away the mill wheel and
            ruined most of the stock. Rather than rebuild by the water, Silas
            moved production to a brick works on higher ground and installed a
            steam engine. The change proved wise: output doubled within five
            years. The company finally closed in 1932, unable to compete with
            cheap imported alarm clocks, and its last factory is now a museum
            of timekeeping.
            """,
                [
                    ("What destroyed the mill wheel?", "a flood"),
                    ("When was the mill wheel lost?", "1871"),
                    ("Where did Silas move production?", "a brick works on higher ground"),
                    ("What new source of power did the firm install?", "a steam engine"),
                    ("How long did it take for output to double?", "within five years"),
                    ("What drove the company out of business in 1932?", "cheap imported alarm clocks"),
                    ("What is the last factory used for today?", "a museum of timekeeping"),
                ],
            ),
        ],
    ),
    (
        "Grey-hooded fen kite",
        [
            hp(
                """
        The grey-hooded fen kite is a bird of prey that breeds only in the reed
        beds of the Lowen estuary. It is easily recognised by the pale grey
        feathers on its head and its forked, rust-coloured tail. Pairs build
        bulky nests of dead reeds a metre above the water and usually lay two
        eggs in late April. The kites hunt by gliding low over the marsh and
        dropping onto water voles and young coots. A survey in 2019 counted
        just thirty-eight breeding pairs, so the estuary is now closed to boats
        during the nesting season.
        """,
                [
                    ("Where does the grey-hooded fen kite breed?", "the reed beds of the Lowen estuary"),
                    ("What colour is the kite's tail?", "rust-coloured"),
                    ("What are the nests made of?", "dead reeds"),
                    ("When are the eggs laid?", "late April"),
                    ("What do the kites prey on?", "water voles and young coots"),
                    ("How many breeding pairs were found in 2019?", "thirty-eight"),
                ],
            )
        ],
    ),
    (
        "Harrow cakes",
        [
            hp(
                """
        Harrow cakes are small griddle breads eaten across the hill farms of
        Dunmere. The dough is made from oat flour, buttermilk and a spoonful of
        honey, and it is left to rest for an hour before being rolled thin.
        Each cake is cooked on a hot iron plate for roughly two minutes on each
        side, until brown spots appear. Farmers traditionally carried a stack
        of them wrapped in cloth when they went up to the high pastures in
        summer. Today the cakes are often served with smoked cheese and pickled
        onions.
        """,
                [
                    ("Where are Harrow cakes eaten?", "the hill farms of Dunmere"),
                    ("What kind of flour goes into the dough?", "oat flour"),
                    ("How long does the dough rest?", "an hour"),
                    ("On what are the cakes cooked?", "a hot iron plate"),
                    ("How long is each side of a cake cooked?", "roughly two minutes"),
                    ("What are Harrow cakes usually eaten with nowadays?", "smoked cheese and pickled onions"),
                ],
            )
        ],
    ),
    (
        "Ashgrove Harriers",
        [
            hp(
                """
        Ashgrove Harriers is an athletics club founded in 1907 by a group of
        postal clerks who wanted somewhere to train after work. For its first
        twenty years the club had no track of its own and ran instead on the
        towpath of the Fallow Canal. In 1928 a local brewer, Walter Prentice,
        gave the club a field on Mill Lane, and the members laid a cinder track
        there with their own hands. The club is best known for distance
        running: its members have won the county cross-country title forty-one
        times. Its colours are black and amber.
        """,
                [
                    ("Who founded Ashgrove Harriers?", "a group of postal clerks"),
                    ("Where did the club train before it had a track?", "the towpath of the Fallow Canal"),
                    ("Which brewer gave the club a field?", "Walter Prentice"),
                    ("In what year was the field donated?", "1928"),
                    ("What kind of track did the members lay?", "a cinder track"),
                    ("How often has the club won the county cross-country title?", "forty-one times"),
                    ("What are the club colours?", "black and amber"),
                ],
            )
        ],
    ),
    (
        "Candle Night",
        [
            hp(
                """
        Every year on the shortest day, the people of Wrenford celebrate
        Candle Night. At dusk the street lamps are switched off and each
        household places a row of candles along its front wall. Children walk
        the lanes carrying paper boats, which they float on the mill pond at
        nine o'clock. The custom is said to date from 1752, when a winter storm
        cut the town off for eleven days and neighbours lit candles to show
        that they were safe. A prize is given for the most imaginative window,
        judged by the oldest resident of the town.
        """,
                [
                    ("On which day is Candle Night held?", "the shortest day"),
                    ("Which town celebrates Candle Night?", "Wrenford"),
                    ("What do the children carry through the lanes?", "paper boats"),
                    ("Where are the boats floated?", "the mill pond"),
                    ("How long was the town cut off by the storm?", "eleven days"),
                    ("Who decides the prize for the best window?", "the oldest resident of the town"),
                ],
            )
        ],
    ),
    (
        "Margarethe Vossberg",
        [
            hp(
                """
        Margarethe Vossberg was an engineer who designed hydraulic presses for
        the cider makers of the Elm Valley. Before her invention, apples were
        crushed between wooden rollers and the pulp was squeezed by hand-turned
        screws, a process that wasted almost a third of the juice. Vossberg's
        press, patented in 1897, used water pressure from a hand pump to
        squeeze the pulp evenly through layers of straw. Trials at the Hollins
        farm showed that it extracted a fifth more juice than the old screw
        press. She later sold the design to a foundry in Carrick for four
        hundred pounds.
        """,
                [
                    ("For whom did Vossberg build her presses?", "the cider makers of the Elm Valley"),
                    ("How much juice did the older method waste?", "almost a third"),
                    ("When was Vossberg's press patented?", "1897"),
                    ("Through what was the pulp squeezed in the new press?", "layers of straw"),
                    ("Where were the trials of the press held?", "the Hollins farm"),
                    ("How much extra juice did the new press produce?", "a fifth"),
                    ("For what sum was the design sold?", "four hundred pounds"),
                ],
            )
        ],
    ),
    (
        "Lake Idrin",
        [
            hp(
                """
        Lake Idrin fills a long, narrow valley carved by glaciers during the
        last ice age. It is about nineteen kilometres long but rarely more
        than one kilometre wide, and at its deepest point the water reaches 143
        metres. Because the lake is fed mainly by snowmelt, its temperature
        seldom rises above twelve degrees even in August. A small steamer, the
        Grey Heron, has carried passengers between the villages at either end
        since 1911. The lake's only island holds the ruins of a chapel
        abandoned in the sixteenth century.
        """,
                [
                    ("What shaped the valley of Lake Idrin?", "glaciers"),
                    ("How long is Lake Idrin?", "about nineteen kilometres"),
                    ("How deep is the lake at its deepest?", "143 metres"),
                    ("What supplies most of the lake's water?", "snowmelt"),
                    ("What is the name of the passenger steamer?", "the Grey Heron"),
                    ("Since when has the steamer been running?", "1911"),
                    ("What ruins stand on the island?", "a chapel"),
                ],
            )
        ],
    ),
    (
        "Thimble Street Market",
        [
            hp(
                """
        Thimble Street Market in the port of Calloway began as a handful of
        stalls selling needles, thread and buttons to sailors' wives. By the
        1820s it had grown into a covered market of ninety stalls under a roof
        of iron and glass paid for by the harbour board. Trading started at six
        in the morning and ended at the ringing of a hand bell at two. The
        market was badly damaged by fire in 1908; it was rebuilt the following
        year with a clock tower given by the shipowner Josiah Fenn. It still
        trades six days a week.
        """,
                [
                    ("In which port is Thimble Street Market?", "Calloway"),
                    ("What did the first stalls sell?", "needles, thread and buttons"),
                    ("How many stalls did the market have in the 1820s?", "ninety"),
                    ("Who paid for the iron and glass roof?", "the harbour board"),
                    ("What signalled the end of trading?", "the ringing of a hand bell"),
                    ("When did fire damage the market?", "1908"),
                    ("Who donated the clock tower?", "Josiah Fenn"),
                ],
            )
        ],
    ),
    (
        "Copperleaf beetle",
        [
            hp(
                """
        The copperleaf beetle is a small insect that feeds on the leaves of
        wild cherry trees. Adults are only eight millimetres long, but their
        wing cases shine with a metallic reddish sheen that gives the species
        its name. Females lay clusters of pale yellow eggs on the underside of
        young leaves in May, and the larvae hatch about ten days later.
        Gardeners sometimes treat the beetle as a pest, yet it rarely kills a
        tree. Birds avoid it because its body contains a bitter chemical taken
        from the cherry leaves.
        """,
                [
                    ("What does the copperleaf beetle eat?", "the leaves of wild cherry trees"),
                    ("How long is an adult beetle?", "eight millimetres"),
                    ("What colour are the eggs?", "pale yellow"),
                    ("In which month are the eggs laid?", "May"),
                    ("How soon after laying do the larvae hatch?", "about ten days later"),
                    ("Why do birds leave the beetle alone?", "a bitter chemical"),
                ],
            )
        ],
    ),
    (
        "Hollowmere lifeboat station",
        [
            hp(
                """
        The Hollowmere lifeboat station was opened in 1866 after a storm
        wrecked three fishing boats within sight of the harbour. Its first
        boat, the Providence, was rowed by twelve volunteers and had no engine.
        Launching it meant hauling the boat on a wooden carriage down a steep
        slipway, a task that needed up to forty helpers. A motor lifeboat
        arrived in 1924, halving the time it took to reach ships in trouble.
        Over its history the station's crews have been credited with saving
        more than six hundred lives.
        """,
                [
                    ("When did the Hollowmere lifeboat station open?", "1866"),
                    ("What was the first lifeboat called?", "the Providence"),
                    ("How many people rowed the first boat?", "twelve volunteers"),
                    ("How many helpers could a launch require?", "up to forty"),
                    ("In what year did a motor lifeboat arrive?", "1924"),
                    ("How many lives have the crews saved?", "more than six hundred"),
                ],
            )
        ],
    ),
    (
        "Ostley bread riot",
        [
            hp(
                """
        In the spring of 1795 the price of a loaf in Ostley rose to nearly
        three times its usual level after a poor harvest. On the morning of 14
        May a crowd, mostly of women, gathered outside the corn merchant's
        warehouse on Quay Street and demanded that grain be sold at the old
        price. The merchant, Abel Thorne, refused, and the crowd broke open the
        doors. No one was killed, but the town magistrates called in a troop
        of cavalry from Dunholm to restore order. The following winter the
        council opened a public granary to prevent a repeat.
        """,
                [
                    ("What caused the price of bread to rise in Ostley?", "a poor harvest"),
                    ("How high did the price of a loaf climb?", "nearly three times its usual level"),
                    ("On what date did the crowd gather?", "14 May"),
                    ("On which street was the warehouse?", "Quay Street"),
                    ("Who owned the grain?", "Abel Thorne"),
                    ("Where did the cavalry come from?", "Dunholm"),
                    ("What did the council open the next winter?", "a public granary"),
                ],
            )
        ],
    ),
    (
        "Ember tea",
        [
            hp(
                """
        Ember tea is made from the dried leaves of a low shrub that grows on
        the windy uplands of Carrow Moor. The leaves are picked in early
        autumn, when they turn deep red, and are then smoked over peat fires
        for two days. The resulting drink is dark and has a taste often
        compared to burnt sugar. Shepherds on the moor drank it for centuries
        as a remedy for colds. Commercial production began in 1961, and a small
        factory in the village of Lendle now packs about twelve tonnes a year.
        """,
                [
                    ("Where does the ember tea shrub grow?", "Carrow Moor"),
                    ("When are the leaves gathered?", "early autumn"),
                    ("Over what are the leaves smoked?", "peat fires"),
                    ("How long does the smoking take?", "two days"),
                    ("What is the flavour of ember tea likened to?", "burnt sugar"),
                    ("Why did shepherds drink it?", "as a remedy for colds"),
                    ("Where is the tea packed today?", "Lendle"),
                ],
            )
        ],
    ),
    (
        "Perrin Library",
        [
            hp(
                """
        The Perrin Library was the gift of Clara Perrin, a textile heiress who
        believed that every worker should be able to borrow books for free. It
        opened in 1893 with 6,000 volumes, housed in a red sandstone building
        designed by the architect Lionel Ashby. The reading room, lit by a
        great circular skylight, could seat 120 people. Perrin insisted that
        the library stay open until ten at night so that mill hands could
        visit after their shifts. In 1990 the collection moved to a new
        building, and the old library became a concert hall.
        """,
                [
                    ("Whose gift was the Perrin Library?", "Clara Perrin"),
                    ("Where did the library's founder get her wealth?", "a textile heiress"),
                    ("How many books did the library start with?", "6,000 volumes"),
                    ("Who was the architect of the library?", "Lionel Ashby"),
                    ("How many readers could the reading room hold?", "120 people"),
                    ("Until what time did the library stay open?", "ten at night"),
                    ("What did the old library building become?", "a concert hall"),
                ],
            )
        ],
    ),
    (
        "Ferrow",
        [
            hp(
                """
        Ferrow is a strategy game for two players on a board of seven by seven
        squares. Each side begins with nine stones, and a stone is captured
        when it is surrounded on three sides. The game was first described in
        a letter written in 1788 by a schoolmaster named Tobias Wren, who
        claimed he had learned it from fishermen. Unlike chess, Ferrow allows a
        player to pass a turn, but only twice in a game. The Ferrow Society,
        founded in 1950, keeps a register of rated players.
        """,
                [
                    ("How large is a Ferrow board?", "seven by seven squares"),
                    ("How many stones does each player start with?", "nine stones"),
                    ("When is a Ferrow stone captured?", "when it is surrounded on three sides"),
                    ("Who first described the game in writing?", "Tobias Wren"),
                    ("From whom did Wren say he learned Ferrow?", "fishermen"),
                    ("How many times may a player pass in one game?", "twice"),
                    ("When was the Ferrow Society founded?", "1950"),
                ],
            )
        ],
    ),
    (
        "Hendry Tunnel",
        [
            hp(
                """
        The Hendry Tunnel carries the Northern Line beneath the Coldwater
        Hills. Work began in 1852 and employed about 1,400 navvies, who dug
        from both ends and from four vertical shafts. When the two headings
        met in 1856, they were out of line by only nine centimetres. The tunnel
        is 3.2 kilometres long, and for twenty years it was the longest in the
        country. A memorial near the southern entrance records the names of
        the 31 workers who died during its construction.
        """,
                [
                    ("Under which hills does the Hendry Tunnel pass?", "the Coldwater Hills"),
                    ("How many navvies worked on the tunnel?", "about 1,400"),
                    ("How many vertical shafts were dug?", "four"),
                    ("By how much were the two headings misaligned?", "nine centimetres"),
                    ("What is the length of the tunnel?", "3.2 kilometres"),
                    ("For how long was it the country's longest tunnel?", "twenty years"),
                    ("How many workers lost their lives building it?", "31"),
                ],
            )
        ],
    ),
    (
        "Miriam Holloway",
        [
            hp(
                """
        Miriam Holloway was a pilot who made the first solo flight across the
        Grenn Strait in 1931. She took off from a beach near Portlock shortly
        after dawn in a borrowed biplane named Wagtail. Strong headwinds pushed
        her fuel to its limit, and she landed in a turnip field six hours
        later, about twenty kilometres short of the airfield she had aimed
        for. Holloway later ran a flying school where she trained more than
        three hundred pilots. Her logbooks are kept in the Portlock town
        museum.
        """,
                [
                    ("What stretch of water did Holloway fly across alone?", "the Grenn Strait"),
                    ("In what year was the crossing made?", "1931"),
                    ("What was the name of Holloway's aircraft?", "Wagtail"),
                    ("Why did Holloway nearly run out of fuel?", "Strong headwinds"),
                    ("Where did she land?", "a turnip field"),
                    ("How long was the flight?", "six hours"),
                    ("How many pilots did Holloway train?", "more than three hundred"),
                ],
            )
        ],
    ),
    (
        "Sorrel red",
        [
            hp(
                """
        Weavers in the hill town of Sorrel Cross dyed their wool with madder
        root, which produces a strong red. The roots were dug up in their third
        year, dried in lofts above the bakeries and ground into powder at a
        stone mill. To fix the colour, dyers boiled the yarn with alum brought
        by pack horse from quarries in the north. Cloth from the town, known
        simply as Sorrel red, was prized by merchants because it did not fade
        in sunlight. The last dye works closed in 1947.
        """,
                [
                    ("What did the weavers of Sorrel Cross use to dye wool?", "madder root"),
                    ("At what age were the roots harvested?", "in their third year"),
                    ("Where were the roots dried?", "lofts above the bakeries"),
                    ("What substance fixed the colour?", "alum"),
                    ("How was the alum transported?", "by pack horse"),
                    ("Why did merchants value the cloth?", "it did not fade in sunlight"),
                    ("When did the last dye works shut?", "1947"),
                ],
            )
        ],
    ),
    (
        "Tillbrook Youth Orchestra",
        [
            hp(
                """
        The Tillbrook Youth Orchestra was founded in 1968 by the music teacher
        Anwen Pryce, who began with just fourteen pupils rehearsing in a
        school gymnasium. Within a decade it had grown to over ninety players
        and was touring abroad each summer. Members must be between twelve and
        twenty-one years old and are chosen by audition every January. The
        orchestra's annual concert in the Corn Hall traditionally ends with a
        piece written by one of its own members.
        """,
                [
                    ("Who founded the Tillbrook Youth Orchestra?", "Anwen Pryce"),
                    ("How many pupils were in the first orchestra?", "fourteen"),
                    ("Where did the first rehearsals take place?", "a school gymnasium"),
                    ("How large had the orchestra become within ten years?", "over ninety players"),
                    ("What ages may members be?", "between twelve and twenty-one years old"),
                    ("When are auditions held?", "every January"),
                    ("Where is the annual concert given?", "the Corn Hall"),
                ],
            )
        ],
    ),
    (
        "Elsen Pass",
        [
            hp(
                """
        The road over the Elsen Pass was completed in 1823, replacing a mule
        track that had been the only route between the two valleys for
        centuries. Its builders cut forty-six hairpin bends into the slope to
        keep the gradient gentle enough for loaded carts. At the summit, 2,107
        metres above sea level, stands a stone hospice where travellers could
        shelter during storms. Snow closes the pass from November until late
        May, and a postal coach still runs daily during the open season.
        """,
                [
                    ("When was the Elsen Pass road finished?", "1823"),
                    ("What did the road replace?", "a mule track"),
                    ("How many hairpin bends does the road have?", "forty-six"),
                    ("How high is the summit of the pass?", "2,107 metres"),
                    ("What building stands at the top of the pass?", "a stone hospice"),
                    ("When is the pass closed by snow?", "from November until late May"),
                    ("What vehicle makes a daily trip over the pass in the open season?", "a postal coach"),
                ],
            )
        ],
    ),
    (
        "Brackenby Beekeepers' Cooperative",
        [
            hp(
                """
        The Brackenby Beekeepers' Cooperative was set up in 1934 by eleven
        farmers who were tired of selling their honey to middlemen at low
        prices. Members share an extraction house where combs are spun in
        large drums to separate the honey. The cooperative's best-known
        product is heather honey, gathered in August when the moors are in
        flower. Each jar carries a number that identifies the hives it came
        from. The cooperative now has 230 members and sells most of its honey
        through shops in the region.
        """,
                [
                    ("When was the cooperative set up?", "1934"),
                    ("How many farmers started the cooperative?", "eleven"),
                    ("To whom had the farmers been selling their honey?", "middlemen"),
                    ("How is the honey separated from the combs?", "spun in large drums"),
                    ("What is the cooperative's most famous product?", "heather honey"),
                    ("What does the number on each jar show?", "the hives it came from"),
                    ("How many members does the cooperative have today?", "230"),
                ],
            )
        ],
    ),
    (
        "Gannet Cup",
        [
            hp(
                """
        The Gannet Cup is a rowing race held each August on the tidal stretch
        of the River Mell. Crews of six row heavy wooden gigs over a course of
        7.5 kilometres from the harbour mouth to the old toll bridge. The race
        was first rowed in 1879 between the pilots of two rival harbours, who
        used the same boats to carry pilots out to arriving ships. The winning
        crew receives a silver cup shaped like a diving seabird. The fastest
        time, 31 minutes and 12 seconds, was set in 1996.
        """,
                [
                    ("On which river is the Gannet Cup rowed?", "the River Mell"),
                    ("How many rowers are in each crew?", "six"),
                    ("What boats are used in the race?", "heavy wooden gigs"),
                    ("How long is the course?", "7.5 kilometres"),
                    ("Where does the race finish?", "the old toll bridge"),
                    ("When was the race first held?", "1879"),
                    ("What is the record time for the course?", "31 minutes and 12 seconds"),
                ],
            )
        ],
    ),
]

HAND_VALIDATION = [
    (
        "Marrowby Windmill",
        [
            hp(
                """
        Marrowby Windmill is a tower mill built in 1814 on a low rise east of
        the village of Marrowby. Its brick tower stands 21 metres high and is
        capped by a wooden cap that turns to face the wind. The four sails,
        each twelve metres long, once drove three pairs of millstones. The mill
        ground wheat and barley for local farmers until 1929, when an electric
        mill opened in the nearby town of Hallam Cross. Volunteers restored the
        sails in 1987, and flour is again milled there on the first Sunday of
        each month.
        """,
                [
                    ("When was Marrowby Windmill built?", ["1814", "in 1814"]),
                    ("How tall is the tower of the windmill?", ["21 metres", "21 metres high"]),
                    ("How long is each sail?", ["twelve metres"]),
                    ("How many pairs of millstones did the sails drive?", ["three pairs", "three"]),
                    ("Until what year did the mill work for local farmers?", ["1929", "until 1929"]),
                    ("Where did a rival electric mill open?", ["Hallam Cross"]),
                    (
                        "When is flour milled at Marrowby today?",
                        ["on the first Sunday of each month", "the first Sunday of each month"],
                    ),
                ],
            )
        ],
    ),
    (
        "Orvel cave salamander",
        [
            hp(
                """
        The Orvel cave salamander lives only in the flooded limestone caves
        beneath the Orvel plateau. Having spent its whole evolutionary history
        in darkness, it has no working eyes and its skin is almost white. It
        finds food, mainly tiny shrimps, by sensing movement in the water with
        its skin. Individuals grow slowly and may live for more than seventy
        years. Cave divers first photographed the animal in 1972, and since
        then access to the caves has been limited to scientific expeditions.
        """,
                [
                    (
                        "Where does the Orvel cave salamander live?",
                        ["the flooded limestone caves beneath the Orvel plateau", "flooded limestone caves"],
                    ),
                    ("What colour is the salamander's skin?", ["almost white", "white"]),
                    ("What does the salamander mainly eat?", ["tiny shrimps", "shrimps"]),
                    (
                        "How does it locate its prey?",
                        ["by sensing movement in the water with its skin", "sensing movement in the water"],
                    ),
                    ("How long can the salamander live?", ["more than seventy years", "seventy years"]),
                    ("Who took the first photographs of the animal?", ["Cave divers"]),
                    ("When was it first photographed?", ["1972", "in 1972"]),
                ],
            )
        ],
    ),
    (
        "Fennick Canal",
        [
            hp(
                """
        The Fennick Canal links the coal pits of Upper Brayton with the river
        port of Saltgrove Quay. Its 34 kilometres include nineteen locks, most
        of them grouped in a steep flight at Hobb's Hill. The canal was
        engineered by Thomas Lyle and opened in 1794, and it cut the cost of
        moving coal by more than half. Horses towed the narrow boats until
        1931. Commercial traffic ceased in 1963, but a trust reopened the canal
        to pleasure boats in 2002.
        """,
                [
                    (
                        "What does the Fennick Canal connect to Saltgrove Quay?",
                        ["the coal pits of Upper Brayton", "coal pits"],
                    ),
                    ("How long is the canal?", ["34 kilometres", "34"]),
                    ("How many locks are on the canal?", ["nineteen"]),
                    ("Where is the steep flight of locks?", ["Hobb's Hill"]),
                    ("Who was the canal's engineer?", ["Thomas Lyle", "Lyle"]),
                    (
                        "By how much did the canal reduce the cost of carrying coal?",
                        ["more than half", "by more than half"],
                    ),
                    ("Until when were boats pulled by horses?", ["1931"]),
                    ("Who reopened the canal for pleasure boats?", ["a trust"]),
                ],
            )
        ],
    ),
    (
        "Weatherby Almanac",
        [
            hp(
                """
        The Weatherby Almanac was a yearly booklet of tides, moon phases and
        farming advice printed in the market town of Crale from 1742 to 1911.
        It was started by the printer Josiah Weatherby, who wrote most of the
        weather forecasts himself, relying on old sayings about birds and
        clouds. At its peak the almanac sold around 40,000 copies a year, far
        more than any newspaper in the district. Each edition ended with a
        page of riddles, the answers to which were printed in the following
        year's issue.
        """,
                [
                    ("Where was the Weatherby Almanac printed?", ["Crale"]),
                    ("When did the almanac first appear?", ["1742", "from 1742"]),
                    ("Who founded the almanac?", ["Josiah Weatherby", "Weatherby"]),
                    (
                        "On what did Weatherby base his forecasts?",
                        ["old sayings about birds and clouds", "sayings about birds and clouds"],
                    ),
                    ("How many copies did the almanac sell at its height?", ["around 40,000 copies a year", "40,000"]),
                    ("What was printed on the last page of each edition?", ["a page of riddles", "riddles"]),
                    (
                        "Where could readers find the answers to the riddles?",
                        ["the following year's issue", "following year's issue"],
                    ),
                ],
            )
        ],
    ),
    (
        "Bell of Saint Odran",
        [
            hp(
                """
        The great bell of Saint Odran's church in Pellow weighs a little over
        four tonnes and is the heaviest in the diocese. It was cast in 1702 in
        a pit dug in the churchyard, because the roads were too poor to bring
        it from a foundry. The bell founder, Reuben Casey, mixed in silver
        coins given by parishioners, believing they would sweeten its tone.
        The bell cracked in a hard frost in 1840 and was recast the following
        summer. It is rung by a team of eight.
        """,
                [
                    ("How heavy is the great bell?", ["a little over four tonnes", "four tonnes"]),
                    ("Where was the bell cast?", ["a pit dug in the churchyard", "in the churchyard"]),
                    (
                        "Why was the bell not made at a foundry?",
                        ["the roads were too poor", "the roads were too poor to bring it from a foundry"],
                    ),
                    ("Who cast the bell?", ["Reuben Casey", "Casey"]),
                    ("What did parishioners contribute to the metal?", ["silver coins"]),
                    ("What cracked the bell?", ["a hard frost", "frost"]),
                    ("How many ringers does the bell need?", ["eight"]),
                ],
            )
        ],
    ),
    (
        "Pell's Cordial",
        [
            hp(
                """
        Pell's Cordial is a sweet blackcurrant drink first sold by the chemist
        Honora Pell in her shop in Ashcombe in 1888. She originally advertised
        it as a tonic for tired children. The recipe, which is said to contain
        eleven ingredients, is kept in a bank vault and known to only two
        employees at any time. The drink became popular during the long summer
        of 1911, when sales rose to over a million bottles. The company remains
        family-owned and still bottles the cordial in Ashcombe.
        """,
                [
                    ("What fruit flavours Pell's Cordial?", ["blackcurrant"]),
                    ("Who first sold the cordial?", ["Honora Pell", "the chemist Honora Pell"]),
                    ("In what year was the cordial first sold?", ["1888"]),
                    (
                        "How was the drink first advertised?",
                        ["as a tonic for tired children", "a tonic for tired children"],
                    ),
                    ("How many ingredients is the recipe said to have?", ["eleven"]),
                    ("Where is the recipe stored?", ["a bank vault"]),
                    ("How many bottles were sold in 1911?", ["over a million bottles", "over a million"]),
                ],
            )
        ],
    ),
    (
        "Quenby Ring",
        [
            hp(
                """
        Quenby Ring is an earthwork fort on the summit of a chalk hill
        overlooking the River Arle. Its two banks and ditches enclose an oval
        area of about five hectares. Excavations in 1936 uncovered the remains
        of round houses, storage pits and a bronze brooch shaped like a horse.
        Pottery found in the pits suggests that people lived inside the fort
        for around three centuries. The site is now owned by a conservation
        charity, and sheep graze the banks to keep the grass short.
        """,
                [
                    ("Which river does Quenby Ring overlook?", ["the River Arle", "Arle"]),
                    ("How large is the area inside the banks?", ["about five hectares", "five hectares"]),
                    ("When was the fort excavated?", ["1936", "in 1936"]),
                    ("What shape was the bronze brooch?", ["a horse", "horse"]),
                    ("For how long was the fort lived in?", ["around three centuries", "three centuries"]),
                    ("Who owns the site today?", ["a conservation charity"]),
                    ("What keeps the grass on the banks short?", ["sheep"]),
                ],
            )
        ],
    ),
    (
        "Lake Tessel ice road",
        [
            hp(
                """
        Each winter, once the ice on Lake Tessel is at least forty centimetres
        thick, a road is marked across it between the towns of Hurlby and
        Oskar Point. The crossing saves drivers a detour of almost ninety
        kilometres around the shore. Inspectors drill test holes every morning,
        and vehicles heavier than eight tonnes are forbidden. The road usually
        opens in early January and closes in March, when the ice begins to
        soften. In mild winters it may not open at all.
        """,
                [
                    (
                        "How thick must the ice be before the road is marked?",
                        ["at least forty centimetres", "forty centimetres"],
                    ),
                    ("Which towns does the ice road join?", ["Hurlby and Oskar Point"]),
                    ("How long is the detour the road avoids?", ["almost ninety kilometres", "ninety kilometres"]),
                    ("What do inspectors do each morning?", ["drill test holes"]),
                    ("What is the weight limit on the ice road?", ["eight tonnes"]),
                    ("When does the road normally open?", ["early January"]),
                    ("In which month does the road usually close?", ["March"]),
                ],
            )
        ],
    ),
]

HAND_TRAIN_V2 = [
    (
        "Halvard's Landing ferry",
        [
            hp(
                """
        A cable ferry has crossed the River Tane at Halvard's Landing since
        1802. The flat-bottomed boat is pulled along two steel chains laid
        across the riverbed, so it cannot drift with the current. It carries
        up to eighteen cars and takes about four minutes to make the crossing.
        The service was run by the Halvard family for over a century before
        the county council bought it in 1920. Foot passengers travel free,
        while cars pay a small toll collected by the ferryman.
        """,
                [
                    ("Since when has a ferry crossed the Tane at Halvard's Landing?", "1802"),
                    ("What guides the ferry across the river?", "two steel chains"),
                    ("How many cars can the ferry take?", "up to eighteen cars"),
                    ("How long is the crossing?", "about four minutes"),
                    ("Who ran the ferry before the council?", "the Halvard family"),
                    ("In what year did the council take over the ferry?", "1920"),
                ],
                [
                    ("How many foot passengers can the ferry carry?", "eighteen cars"),
                    ("When did the Halvard family build a bridge over the Tane?", "1802"),
                    ("Who collects fares from foot passengers?", "the ferryman"),
                    ("How much does the county council charge each car?", None),
                ],
            )
        ],
    ),
    (
        "Hollin goat",
        [
            hp(
                """
        The Hollin goat is a hardy breed kept on the rocky islands off the
        western coast. It is small, with a shaggy brown coat and long horns
        that curve backwards. Islanders valued the breed for its milk, which
        is rich enough to make a firm cheese, and for its ability to survive
        winters outdoors with little extra feed. By 1970 fewer than two
        hundred animals remained, but a breeding society founded that year has
        raised the number to around three thousand.
        """,
                [
                    ("Where is the Hollin goat kept?", "the rocky islands off the western coast"),
                    ("What sort of coat does the Hollin goat have?", "shaggy brown"),
                    ("Which way do the goat's horns curve?", "backwards"),
                    ("What can be made from the breed's rich milk?", "a firm cheese"),
                    ("How many Hollin goats were left in 1970?", "fewer than two hundred"),
                    ("How many Hollin goats are there now?", "around three thousand"),
                ],
                [
                    ("How many Hollin goats were there in 1950?", "fewer than two hundred"),
                    ("Who founded the Hollin goat breeding society?", None),
                    ("What is the cheese made from Hollin goat milk called?", "a firm cheese"),
                    ("Which coast is home to the Hollin sheep?", "the western coast"),
                ],
            )
        ],
    ),
    (
        "Stoneworth Quarry",
        [
            hp(
                """
        Stoneworth Quarry supplied the pale grey granite used for many of the
        harbour walls along the southern coast. Quarrying began there in 1790,
        and at its busiest the site employed 300 men. Blocks were lowered to
        the shore on an inclined railway and loaded onto barges at high tide.
        The quarry closed in 1958 after the demand for dressed stone
        collapsed. Its flooded pit is now a lake used by divers, who can see
        old cranes lying on the bottom at a depth of 25 metres.
        """,
                [
                    ("What stone came from Stoneworth Quarry?", "pale grey granite"),
                    ("What was the stone mainly used for?", "harbour walls"),
                    ("When did quarrying begin at Stoneworth?", "1790"),
                    ("How many men worked at the quarry at its peak?", "300"),
                    ("How were the blocks brought down to the shore?", "an inclined railway"),
                    ("Why did the quarry close?", "the demand for dressed stone collapsed"),
                    ("How deep do divers go to see the old cranes?", "25 metres"),
                ],
                [
                    ("When did quarrying at Stoneworth start again?", "1958"),
                    ("How many women worked at Stoneworth Quarry?", "300"),
                    ("What is the name of the lake in the old quarry?", None),
                    ("Who owned Stoneworth Quarry when it closed?", None),
                ],
            )
        ],
    ),
    (
        "Wool Moot",
        [
            hp(
                """
        The Wool Moot is a sheep fair held on the last Saturday of September
        in the hill village of Garth Lessing. Farmers bring around four
        thousand sheep to be judged and sold in pens set up along the main
        street. The fair's charter, granted in 1388, makes it one of the
        oldest in the region. Besides the livestock sales, visitors can watch
        sheepdog trials and a shearing contest, in which the fastest shearers
        can clip a ewe in under a minute.
        """,
                [
                    ("When is the Wool Moot held?", "the last Saturday of September"),
                    ("In which village does the Wool Moot take place?", "Garth Lessing"),
                    ("How many sheep are brought to the fair?", "around four thousand"),
                    ("Where are the pens set up?", "along the main street"),
                    ("When was the fair's charter granted?", "1388"),
                    ("How quickly can the best shearers clip a ewe?", "under a minute"),
                ],
                [
                    ("Who granted the Wool Moot its charter?", None),
                    ("How many cattle are sold at the Wool Moot?", "around four thousand"),
                    ("In which month was the Wool Moot held before 1388?", "September"),
                    ("Who won last year's shearing contest?", None),
                ],
            )
        ],
    ),
    (
        "Eliza Fairweather",
        [
            hp(
                """
        The engineer Eliza Fairweather built a diving bell for harbour repairs
        at Port Aldous in 1862. Made of cast iron and weighing nearly six
        tonnes, the bell was lowered from a barge by a steam crane. Fresh air
        was pumped down to the two workers inside through a leather hose.
        Using the bell, repair crews could lay foundation stones on the seabed
        at depths of up to twelve metres. Fairweather's design was later
        copied by harbour authorities in at least four other ports.
        """,
                [
                    ("Where did Eliza Fairweather build her diving bell?", "Port Aldous"),
                    ("What was the bell made from?", "cast iron"),
                    ("How much did the bell weigh?", "nearly six tonnes"),
                    ("What lowered the bell into the water?", "a steam crane"),
                    ("How many people worked inside the bell?", "two"),
                    ("How deep could crews work with the bell?", "twelve metres"),
                    ("In how many other ports was the design copied?", "at least four"),
                ],
                [
                    ("How deep could Fairweather's second bell descend?", "twelve metres"),
                    ("When did Eliza Fairweather die?", "1862"),
                    ("How many workers operated the steam crane?", "two"),
                    ("What was the diameter of the diving bell?", None),
                ],
            )
        ],
    ),
    (
        "Marl-cake",
        [
            hp(
                """
        Marl-cake is a dense fruit loaf baked in the villages of the Lune
        Hills for the spring sheep shearing. Its dough is enriched with dark
        sugar, dried pears and a generous amount of butter, and it is baked
        slowly in a low oven for nearly three hours. Because the cake keeps
        for weeks, shearing gangs could carry it from farm to farm. Bakers
        traditionally press a pattern of three leaves into the top before
        baking. Slices are usually eaten with a strong, crumbly cheese.
        """,
                [
                    ("What kind of food is marl-cake?", "a dense fruit loaf"),
                    ("Where is marl-cake baked?", "the Lune Hills"),
                    ("For what occasion is marl-cake made?", "the spring sheep shearing"),
                    ("Which dried fruit goes into the dough?", "dried pears"),
                    ("How long does marl-cake bake?", "nearly three hours"),
                    ("What pattern is pressed into the top?", "three leaves"),
                    ("What is marl-cake served with?", "a strong, crumbly cheese"),
                ],
                [
                    ("How long does marl-cake dough take to rise?", "nearly three hours"),
                    ("What pattern is pressed into the bottom of the loaf?", "three leaves"),
                    ("Who baked the first marl-cake?", None),
                ],
            )
        ],
    ),
    (
        "Calder School of Navigation",
        [
            hp(
                """
        The Calder School of Navigation trained ship's officers in the port of
        Brenmouth from 1848 until 1974. Students spent their mornings learning
        mathematics and astronomy and their afternoons handling sextants on
        the school's roof, which had a clear view of the sea horizon. The
        school's most famous pupil, Captain Idris Morrow, later commanded the
        first steamship to sail round the southern cape without stopping for
        coal. Its old building now houses the Brenmouth maritime archive.
        """,
                [
                    ("Where was the Calder School of Navigation?", "Brenmouth"),
                    ("When did the school open?", "1848"),
                    ("What did students study in the mornings?", "mathematics and astronomy"),
                    ("Where did students practise with sextants?", "the school's roof"),
                    ("Who was the school's most celebrated pupil?", "Captain Idris Morrow"),
                    ("What occupies the old school building today?", "the Brenmouth maritime archive"),
                ],
                [
                    ("Who founded the Calder School of Navigation?", None),
                    ("What did students study in the evenings?", "mathematics and astronomy"),
                    ("When did Idris Morrow enrol at the school?", "1848"),
                    ("What was the name of Morrow's steamship?", None),
                ],
            )
        ],
    ),
    (
        "Wetherden Oak",
        [
            hp(
                """
        The Wetherden Oak is an ancient tree standing in a field outside the
        village of Wetherden. Its trunk measures just over eleven metres
        around, and tree experts estimate its age at between 800 and 1,000
        years. The trunk has been hollow for at least two centuries; in 1850 a
        local tailor is said to have set up a small workshop inside it. The
        tree was damaged by lightning in 1976, losing its largest branch, but
        it still produces acorns in good years.
        """,
                [
                    ("How big around is the trunk of the Wetherden Oak?", "just over eleven metres"),
                    ("How old is the tree believed to be?", "between 800 and 1,000 years"),
                    ("How long has the trunk been hollow?", "at least two centuries"),
                    ("Who is said to have worked inside the hollow trunk?", "a local tailor"),
                    ("What damaged the tree in 1976?", "lightning"),
                    ("What did the oak lose in 1976?", "its largest branch"),
                ],
                [
                    ("How tall is the Wetherden Oak?", "just over eleven metres"),
                    ("Who planted the Wetherden Oak?", None),
                    ("When did the tailor leave his workshop in the tree?", "1850"),
                ],
            )
        ],
    ),
]

HAND_VALIDATION_V2 = [
    (
        "Greyling cheese",
        [
            hp(
                """
        Greyling is a soft cheese made from ewe's milk in the valley of Ostry.
        The curd is ladled by hand into cloth-lined baskets, which give each
        cheese a woven pattern on its rind. The young cheeses are rubbed with
        ash from burned vine cuttings, turning the rind a pale grey colour,
        and are then aged in cool cellars for six weeks. A protected name
        scheme introduced in 2004 means that only cheese made within the
        valley can be sold as Greyling.
        """,
                [
                    ("What milk is Greyling made from?", ["ewe's milk"]),
                    ("In which valley is Greyling produced?", ["Ostry"]),
                    ("Into what is the curd ladled?", ["cloth-lined baskets"]),
                    ("What marks the rind of each cheese?", ["a woven pattern", "woven pattern"]),
                    ("What are the young cheeses rubbed with?", ["ash from burned vine cuttings", "ash"]),
                    ("How long is Greyling aged?", ["six weeks"]),
                    ("When was the protected name scheme introduced?", ["2004", "in 2004"]),
                ],
                [
                    ("What kind of milk is used to make Greyling butter?", "ewe's milk"),
                    ("How long are Greyling cheeses aged in warm cellars?", "six weeks"),
                    ("Who introduced the protected name scheme?", None),
                ],
            )
        ],
    ),
    (
        "Ambrose Kell",
        [
            hp(
                """
        Ambrose Kell was a surveyor who produced the first accurate map of
        the Harrow Fens in 1768. Working with two assistants, he measured the
        marshes using a brass chain and a wheeled distance counter, often
        wading waist-deep through water. The survey took four years. Kell's
        map, drawn at a scale of one inch to the mile, was used by the
        drainage commissioners who later turned much of the fen into
        farmland. A copy hangs in the council chamber at Fenwick.
        """,
                [
                    ("What was Ambrose Kell's profession?", ["a surveyor", "surveyor"]),
                    ("Which area did Kell map?", ["the Harrow Fens", "Harrow Fens"]),
                    ("How many assistants helped Kell?", ["two", "two assistants"]),
                    ("How long did the survey last?", ["four years"]),
                    ("At what scale was the map drawn?", ["one inch to the mile"]),
                    ("Who made use of Kell's map?", ["the drainage commissioners", "drainage commissioners"]),
                    ("Where can a copy of the map be seen?", ["the council chamber at Fenwick", "Fenwick"]),
                ],
                [
                    ("How many assistants did Kell employ for his second map?", "two"),
                    ("When did the commissioners finish draining the fen?", "1768"),
                    ("Who drew the first map of Fenwick?", "Ambrose Kell"),
                ],
            )
        ],
    ),
    (
        "Felden Velodrome",
        [
            hp(
                """
        The Felden Velodrome is an outdoor cycling track opened in 1899 on
        the site of a former brickworks. Its concrete track is 460 metres long
        and banked steeply at both ends so that riders can keep their speed
        through the bends. In the early 1900s crowds of up to 12,000 came to
        watch races on summer evenings. The track was resurfaced in 1988 and
        is now used mainly by local clubs and schools.
        """,
                [
                    ("When did the Felden Velodrome open?", ["1899", "in 1899"]),
                    ("What stood on the site before the velodrome?", ["a former brickworks", "brickworks"]),
                    ("What is the track made of?", ["concrete"]),
                    ("How long is the track?", ["460 metres"]),
                    ("How many spectators came to early races?", ["up to 12,000", "12,000"]),
                    ("When was the track resurfaced?", ["1988"]),
                    ("Who mostly uses the velodrome today?", ["local clubs and schools"]),
                ],
                [
                    ("When was a roof built over the Felden Velodrome?", "1988"),
                    ("How long is the indoor track at Felden?", "460 metres"),
                    ("Who won the first race at the velodrome?", None),
                ],
            )
        ],
    ),
    (
        "Othery flood",
        [
            hp(
                """
        In January 1703 a storm surge broke through the sea wall at Othery
        and flooded the low-lying farmland behind it. Water covered some 5,000
        hectares and reached the doors of the parish church, three kilometres
        inland. Most villagers escaped to the higher ground of Beacon Knoll,
        but hundreds of cattle were drowned. Rebuilding the wall took six
        years and was paid for by a special tax on every household in the
        district. A stone on the church tower still marks the height reached
        by the flood.
        """,
                [
                    ("When did the Othery flood happen?", ["January 1703", "In January 1703"]),
                    ("What broke through the sea wall?", ["a storm surge"]),
                    ("How much land was flooded?", ["some 5,000 hectares", "5,000 hectares"]),
                    ("How far inland is the parish church?", ["three kilometres inland", "three kilometres"]),
                    ("Where did the villagers take refuge?", ["Beacon Knoll", "the higher ground of Beacon Knoll"]),
                    ("How long did it take to rebuild the wall?", ["six years"]),
                    (
                        "How was the new wall paid for?",
                        ["a special tax on every household in the district", "a special tax on every household"],
                    ),
                ],
                [
                    ("How many villagers drowned in the flood?", "hundreds"),
                    ("When was the sea wall at Othery first built?", "1703"),
                    ("Who designed the rebuilt sea wall?", None),
                ],
            )
        ],
    ),
]


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

SLOT = re.compile(r"\{(\w+)\}")
PERSON_KEYS = {
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
# Paragraphs generated per file, on top of the hand-written ones.
GENERATED = {
    "train": 110,
    "validation": 26,
    "train_v2": 36,
    "validation_v2": 10,
}


def render(sentences: list[str], slots: dict) -> tuple[str, dict]:
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


def alternatives(context: str, start: int, text: str, key: str | None):
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


def fill(question: str, slots: dict) -> str:
    """Fill a question template; "Harriers's" becomes "Harriers'"."""
    return re.sub(r"s's\b", "s'", question.format(**slots))


def answer(context: str, start: int, text: str) -> dict:
    assert context[start : start + len(text)] == text, (text, context)
    return {"text": text, "answer_start": start}


def generated_paragraph(rng, names, art, template, split, ids) -> dict:
    v2 = split.endswith("_v2")
    val = split.startswith("validation")
    names.new_paragraph()
    t = template(rng, names, art)
    slots = t["slots"]
    sentences = [pick(rng, s) for s in t["first"]]
    rest = list(t["rest"])
    rng.shuffle(rest)
    for item in rest:
        group = item if isinstance(item, tuple) else (item,)
        sentences.extend(pick(rng, s) for s in group)
    context, spans = render(sentences, slots)

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
        n_imp = rng.choice([2, 2, 3])
        for key, phrasings in rng.sample(t["imp"], n_imp):
            qa = {
                "id": ids(),
                "question": fill(rng.choice(phrasings), slots),
                "answers": [],
                "is_impossible": True,
            }
            if key is not None and key in spans:
                qa["plausible_answers"] = [answer(context, spans[key], slots[key])]
            qas.append(qa)
        rng.shuffle(qas)
    else:
        for qa in qas:
            qa["is_impossible"] = False
    return {"context": context, "qas": qas}


def hand_paragraph(rng, para, split, ids) -> dict:
    v2 = split.endswith("_v2")
    context = para["context"]
    qas = []
    for question, golds in para["qs"]:
        if isinstance(golds, str):
            golds = [golds]
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


def build_split(rng, names, split: str, hand: list) -> dict:
    ids = IdMaker(split)
    articles = []
    for title, paras in hand:
        articles.append(
            {
                "title": title,
                "paragraphs": [hand_paragraph(rng, p, split, ids) for p in paras],
            }
        )
    made = 0
    while made < GENERATED[split]:
        art = Article(names, rng)
        k = min(rng.choice([2, 3, 3, 4]), GENERATED[split] - made)
        templates = rng.sample(TEMPLATES, k)
        paragraphs = [generated_paragraph(rng, names, art, t, split, ids) for t in templates]
        articles.append({"title": art.town, "paragraphs": paragraphs})
        made += k
    rng.shuffle(articles)
    version = VERSION_V2 if split.endswith("_v2") else VERSION_V1
    return {"version": version, "data": articles}


def check(dataset: dict) -> None:
    """Assert that every answer span sits at its stated offset."""
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


def main() -> None:
    rng = random.Random(SEED)
    names = NamePool(rng)
    splits = [
        ("train", HAND_TRAIN),
        ("validation", HAND_VALIDATION),
        ("train_v2", HAND_TRAIN_V2),
        ("validation_v2", HAND_VALIDATION_V2),
    ]
    for split, hand in splits:
        dataset = build_split(rng, names, split, hand)
        check(dataset)
        path = OUT_DIR / f"{split}.json"
        text = json.dumps(dataset, ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        paras = [p for a in dataset["data"] for p in a["paragraphs"]]
        qas = [q for p in paras for q in p["qas"]]
        impossible = sum(q["is_impossible"] for q in qas)
        print(
            f"{path.name}: {len(dataset['data'])} articles, "
            f"{len(paras)} paragraphs, {len(qas)} questions, "
            f"{impossible} unanswerable"
        )


if __name__ == "__main__":
    main()
