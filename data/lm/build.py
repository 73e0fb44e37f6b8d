"""Build the llmkit language-modelling corpus (``train.txt`` and ``validation.txt``).

Everything here was written for llmkit. The corpus mixes two kinds of documents:

* the hand-written paragraphs in ``handwritten.txt`` (one document per paragraph,
  paragraphs separated by a blank line), and
* documents composed by this script from sentence templates, phrase lists, names,
  invented places, invented animals, tools, dishes and events. Each generator
  builds a small coherent text: a short story with one character (pronouns kept
  consistent), a town description, an animal or tool description, a recipe, a
  letter, a weather report, a travel diary entry, a working day, or a season.

The output is deterministic (fixed seed): running ``python data/lm/build.py``
rewrites both files byte for byte. Each document is a single paragraph, and
documents are separated by exactly one blank line.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 20240611
HERE = Path(__file__).resolve().parent
TRAIN_BYTES = 900_000
VALID_FRACTION = 0.07

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
AN_EXCEPTIONS = ("hour", "honest", "heir")
A_EXCEPTIONS = ("uni", "use", "one", "eu", "ewe")


def words(n: int) -> str:
    """Spell out a number below one hundred."""
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens] + ("" if ones == 0 else " " + ONES[ones])


def art(phrase: str) -> str:
    """Prefix a noun phrase with the right indefinite article."""
    low = phrase.lower()
    if low.startswith(AN_EXCEPTIONS):
        return "an " + phrase
    if low.startswith(A_EXCEPTIONS):
        return "a " + phrase
    return ("an " if low[0] in "aeiou" else "a ") + phrase


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def join_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def fill(template: str, ctx: dict[str, str]) -> str:
    return cap(template.format(**ctx))


PRONOUNS = {
    "f": {"he": "she", "him": "her", "his": "her", "himself": "herself"},
    "m": {"he": "he", "him": "him", "his": "his", "himself": "himself"},
}


def pronoun_ctx(gender: str) -> dict[str, str]:
    ctx = dict(PRONOUNS[gender])
    for key in list(ctx):
        ctx[key.capitalize()] = cap(ctx[key])
    return ctx


# ---------------------------------------------------------------------------
# Word lists (all written for llmkit)
# ---------------------------------------------------------------------------

NAMES_F = [
    "Anna",
    "Bea",
    "Cora",
    "Dina",
    "Edie",
    "Fern",
    "Greta",
    "Hana",
    "Ida",
    "Juno",
    "Kira",
    "Lotte",
    "Maya",
    "Nell",
    "Olive",
    "Pia",
    "Rosa",
    "Sara",
    "Tilda",
    "Una",
    "Vera",
    "Wren",
    "Ada",
    "Elsa",
    "Iris",
    "Lena",
    "Mira",
    "Nora",
    "Ruth",
    "Tess",
    "Zoe",
    "Hazel",
    "June",
    "Alma",
    "Clara",
    "Ella",
]
NAMES_M = [
    "Abel",
    "Bram",
    "Cal",
    "Dov",
    "Emil",
    "Finn",
    "Gus",
    "Hugo",
    "Ivo",
    "Jonah",
    "Karl",
    "Leo",
    "Milo",
    "Ned",
    "Otto",
    "Pim",
    "Rafe",
    "Sam",
    "Theo",
    "Ulf",
    "Vik",
    "Will",
    "Arlo",
    "Eli",
    "Joss",
    "Luca",
    "Max",
    "Noah",
    "Oren",
    "Tom",
    "Zeb",
    "Ben",
    "Hal",
    "Jack",
    "Rory",
    "Simon",
]
ROLES = [
    ("baker", "bakery"),
    ("fisherman", "harbour"),
    ("farmer", "farm"),
    ("teacher", "school"),
    ("carpenter", "workshop"),
    ("weaver", "workshop"),
    ("shepherd", "sheepfold"),
    ("gardener", "garden"),
    ("potter", "workshop"),
    ("miller", "mill"),
    ("postman", "post office"),
    ("nurse", "clinic"),
    ("blacksmith", "forge"),
    ("beekeeper", "orchard"),
    ("tailor", "shop"),
    ("cook", "kitchen"),
    ("painter", "studio"),
    ("librarian", "library"),
    ("shopkeeper", "shop"),
    ("boatman", "jetty"),
]
ANIMAL_CHARS = [
    "badger",
    "hedgehog",
    "rabbit",
    "mole",
    "fox",
    "squirrel",
    "otter",
    "mouse",
    "duck",
    "goose",
    "owl",
    "crow",
    "sparrow",
    "frog",
    "tortoise",
    "beaver",
    "hare",
    "robin",
    "goat",
    "lamb",
    "deer",
    "wren",
    "pig",
    "cat",
]
ANIMAL_NAMES = [
    "Pip",
    "Bramble",
    "Moss",
    "Tuft",
    "Acorn",
    "Button",
    "Puddle",
    "Clover",
    "Nettle",
    "Pebble",
    "Sorrel",
    "Thistle",
    "Hazel",
    "Willow",
    "Sparky",
    "Dot",
    "Fidget",
    "Maple",
    "Rusty",
    "Sage",
    "Barley",
    "Juniper",
]
ANIMAL_TRAITS = [
    "curious",
    "proud",
    "shy",
    "greedy",
    "lazy",
    "kind",
    "clever",
    "boastful",
    "careful",
    "impatient",
    "gentle",
    "stubborn",
    "cheerful",
    "timid",
]
PLACE_A = [
    "Ash",
    "Bram",
    "Clay",
    "Dun",
    "Elm",
    "Fern",
    "Glen",
    "Hol",
    "Kings",
    "Lark",
    "Marsh",
    "North",
    "Oak",
    "Pen",
    "Red",
    "Salt",
    "Thorn",
    "Wester",
    "Wil",
    "Yar",
    "Brook",
    "Cold",
    "Fair",
    "Green",
    "High",
    "Long",
    "Mill",
    "Rook",
    "Stone",
    "Wood",
    "Bell",
    "Crow",
    "Hazel",
    "Moor",
    "Sand",
    "Wind",
]
PLACE_B = [
    "ford",
    "mere",
    "ton",
    "bury",
    "wick",
    "field",
    "dale",
    "brook",
    "haven",
    "stead",
    "by",
    "well",
    "combe",
    "gate",
    "ley",
    "moor",
    "bridge",
    "hollow",
]
RIVERS = [
    "Amble",
    "Brisk",
    "Corran",
    "Dell",
    "Esk",
    "Fallow",
    "Glim",
    "Hesk",
    "Lune",
    "Marrow",
    "Nid",
    "Orrin",
    "Pell",
    "Ribble",
    "Sorrow",
    "Tarn",
    "Wend",
    "Yew",
]
LANDSCAPES = [
    "in a wide green valley",
    "at the foot of a steep hill",
    "on the edge of a great forest",
    "beside a quiet lake",
    "on a windy stretch of coast",
    "among low rolling hills",
    "at the mouth of a small river",
    "on a flat plain of wheat fields",
    "high up in the mountains",
    "on the shore of a long sea inlet",
    "between two wooded ridges",
    "on the banks of a slow river",
]
TRADES = [
    ("wool", "sheep farmers graze their flocks on the hills"),
    ("cheese", "every farm keeps a small herd of cows"),
    ("fish", "the boats go out before dawn each day"),
    ("timber", "the forest around it is full of tall pines"),
    ("pottery", "the clay from the river banks is fine and red"),
    ("apples", "orchards cover the slopes above the houses"),
    ("salt", "shallow pans by the shore are filled with sea water"),
    ("rope", "hemp is grown in the fields to the south"),
    ("honey", "hundreds of hives stand in the heather"),
    ("stone", "a large quarry lies just outside the town"),
    ("bread", "the mills along the river grind wheat from many farms"),
    ("cloth", "the weavers work in long rooms with tall windows"),
]
BUILDINGS = [
    "a stone church with a square tower",
    "a small market hall",
    "a primary school",
    "a post office",
    "an old water mill",
    "a library in a former chapel",
    "a village green with a pond",
    "a narrow bridge of grey stone",
    "a clock tower",
    "a bakery",
    "an inn with a painted sign",
    "a blacksmith's forge",
    "a railway station",
    "a harbour wall",
    "a small museum",
    "a public garden",
    "a row of crooked shops",
    "a tall windmill",
]
FESTIVALS = [
    ("the harvest fair", "at the end of the summer", "farmers show their best animals and vegetables"),
    (
        "the lantern walk",
        "on the longest night of the year",
        "everyone carries a paper lantern through the streets",
    ),
    ("the boat race", "on the first Sunday of June", "teams of rowers race from the bridge to the old mill"),
    (
        "the spring market",
        "in the middle of April",
        "traders come from far away to sell seeds, tools and cloth",
    ),
    ("the apple day", "in early October", "people press apples into juice and bake pies in the square"),
    ("the wool fair", "in late May", "shepherds bring their fleeces to be weighed and sold"),
    ("the music night", "in the middle of summer", "bands play on a wooden stage beside the river"),
]
OBJECTS = [
    "red scarf",
    "silver key",
    "small wooden box",
    "blue hat",
    "old watch",
    "leather bag",
    "brass bell",
    "favourite book",
    "green umbrella",
    "wool glove",
    "little compass",
    "painted cup",
    "fishing rod",
    "kite",
    "pocket knife",
    "map",
    "basket",
    "lantern",
    "ring",
    "whistle",
]
HIDING_PLACES = [
    "under the bed",
    "behind the door",
    "in the garden shed",
    "in the kitchen",
    "under a pile of coats",
    "beside the well",
    "in the long grass",
    "on the shelf in the hall",
    "behind the woodpile",
    "under the stairs",
    "in the hay loft",
    "by the garden gate",
    "inside the old barrel",
    "under the apple tree",
]
HELPERS = [
    ("neighbour", "an old neighbour"),
    ("sister", "a little sister"),
    ("brother", "an older brother"),
    ("cousin", "a cousin from the next farm"),
    ("friend", "a good friend"),
    ("grandmother", "a kind grandmother"),
    ("grandfather", "a patient grandfather"),
    ("teacher", "a kind teacher"),
]
SKILLS = [
    ("swim", "swimming", "in the lake"),
    ("bake bread", "baking", "in the kitchen"),
    ("play the fiddle", "playing", "in the barn"),
    ("ride a bicycle", "riding", "along the lane"),
    ("carve wood", "carving", "on the porch"),
    ("sew", "sewing", "by the window"),
    ("paint", "painting", "in the garden"),
    ("row a boat", "rowing", "on the river"),
    ("juggle", "juggling", "in the yard"),
    ("whistle", "whistling", "everywhere"),
    ("draw maps", "drawing", "at the kitchen table"),
    ("sing", "singing", "in the hall"),
]
GOODS = [
    "eggs",
    "apples",
    "cheese",
    "onions",
    "potatoes",
    "honey",
    "wool",
    "carrots",
    "plums",
    "beans",
    "pears",
    "butter",
    "flowers",
    "turnips",
]
OBSTACLES = [
    (
        "a sudden storm",
        "the rain poured down and the wind bent the trees",
        "waited under a thick hedge until the worst had passed",
    ),
    (
        "a broken wheel",
        "one wheel of the cart cracked on a sharp stone",
        "tied the wheel together with rope and a strong stick",
    ),
    (
        "a flooded ford",
        "the stream had risen and covered the crossing",
        "walked upstream until the water was shallow enough to cross",
    ),
    ("a fallen tree", "a great oak lay across the road", "led the cart around it through a farmer's field"),
    (
        "a lame {animal}",
        "the {animal} began to limp on its front leg",
        "found a stone in its shoe and carefully took it out",
    ),
    (
        "thick fog",
        "a grey fog came down and hid the road",
        "followed the sound of the river until the fog lifted",
    ),
    (
        "a wrong turn",
        "the road ended suddenly at a locked gate",
        "asked a shepherd for the way and turned back",
    ),
]
ENDINGS_MARKET = [
    "sold all of {his} {good} before noon",
    "came home with a full purse and an empty cart",
    "bought a new {treat} with the money",
    "sold half the {good} and gave the rest to a poor family",
    "was late, but the traders had saved {him} a good place",
]
TREATS = ["ribbon", "hat", "knife", "pair of boots", "kettle", "shawl", "book", "basket", "lamp", "coat"]
TROUBLED = [
    (
        "a bird with a hurt wing",
        "bird",
        "bound the wing with a strip of cloth",
        "flew off over the trees",
        "it",
    ),
    (
        "a lamb caught in a thorn bush",
        "lamb",
        "cut the thorns away one by one",
        "ran back to its mother",
        "it",
    ),
    ("a lost puppy", "puppy", "carried it from house to house", "was returned to a very happy family", "it"),
    ("a kitten stuck in a tree", "kitten", "climbed up the branches slowly", "purred all the way home", "it"),
    (
        "a hedgehog trapped in a net",
        "hedgehog",
        "untangled the net with great care",
        "trotted away under the hedge",
        "it",
    ),
    (
        "a duckling that had lost its mother",
        "duckling",
        "walked along the river bank with it",
        "found its family among the reeds",
        "it",
    ),
    (
        "a tired old man by the road",
        "old man",
        "carried his heavy bag to the village",
        "thanked everyone he met",
        "him",
    ),
    (
        "a child who could not find her way home",
        "child",
        "walked with her through the streets",
        "ran into her mother's arms",
        "her",
    ),
    (
        "a goat with its horns stuck in a fence",
        "goat",
        "bent the wire back a little at a time",
        "ran off to join the herd",
        "it",
    ),
    (
        "a young deer tangled in a rope",
        "deer",
        "cut the rope with a pocket knife",
        "leapt away into the trees",
        "it",
    ),
]
WEATHER_SKY = {
    "sunny": [
        "The day will be bright and sunny from the start.",
        "Clear skies are expected for most of the day.",
        "There will be long spells of sunshine with only a few thin clouds.",
    ],
    "cloudy": [
        "The sky will stay grey and cloudy for most of the day.",
        "Thick cloud will cover the region from the early morning.",
        "It will be a dull day with low cloud over the hills.",
    ],
    "rainy": [
        "Rain will move in from the west during the morning.",
        "There will be steady rain for much of the day.",
        "Showers will become heavy and frequent by the afternoon.",
    ],
    "snowy": [
        "Snow will fall over the hills during the night and morning.",
        "Light snow is expected in the morning, turning to sleet later.",
        "Heavy snow will cover high ground, and roads may become difficult.",
    ],
    "foggy": [
        "Thick fog will lie in the valleys at dawn.",
        "The morning will begin with dense fog near rivers and lakes.",
        "Fog will be slow to clear and may last until midday in places.",
    ],
}
WEATHER_LATER = {
    "sunny": [
        "The afternoon will be warm, and the evening will stay dry and pleasant.",
        "It will remain dry into the evening, with a clear sky at night.",
        "A few clouds may build over the hills, but no rain is expected.",
    ],
    "cloudy": [
        "A few breaks may appear late in the afternoon.",
        "The cloud will thicken in the evening, with a chance of drizzle.",
        "It will stay dry, but the sun is unlikely to appear.",
    ],
    "rainy": [
        "The rain will ease in the evening, leaving a damp and cool night.",
        "Rivers may rise, and some low fields could flood.",
        "Brighter weather will follow after dark as the rain moves east.",
    ],
    "snowy": [
        "The snow will stop by evening and the night will be very cold.",
        "Ice is likely on roads and paths overnight.",
        "More snow may follow tomorrow, so travellers should take care.",
    ],
    "foggy": [
        "Once the fog lifts, the afternoon will be mild and calm.",
        "The fog will return in the evening as the air cools.",
        "Drivers should go slowly, as the fog will be patchy all day.",
    ],
}
WINDS = ["north", "south", "east", "west", "north west", "south west", "north east", "south east"]
WIND_STRENGTH = ["light", "gentle", "moderate", "fresh", "strong", "gusty"]
WEATHER_ADVICE = {
    "sunny": [
        "Farmers will have a good day for cutting hay.",
        "It is a fine day to hang washing outside.",
        "Remember to water young plants in the evening.",
    ],
    "cloudy": ["It is a good day for work in the garden.", "Walkers should take a warm coat for the hills."],
    "rainy": [
        "Take an umbrella if you are going out.",
        "Fishermen are advised to stay close to the harbour.",
        "Paths in the woods will be muddy.",
    ],
    "snowy": [
        "Keep animals in shelter and check water troughs for ice.",
        "Schools in the hills may close early.",
        "Put out food for the birds, as the ground will be frozen.",
    ],
    "foggy": [
        "Boats should sound their horns when leaving harbour.",
        "Walkers on the moor should keep to the marked paths.",
    ],
}
TEMPS = {"sunny": (14, 28), "cloudy": (8, 18), "rainy": (6, 16), "snowy": (0, 3), "foggy": (4, 12)}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def town_name(rng: random.Random) -> str:
    first, second = rng.choice(PLACE_A), rng.choice(PLACE_B)
    if first[-1] == second[0] and first[-2] == first[-1]:
        second = second[1:]
    return first + second


def person(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return rng.choice(NAMES_F), "f"
    return rng.choice(NAMES_M), "m"


# ---------------------------------------------------------------------------
# Story generators
# ---------------------------------------------------------------------------


def story_lost_object(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    obj = rng.choice(OBJECTS)
    places = rng.sample(HIDING_PLACES, 3)
    helper_key, helper = rng.choice(HELPERS)
    ctx.update(
        name=name,
        obj=obj,
        a_obj=art(obj),
        town=town_name(rng),
        p1=places[0],
        p2=places[1],
        p3=places[2],
        helper=helper,
        hk=helper_key,
        age=words(rng.randint(6, 12)),
    )
    opening = rng.choice(
        [
            "{name} was {age} years old and lived in the village of {town}.",
            "In the little town of {town} there lived a child called {name}.",
            "Once there was a girl named {name} who lived near {town}."
            if g == "f"
            else "Once there was a boy named {name} who lived near {town}.",
            "{name} lived with {his} family in a small house at the edge of {town}.",
        ]
    )
    value = rng.choice(
        [
            "{He} had {a_obj} that {he} loved more than anything.",
            "{His} most precious thing was {a_obj} given to {him} by {his} uncle.",
            "Every day {he} carried {a_obj} wherever {he} went.",
            "{He} kept {a_obj} on the table beside {his} bed.",
        ]
    )
    problem = rng.choice(
        [
            "One morning {he} woke up and the {obj} was gone.",
            "One afternoon {he} looked for the {obj} and could not find it.",
            "After a busy day at the fair, {he} realised that the {obj} was missing.",
        ]
    )
    search = rng.choice(
        [
            "{He} looked {p1} and {p2}, but it was not there.",
            "First {he} searched {p1}, then {p2}, but {he} found nothing.",
            "{He} hunted {p1} and even {p2}, and still there was no sign of it.",
        ]
    )
    feeling = rng.choice(
        [
            "{He} sat down on the step and felt very sad.",
            "{He} was close to tears.",
            "{He} began to think it was lost for ever.",
            "{He} felt tired and cross with {himself}.",
        ]
    )
    help_ = rng.choice(
        [
            "Then {helper} came by and asked what was wrong.",
            "Just then {helper} noticed how unhappy {he} looked.",
            "{His} {hk} came to sit beside {him} and listened to the whole story.",
        ]
    )
    found = rng.choice(
        [
            "Together they looked {p3}, and there it was, safe and sound.",
            "They thought about the day carefully and then looked {p3}, where they found it at once.",
            "The {hk} remembered seeing something {p3}, and sure enough, the {obj} was lying there.",
        ]
    )
    ending = rng.choice(
        [
            "{name} hugged the {obj} and promised to be more careful.",
            "From that day on, {name} always put the {obj} back in its place.",
            "{name} thanked the {hk} and shared {his} supper with them that night.",
            "{name} laughed with relief, and the two of them went home for tea.",
        ]
    )
    parts = [opening, value, problem, search, feeling, help_, found, ending]
    return " ".join(fill(p, ctx) for p in parts)


def story_market(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    role = rng.choice(["farmer", "gardener", "grower", "smallholder"])
    good = rng.choice(GOODS)
    home, dest = town_name(rng), town_name(rng)
    obstacle, what, fix = rng.choice(OBSTACLES)
    ctx.update(
        name=name,
        role=role,
        good=good,
        home=home,
        dest=dest,
        obstacle=obstacle,
        what=what,
        fix=fix,
        treat=rng.choice(TREATS),
        day=rng.choice(DAYS),
        animal=rng.choice(["horse", "donkey", "mule", "pony"]),
    )
    ctx["obstacle"] = obstacle.format(**ctx)
    ctx["what"] = what.format(**ctx)
    ctx["ending"] = rng.choice(ENDINGS_MARKET).format(**ctx)
    parts = [
        rng.choice(
            [
                "{name} was a {role} who lived just outside {home}.",
                "There was once a {role} called {name} who lived in {home}.",
                "In {home} lived a hard working {role} named {name}.",
            ]
        ),
        rng.choice(
            [
                "Every {day} {he} took {his} {good} to the market in {dest}.",
                "Once a week {he} loaded {his} cart with {good} and set off for {dest}.",
                "On {day} mornings {he} drove {his} {animal} and cart to the market at {dest}.",
            ]
        ),
        rng.choice(
            [
                "This week the harvest had been good and the cart was very full.",
                "{He} left early, before the sun was up, with a lamp hanging from the cart.",
                "The road was long, but {he} knew every bend of it.",
            ]
        ),
        rng.choice(
            [
                "Halfway there, {he} met with {obstacle}.",
                "But on the way {he} ran into trouble, because {what}.",
                "Not far from {dest} there was a problem: {what}.",
            ]
        ),
        rng.choice(
            [
                "{name} did not give up.",
                "{name} stopped to think for a moment.",
                "{He} was worried about being late, but {he} stayed calm.",
            ]
        ),
        "{He} {fix}.",
        rng.choice(
            [
                "At last {he} reached {dest} and set up {his} stall in the square.",
                "By the time {he} arrived, the market was already busy.",
                "{He} reached the market just as the church clock struck eight.",
            ]
        ),
        "In the end {he} {ending}.",
        rng.choice(
            [
                "That evening {he} drove home singing.",
                "When {he} got home, {he} ate a big supper and slept soundly.",
                "It had been a hard day, but a good one.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


def story_skill(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    verb, noun, where = rng.choice(SKILLS)
    teacher = rng.choice(["grandmother", "uncle", "aunt", "older cousin", "neighbour", "teacher", "father", "mother"])
    ctx.update(name=name, verb=verb, noun=noun, where=where, teacher=teacher, weeks=words(rng.randint(2, 9)))
    parts = [
        rng.choice(
            [
                "{name} wanted to learn to {verb} more than anything.",
                "All summer {name} dreamed of being able to {verb}.",
                "{name} had watched other people {verb} for years and wanted to try.",
            ]
        ),
        rng.choice(
            [
                "{His} {teacher} agreed to teach {him}.",
                "{He} asked {his} {teacher} to show {him} how.",
                "Luckily, {his} {teacher} knew how to {verb} very well.",
            ]
        ),
        rng.choice(
            [
                "The first lesson went badly.",
                "At first everything went wrong.",
                "It was much harder than it looked.",
            ]
        ),
        rng.choice(
            [
                "{He} made mistake after mistake, and the others laughed.",
                "{He} felt clumsy and slow, and wanted to stop.",
                "After an hour {he} was tired and cross.",
            ]
        ),
        rng.choice(
            [
                "But {his} {teacher} said that everyone starts badly.",
                "{His} {teacher} told {him} to practise a little every day.",
                "{His} {teacher} smiled and said that patience was the secret.",
            ]
        ),
        rng.choice(
            [
                "So {name} practised {where} every morning for {weeks} weeks.",
                "For {weeks} weeks {name} kept practising {where}, even on rainy days.",
                "Day after day, {he} went on practising {where}.",
            ]
        ),
        rng.choice(
            [
                "Slowly {he} became better.",
                "Little by little, the {noun} became easier.",
                "Each day {he} did a little better than the day before.",
            ]
        ),
        rng.choice(
            [
                "By the end of the summer {name} could {verb} as well as anyone.",
                "At the village fair {name} showed everyone what {he} had learned.",
                "One evening {his} {teacher} watched {him} and clapped with pride.",
            ]
        ),
        rng.choice(
            [
                "{He} never forgot that patience matters more than talent.",
                "Now {he} helps other children who want to learn.",
                "{He} was very proud of {himself}.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


def story_rescue(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    trouble, short, action, result, obj = rng.choice(TROUBLED)
    ctx.update(
        name=name,
        trouble=trouble,
        short=short,
        action=action,
        obj=obj,
        result=result,
        town=town_name(rng),
        walk=rng.choice(
            [
                "to school",
                "to the well",
                "home from the shop",
                "along the river",
                "through the woods",
                "to the baker's",
            ]
        ),
    )
    parts = [
        rng.choice(
            [
                "One cold morning {name} was walking {walk}.",
                "On a quiet afternoon in {town}, {name} was walking {walk}.",
                "{name} was on {his} way {walk} when {he} heard a small sound.",
            ]
        ),
        rng.choice(
            [
                "By the side of the path {he} found {trouble}.",
                "There, close to the path, was {trouble}.",
                "{He} looked around and saw {trouble}.",
            ]
        ),
        rng.choice(
            [
                "Other people had walked past without stopping.",
                "Nobody else seemed to have noticed.",
                "{He} knew that {he} had to do something.",
            ]
        ),
        rng.choice(
            [
                "{name} knelt down and spoke softly so as not to frighten {obj}.",
                "{He} put down {his} bag and thought about what to do.",
                "{He} moved slowly and carefully.",
            ]
        ),
        "{He} {action}.",
        rng.choice(
            [
                "It took a long time, and {he} was late, but {he} did not mind.",
                "It was not easy, but {he} kept going.",
                "{His} hands were cold and scratched by the end.",
            ]
        ),
        "In the end the {short} {result}.",
        rng.choice(
            [
                "That night {name} told {his} family the whole story.",
                "{name} smiled all the way home.",
                "Later the whole village heard what {name} had done.",
                "{name} felt warm inside, even though the day was cold.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


def story_fable(rng: random.Random) -> str:
    a1, a2 = rng.sample(ANIMAL_CHARS, 2)
    n1 = rng.choice(ANIMAL_NAMES)
    g = rng.choice("fm")
    ctx = pronoun_ctx(g)
    kind = rng.randrange(3)
    trait = rng.choice(
        [
            ["lazy", "careless", "cheerful", "busy", "forgetful"],
            ["proud", "boastful", "stubborn", "impatient", "clever"],
            ["shy", "timid", "gentle", "quiet", "kind"],
        ][kind]
    )
    ctx.update(
        a1=a1,
        a2=a2,
        a_a2=art(a2),
        n1=n1,
        trait=trait,
        a_trait=art(trait),
        home=rng.choice(
            [
                "in an old oak wood",
                "in a green meadow",
                "at the edge of a pond",
                "behind a farmyard",
                "on a hillside of heather",
                "in a quiet valley",
                "under the roots of a beech tree",
            ]
        ),
        den=rng.choice(["den", "nest", "burrow", "little house"]),
        song=rng.choice(["a song", "a tune", "a lullaby"]),
    )
    if kind == 0:
        parts = [
            "There lived {a_trait} {a1} called {n1} {home}.",
            "There was a hole in the roof of {his} {den}.",
            rng.choice(
                [
                    "Every day {n1} said that {he} would mend it tomorrow.",
                    "{n1} saw the hole every morning and always found something better to do.",
                ]
            ),
            rng.choice(
                [
                    "Then one night a great storm came over the hills.",
                    "Then the autumn rains arrived all at once.",
                ]
            ),
            "Water poured through the hole, and soon {n1} was cold and wet.",
            rng.choice(
                [
                    "{He} ran through the dark to the {den} of {a_a2}.",
                    "Shivering, {he} knocked on the door of {his} neighbour, {a_a2}.",
                ]
            ),
            rng.choice(
                [
                    "The {a2} let {him} in and gave {him} a dry corner to sleep in.",
                    "The {a2} did not scold {him}, but made room by the fire.",
                ]
            ),
            rng.choice(
                [
                    "In the morning they mended the roof together, and it took less than an hour.",
                    "The next day {n1} fixed the hole before breakfast.",
                ]
            ),
            rng.choice(
                [
                    "After that {n1} never left a small job until it became a big one.",
                    "{n1} laughed at how long {he} had waited for such a quick task.",
                ]
            ),
        ]
    elif kind == 1:
        parts = [
            "{a_trait} {a1} named {n1} lived {home}.",
            "{He} liked to say that {he} knew every path in the forest.",
            rng.choice(
                [
                    "One evening {a_a2} offered to walk with {him} to the far spring.",
                    "One day a young {a2} asked {him} the way to the old mill.",
                ]
            ),
            "{n1} said that {he} needed no help and went off alone.",
            rng.choice(
                [
                    "Soon the light began to fade and every tree looked the same.",
                    "Before long a thick mist came down between the trees.",
                ]
            ),
            "{n1} walked in circles until {his} feet were sore.",
            rng.choice(
                [
                    "At last {he} heard the {a2} calling {his} name.",
                    "Then {he} saw the {a2} coming through the ferns with a lantern.",
                ]
            ),
            "The {a2} led {him} home by a path {he} had never seen.",
            rng.choice(
                [
                    "After that {n1} was happy to share the road with a friend.",
                    "From then on {n1} asked for directions without feeling ashamed.",
                ]
            ),
        ]
    else:
        parts = [
            "There was once {a_trait} {a1} called {n1} who lived {home}.",
            "{n1} loved to sing, but only when nobody was listening.",
            rng.choice(
                [
                    "Every evening {he} sang {song} to the moon.",
                    "{He} sang softly to {himself} while gathering food.",
                ]
            ),
            rng.choice(
                [
                    "One night a young {a2} was lost and frightened in the dark.",
                    "One winter a sick {a2} could not sleep because of the cold.",
                ]
            ),
            "{n1} wanted to help but did not know what to do.",
            "At last {he} sat down nearby and began to sing very quietly.",
            rng.choice(
                [
                    "The {a2} grew calm and soon fell asleep.",
                    "The {a2} stopped crying and listened.",
                ]
            ),
            rng.choice(
                [
                    "Word spread, and soon other animals came to hear {him} sing.",
                    "The next evening the {a2} came back and asked for another song.",
                ]
            ),
            rng.choice(
                [
                    "{n1} was still shy, but {he} no longer hid {his} voice.",
                    "{n1} learned that a quiet gift can still be shared.",
                ]
            ),
        ]
    return " ".join(fill(p, ctx) for p in parts)


def story_festival(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    fest, when, what = rng.choice(FESTIVALS)
    town = town_name(rng)
    task, problem, fix = rng.choice(
        [
            (
                "bake a large cake for the square",
                "the oven went cold halfway through",
                "carried the cake to the baker, who finished it in her own oven",
            ),
            (
                "build a wooden stage",
                "a storm blew down half of it the night before",
                "worked through the morning with three neighbours to put it up again",
            ),
            (
                "sew flags for the street",
                "there was not enough red cloth",
                "used old shirts and curtains to make the last few flags",
            ),
            (
                "paint a sign for the gate",
                "the paint was spilled by a goat",
                "painted a new sign with mud and chalk, and everyone liked it better",
            ),
            (
                "grow the largest pumpkin",
                "slugs ate one side of it",
                "turned the pumpkin so the good side faced the judges",
            ),
            (
                "teach the children a song",
                "the singers lost their voices with colds",
                "taught the song to the whole crowd instead",
            ),
        ]
    )
    ctx.update(name=name, fest=fest, when=when, what=what, town=town, task=task, problem=problem, fix=fix)
    parts = [
        rng.choice(
            [
                "Every year the people of {town} hold {fest} {when}.",
                "{when}, the town of {town} always celebrates {fest}.",
            ]
        ),
        "On that day {what}.",
        rng.choice(
            [
                "This year {name} had promised to {task}.",
                "This year it was the turn of {name} to {task}.",
            ]
        ),
        rng.choice(
            [
                "{He} had been preparing for weeks.",
                "{He} worked on it every evening after supper.",
            ]
        ),
        rng.choice(
            [
                "But on the last day {problem}.",
                "Then, just before the festival, {problem}.",
            ]
        ),
        rng.choice(
            [
                "For a moment {name} did not know what to do.",
                "{name} felt that everything was ruined.",
            ]
        ),
        "Then {he} {fix}.",
        rng.choice(
            [
                "When the day came, {fest} was the best that anyone could remember.",
                "In the evening everyone in {town} cheered for {name}.",
                "The mayor thanked {name} in front of the whole crowd.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


# ---------------------------------------------------------------------------
# Descriptive generators
# ---------------------------------------------------------------------------


def town_description(rng: random.Random) -> str:
    town = town_name(rng)
    trade, trade_detail = rng.choice(TRADES)
    builds = rng.sample(BUILDINGS, 3)
    fest, when, what = rng.choice(FESTIVALS)
    river = rng.choice(RIVERS)
    ctx = dict(
        town=town,
        land=rng.choice(LANDSCAPES),
        trade=trade,
        detail=trade_detail,
        b1=builds[0],
        b2=builds[1],
        b3=builds[2],
        fest=fest,
        when=when,
        what=what,
        river=river,
        pop=words(rng.randint(2, 9)) + " hundred",
        near=town_name(rng),
        miles=words(rng.randint(3, 30)),
        age=rng.choice(["three hundred", "five hundred", "many hundreds", "about a thousand", "two hundred"]),
    )
    parts = [
        rng.choice(
            [
                "{town} is a small town {land}.",
                "{town} is a quiet village {land}.",
                "The town of {town} lies {land}.",
            ]
        ),
        rng.choice(
            [
                "About {pop} people live there.",
                "It has a population of around {pop}.",
                "Fewer than {pop} people live in the town and the farms around it.",
            ]
        ),
        rng.choice(
            [
                "The River {river} runs through the middle of the town.",
                "A stream called the {river} flows past the edge of the town.",
                "The nearest town is {near}, about {miles} miles away.",
            ]
        ),
        rng.choice(
            [
                "The town is known for its {trade}, because {detail}.",
                "For {age} years the people of {town} have lived from {trade}.",
                "Most families earn their living from {trade}, since {detail}.",
            ]
        ),
        rng.choice(
            [
                "In the centre there is {b1}, {b2} and {b3}.",
                "Visitors often admire {b1} and {b2}.",
                "Among its buildings are {b1}, {b2} and {b3}.",
            ]
        ),
        rng.choice(
            [
                "Every year {when} the town holds {fest}, when {what}.",
                "The most important day of the year is {fest}, held {when}.",
            ]
        ),
        rng.choice(
            [
                "The streets are narrow and the houses are built of local stone.",
                "Many of the houses have red roofs and bright painted doors.",
                "Life in {town} is slow and peaceful.",
                "In summer the town is busy with walkers and travellers.",
                "In winter the town is quiet, and smoke rises from every chimney.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


ANIMAL_PREFIX = [
    "marsh",
    "hill",
    "river",
    "sand",
    "moss",
    "ridge",
    "reed",
    "stone",
    "snow",
    "thorn",
    "dune",
    "meadow",
    "cave",
    "pine",
    "salt",
    "cloud",
]
ANIMAL_BASE = [
    ("vole", "rodent", "small"),
    ("hopper", "mammal", "small"),
    ("finch", "bird", "small"),
    ("lizard", "reptile", "small"),
    ("deer", "mammal", "large"),
    ("otter", "mammal", "medium"),
    ("toad", "amphibian", "small"),
    ("heron", "bird", "large"),
    ("beetle", "insect", "tiny"),
    ("hare", "mammal", "medium"),
    ("owl", "bird", "medium"),
    ("snail", "mollusc", "tiny"),
    ("goat", "mammal", "large"),
    ("moth", "insect", "tiny"),
    ("weasel", "mammal", "small"),
    ("crane", "bird", "large"),
]
HABITATS = {
    "marsh": "in wet marshes and reed beds",
    "hill": "on grassy hills",
    "river": "on the banks of clear rivers",
    "sand": "on sandy plains",
    "moss": "in damp mossy forests",
    "ridge": "on rocky mountain ridges",
    "reed": "along the edges of quiet lakes",
    "stone": "among dry stone walls and rocky fields",
    "snow": "in cold high mountains",
    "thorn": "in thick thorny scrub",
    "dune": "in the dunes along the coast",
    "meadow": "in open flowery meadows",
    "cave": "in caves and deep cracks in cliffs",
    "pine": "in dark pine forests",
    "salt": "in salt marshes by the sea",
    "cloud": "in misty mountain forests",
}
COLOURS = [
    "brown",
    "grey",
    "sandy yellow",
    "reddish brown",
    "dark green",
    "silver grey",
    "black and white",
    "pale gold",
    "dusty blue",
    "speckled brown",
    "rusty orange",
    "olive green",
]
FOODS = {
    "vole": ["seeds", "roots", "grass", "berries"],
    "hopper": ["seeds", "dry leaves", "roots", "berries"],
    "finch": ["seeds", "insects", "berries"],
    "lizard": ["insects", "spiders", "small snails"],
    "deer": ["grass", "leaves", "young shoots", "acorns"],
    "otter": ["fish", "crabs", "frogs"],
    "toad": ["worms", "flies", "beetles", "slugs"],
    "heron": ["small fish", "frogs", "water insects"],
    "beetle": ["rotting wood", "leaves", "fungi"],
    "hare": ["grass", "clover", "young shoots", "bark"],
    "owl": ["mice", "voles", "large insects"],
    "snail": ["moss", "fallen leaves", "fungi"],
    "goat": ["grass", "herbs", "small shrubs"],
    "moth": ["nectar", "tree sap", "rotting fruit"],
    "weasel": ["mice", "voles", "eggs"],
    "crane": ["frogs", "seeds", "insects", "small fish"],
}
BODY_PARTS = {
    "rodent": ["long whiskers", "a short tail", "small round ears"],
    "mammal": ["long legs", "a bushy tail", "large dark eyes", "thick fur"],
    "bird": ["a sharp beak", "long wings", "a forked tail", "bright eyes"],
    "reptile": ["rough scales", "a long tail", "quick legs"],
    "amphibian": ["damp skin", "strong back legs", "golden eyes"],
    "insect": ["six thin legs", "a hard shiny back", "long feelers"],
    "mollusc": ["a spiral shell", "two pairs of feelers", "a soft grey body"],
}
SIZE_WORDS = {"tiny": "tiny", "small": "small", "medium": "medium-sized", "large": "large"}
SIZES = {
    "tiny": ["about as long as a fingernail", "smaller than a coin"],
    "small": ["about the size of a hand", "a little smaller than a rabbit"],
    "medium": ["about the size of a cat", "about as large as a small dog"],
    "large": ["about as tall as a child", "nearly as large as a pony"],
}


def animal_description(rng: random.Random) -> str:
    prefix = rng.choice(ANIMAL_PREFIX)
    base, group, size = rng.choice(ANIMAL_BASE)
    name = f"{prefix} {base}"
    foods = rng.sample(FOODS[base], 2)
    body = rng.sample(BODY_PARTS[group], 2)
    colour = rng.choice(COLOURS)
    if group in ("rodent", "mammal"):
        covering = art(colour) + " coat"
    elif group == "bird":
        covering = colour + " feathers"
    else:
        covering = art(colour) + " body"
    ctx = dict(
        name=name,
        group=group,
        a_group=art(group),
        habitat=HABITATS[prefix],
        colour=colour,
        covering=covering,
        f1=foods[0],
        f2=foods[1],
        b1=body[0],
        b2=body[1],
        size=rng.choice(SIZES[size]),
        plural=name + ("es" if base.endswith("ch") else "s"),
        young=words(rng.randint(2, 7)),
        size_word=SIZE_WORDS[size],
        time=rng.choice(
            ["at dawn", "at dusk", "at night", "during the day", "in the early morning", "on warm evenings"]
        ),
    )
    ctx["a_name"] = art(name)
    ctx["Plural"] = cap(ctx["plural"])
    ctx["a_size_group"] = art(SIZE_WORDS[size]) + " " + group
    if group in ("rodent", "mammal"):
        young = [
            "In spring the female has up to {young} young.",
            "The young are born in a hidden den and stay with their mother for several weeks.",
            "A mother usually raises {young} young each year.",
        ]
    else:
        young = [
            "In spring the female lays up to {young} eggs.",
            "The eggs are laid in a safe place, {young} or more at a time.",
            "The young hatch from small eggs in early summer.",
        ]
    parts = [
        rng.choice(
            [
                "The {name} is {a_group} that lives {habitat}.",
                "The {name} is {a_size_group} found {habitat}.",
                "{a_name} is {a_group} that makes its home {habitat}.",
            ]
        ),
        rng.choice(
            [
                "It is {size} and is mostly {colour} in colour.",
                "An adult is {size}, with {covering}.",
                "Its colour is {colour}, which helps it to hide.",
            ]
        ),
        rng.choice(
            [
                "It has {b1} and {b2}.",
                "Its most noticeable features are {b1} and {b2}.",
                "Look for {b1} and {b2} if you want to recognise one.",
            ]
        ),
        rng.choice(
            [
                "The {name} feeds mainly on {f1} and {f2}.",
                "Its food is {f1}, and sometimes {f2}.",
                "{Plural} eat {f1} and {f2}.",
            ]
        ),
        rng.choice(
            [
                "It is most active {time}.",
                "{Plural} usually look for food {time}.",
                "Most people who see one see it {time}.",
            ]
        ),
        rng.choice(young),
        rng.choice(
            [
                "{Plural} are shy and rarely come close to people.",
                "Farmers are glad to see them, because they cause no harm.",
                "Their numbers are falling in some places as their home is lost.",
                "Children in the villages nearby tell many stories about them.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


TOOLS = [
    (
        "hoe",
        "gardeners",
        "to break up soil and cut weeds",
        "a long wooden handle and a flat blade set at a right angle",
    ),
    ("sickle", "farmers", "to cut grass and grain by hand", "a short handle and a curved steel blade"),
    (
        "chisel",
        "carpenters",
        "to cut and shape wood",
        "a narrow steel blade with a sharp end and a wooden handle",
    ),
    ("ladle", "cooks", "to serve soup and stew", "a deep round bowl at the end of a long handle"),
    ("rake", "gardeners", "to gather leaves and level the soil", "a long handle and a row of short teeth"),
    (
        "spinning wheel",
        "spinners",
        "to twist wool into thread",
        "a large wheel turned by a foot pedal and a small spindle",
    ),
    (
        "anvil",
        "blacksmiths",
        "to hold hot metal while it is hammered",
        "a heavy block of iron with a flat top and a pointed end",
    ),
    ("whetstone", "cooks and farmers", "to sharpen knives and blades", "a flat block of fine stone"),
    (
        "wheelbarrow",
        "builders and gardeners",
        "to carry heavy loads",
        "one wheel at the front, a deep tray and two handles",
    ),
    ("loom", "weavers", "to weave thread into cloth", "a wooden frame that holds many threads tight"),
    ("lantern", "travellers", "to carry light in the dark", "a small flame inside a case of glass and metal"),
    (
        "mallet",
        "carpenters",
        "to strike a chisel or knock joints together",
        "a short handle and a heavy wooden head",
    ),
    ("sieve", "bakers", "to remove lumps from flour", "a round frame with a fine mesh at the bottom"),
    ("pitchfork", "farmers", "to lift and throw hay", "a long handle and two or three long curved prongs"),
    (
        "rolling pin",
        "bakers",
        "to flatten dough",
        "a smooth wooden cylinder, often with a handle at each end",
    ),
    (
        "bucket",
        "households",
        "to carry water and other liquids",
        "an open round container with a curved handle",
    ),
    ("hand drill", "carpenters", "to make holes in wood", "a crank handle that turns a sharp metal bit"),
    ("fishing net", "fishermen", "to catch fish", "a mesh of knotted cord with floats and weights"),
]
MATERIALS = {
    "hoe": ["steel and ash wood", "iron and oak"],
    "sickle": ["steel", "iron"],
    "chisel": ["steel and beech wood", "hard steel"],
    "ladle": ["copper", "tin", "carved wood"],
    "rake": ["iron and ash wood", "bamboo"],
    "spinning wheel": ["oak", "beech wood"],
    "anvil": ["iron", "steel"],
    "whetstone": ["fine grey stone", "sandstone"],
    "wheelbarrow": ["wood and iron", "sheet steel"],
    "loom": ["oak", "pine"],
    "lantern": ["brass and glass", "tin and glass"],
    "mallet": ["beech wood", "oak"],
    "sieve": ["wood and wire", "tin"],
    "pitchfork": ["iron and ash wood", "steel"],
    "rolling pin": ["beech wood", "maple"],
    "bucket": ["wood and iron hoops", "tin"],
    "hand drill": ["steel and wood", "iron"],
    "fishing net": ["hemp cord", "linen cord"],
}


def tool_description(rng: random.Random) -> str:
    tool, users, use, shape = rng.choice(TOOLS)
    ctx = dict(
        tool=tool,
        a_tool=art(tool),
        users=users,
        use=use,
        shape=shape,
        material=rng.choice(MATERIALS[tool]),
        town=town_name(rng),
        years=words(rng.choice([10, 20, 30, 40, 50])),
    )
    parts = [
        rng.choice(
            [
                "{a_tool} is a tool used by {users} {use}.",
                "The {tool} is a simple tool that helps {users} {use}.",
                "{users} have used the {tool} {use} for hundreds of years.",
            ]
        ),
        rng.choice(
            [
                "It has {shape}.",
                "A typical {tool} has {shape}.",
                "Most of them have {shape}.",
            ]
        ),
        rng.choice(
            [
                "Older ones were made of {material}, and some still are.",
                "The best ones are made of {material}, which is strong and lasts well.",
                "In the workshops of {town}, they are still made of {material} by hand.",
            ]
        ),
        rng.choice(
            [
                "Using it well takes practice.",
                "It is easy to use, even for a child, though care is needed.",
                "A skilled worker can do a whole day of work with one.",
            ]
        ),
        rng.choice(
            [
                "It should be kept clean and dry so that it does not rust or crack.",
                "After use it should be wiped clean and hung on a hook.",
                "With good care it can last for {years} years or more.",
            ]
        ),
        rng.choice(
            [
                "Many families pass their old {tool} down from parent to child.",
                "In some homes an old {tool} hangs on the wall as a decoration.",
                "Even today, nothing does the job quite as well.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


RECIPES = [
    (
        "a simple {main} soup",
        [
            ("an onion", "onion"),
            ("two carrots", "carrots"),
            ("three potatoes", "potatoes"),
            ("a leek", "leek"),
        ],
        [
            "Wash and chop the {food} and the {v1} into small pieces.",
            "Warm a spoon of oil in a large pot and cook the {v2} until soft.",
            "Add the {food} and the {v1}, and pour in {n} cups of water.",
            "Let it simmer gently for {m} minutes until everything is soft.",
            "Season it with salt and pepper.",
        ],
        [
            ("pumpkin", "pumpkin"),
            ("tomato", "tomatoes"),
            ("pea", "peas"),
            ("bean", "beans"),
            ("mushroom", "mushrooms"),
            ("lentil", "lentils"),
            ("cabbage", "cabbage"),
        ],
    ),
    (
        "a warm {main} stew",
        [
            ("an onion", "onion"),
            ("two carrots", "carrots"),
            ("a stick of celery", "celery"),
            ("four small potatoes", "potatoes"),
        ],
        [
            "Wash the {food} well and leave them to drain.",
            "Fry the {v1} in a heavy pot until it begins to turn golden.",
            "Add the {food}, the {v2} and enough water to cover them.",
            "Put a lid on the pot and cook it slowly for {m} minutes.",
            "Stir it now and then so that it does not stick.",
        ],
        [
            ("bean", "beans"),
            ("lentil", "lentils"),
            ("mushroom", "mushrooms"),
            ("chickpea", "chickpeas"),
            ("turnip", "turnips"),
        ],
    ),
    (
        "{main_a} pie",
        [
            ("two cups of flour", "flour"),
            ("half a cup of butter", "butter"),
            ("three spoons of sugar", "sugar"),
            ("a little cold water", "water"),
        ],
        [
            "Rub the butter into the flour until it looks like crumbs.",
            "Add the water a little at a time and press it into a dough.",
            "Roll out the dough and line a round dish with it.",
            "Fill the dish with the {food} and sprinkle them with sugar.",
            "Bake it in a hot oven for {m} minutes until the top is golden.",
        ],
        [
            ("apple", "sliced apples"),
            ("plum", "halved plums"),
            ("pear", "sliced pears"),
            ("cherry", "cherries"),
            ("blackberry", "blackberries"),
            ("rhubarb", "chopped rhubarb stalks"),
        ],
    ),
    (
        "{main} pancakes",
        [
            ("a cup of flour", "flour"),
            ("one egg", "egg"),
            ("a cup of milk", "milk"),
            ("a little butter", "butter"),
        ],
        [
            "Beat the egg and the milk together in a bowl.",
            "Stir in the flour slowly until the batter is smooth.",
            "Add the {food} and mix gently.",
            "Melt a little butter in a flat pan.",
            "Pour in a spoon of batter and cook each side for {n} minutes.",
        ],
        [
            ("banana", "mashed bananas"),
            ("apple", "grated apples"),
            ("blueberry", "blueberries"),
            ("potato", "grated potatoes"),
            ("oat", "oats"),
            ("carrot", "grated carrots"),
        ],
    ),
    (
        "a fresh {main} salad",
        [
            ("a lettuce", "lettuce"),
            ("a cucumber", "cucumber"),
            ("a small red onion", "onion"),
            ("half a lemon", "lemon"),
        ],
        [
            "Wash the {food} and the lettuce in cold water.",
            "Slice the cucumber and the onion thinly and put everything in a bowl.",
            "Mix oil, lemon juice and a pinch of salt in a cup.",
            "Pour this over the salad and toss it lightly.",
            "Leave it for {n} minutes so that the flavours can mix.",
        ],
        [
            ("tomato", "tomatoes"),
            ("bean", "green beans"),
            ("potato", "boiled potatoes"),
            ("radish", "radishes"),
            ("beetroot", "cooked beetroot"),
            ("carrot", "carrots"),
        ],
    ),
    (
        "a bowl of {main} porridge",
        [
            ("a cup of oats", "oats"),
            ("two cups of milk", "milk"),
            ("a pinch of salt", "salt"),
            ("a spoon of honey", "honey"),
        ],
        [
            "Put the oats and the milk in a small pot.",
            "Add a pinch of salt.",
            "Heat it slowly and stir all the time.",
            "After {m} minutes, when it is thick, take it off the heat.",
            "Top it with the {food} and a spoon of honey.",
        ],
        [
            ("apple", "chopped apples"),
            ("pear", "sliced pears"),
            ("plum", "stewed plums"),
            ("berry", "fresh berries"),
            ("nut", "chopped nuts"),
            ("raisin", "raisins"),
        ],
    ),
    (
        "{main_a} cake",
        [
            ("two cups of flour", "flour"),
            ("a cup of butter", "butter"),
            ("a cup of sugar", "sugar"),
            ("three eggs", "eggs"),
        ],
        [
            "Beat the butter and the sugar together until pale.",
            "Add the eggs one at a time and beat well.",
            "Fold in the flour and the {food}.",
            "Pour the mixture into a greased tin.",
            "Bake it for {m} minutes, until a knife comes out clean.",
        ],
        [
            ("lemon", "grated lemon peel"),
            ("carrot", "grated carrots"),
            ("honey", "honey"),
            ("apple", "chopped apples"),
            ("walnut", "chopped walnuts"),
            ("ginger", "ground ginger"),
        ],
    ),
]


def recipe(rng: random.Random) -> str:
    title, base, steps, mains = rng.choice(RECIPES)
    main, food = rng.choice(mains)
    (_, v1), (_, v2) = rng.sample(base[:2], 2)
    ctx = dict(
        main=main,
        main_a=art(main),
        food=food,
        v1=v1,
        v2=v2,
        n=words(rng.randint(2, 4)),
        m=words(rng.choice([15, 20, 25, 30, 35, 40, 45])),
        people=words(rng.randint(2, 6)),
        town=town_name(rng),
        cook=rng.choice(NAMES_F + NAMES_M),
    )
    ctx["title"] = title.format(**ctx)
    ctx["items"] = join_list([b[0] for b in base] + ["some " + food])
    intro = rng.choice(
        [
            "To make {title}, you will need {items}.",
            "This is how to make {title} for {people} people.",
            "Here is an easy way to make {title}.",
            "In {town} everyone knows how to make {title}, and this is how {cook} does it.",
        ]
    )
    outro = rng.choice(
        [
            "Serve it warm with fresh bread.",
            "It is best eaten on the day it is made.",
            "This is enough for {people} people.",
            "It keeps well for two days in a cool place.",
            "Children love it, especially on cold days.",
        ]
    )
    tip = rng.choice(
        [
            "",
            "You can change the fruit or vegetables with the season.",
            "Do not rush the cooking.",
            "A little extra salt can make a big difference.",
        ]
    )
    parts = [intro] + steps + ([tip] if tip else []) + [outro]
    return " ".join(fill(p, ctx) for p in parts)


# ---------------------------------------------------------------------------
# Letters, weather, diaries, working days, seasons
# ---------------------------------------------------------------------------

LETTER_NEWS = [
    "The garden is doing well, and the {crop} are nearly ready to pick.",
    "We had a terrible storm last week, and the old {tree} tree lost a branch.",
    "{friend} came to visit on {day} and stayed for supper.",
    "I have started a new job at the {place} and I like it very much.",
    "The cat has had {n} kittens, and they are all black and white.",
    "It has rained almost every day, and the river is very high.",
    "The weather has been warm and dry, and the fields are turning gold.",
    "I have been reading a long book about the history of {town}.",
    "We painted the front door {colour}, and it looks very cheerful.",
    "The new bridge in {town} is finally finished.",
    "I walked up to the top of the hill on {day} and could see for miles.",
    "{friend} has bought a little boat and takes it out on the lake.",
    "The school held a concert, and the children sang beautifully.",
    "The hens are laying again, so we have eggs every morning.",
    "I have been learning to play the fiddle, though slowly.",
    "The baker has opened a new shop on the corner of our street.",
]


def letter(rng: random.Random) -> str:
    writer, _ = person(rng)
    to = rng.choice(
        [
            rng.choice(NAMES_F + NAMES_M),
            "Mother",
            "Father",
            "Grandmother",
            "Grandfather",
            "Aunt " + rng.choice(NAMES_F),
            "Uncle " + rng.choice(NAMES_M),
        ]
    )
    ctx = dict(
        crop=rng.choice(["beans", "peas", "tomatoes", "apples", "strawberries", "potatoes"]),
        tree=rng.choice(["oak", "apple", "pear", "ash", "walnut"]),
        friend=rng.choice(NAMES_F + NAMES_M),
        day=rng.choice(DAYS),
        place=rng.choice(["library", "bakery", "post office", "school", "mill", "market", "harbour office"]),
        n=words(rng.randint(2, 6)),
        town=town_name(rng),
        colour=rng.choice(["blue", "green", "yellow", "red"]),
        month=rng.choice(MONTHS),
    )
    news = rng.sample(LETTER_NEWS, rng.randint(3, 5))
    parts = [
        "Dear " + to + ",",
        rng.choice(
            [
                "thank you for your last letter, which arrived on {day}.",
                "I am sorry that I have not written for so long.",
                "I hope you are well and that the weather is kind to you.",
                "it was lovely to hear from you again.",
            ]
        ),
    ]
    parts += news
    parts.append(
        rng.choice(
            [
                "I hope to come and see you in {month}.",
                "Please write back soon and tell me all your news.",
                "Give my love to everyone at home.",
                "Do let me know if you need anything.",
                "Come and stay with us whenever you like.",
            ]
        )
    )
    parts.append(
        rng.choice(["With love,", "Your friend,", "Best wishes,", "Yours truly,", "Warmly,"]) + " " + writer + "."
    )
    text = parts[0] + " " + parts[1].format(**ctx)
    return text + " " + " ".join(fill(p, ctx) for p in parts[2:])


def weather_report(rng: random.Random) -> str:
    kind = rng.choice(list(WEATHER_SKY))
    low, high = TEMPS[kind]
    t = rng.randint(low, high)
    ctx = dict(
        day=rng.choice(DAYS),
        area=rng.choice(
            [
                "the coast",
                "the northern hills",
                "the river valleys",
                "the south",
                "the west",
                "the lowlands",
                "the moors",
                "the islands",
            ]
        ),
        temp=words(t),
        night=words(max(0, t - rng.randint(3, 8))),
        wind=rng.choice(WINDS),
        strength=rng.choice(WIND_STRENGTH),
        tomorrow=rng.choice(list(WEATHER_SKY)),
    )
    opening = rng.choice(
        [
            "Here is the weather for {day} in {area}.",
            "The forecast for {area} on {day} is as follows.",
            "Weather for {area}, {day}.",
            "This is the weather report for {day}.",
        ]
    )
    parts = [
        opening,
        rng.choice(WEATHER_SKY[kind]),
        rng.choice(WEATHER_LATER[kind]),
        rng.choice(
            [
                "The highest temperature will be around {temp} degrees.",
                "Temperatures will reach {temp} degrees in the afternoon.",
                "It will feel like about {temp} degrees at midday.",
            ]
        ),
        rng.choice(
            [
                "At night it will fall to {night} degrees.",
                "Overnight the temperature will drop to about {night} degrees.",
            ]
        ),
        rng.choice(
            [
                "The wind will be {strength} and will blow from the {wind}.",
                "Expect a {strength} wind from the {wind}.",
            ]
        ),
        rng.choice(WEATHER_ADVICE[kind]),
        rng.choice(
            [
                "Tomorrow looks {tomorrow} again."
                if ctx["tomorrow"] == kind
                else "Tomorrow is likely to be {tomorrow}.",
                "The outlook for the rest of the week is uncertain.",
                "The weekend should be calmer.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


TRANSPORT = [
    ("bus", "The bus was old and slow, and it rattled on every bend."),
    ("train", "The train was quiet, and I had a seat by the window."),
    ("boat", "The boat rocked gently, and the spray was cold on my face."),
    ("bicycle", "I rode my bicycle along narrow lanes between high hedges."),
    ("foot", "I walked all day with my pack on my back."),
    ("cart", "A farmer let me ride on his cart among sacks of grain."),
]
SIGHTS = [
    "a field full of yellow flowers",
    "an old stone bridge over a stream",
    "a herd of cows standing in a river",
    "a ruined castle on a hill",
    "a windmill with white sails",
    "a long lake with islands in it",
    "a flock of geese flying south",
    "a church with a green copper roof",
    "a waterfall that fell from a high cliff",
    "a fishing village with blue boats",
    "a forest of tall dark pines",
    "a valley full of orchards",
    "a market where people sold goats and chickens",
    "a lighthouse standing on a rock",
]
MEALS = [
    "bread, cheese and a cup of soup",
    "fried fish and potatoes",
    "a plate of beans and rice",
    "a warm pie with apples",
    "eggs, tomatoes and fresh bread",
    "a bowl of stew and a glass of milk",
    "grilled vegetables and flat bread",
    "porridge with honey",
]
LODGINGS = [
    "a small inn with a creaking sign",
    "a farmhouse where the family had a spare room",
    "a guest house above a bakery",
    "a tent by the river",
    "a cheap room near the station",
    "a wooden hut on the edge of the forest",
]


def travel_diary(rng: random.Random) -> str:
    mode, mode_line = rng.choice(TRANSPORT)
    a, b = town_name(rng), town_name(rng)
    sights = rng.sample(SIGHTS, 2)
    day = rng.randint(1, 12)
    ctx = dict(
        a=a,
        b=b,
        s1=sights[0],
        s2=sights[1],
        meal=rng.choice(MEALS),
        lodging=rng.choice(LODGINGS),
        ord=ORDINALS[day - 1],
        day=words(day),
        month=rng.choice(MONTHS),
        mode=mode,
        hours=words(rng.randint(2, 9)),
        companion=rng.choice(NAMES_F + NAMES_M),
    )
    opening = rng.choice(
        [
            "Day {day}.",
            "On the {ord} day of the trip we left {a} early in the morning.",
            "The {ord} of {month}.",
            "Today I travelled from {a} to {b}.",
        ]
    )
    how = "We travelled by {mode}." if mode != "foot" else "We went on foot."
    parts = [
        opening,
        rng.choice([how, "{companion} and I set off from {a} after breakfast."]),
        mode_line,
        rng.choice(
            [
                "On the way we passed {s1}.",
                "In the morning we saw {s1}.",
                "The first thing I noticed was {s1}.",
            ]
        ),
        rng.choice(
            [
                "Later we stopped to look at {s2}.",
                "In the afternoon we came to {s2}.",
                "Not far from {b} there was {s2}.",
            ]
        ),
        rng.choice(
            [
                "For lunch we had {meal}.",
                "We ate {meal} in a small cafe.",
                "A woman in the village sold us {meal}.",
            ]
        ),
        rng.choice(
            [
                "The journey took {hours} hours in all.",
                "We reached {b} just before dark.",
                "It was evening when we finally arrived in {b}.",
            ]
        ),
        rng.choice(
            [
                "Tonight we are staying in {lodging}.",
                "We found a bed in {lodging}.",
                "We slept in {lodging}.",
            ]
        ),
        rng.choice(
            [
                "I am tired, but it was a wonderful day.",
                "Tomorrow we will rest and explore the town.",
                "My feet hurt, but I would not have missed it.",
                "I will write more tomorrow.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


JOB_TASKS = {
    "baker": [
        "mixed flour, water and yeast in a great bowl",
        "shaped the loaves and set them to rise",
        "lit the big oven",
        "sold bread to the early customers",
    ],
    "fisherman": [
        "mended the nets on the quay",
        "rowed out past the harbour wall",
        "pulled in a net full of fish",
        "sold the catch at the market",
    ],
    "farmer": [
        "milked the cows",
        "fed the hens and collected the eggs",
        "ploughed the lower field",
        "mended a broken fence",
    ],
    "teacher": [
        "wrote the lesson on the board",
        "listened to the children read",
        "took the class outside to look at the trees",
        "marked a pile of exercise books",
    ],
    "carpenter": [
        "measured the boards for a new table",
        "sawed the legs to length",
        "planed the top until it was smooth",
        "fitted a new door",
    ],
    "weaver": [
        "set up the threads on the loom",
        "wove a length of blue cloth",
        "dyed a basket of wool",
        "sold a blanket to a traveller",
    ],
    "shepherd": [
        "led the flock up to the high pasture",
        "counted the sheep",
        "looked after a sick lamb",
        "mended a gap in the stone wall",
    ],
    "gardener": [
        "dug a new bed for potatoes",
        "planted rows of beans",
        "pulled weeds from the paths",
        "pruned the roses",
    ],
    "potter": [
        "kneaded a lump of wet clay",
        "threw six bowls on the wheel",
        "painted the dry pots",
        "fired the kiln",
    ],
    "miller": [
        "opened the sluice to turn the wheel",
        "ground sacks of wheat",
        "checked the millstones",
        "loaded flour onto the carts",
    ],
    "postman": [
        "sorted the letters",
        "walked the long road to the farms",
        "delivered a parcel to the school",
        "emptied the post box",
    ],
    "nurse": [
        "visited an old man with a bad cough",
        "cleaned and bandaged a cut",
        "gave medicine to a sick child",
        "wrote notes for the doctor",
    ],
    "blacksmith": [
        "lit the forge",
        "shaped a hot bar of iron on the anvil",
        "made a set of horseshoes",
        "mended a broken gate hinge",
    ],
    "beekeeper": [
        "checked the hives",
        "lifted out frames heavy with honey",
        "poured honey into jars",
        "planted flowers for the bees",
    ],
    "tailor": [
        "measured a customer for a coat",
        "cut the cloth on the table",
        "sewed on a row of buttons",
        "mended a torn sleeve",
    ],
    "cook": [
        "chopped a basket of vegetables",
        "made a big pot of soup",
        "baked trays of bread rolls",
        "washed the pots and pans",
    ],
    "painter": [
        "mixed colours on a board",
        "painted the view from the bridge",
        "cleaned the brushes",
        "framed a finished picture",
    ],
    "librarian": [
        "opened the doors at nine",
        "put returned books back on the shelves",
        "read a story to small children",
        "helped a student find an old map",
    ],
    "shopkeeper": [
        "swept the floor",
        "arranged fruit in the window",
        "served a long line of customers",
        "counted the money",
    ],
    "boatman": [
        "checked the ropes",
        "carried passengers across the river",
        "painted the side of the boat",
        "tied up at the jetty",
    ],
}


def working_day(rng: random.Random) -> str:
    name, g = person(rng)
    ctx = pronoun_ctx(g)
    role, place = rng.choice(ROLES)
    tasks = rng.sample(JOB_TASKS[role], 3)
    ctx.update(
        name=name,
        role=role,
        place=place,
        a_role=art(role),
        t1=tasks[0],
        t2=tasks[1],
        t3=tasks[2],
        town=town_name(rng),
        hour=words(rng.randint(4, 7)),
        years=words(rng.randint(3, 40)),
        lunch=rng.choice(MEALS),
        day=rng.choice(DAYS),
    )
    parts = [
        rng.choice(
            [
                "{name} is {a_role} in {town}.",
                "{name} has worked as {a_role} in {town} for {years} years.",
                "In {town} there is {a_role} called {name}.",
            ]
        ),
        rng.choice(
            [
                "Last {day} was a normal working day for {him}.",
                "This is what {he} did on an ordinary {day}.",
                "Yesterday was a busy day, like most days.",
            ]
        ),
        rng.choice(
            [
                "{His} day began at {hour} o'clock, when the streets were still dark.",
                "{He} got up at {hour} o'clock and ate a quick breakfast.",
                "{He} was at the {place} by {hour} o'clock in the morning.",
            ]
        ),
        "First {he} {t1}.",
        rng.choice(["Then {he} {t2}.", "After that {he} {t2}.", "Next {he} {t2}."]),
        rng.choice(
            [
                "At noon {he} stopped for lunch and ate {lunch}.",
                "For lunch {he} had {lunch}.",
                "Around midday {he} rested for an hour in the shade.",
            ]
        ),
        rng.choice(["In the afternoon {he} {t3}.", "Later in the day {he} {t3}.", "Before going home {he} {t3}."]),
        rng.choice(
            [
                "The work was hard, but {name} enjoyed it.",
                "{He} says that no two days are ever the same.",
                "{He} was tired, but {he} would not choose any other job.",
            ]
        ),
        rng.choice(
            [
                "In the evening {he} walked home and ate supper with {his} family.",
                "In the evening {he} read by the fire and went to bed early.",
                "When the work was done, {he} sat outside and watched the sun go down.",
            ]
        ),
    ]
    return " ".join(fill(p, ctx) for p in parts)


SEASONS = {
    "spring": [
        "In spring the days grow longer and the air becomes soft and mild.",
        "The first green shoots push up through the cold earth.",
        "Lambs are born in the fields and play in the sunshine.",
        "Blossom opens on the apple and cherry trees.",
        "Birds build nests in the hedges and sing from early morning.",
        "Farmers plough the fields and sow the first seeds.",
        "Frogs lay their eggs in the ponds.",
        "By the end of spring the woods are full of bluebells.",
    ],
    "summer": [
        "In summer the sun rises early and sets late.",
        "The fields turn golden as the wheat ripens.",
        "Children swim in the river and play outside until dark.",
        "Bees move from flower to flower in the warm air.",
        "Farmers cut the hay and stack it in the barns.",
        "Strawberries and cherries are ready to pick.",
        "On hot afternoons the cows stand in the shade of the trees.",
        "Thunderstorms sometimes break the heat in the evening.",
    ],
    "autumn": [
        "In autumn the leaves turn yellow, red and brown.",
        "The mornings are misty and cool.",
        "Apples and pears are picked and stored for the winter.",
        "Squirrels bury nuts in the ground.",
        "Flocks of birds gather and fly away to warmer lands.",
        "The wind blows the leaves off the trees and into the streets.",
        "People light their fires again in the evenings.",
        "Mushrooms appear in the damp woods.",
    ],
    "winter": [
        "In winter the days are short and the nights are long.",
        "Frost covers the grass in the early morning.",
        "Snow sometimes falls and covers the hills in white.",
        "The ponds freeze, and children slide on the ice.",
        "Animals grow thick coats to keep warm.",
        "Many birds come close to the houses to look for food.",
        "People stay indoors and sit by the fire.",
        "The trees stand bare against the grey sky.",
    ],
}


def season_description(rng: random.Random) -> str:
    season = rng.choice(list(SEASONS))
    pool = SEASONS[season]
    town = town_name(rng)
    first = pool[0]
    rest = sorted(rng.sample(range(1, len(pool)), rng.randint(4, 6)))
    parts = [first] + [pool[i] for i in rest]
    parts.append(
        rng.choice(
            [
                f"In {town} people say that {season} is the best time of the year.",
                f"For the people of {town}, {season} is a busy time.",
                f"Every {season} in {town} is a little different, and yet much the same.",
                f"Many visitors come to {town} in {season} to walk in the hills.",
            ]
        )
    )
    return " ".join(parts)


GENERATORS = [
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


def load_handwritten() -> list[str]:
    text = (HERE / "handwritten.txt").read_text(encoding="utf-8")
    docs = [" ".join(p.split()) for p in text.split("\n\n")]
    return [d for d in docs if d]


def generate(rng: random.Random, seen: set[str]) -> str:
    funcs = [f for f, w in GENERATORS for _ in range(w)]
    while True:
        doc = " ".join(rng.choice(funcs)(rng).split())
        if doc not in seen:
            seen.add(doc)
            return doc


def main() -> None:
    rng = random.Random(SEED)
    hand = load_handwritten()
    seen = set(hand)
    valid_hand = hand[3::11]
    train_hand = [d for i, d in enumerate(hand) if (i - 3) % 11 != 0]

    def size(docs: list[str]) -> int:
        return sum(len(d.encode("utf-8")) + 2 for d in docs)

    train = list(train_hand)
    while size(train) < TRAIN_BYTES:
        train.append(generate(rng, seen))
    valid = list(valid_hand)
    while size(valid) < TRAIN_BYTES * VALID_FRACTION:
        valid.append(generate(rng, seen))
    rng.shuffle(train)
    rng.shuffle(valid)
    for name, docs in (("train.txt", train), ("validation.txt", valid)):
        (HERE / name).write_text("\n\n".join(docs) + "\n", encoding="utf-8")
        print(f"{name}: {len(docs)} documents, {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
