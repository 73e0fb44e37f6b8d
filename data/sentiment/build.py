"""Build the bundled llmkit sentiment dataset (train.csv and validation.csv).

Every sentence in this dataset is original text written for llmkit. Rows come
from two sources, both defined in this file:

* hand-written review snippets (``HANDWRITTEN_POSITIVE`` / ``HANDWRITTEN_NEGATIVE``);
* a small compositional generator that combines hand-written phrase lists
  (domains, aspects, opinion adjectives, events, negation and contrast
  patterns) through many sentence templates.

The build is deterministic (fixed seed). Each generated template is capped at a
small share of the rows so that no single pattern dominates. The output is
split into exactly balanced ``train`` and ``validation`` files with no
duplicate texts and no overlap between the splits.

Run from anywhere::

    python data/sentiment/build.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 20240611
TRAIN_PER_LABEL = 900
VALIDATION_PER_LABEL = 225
TEMPLATE_SHARE_CAP = 0.045  # max share of all rows produced by one template
MIN_WORDS, MAX_WORDS = 5, 35
OUT_DIR = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------
# Domains: items, aspects (name, plural?, positive adjs, negative adjs),
# what you would do "again", and concrete positive / negative events.
# ---------------------------------------------------------------------------

DOMAINS: dict[str, dict] = {
    "film": {
        "items": ["film", "movie", "thriller", "documentary", "sequel", "comedy"],
        "again": "watch it again",
        "aspects": [
            (
                "plot",
                False,
                ["gripping", "cleverly constructed", "tightly written", "surprising"],
                ["predictable", "muddled", "paper-thin", "needlessly convoluted"],
            ),
            (
                "acting",
                False,
                ["superb", "nuanced", "convincing", "warm and natural"],
                ["wooden", "stiff", "hammy", "flat"],
            ),
            (
                "pacing",
                False,
                ["brisk", "perfectly judged", "confident", "well balanced"],
                ["sluggish", "glacial", "all over the place", "exhausting"],
            ),
            (
                "cinematography",
                False,
                ["gorgeous", "striking", "beautifully lit", "stunning"],
                ["murky", "flat and lifeless", "bland", "distractingly shaky"],
            ),
            (
                "dialogue",
                False,
                ["sharp", "witty", "natural", "quietly funny"],
                ["clunky", "cringeworthy", "stilted", "forgettable"],
            ),
            (
                "ending",
                False,
                ["satisfying", "moving", "earned", "unforgettable"],
                ["rushed", "baffling", "lazy", "unsatisfying"],
            ),
        ],
        "pos_events": [
            "the final act had the whole cinema holding its breath",
            "I laughed out loud more times than I can count",
            "I forgot to check my phone for two whole hours",
            "the lead gives the performance of her career",
            "every scene feels like it matters",
            "the audience applauded when the credits rolled",
        ],
        "neg_events": [
            "half the audience was checking their phones by the midpoint",
            "I nearly fell asleep during the second act",
            "the jokes land with a dull thud",
            "the twist is obvious from the opening scene",
            "it drags on for a good forty minutes too long",
            "two people in my row walked out early",
        ],
    },
    "book": {
        "items": ["book", "novel", "memoir", "mystery", "short story collection", "biography"],
        "again": "read it again",
        "aspects": [
            (
                "characters",
                True,
                ["vivid", "beautifully drawn", "memorable", "believable"],
                ["one-dimensional", "flat", "interchangeable", "lifeless"],
            ),
            (
                "prose",
                False,
                ["elegant", "lyrical", "crisp", "effortless to read"],
                ["clumsy", "overwritten", "dull", "repetitive"],
            ),
            (
                "plot",
                False,
                ["compelling", "clever", "carefully plotted", "absorbing"],
                ["predictable", "meandering", "thin", "contrived"],
            ),
            (
                "ending",
                False,
                ["perfect", "haunting", "deeply satisfying", "earned"],
                ["abrupt", "unsatisfying", "contrived", "limp"],
            ),
            (
                "research",
                False,
                ["meticulous", "thorough", "fascinating", "impeccable"],
                ["sloppy", "shallow", "thin", "careless"],
            ),
        ],
        "pos_events": [
            "I finished it in a single sitting",
            "I stayed up until three in the morning to finish it",
            "I've already bought copies for two friends",
            "the last chapter left me in tears",
            "every page felt carefully considered",
            "I keep thinking about the characters weeks later",
        ],
        "neg_events": [
            "I gave up halfway through and didn't miss it",
            "I had to reread paragraphs just to follow what was happening",
            "the middle third is a real slog",
            "the author explains every joke twice",
            "the big reveal made no sense whatsoever",
            "I kept counting how many pages were left",
        ],
    },
    "restaurant": {
        "items": ["restaurant", "bistro", "pizzeria", "noodle bar", "diner", "steakhouse", "cafe"],
        "again": "eat here again",
        "aspects": [
            (
                "food",
                False,
                ["delicious", "beautifully cooked", "fresh and flavourful", "outstanding"],
                ["bland", "greasy", "overcooked", "lukewarm"],
            ),
            (
                "service",
                False,
                ["attentive", "warm", "friendly", "quick without being pushy"],
                ["slow", "rude", "inattentive", "chaotic"],
            ),
            (
                "portions",
                True,
                ["generous", "hearty", "perfectly sized", "ample"],
                ["tiny", "stingy", "laughably small", "meagre"],
            ),
            (
                "atmosphere",
                False,
                ["cosy", "lively", "relaxed", "charming"],
                ["noisy", "cramped", "gloomy", "sterile"],
            ),
            (
                "dessert",
                False,
                ["heavenly", "decadent", "perfect", "lovely"],
                ["stale", "cloying", "forgettable", "disappointing"],
            ),
        ],
        "pos_events": [
            "we're already planning our next visit",
            "the chef came out to check on every table",
            "the waiter remembered our order from last time",
            "every dish arrived hot and beautifully presented",
            "the bread alone is worth the trip",
            "they found us a table on a packed Saturday night",
        ],
        "neg_events": [
            "we waited forty minutes for a cold starter",
            "my soup arrived with a hair in it",
            "the bill included two drinks we never ordered",
            "the waiter rolled his eyes when we asked for water",
            "the steak came out grey and chewy",
            "the table was sticky and nobody offered to wipe it",
        ],
    },
    "hotel": {
        "items": ["hotel", "guesthouse", "resort", "B&B", "hostel", "inn"],
        "again": "stay here again",
        "aspects": [
            (
                "room",
                False,
                ["spotless", "spacious", "quiet", "beautifully decorated"],
                ["filthy", "cramped", "dingy", "musty"],
            ),
            (
                "staff",
                True,
                ["welcoming", "helpful", "friendly", "incredibly kind"],
                ["rude", "dismissive", "unhelpful", "impossible to find"],
            ),
            (
                "bed",
                False,
                ["comfortable", "huge", "wonderfully soft", "perfect"],
                ["lumpy", "rock hard", "creaky", "sagging"],
            ),
            (
                "breakfast",
                False,
                ["excellent", "generous", "delicious", "varied"],
                ["miserable", "stale", "overpriced", "sparse"],
            ),
            (
                "location",
                False,
                ["perfect", "central", "convenient", "ideal"],
                ["inconvenient", "remote", "sketchy", "noisy"],
            ),
        ],
        "pos_events": [
            "the staff upgraded our room without us even asking",
            "I slept better here than I do at home",
            "the view from the balcony took my breath away",
            "check-in took less than two minutes",
            "they left a handwritten note welcoming us",
            "housekeeping folded the towels into little swans",
        ],
        "neg_events": [
            "the shower ran cold every single morning",
            "we found someone else's socks under the bed",
            "the air conditioning rattled all night",
            "the wifi only worked in the lobby",
            "reception lost our booking and just shrugged",
            "a party next door kept us awake until four",
        ],
    },
    "gadget": {
        "items": ["phone", "laptop", "pair of headphones", "smartwatch", "tablet", "speaker", "camera"],
        "again": "buy it again",
        "aspects": [
            (
                "battery life",
                False,
                ["excellent", "long-lasting", "reliable", "impressive"],
                ["dreadful", "pathetic", "unreliable", "disappointing"],
            ),
            (
                "screen",
                False,
                ["bright", "sharp", "gorgeous", "crisp"],
                ["dim", "washed out", "grainy", "blotchy"],
            ),
            (
                "build quality",
                False,
                ["solid", "premium", "sturdy", "excellent"],
                ["flimsy", "cheap", "plasticky", "poor"],
            ),
            (
                "sound",
                False,
                ["rich", "clear", "punchy", "balanced"],
                ["tinny", "muddy", "thin", "distorted"],
            ),
            (
                "setup",
                False,
                ["painless", "quick", "intuitive", "effortless"],
                ["confusing", "tedious", "frustrating", "endless"],
            ),
        ],
        "pos_events": [
            "it has survived two drops onto concrete without a scratch",
            "the battery easily lasts me two full days",
            "it paired with my laptop in seconds",
            "it feels far more expensive than it was",
            "I haven't had a single crash since I bought it",
            "it charges from empty to full during my morning coffee",
        ],
        "neg_events": [
            "it stopped charging after three weeks",
            "the screen cracked the first time I dropped it",
            "it overheats whenever I open more than two apps",
            "the left earbud keeps disconnecting",
            "the buttons started sticking within a month",
            "it freezes at least twice a day",
        ],
    },
    "app": {
        "items": [
            "app",
            "desktop program",
            "update",
            "budgeting app",
            "photo editor",
            "language app",
            "note-taking app",
        ],
        "again": "keep using it",
        "aspects": [
            (
                "interface",
                False,
                ["clean", "intuitive", "polished", "thoughtfully designed"],
                ["cluttered", "confusing", "clunky", "ugly"],
            ),
            (
                "performance",
                False,
                ["snappy", "fast", "smooth", "rock solid"],
                ["sluggish", "laggy", "painfully slow", "buggy"],
            ),
            (
                "notifications",
                True,
                ["sensible", "useful", "unobtrusive", "well timed"],
                ["relentless", "spammy", "pointless", "intrusive"],
            ),
            (
                "pricing",
                False,
                ["reasonable", "fair", "good value", "honest"],
                ["overpriced", "predatory", "sneaky", "absurd"],
            ),
            (
                "syncing",
                False,
                ["seamless", "reliable", "instant", "flawless"],
                ["flaky", "unreliable", "broken", "slow"],
            ),
        ],
        "pos_events": [
            "it has genuinely changed how I plan my week",
            "the developers fixed my bug report within a day",
            "it does exactly what it promises and nothing more",
            "it replaced three other apps on my phone",
            "it hasn't crashed once in six months",
            "my whole team switched to it within a week",
        ],
        "neg_events": [
            "it crashes every time I try to upload a photo",
            "the latest update deleted all my saved notes",
            "it drains my battery even when closed",
            "half the features are locked behind a paywall",
            "it logs me out every single day",
            "support never replied to my bug report",
        ],
    },
    "game": {
        "items": ["game", "shooter", "puzzle game", "RPG", "platformer", "strategy game", "racing game"],
        "again": "play it again",
        "aspects": [
            (
                "gameplay",
                False,
                ["addictive", "tight", "rewarding", "endlessly fun"],
                ["repetitive", "tedious", "clunky", "shallow"],
            ),
            (
                "graphics",
                True,
                ["gorgeous", "stunning", "charming", "breathtaking"],
                ["muddy", "dated", "ugly", "blurry"],
            ),
            (
                "story",
                False,
                ["engaging", "heartfelt", "memorable", "gripping"],
                ["forgettable", "nonsensical", "clichéd", "boring"],
            ),
            (
                "controls",
                True,
                ["responsive", "precise", "intuitive", "smooth"],
                ["sluggish", "awkward", "unresponsive", "imprecise"],
            ),
            (
                "soundtrack",
                False,
                ["fantastic", "atmospheric", "catchy", "beautiful"],
                ["grating", "repetitive", "forgettable", "annoying"],
            ),
        ],
        "pos_events": [
            "I lost an entire weekend to it and have no regrets",
            "every level introduces a clever new idea",
            "I finished it and immediately started a new save",
            "the boss fights are some of the best I've played",
            "it runs flawlessly even on my old console",
            "co-op mode had my friends and me laughing for hours",
        ],
        "neg_events": [
            "it crashed three times in the first hour",
            "the final boss is pure frustration rather than challenge",
            "the microtransactions are shoved in your face constantly",
            "I uninstalled it after two evenings",
            "the loading screens take longer than the levels",
            "my save file corrupted twenty hours in",
        ],
    },
    "album": {
        "items": ["album", "record", "EP", "debut album", "live album", "mixtape"],
        "again": "listen to it again",
        "aspects": [
            (
                "vocals",
                True,
                ["stunning", "soulful", "powerful", "effortless"],
                ["strained", "flat", "grating", "lifeless"],
            ),
            (
                "production",
                False,
                ["crisp", "lush", "warm", "immaculate"],
                ["muddy", "overcompressed", "cheap-sounding", "sterile"],
            ),
            (
                "songwriting",
                False,
                ["sharp", "heartfelt", "inventive", "honest"],
                ["lazy", "clichéd", "bland", "uninspired"],
            ),
            (
                "lyrics",
                True,
                ["poetic", "clever", "moving", "witty"],
                ["clumsy", "cringeworthy", "shallow", "nonsensical"],
            ),
            (
                "closing track",
                False,
                ["gorgeous", "triumphant", "haunting", "perfect"],
                ["limp", "forgettable", "tedious", "pointless"],
            ),
        ],
        "pos_events": [
            "I've had it on repeat all week",
            "the second track gives me chills every time",
            "there isn't a single song I skip",
            "it sounds even better on a good pair of speakers",
            "I bought tickets to the tour the day after hearing it",
            "it got me through a very long night shift",
        ],
        "neg_events": [
            "I couldn't tell half the songs apart",
            "I skipped most tracks after thirty seconds",
            "it sounds like a pile of rejected demos",
            "the whole thing blurs into one long drone",
            "I turned it off before the halfway mark",
            "the singles were the only tolerable songs",
        ],
    },
    "service": {
        "items": ["support team", "helpline", "help desk", "call centre", "returns desk", "support service"],
        "again": "deal with them again",
        "aspects": [
            (
                "response time",
                False,
                ["impressive", "quick", "near instant", "fast"],
                ["glacial", "pathetic", "painfully slow", "unacceptable"],
            ),
            (
                "agent",
                False,
                ["patient", "knowledgeable", "polite", "genuinely helpful"],
                ["rude", "clueless", "dismissive", "unhelpful"],
            ),
            (
                "resolution",
                False,
                ["quick", "fair", "complete", "generous"],
                ["nonexistent", "half-hearted", "unfair", "useless"],
            ),
            (
                "communication",
                False,
                ["clear", "honest", "friendly", "proactive"],
                ["vague", "confusing", "evasive", "patchy"],
            ),
            (
                "refund process",
                False,
                ["smooth", "painless", "quick", "hassle-free"],
                ["painful", "endless", "confusing", "exhausting"],
            ),
        ],
        "pos_events": [
            "the agent called me back exactly when she promised",
            "my refund arrived within two days",
            "they sorted out the problem in a single call",
            "they sent a replacement before I had even returned the faulty one",
            "someone actually read my email properly",
            "the person on the phone stayed calm even when I didn't",
        ],
        "neg_events": [
            "I was put on hold for over an hour",
            "they transferred me five times and nobody could help",
            "my emails went unanswered for three weeks",
            "they hung up on me mid-sentence",
            "I had to explain the problem from scratch every time",
            "the chatbot kept sending me the same useless link",
        ],
    },
    "travel": {
        "items": ["trip", "tour", "cruise", "coach tour", "river cruise", "package holiday", "day trip"],
        "again": "book with them again",
        "aspects": [
            (
                "seats",
                True,
                ["comfortable", "roomy", "spacious", "clean"],
                ["cramped", "filthy", "broken", "uncomfortable"],
            ),
            (
                "crew",
                False,
                ["friendly", "professional", "attentive", "cheerful"],
                ["rude", "indifferent", "invisible", "curt"],
            ),
            (
                "punctuality",
                False,
                ["excellent", "flawless", "impressive", "spot on"],
                ["terrible", "abysmal", "dreadful", "unpredictable"],
            ),
            (
                "guide",
                False,
                ["knowledgeable", "hilarious", "passionate", "brilliant"],
                ["bored", "uninformed", "rushed", "monotonous"],
            ),
            (
                "itinerary",
                False,
                ["well planned", "varied", "relaxed", "perfect"],
                ["exhausting", "chaotic", "rushed", "poorly organised"],
            ),
        ],
        "pos_events": [
            "we arrived twenty minutes ahead of schedule",
            "the crew handled a medical emergency calmly and kindly",
            "every connection ran exactly on time",
            "the guide knew the story behind every street we passed",
            "my luggage came off the belt first",
            "they rebooked us onto an earlier service for free",
        ],
        "neg_events": [
            "we sat on the runway for three hours without explanation",
            "they lost my suitcase and still haven't found it",
            "the train was so packed I stood the whole way",
            "the guide spent most of the tour on his phone",
            "the boat smelled of diesel the entire crossing",
            "they cancelled the return leg with an hour's notice",
        ],
    },
    "car": {
        "items": ["car", "hatchback", "SUV", "hybrid", "rental car", "van", "estate car"],
        "again": "buy from this brand again",
        "aspects": [
            (
                "ride",
                False,
                ["smooth", "comfortable", "composed", "quiet"],
                ["bumpy", "harsh", "noisy", "jittery"],
            ),
            (
                "fuel economy",
                False,
                ["excellent", "impressive", "superb", "better than advertised"],
                ["awful", "dismal", "shocking", "terrible"],
            ),
            (
                "handling",
                False,
                ["sharp", "confident", "precise", "nimble"],
                ["vague", "sloppy", "wallowy", "nervous"],
            ),
            (
                "interior",
                False,
                ["roomy", "well designed", "comfortable", "classy"],
                ["cheap", "cramped", "rattly", "poorly designed"],
            ),
            (
                "infotainment system",
                False,
                ["intuitive", "responsive", "clever", "easy to use"],
                ["laggy", "confusing", "buggy", "distracting"],
            ),
        ],
        "pos_events": [
            "it has done eighty thousand miles without a single fault",
            "it handled a snowy mountain pass without drama",
            "long motorway drives are genuinely relaxing in it",
            "the dealer threw in a free first service",
            "it still feels new after three years",
            "it swallowed a week of camping gear with room to spare",
        ],
        "neg_events": [
            "the warning light came on the week I bought it",
            "it has been back to the garage four times this year",
            "the boot leaks every time it rains",
            "the brakes squeal constantly",
            "it drinks fuel like it's going out of fashion",
            "the heater gave up in the middle of winter",
        ],
    },
    "furniture": {
        "items": ["sofa", "desk", "bookshelf", "office chair", "dining table", "wardrobe", "bed frame"],
        "again": "buy from them again",
        "aspects": [
            (
                "assembly",
                False,
                ["straightforward", "quick", "painless", "simple"],
                ["infuriating", "confusing", "endless", "fiddly"],
            ),
            (
                "materials",
                True,
                ["solid", "high quality", "sturdy", "beautiful"],
                ["flimsy", "cheap", "thin", "poor quality"],
            ),
            (
                "comfort",
                False,
                ["excellent", "superb", "outstanding", "wonderful"],
                ["poor", "awful", "nonexistent", "disappointing"],
            ),
            (
                "finish",
                False,
                ["flawless", "lovely", "smooth", "elegant"],
                ["scratched", "patchy", "uneven", "rough"],
            ),
            (
                "delivery",
                False,
                ["prompt", "careful", "on time", "efficient"],
                ["late", "careless", "chaotic", "disastrous"],
            ),
        ],
        "pos_events": [
            "it went together in under an hour with no spare screws",
            "it looks far more expensive than it was",
            "guests always ask where we bought it",
            "it has survived two house moves and a toddler",
            "the instructions were actually clear for once",
            "the delivery team carried it up four flights without complaint",
        ],
        "neg_events": [
            "the screw holes didn't line up",
            "it started wobbling after a fortnight",
            "a drawer fell apart the first time I opened it",
            "it arrived with a huge gash down one side",
            "half the parts were missing from the box",
            "the cushions went flat within a month",
        ],
    },
    "course": {
        "items": ["online course", "workshop", "class", "tutorial series", "bootcamp", "lecture series"],
        "again": "sign up for another one",
        "aspects": [
            (
                "instructor",
                False,
                ["engaging", "clear", "patient", "inspiring"],
                ["monotone", "disorganised", "condescending", "unprepared"],
            ),
            (
                "content",
                False,
                ["thorough", "practical", "well structured", "up to date"],
                ["outdated", "shallow", "padded", "disorganised"],
            ),
            (
                "exercises",
                True,
                ["challenging", "useful", "well designed", "relevant"],
                ["pointless", "broken", "trivial", "irrelevant"],
            ),
            (
                "pace",
                False,
                ["comfortable", "well judged", "steady", "ideal"],
                ["frantic", "painfully slow", "uneven", "rushed"],
            ),
            (
                "support",
                False,
                ["responsive", "helpful", "excellent", "friendly"],
                ["nonexistent", "slow", "unhelpful", "patchy"],
            ),
        ],
        "pos_events": [
            "I landed a new job partly thanks to what I learned",
            "I finally understand a topic that had confused me for years",
            "every session left me eager for the next",
            "the final project actually taught me something",
            "the instructor answered every question in the forum",
            "I use something from it at work almost every day",
        ],
        "neg_events": [
            "half the videos were recorded with broken audio",
            "the certificate was the only thing I got out of it",
            "the instructor read straight from the slides",
            "the exercises didn't match the lectures",
            "I learned more from a free blog post",
            "the promised mentoring sessions never happened",
        ],
    },
    "clothing": {
        "items": [
            "jacket",
            "pair of jeans",
            "pair of boots",
            "jumper",
            "dress",
            "raincoat",
            "pair of trainers",
        ],
        "again": "buy from them again",
        "aspects": [
            (
                "fit",
                False,
                ["perfect", "flattering", "true to size", "spot on"],
                ["awful", "baggy", "tight in all the wrong places", "unflattering"],
            ),
            (
                "fabric",
                False,
                ["soft", "durable", "breathable", "luxurious"],
                ["scratchy", "thin", "cheap", "itchy"],
            ),
            (
                "stitching",
                False,
                ["neat", "solid", "immaculate", "strong"],
                ["loose", "crooked", "sloppy", "already fraying"],
            ),
            (
                "colour",
                False,
                ["vibrant", "true to the photos", "rich", "gorgeous"],
                ["faded", "dull", "nothing like the photos", "washed out"],
            ),
            (
                "value",
                False,
                ["excellent", "fantastic", "great", "outstanding"],
                ["poor", "terrible", "dismal", "awful"],
            ),
        ],
        "pos_events": [
            "it still looks brand new after dozens of washes",
            "strangers have stopped me twice to ask where I got it",
            "it kept me completely dry in a downpour",
            "I ordered a second one in another colour",
            "it survived a week of hiking without a mark",
            "it arrived a day early and beautifully packed",
        ],
        "neg_events": [
            "it shrank two sizes in the first wash",
            "the zip broke the second time I used it",
            "the dye ran into everything else in the machine",
            "a seam split the first time I wore it",
            "it pilled after a single afternoon",
            "the returns label they sent was for the wrong address",
        ],
    },
    "gym": {
        "items": ["gym", "fitness studio", "yoga studio", "climbing wall", "leisure centre", "swimming pool"],
        "again": "renew my membership",
        "aspects": [
            (
                "equipment",
                False,
                ["modern", "well maintained", "plentiful", "spotless"],
                ["broken", "ancient", "grimy", "always taken"],
            ),
            (
                "changing rooms",
                True,
                ["clean", "spacious", "well kept", "warm"],
                ["grotty", "freezing", "cramped", "filthy"],
            ),
            (
                "trainers",
                True,
                ["encouraging", "knowledgeable", "friendly", "motivating"],
                ["pushy", "absent", "clueless", "rude"],
            ),
            (
                "classes",
                True,
                ["energetic", "varied", "well run", "fun"],
                ["overcrowded", "chaotic", "boring", "badly run"],
            ),
            (
                "membership fee",
                False,
                ["fair", "reasonable", "great value", "affordable"],
                ["extortionate", "excessive", "steep", "outrageous"],
            ),
        ],
        "pos_events": [
            "I've gone four times a week since joining",
            "the instructor adjusted my form and my back pain disappeared",
            "there's never a queue for the squat racks",
            "the early morning class is the best part of my day",
            "they froze my membership for free while I was injured",
            "the sauna alone justifies the fee",
        ],
        "neg_events": [
            "half the treadmills have had out-of-order signs for months",
            "cancelling my membership took six phone calls",
            "the showers have been cold since spring",
            "they raised the fee twice in one year",
            "the classes are fully booked within minutes",
            "someone's towel has been on the same bench for a week",
        ],
    },
}

PEOPLE = [
    "anyone",
    "my friends",
    "my family",
    "first-timers",
    "even the pickiest person I know",
    "anyone on a budget",
    "my colleagues",
    "my parents",
    "absolutely everyone",
    "a complete beginner",
    "my neighbours",
]
POS_INTENS = [
    "",
    "",
    "really ",
    "very ",
    "genuinely ",
    "absolutely ",
    "incredibly ",
    "surprisingly ",
    "consistently ",
    "remarkably ",
    "truly ",
    "thoroughly ",
]
NEG_INTENS = [
    "",
    "",
    "really ",
    "very ",
    "genuinely ",
    "utterly ",
    "incredibly ",
    "frankly ",
    "consistently ",
    "painfully ",
    "truly ",
    "downright ",
]
POS_GENERIC = [
    "wonderful",
    "excellent",
    "fantastic",
    "brilliant",
    "superb",
    "great",
    "lovely",
    "outstanding",
    "terrific",
    "impressive",
    "delightful",
    "first-rate",
]
NEG_GENERIC = [
    "awful",
    "terrible",
    "dreadful",
    "poor",
    "disappointing",
    "miserable",
    "shoddy",
    "abysmal",
    "woeful",
    "lousy",
    "hopeless",
    "second-rate",
]
POS_CLOSINGS = [
    "and I'd do it again in a heartbeat",
    "easily the best I've had this year",
    "worth every penny",
    "and I have zero complaints",
    "exactly what I was hoping for",
    "a real treat from start to finish",
    "and I'm already telling people about it",
    "and it made my whole week",
]
NEG_CLOSINGS = [
    "and I want my money back",
    "easily the worst I've had this year",
    "a total waste of money",
    "and I have nothing good to add",
    "not what I paid for",
    "a letdown from start to finish",
    "and I'm warning everyone I know",
    "and it ruined my whole week",
]
POS_TERSE = [
    "Solid.",
    "Superb.",
    "Loved it.",
    "Brilliant.",
    "Flawless.",
    "Top notch.",
    "No complaints.",
    "Excellent.",
    "Impressive.",
    "Delightful.",
    "Spot on.",
    "Great value.",
]
NEG_TERSE = [
    "Avoid.",
    "Dreadful.",
    "Hated it.",
    "Useless.",
    "Disappointing.",
    "Overpriced.",
    "Not good.",
    "Poor.",
    "Shoddy.",
    "Frustrating.",
    "Never again.",
    "Big mistake.",
]
DURATIONS = [
    "Two weeks",
    "A month",
    "Three months",
    "Six months",
    "A year",
    "Several weeks",
    "Nearly a year",
    "A few days",
]
POS_FEELINGS = [
    "grinning",
    "genuinely happy",
    "in a great mood",
    "impressed",
    "delighted",
    "smiling for the rest of the day",
    "thoroughly satisfied",
    "pleasantly surprised",
]
NEG_FEELINGS = [
    "annoyed",
    "genuinely angry",
    "in a foul mood",
    "deeply unimpressed",
    "frustrated",
    "irritated for the rest of the day",
    "thoroughly fed up",
    "regretting every penny",
]
POS_PREFIX = [
    "",
    "",
    "Honestly, ",
    "Happy to say ",
    "Good news: ",
    "In short, ",
    "Put simply, ",
    "Thrilled that ",
]
NEG_PREFIX = [
    "",
    "",
    "Honestly, ",
    "Sad to say ",
    "Bad news: ",
    "In short, ",
    "Put simply, ",
    "Annoyed that ",
]
PERSONAS = [
    "As someone who is hard to please",
    "As a first-timer",
    "Speaking as a regular",
    "As a bit of a sceptic",
    "Having tried plenty of alternatives",
    "As someone on a tight budget",
    "Coming from a fairly demanding background",
    "As a long-time customer",
]
POS_CASUAL = ["amazing", "so good", "a total win", "next level", "unreal", "top tier", "chef's kiss", "class"]
NEG_CASUAL = [
    "rubbish",
    "so bad",
    "a total mess",
    "a joke",
    "the worst",
    "garbage tier",
    "painful",
    "a shambles",
]
CASUAL_OPEN = ["ngl", "honestly", "ok so", "tbh", "not gonna lie", "lol", "yeah so", "welp"]
POS_CASUAL_END = [
    "10/10",
    "would do again",
    "no notes",
    "obsessed",
    "huge fan now",
    "big thumbs up",
    "so happy",
    "love it",
]
NEG_CASUAL_END = [
    "0/10",
    "never again",
    "so over it",
    "avoid",
    "big thumbs down",
    "what a waste",
    "not happy",
    "ugh",
]


ABSOLUTE = {
    "perfect",
    "flawless",
    "ideal",
    "spotless",
    "immaculate",
    "impeccable",
    "unforgettable",
    "outstanding",
    "superb",
    "earned",
    "nonexistent",
    "broken",
    "endless",
    "unacceptable",
    "absent",
    "invisible",
}


def be(plural: bool, present: bool = False) -> str:
    """Return the verb 'to be' agreeing with the aspect and tense."""
    if present:
        return "are" if plural else "is"
    return "were" if plural else "was"


def intens(rng: random.Random, adj: str, pos: bool) -> str:
    """Optionally prefix an intensifier to a single-word adjective."""
    if " " in adj or adj in ABSOLUTE:
        return adj
    return rng.choice(POS_INTENS if pos else NEG_INTENS) + adj


def a_an(word: str) -> str:
    """Prefix the right indefinite article ('a' or 'an') to ``word``."""
    first = word.split()[0]
    if first.isupper() and first[0] in "AEFHILMNORSX":
        return f"an {word}"
    if first[0].lower() in "aeiou" and not first.isupper():
        return f"an {word}"
    return f"a {word}"


def cap(text: str) -> str:
    return text[0].upper() + text[1:]


def pick_aspect(rng, d, exclude=None):
    choices = [a for a in d["aspects"] if a[0] != exclude]
    return rng.choice(choices)


def adj_of(rng, aspect, pos):
    return rng.choice(aspect[2] if pos else aspect[3])


# ---------------------------------------------------------------------------
# Templates. Each takes (rng, domain, pos) and returns a sentence.
# ---------------------------------------------------------------------------


def t_aspect_simple(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    adj = intens(rng, adj_of(rng, a, pos), pos)
    form = rng.randrange(3)
    if form == 0:
        return f"The {a[0]} {be(a[1])} {adj}."
    if form == 1:
        return f"The {a[0]} of this {item} {be(a[1], True)} {adj}."
    return f"This {item}? The {a[0]} alone {be(a[1], True)} {adj}."


def t_two_aspects(rng, d, pos):
    a1 = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a1[0])
    closing = rng.choice(POS_CLOSINGS if pos else NEG_CLOSINGS)
    return f"{cap(adj_of(rng, a1, pos))} {a1[0]}, {adj_of(rng, a2, pos)} {a2[0]}, {closing}."


def t_negation(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    if pos:
        neg_adj = adj_of(rng, a, False)
        form = rng.randrange(4)
        if form == 0:
            return f"The {a[0]} {be(a[1])} not {neg_adj} at all; it was {adj_of(rng, a, True)}."
        if form == 1:
            return f"I expected the {a[0]} to be {neg_adj}, but it wasn't in the slightest."
        if form == 2:
            return f"Not bad at all. The {a[0]} of this {item} {be(a[1], True)} {adj_of(rng, a, True)}."
        return f"Nobody could call the {a[0]} {neg_adj}. I loved this {item}."
    pos_adj = adj_of(rng, a, True)
    form = rng.randrange(4)
    if form == 0:
        return f"I wouldn't call the {a[0]} {pos_adj} by any stretch."
    if form == 1:
        return f"The {a[0]} {be(a[1])} not remotely {pos_adj}, and this {item} never recovers."
    if form == 2:
        return f"Not good. The {a[0]} {be(a[1])} anything but {pos_adj}."
    return f"I can't pretend the {a[0]} {be(a[1])} {pos_adj}; it was {adj_of(rng, a, False)}."


def t_mixed(rng, d, pos):
    a1 = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a1[0])
    item = rng.choice(d["items"])
    if pos:
        form = rng.randrange(3)
        if form == 0:
            return (
                f"The {a1[0]} {be(a1[1])} a bit {adj_of(rng, a1, False)}, but the "
                f"{a2[0]} {be(a2[1])} so {adj_of(rng, a2, True)} that I didn't mind."
            )
        if form == 1:
            return (
                f"Apart from the {adj_of(rng, a1, False)} {a1[0]}, this {item} "
                f"was a joy, and the {a2[0]} {be(a2[1])} {adj_of(rng, a2, True)}."
            )
        return f"Yes, the {a1[0]} could be better, but overall I really enjoyed this {item}."
    form = rng.randrange(3)
    if form == 0:
        return (
            f"The {a1[0]} {be(a1[1])} {adj_of(rng, a1, True)}, but the {a2[0]} "
            f"{be(a2[1])} {adj_of(rng, a2, False)} enough to ruin the whole thing."
        )
    if form == 1:
        return (
            f"Aside from the {adj_of(rng, a1, True)} {a1[0]}, this {item} was a "
            f"chore, and the {a2[0]} {be(a2[1])} {adj_of(rng, a2, False)}."
        )
    return f"Sure, the {a1[0]} {be(a1[1])} fine, but overall this {item} was a real disappointment."


def t_recommend(rng, d, pos):
    item = rng.choice(d["items"])
    who = rng.choice(PEOPLE)
    if pos:
        return rng.choice(
            [
                f"I'd recommend this {item} to {who} without hesitation.",
                f"Would happily recommend this {item} to {who}.",
                f"If you're on the fence about this {item}, go for it; I'd suggest it to {who}.",
            ]
        )
    return rng.choice(
        [
            f"I wouldn't recommend this {item} to {who}.",
            f"Could not in good conscience recommend this {item} to {who}.",
            f"If you're on the fence about this {item}, walk away; I'd warn {who} off it.",
        ]
    )


def t_terse(rng, d, pos):
    words = rng.sample(POS_TERSE if pos else NEG_TERSE, 2)
    again = d["again"]
    end = f"Would {again}." if pos else f"Wouldn't {again}."
    a = pick_aspect(rng, d)
    middle = f"{cap(adj_of(rng, a, pos))} {a[0]}."
    return " ".join([words[0], middle, words[1], end])


def t_formal(rng, d, pos):
    item = rng.choice(d["items"])
    a = pick_aspect(rng, d)
    if pos:
        opener = rng.choice(
            [
                f"Overall, the {item} exceeded my expectations",
                f"On balance, this {item} is an excellent choice",
                f"I am pleased to report that the {item} performed admirably",
                f"This {item} deserves considerable praise",
            ]
        )
        return f"{opener}, particularly with regard to its {adj_of(rng, a, True)} {a[0]}."
    opener = rng.choice(
        [
            f"Regrettably, the {item} fell well short of expectations",
            f"On balance, this {item} is difficult to justify",
            f"I am sorry to report that the {item} performed poorly",
            f"This {item} deserves considerable criticism",
        ]
    )
    return f"{opener}, particularly with regard to its {adj_of(rng, a, False)} {a[0]}."


def t_casual(rng, d, pos):
    a = pick_aspect(rng, d)
    op = rng.choice(CASUAL_OPEN)
    word = rng.choice(POS_CASUAL if pos else NEG_CASUAL)
    end = rng.choice(POS_CASUAL_END if pos else NEG_CASUAL_END)
    return f"{op} the {a[0]} {be(a[1])} {word}, {end}"


def t_event(rng, d, pos):
    ev = rng.choice(d["pos_events"] if pos else d["neg_events"])
    prefix = rng.choice(POS_PREFIX if pos else NEG_PREFIX)
    text = f"{prefix}{ev}."
    return cap(text)


def t_two_events(rng, d, pos):
    e1, e2 = rng.sample(d["pos_events"] if pos else d["neg_events"], 2)
    item = rng.choice(d["items"])
    if pos:
        return rng.choice(
            [
                f"{cap(e1)}, and {e2}.",
                f"What a {item}: {e1}, and {e2}.",
                f"{cap(e1)}. On top of that, {e2}.",
            ]
        )
    return rng.choice(
        [
            f"{cap(e1)}, and {e2}.",
            f"What a mess of a {item}: {e1}, and {e2}.",
            f"{cap(e1)}. On top of that, {e2}.",
        ]
    )


def t_event_aspect(rng, d, pos):
    ev = rng.choice(d["pos_events"] if pos else d["neg_events"])
    a = pick_aspect(rng, d)
    joiner = rng.choice(["and", "plus", "and on top of that"])
    adj = intens(rng, adj_of(rng, a, pos), pos)
    return cap(f"{ev}, {joiner} the {a[0]} {be(a[1])} {adj}.")


def t_expectation(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    asp, was, adj = a[0], be(a[1]), adj_of(rng, a, pos)
    if pos:
        return rng.choice(
            [
                f"I went in with low expectations and was won over by the {adj} {asp}.",
                f"I nearly skipped this {item}, and I'm so glad I didn't; the {asp} {was} {adj}.",
                f"Expected very little from this {item}, got a lot: the {asp} {was} {adj}.",
            ]
        )
    return rng.choice(
        [
            f"I had high hopes for this {item}, but the {asp} {was} {adj} from start to finish.",
            f"Everyone raved about this {item}, so I'm baffled; the {asp} {was} {adj}.",
            f"Expected a lot from this {item}, got very little: the {asp} {was} {adj}.",
        ]
    )


def t_persona(rng, d, pos):
    a = pick_aspect(rng, d)
    persona = rng.choice(PERSONAS)
    adj = intens(rng, adj_of(rng, a, pos), pos)
    return f"{persona}, I found the {a[0]} {adj}."


def t_comparison(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    asp, adj = a[0], adj_of(rng, a, pos)
    if pos:
        return rng.choice(
            [
                f"Far better than the last {item} I tried; the {asp} alone {be(a[1], True)} worth it.",
                f"Miles ahead of the competition, mainly thanks to the {adj} {asp}.",
                f"The best {item} I've come across in years, and the {asp} {be(a[1], True)} {adj} to boot.",
            ]
        )
    return rng.choice(
        [
            f"Noticeably worse than the last {item} I tried, mostly because of the {adj} {asp}.",
            f"Miles behind the competition, mainly because of the {adj} {asp}.",
            f"The worst {item} I've come across in years, and the {asp} {be(a[1], True)} {adj} to boot.",
        ]
    )


def t_time(rng, d, pos):
    a = pick_aspect(rng, d)
    dur = rng.choice(DURATIONS)
    item = rng.choice(d["items"])
    if pos:
        return rng.choice(
            [
                f"{dur} on, I still think the {a[0]} {be(a[1])} {adj_of(rng, a, True)}.",
                f"{dur} later and I'm still glad I chose this {item}.",
            ]
        )
    return rng.choice(
        [
            f"{dur} on, I'm still annoyed at how {adj_of(rng, a, False)} the {a[0]} {be(a[1])}.",
            f"{dur} later and I still regret choosing this {item}.",
        ]
    )


def t_rating(rng, d, pos):
    a = pick_aspect(rng, d)
    a2 = pick_aspect(rng, d, exclude=a[0])
    if pos:
        stars = rng.choice(["Five stars", "5/5", "Four stars", "Ten out of ten", "Full marks"])
        return f"{stars}: {adj_of(rng, a, True)} {a[0]} and {adj_of(rng, a2, True)} {a2[0]}."
    stars = rng.choice(["One star", "1/5", "Two stars", "Zero out of ten", "Would give zero stars if I could"])
    return f"{stars}: {adj_of(rng, a, False)} {a[0]} and {adj_of(rng, a2, False)} {a2[0]}."


def t_question(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    if pos:
        return rng.choice(
            [
                f"How is the {a[0]} this {adj_of(rng, a, True)}? Genuinely impressed.",
                f"Why didn't anyone tell me this {item} was so {rng.choice(POS_GENERIC)}?",
                f"Who knew {a_an(item)} could get the {a[0]} so right? Delighted.",
            ]
        )
    return rng.choice(
        [
            f"Who decided the {a[0]} should be this {adj_of(rng, a, False)}? Baffling.",
            f"Why did nobody warn me this {item} was so {rng.choice(NEG_GENERIC)}?",
            f"How can {a_an(item)} get the {a[0]} so wrong? Seriously disappointed.",
        ]
    )


def t_value(rng, d, pos):
    a = pick_aspect(rng, d)
    item = rng.choice(d["items"])
    if pos:
        return rng.choice(
            [
                f"Worth every penny for the {a[0]} alone.",
                f"Money well spent; the {a[0]} {be(a[1])} {adj_of(rng, a, True)}.",
                f"For the price, this {item} is a steal.",
            ]
        )
    return rng.choice(
        [
            f"Not worth the money, if only because of the {a[0]}.",
            f"Money down the drain; the {a[0]} {be(a[1])} {adj_of(rng, a, False)}.",
            f"For the price, this {item} is a rip-off.",
        ]
    )


def t_feeling(rng, d, pos):
    item = rng.choice(d["items"])
    feeling = rng.choice(POS_FEELINGS if pos else NEG_FEELINGS)
    generic = rng.choice(POS_GENERIC if pos else NEG_GENERIC)
    return rng.choice(
        [
            f"This {item} left me {feeling}.",
            f"{cap(a_an(generic))} {item} that left me {feeling}.",
            f"I walked away from this {item} {feeling}.",
        ]
    )


def t_generic_verdict(rng, d, pos):
    item = rng.choice(d["items"])
    g1, g2 = rng.sample(POS_GENERIC if pos else NEG_GENERIC, 2)
    if pos:
        return rng.choice(
            [
                f"{cap(a_an(g1))} {item}, and {g2} value too.",
                f"What {a_an(g1)} {item}. I'd {d['again']} tomorrow.",
                f"Simply {g1}; I'll {d['again']} for sure.",
            ]
        )
    return rng.choice(
        [
            f"{cap(a_an(g1))} {item}, and {g2} value too.",
            f"What {a_an(g1)} {item}. I won't {d['again']}.",
            f"Simply {g1}; I will never {d['again']}.",
        ]
    )


def t_sarcasm(rng, d, pos):
    """Sarcastic complaint (negative only; used sparingly)."""
    a = pick_aspect(rng, d)
    ev = rng.choice(d["neg_events"])
    return rng.choice(
        [
            f"Oh wonderful, {ev}. Just what I was hoping for.",
            f"Loved how {ev}. Truly the highlight of my week.",
            f"Great, the {a[0]} {be(a[1])} {adj_of(rng, a, False)}. Exactly what I paid for, obviously.",
        ]
    )


def t_instructional(rng, d, pos):
    item = rng.choice(d["items"])
    a = pick_aspect(rng, d)
    if pos:
        return rng.choice(
            [
                f"Do yourself a favour and try this {item}; the {a[0]} {be(a[1])} {adj_of(rng, a, True)}.",
                f"Don't hesitate. This {item} is the real deal.",
                f"If the {a[0]} matters to you, this {item} will not disappoint.",
            ]
        )
    return rng.choice(
        [
            f"Do yourself a favour and skip this {item}; the {a[0]} {be(a[1])} {adj_of(rng, a, False)}.",
            f"Don't bother. This {item} isn't worth your time.",
            f"If the {a[0]} matters to you at all, stay well away from this {item}.",
        ]
    )


TEMPLATES = {
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
# Relative sampling weights (default 1.0).
WEIGHTS = {"event": 0.8, "feeling": 0.6, "recommend": 0.6, "value": 0.7}
SARCASM_SHARE = 0.015  # of negative rows

# ---------------------------------------------------------------------------
# Fully hand-written snippets.
# ---------------------------------------------------------------------------

HANDWRITTEN_POSITIVE = [
    "Not bad at all, and the ending genuinely surprised me.",
    "I can't remember the last time a novel made me miss my bus stop.",
    "The curry was so good I ordered a second portion to take home.",
    "Cheap, cheerful, and the staff treated us like old friends.",
    "My teenage son put his phone down for this film, which tells you everything.",
    "This kettle boils in under a minute and looks lovely on the counter.",
    "Fair price, fast delivery, and the chair is genuinely comfortable for long days.",
    "I was sceptical about a budgeting app, but it has saved me real money.",
    "The band sounds tighter than ever on this record.",
    "The receptionist drew us a map of the best local bakeries. Lovely touch.",
    "Smooth flight, friendly crew, and they even had vegetarian meals left.",
    "Hard to fault. Comfortable, quiet and surprisingly quick off the line.",
    "The puzzles are fiendish but fair, and solving one feels fantastic.",
    "Customer service replaced my broken blender without a single awkward question.",
    "The writing is so warm it feels like a letter from a friend.",
    "I didn't expect much from a roadside diner, but those pancakes were perfect.",
    "I wouldn't say it's flawless, but it's the best phone I've owned.",
    "Our guide made ancient ruins feel alive. Best day of the holiday.",
    "Sturdy, handsome and it fits perfectly in our narrow hallway.",
    "The sequel is better than the original, which almost never happens.",
    "Quietly brilliant. One of those books you press into people's hands.",
    "Delivered on time, assembled in twenty minutes, and it doesn't wobble.",
    "It's not perfect, but I've been smiling every time I open it.",
    "Finally, a weather app that doesn't bombard me with adverts.",
    "Great little noodle place. Fast, hot, cheap and properly tasty.",
    "Staff went above and beyond when our daughter fell ill during the stay.",
    "The mix on this album is gorgeous; you can hear every instrument.",
    "Ten hours into the game and I'm still discovering new secrets.",
    "The mechanic explained everything clearly and charged less than quoted.",
    "Beautiful, moving and never once sentimental.",
    "I laughed, I cried, and then I immediately texted my sister to watch it.",
    "The mattress has fixed my back. I'm not exaggerating.",
    "Couldn't have asked for a smoother check-in.",
    "The hiking boots were comfortable straight out of the box. No blisters at all.",
    "Clear explanations, sensible exercises, and a teacher who clearly cares.",
    "Perfectly cooked fish, crispy chips, and a view of the harbour. Bliss.",
    "It does one thing and does it brilliantly.",
    "The coffee here is the real deal, and the croissants are still warm at noon.",
    "An absolute gem of a guesthouse, run by people who love what they do.",
    "The camera's low-light photos are frankly astonishing for the price.",
    "It took a couple of chapters to warm up, but then I couldn't put it down.",
    "Not the flashiest car on the road, but it has never once let me down.",
    "Their help desk answered on the second ring. I nearly fell off my chair.",
    "I'd happily pay double for this tool. It has saved me hours every week.",
    "The new update fixed every complaint I had. Well done, devs.",
    "Every track flows into the next like it was always meant to.",
    "Lovely staff, spotless rooms, and the breakfast buffet is dangerous in the best way.",
    "A modest little film that punches way above its weight.",
    "Surprisingly good for a budget airline. Legroom was fine and we landed early.",
    "Honestly the most comfortable office chair I've sat in.",
    "This is what a sequel should be: bigger, bolder and still full of heart.",
    "Warm, witty and wise. I'll be thinking about it for a long time.",
    "Excellent value. The kids loved it and so did we.",
    "Can't fault the service. They sorted a billing mistake in minutes.",
    "It's been raining all week and my feet are still bone dry.",
    "The speaker fills the whole room without sounding harsh.",
    "Good food, fair prices, no fuss. Exactly what a local place should be.",
    "I came for one drink and stayed for three hours. Wonderful bar.",
    "The tour was long, but never dull, and the lunch stop was a highlight.",
    "The lessons are short, focused and actually stick in your head.",
    "Well worth the drive out of town.",
    "Top marks for the installer, who tidied up better than we had before he arrived.",
    "The plot is a bit silly, yet I had an absolute blast.",
    "Nothing fancy, but everything works, and works well.",
    "Easily the most comfortable sofa we've owned.",
    "After years of disappointing earbuds, these finally get it right.",
    "The pastry chef deserves a medal.",
    "It could use a few more levels, but what's there is pure joy.",
    "Kind staff, calm atmosphere, and the pool was never crowded.",
    "A rare memoir that is honest without being self-pitying.",
    "It started slowly and ended up being one of my favourite records of the year.",
    "Brilliant little gadget. I use it every single day.",
    "They fixed my bike the same afternoon and didn't try to upsell me anything.",
    "Far from boring; every episode ends with a hook.",
    "The train was quiet, clean and ridiculously punctual.",
    "I'm not usually a fan of musicals, but this one won me over completely.",
    "The jacket is warm without being bulky, which is exactly what I wanted.",
    "Excellent instructor. Patient with beginners and never condescending.",
    "I wasn't disappointed for a second.",
    "Lovely people, lovely food, lovely evening.",
    "Exceeded expectations on every front.",
    "The wardrobe arrived well packaged, and every panel was perfect.",
    "Fast, reliable broadband at last. No dropouts in three months.",
    "The story is simple, but the characters make it sing.",
    "Cracking game. Easy to learn, hard to master.",
    "It isn't cheap, but you get what you pay for, and then some.",
    "My go-to pizza place from now on.",
    "The rental process took five minutes and the car was spotless.",
    "Heartfelt, funny and beautifully shot.",
    "I'd give it six stars if I could.",
    "A crowd-pleaser in the best sense.",
    "Friendly pharmacist who took the time to explain everything properly.",
    "Wouldn't change a thing about our stay.",
    "The wifi was fast, the bed was soft and the shower was powerful. Perfect.",
    "No gimmicks, just a very good thriller.",
    "My parents, who hate technology, figured this tablet out in an afternoon.",
    "I wasn't expecting to enjoy a documentary about bridges this much.",
    "Great atmosphere, brilliant cocktails, and the bartender remembered my name.",
    "The update is a huge improvement; everything feels faster.",
    "Sound quality is lovely and the noise cancelling is excellent on the train.",
    "The ferry staff were cheerful even at six in the morning.",
    "Genuinely helpful advice from the shop assistant, with no pressure to buy.",
    "Slow start, but a wonderful finish that made it all worthwhile.",
    "Loved every minute of this concert, even the encore.",
    "Really enjoyed this one, more than I expected to.",
    (
        "We booked this little seaside cottage on a whim, and between the crackling fire, the "
        "welcome basket and the sound of the waves, it was the most restful week we've had in "
        "years."
    ),
    (
        "I was ready to give up on the series after the last book, but this one pulls every thread "
        "together so neatly that I immediately went back to the start."
    ),
    (
        "The repair shop diagnosed a fault two other garages had missed, fixed it the same day, and"
        " then phoned a week later just to check everything was still running smoothly."
    ),
    (
        "Setting up the new router took ten minutes, the signal now reaches the garden, and for the"
        " first time in ages nobody in the house is complaining about buffering."
    ),
    (
        "It isn't the cheapest vacuum cleaner on the market, but it is quiet, light enough to carry"
        " upstairs, and it picks up dog hair like nothing else I've tried."
    ),
    (
        "The theatre company made a three-hour play feel like an hour, and the actor playing the "
        "grandmother got a standing ovation that was thoroughly deserved."
    ),
    (
        "I expected a dry history lecture, but the podcast hosts are funny, well informed and "
        "clearly love the subject, so every episode flies by on my commute."
    ),
    (
        "After months of back pain from my old chair, this one has made working from home genuinely"
        " pleasant, and the armrests adjust in every direction you could want."
    ),
    "What a pleasant surprise this little cafe turned out to be.",
]

HANDWRITTEN_NEGATIVE = [
    "I wouldn't call it good, and I'm being generous.",
    "Two hours of my life I will never get back.",
    "The soup tasted like warm dishwater with a hint of salt.",
    "The hotel photos must have been taken a decade ago.",
    "My new phone case cracked before I had even taken it out of the house.",
    "Nice idea, shame about everything else.",
    "The app asks for my location, contacts and camera just to show a calendar.",
    "Lovely cover. That's about all I can say for this book.",
    "The seats were so cramped my knees were touching my chin.",
    "They promised a call back within the hour. That was last Tuesday.",
    "Overpriced, undercooked and served with a scowl.",
    "The desk wobbles if you so much as type too hard.",
    "Every song sounds like the same song with different words.",
    "The game kept kicking me back to the menu and I lost my progress twice.",
    "Not terrible, just deeply forgettable, which is almost worse.",
    "The car rattles like a tin of coins on anything but a perfectly smooth road.",
    "Great trailer, dreadful film, and a very long evening.",
    "The workshop was mostly the host selling his other workshops.",
    "The towels smelled damp and the carpet was sticky.",
    "Three weeks for delivery, and it arrived in the wrong colour.",
    "I really wanted to like this, but the characters are impossible to care about.",
    "It's not that the food was bad; it was just bland, cold and overpriced.",
    "The headphones pinch after ten minutes and the sound is muffled.",
    "The tour bus broke down and nobody from the company answered the phone.",
    "Every new update makes the app slower and harder to use.",
    "This chair creaks every time I breathe.",
    "The pacing is so slow that I checked whether the video had frozen.",
    "Staff seemed annoyed that we had the audacity to ask for a menu.",
    "The battery drains from full to empty in about four hours.",
    "I've read cereal boxes with more compelling dialogue.",
    "The instructions were missing, and so were three of the screws.",
    "Not worth the hype, not worth the price, not worth your time.",
    "The reviews promised a hidden gem. It should have stayed hidden.",
    "The so-called sea view was a car park with a puddle in it.",
    "The sequel takes everything I loved about the first film and throws it away.",
    "Sound keeps cutting out, and the manual is no help at all.",
    "I've waited longer for this refund than the product lasted.",
    "Sluggish, cramped and thirsty. I'm glad it was only a rental.",
    "The first chapter was promising; the other thirty were not.",
    "The lecturer mumbled into his notes for two hours straight.",
    "We asked for the bill three times and eventually went up to the bar.",
    "The remaster somehow looks worse than the original.",
    "The jeans split at the seam on the second wear.",
    "I'm not angry, just disappointed, and a little bit angry.",
    "Customer support sent me a template reply that didn't even mention my problem.",
    "The mattress sags in the middle like a hammock.",
    "It's a pretty album, but there's nothing underneath the prettiness.",
    "Our flight was delayed, then cancelled, then mysteriously rebooked for Thursday.",
    "The pizza base was raw in the middle and burnt at the edges.",
    "The smartwatch counts steps when I'm sitting perfectly still.",
    "Far too long, far too loud, and not nearly as clever as it thinks.",
    "The bathroom door didn't lock and the shower head fell off.",
    "A beautiful sofa that is somehow impossible to sit on comfortably.",
    "Twenty minutes of adverts before the content even started.",
    "Absolutely no one at the front desk seemed to know what was going on.",
    "The story collapses completely in the final act.",
    "The course was advertised for beginners, but the first lesson assumed years of experience.",
    "I returned it within a week and don't miss it at all.",
    "The new interface hides every setting I actually use.",
    "Dry, joyless and about twice as long as it needed to be.",
    "Service was so slow that our ice cream arrived as a milkshake.",
    "Flimsy hinges, a wobbly lid and a finish that chipped on day one.",
    "The gym is always packed and half the machines are broken.",
    "Expensive tickets for a concert where you could barely hear the singer.",
    "The driver took a wrong turn twice and blamed the satnav.",
    "Loud, greasy and strangely forgettable.",
    "The laptop fan sounds like a hairdryer even when it's idle.",
    "They charged me a cancellation fee for a booking they cancelled.",
    "Some nice ideas, buried under hours of busywork.",
    "This is not a comedy, no matter what the poster says.",
    "The kettle leaks from the base and the lid won't stay shut.",
    "Pretty to look at, miserable to play.",
    "It's hard to care about a mystery when every clue is spelled out.",
    "The van's sliding door jammed on the first morning.",
    "A slick, shallow record with nothing to say.",
    "The portions were tiny and the prices were anything but.",
    "I can't believe this passed any sort of quality check.",
    "The cleaning was patchy and the bins were never emptied.",
    "It promises a lot and delivers very little.",
    "I gave it three chances. It failed all three.",
    "The zip on the suitcase broke at the airport, naturally.",
    "Nothing about this experience was pleasant.",
    "Confusing menus, constant crashes, and an ugly design to top it off.",
    "The coffee was burnt and the milk was on the turn.",
    "I've never been so bored in a cinema.",
    "A chaotic, joyless mess from the first scene to the last.",
    "The trainers gave me blisters on a short walk to the shop.",
    "The recording quality makes a great band sound like a cover act.",
    "Uncomfortable seats, no legroom and a toilet that didn't flush.",
    "The manager argued with us instead of fixing the problem.",
    "Wildly overrated, and I say that as a long-time fan.",
    "What a waste of an evening.",
    "Sadly, not one of the promised features actually works.",
    "Clumsy writing, flat jokes and an ending that goes nowhere.",
    "The taxi app charged me twice and refunded neither.",
    "The blender looks sleek but feels cheap in the hand.",
    "Nope. Not for me, and not for anyone I like.",
    "Genuinely one of the worst meals I've had in years.",
    "Instant regret the moment I took it out of the box.",
    "Very disappointing for a shop with such a good reputation.",
    "Oh good, another app that wants a subscription to open a PDF.",
    "Fantastic, the printer has jammed again. Best purchase ever.",
    "Love paying premium prices to sit next to the toilets. Wonderful planning.",
    "Sure, because every customer loves being on hold for ninety minutes.",
    "Brilliant, the 'waterproof' jacket soaked through in light drizzle.",
    "What a treat to be ignored by three different waiters in one evening.",
    "The best feature of this hotel was the checkout.",
    (
        "We paid extra for the deluxe package, yet the promised spa access was closed for "
        "renovation, the restaurant needed booking days ahead, and nobody mentioned either before "
        "we arrived."
    ),
    (
        "The first half of the season builds a fascinating mystery, then the writers abandon every "
        "interesting idea and finish with an ending that feels like it was written over a weekend."
    ),
    (
        "I have now spent more time on the phone with their billing department than I have actually"
        " using the service, and my account is still charged twice every month."
    ),
    (
        "The washing machine looked great in the showroom, but it leaks onto the floor, takes three"
        " hours for a basic cycle, and beeps loudly whenever it feels like it."
    ),
    (
        "Despite the glowing reviews, the cookery class was mostly us watching the host chop onions"
        " while the promised hands-on session lasted barely ten minutes at the very end."
    ),
    (
        "The museum itself has wonderful collections, but the audio guide was broken, half the "
        "galleries were closed without notice, and the cafe ran out of food by lunchtime."
    ),
    (
        "I wanted to love this podcast, but the hosts talk over each other constantly, the adverts "
        "are endless, and each episode spends twenty minutes getting to the point."
    ),
    (
        "The removal company arrived four hours late, scratched the piano, lost a box of "
        "kitchenware, and then added a surcharge for the extra time they had taken."
    ),
]


def word_count(text: str) -> int:
    return len(text.split())


def generate_label(rng: random.Random, pos: bool, n_needed: int, cap_n: int, seen: set[str]) -> list[str]:
    """Return ``n_needed`` unique sentences of one polarity."""
    rows = [t for t in (HANDWRITTEN_POSITIVE if pos else HANDWRITTEN_NEGATIVE)]
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
    sarcasm_left = 0 if pos else int(SARCASM_SHARE * n_needed)
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
        text = fn(rng, d, pos)
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
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    per_label = TRAIN_PER_LABEL + VALIDATION_PER_LABEL
    cap_n = int(TEMPLATE_SHARE_CAP * 2 * per_label) // 2  # per label per template
    seen: set[str] = set()
    splits: dict[str, list[tuple[str, str]]] = {"train": [], "validation": []}
    for label, pos in (("positive", True), ("negative", False)):
        texts = generate_label(rng, pos, per_label, cap_n, seen)
        rng.shuffle(texts)
        splits["validation"] += [(t, label) for t in texts[:VALIDATION_PER_LABEL]]
        splits["train"] += [(t, label) for t in texts[VALIDATION_PER_LABEL:]]
    for name, rows in splits.items():
        rng.shuffle(rows)
        write_csv(OUT_DIR / f"{name}.csv", rows)
        print(f"wrote {len(rows)} rows to {name}.csv")


if __name__ == "__main__":
    main()
