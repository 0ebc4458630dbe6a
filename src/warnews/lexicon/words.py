"""words: closed lists of English words the rule layers read names and speech by.

About English news text, never about one article: titles and offices, the words that make a
capitalized run a place, a thing or an organisation, function words, pronouns, name particles and
the calendar. Plain data at the bottom of the lexicon, imported by the gazetteers and the layers.
"""

from __future__ import annotations

# Words that make a capitalized run a title or role rather than a name.
TITLE_WORDS = frozenset("""
president vice prime minister ministers foreign defense defence interior finance secretary general
secretary-general spokesman spokeswoman spokesperson chancellor pope king queen prince princess mr mrs ms
dr sen senator rep representative governor gov mayor ambassador director chief head chairman chairwoman
chair commander lt col maj gen capt sgt adm deputy press high senior acting former ceo professor prof
colonel major lieutenant admiral marshal general-lieutenant sheikh emir patriarch metropolitan bishop
archbishop cardinal speaker premier leader justice judge attorney prosecutor minister-counsellor envoy
coordinator commissioner undersecretary under assistant state national security council adviser advisor
analyst economist strategist founder chair-designate first lady sir lord baroness dame pm mp
""".split())
# Offices: a run naming one names a person's post, not an organisation (`Naftogaz CEO`).
OFFICE_WORDS = frozenset("""
president minister secretary general spokesman spokeswoman spokesperson chancellor ceo chief head chairman
chairwoman director commander ambassador envoy governor mayor representative speaker premier pope king queen
prince leader founder deputy prosecutor commissioner adviser advisor coordinator
""".split())
# Words that make a capitalized run a place or a thing (never a person).
PLACE_WORDS = frozenset("""
square street avenue road boulevard sea river lake mountains mountain island islands oblast region province
district county city town village bay gulf strait peninsula valley plain ocean bridge station airport port
stream pipeline plant power canal desert forest park palace cathedral church hall tower gate
""".split())
# Capitalized words that occur in the names of events, works, things and media, never of a person.
THING_WORDS = frozenset("""
war day policy notice terms service center centre olympics conference foundation foundations
training gas tribunal agreement agreements treaty accords summit act law initiative plan
program programme project games cup league party church catholicism orthodoxy islam shadow star stars
class index fund shopping mall festival prize award award movement revolution operation exercise
exercises resolve magazine weekly review
""".split())
# Words that make a capitalized run an organisation.
ORG_WORDS = frozenset("""
ministry house council bank agency office department government kremlin service services committee affairs
commission union parliament army forces force fund organization organisation nato un imf eu court
assembly duma rada senate congress cabinet administration staff command guard police company corp inc
ltd group institute university party front navy airforce brigade battalion regiment division corps
reuters cnn bbc tass ria interfax ukrinform belta afp ap xinhua pentagon embassy mission federation
economics research analysts authorities news times post radio television tv media press gazette herald
journal daily telegraph tribune network channel digital broadcasting
""".split())
# Lower-case nouns that describe an organisation printed next to its name: `energy giant
# Gazprom`, `nuclear operator Energoatom`, `the Axios information portal`, `Azovstal steel plant`.
ORG_DESCRIPTORS = frozenset("""
company companies firm operator giant agency group provider producer maker manufacturer broadcaster outlet
newspaper daily weekly website portal platform app network channel bank lender insurer airline carrier utility
startup conglomerate contractor monopoly exporter importer retailer plant steelworks works mill refinery
corporation holding publisher tabloid broadcaster messenger
""".split())
# Platforms and companies news names without any word that says what they are.
ORG_NAMES = frozenset("Twitter Telegram Facebook Instagram YouTube TikTok WhatsApp Google Meta Microsoft Apple".split())
# Words of ORG_WORDS that are names by themselves, not words of a kind (`Nato`, not `Ministry`).
ORG_NAME_WORDS = frozenset("nato un imf eu kremlin reuters cnn bbc tass ria interfax ukrinform belta afp ap xinhua "
                           "pentagon".split())
# Lower-case words that cannot belong to a noun phrase naming a speaker.
STOP_WORDS = frozenset("""
that which who whom whose and but or nor so yet said says say told tells wrote writes is was were are be
been being has have had will would can could should may might must shall do does did to in on at for
with by from as after before when while if than then there here this these those it its it's also not
no into onto over under about against between through during without within upon while because
""".split())
# Capitalized at the start of a sentence, never part of the name that follows.
LEADING_WORDS = STOP_WORDS | frozenset("""
the a an if as with when while after before despite although though meanwhile however according since
until unless once following during amid among across against over under about for from in on at by of
this these those that there here what why how where who which yesterday today tomorrow last next
both either neither each every all some many most several other another such even only just still also
""".split())
PRONOUNS = {"he": "PERSON", "she": "PERSON", "i": "PERSON", "we": "GROUP", "they": "GROUP", "it": "ORG"}
NAME_PARTICLES = frozenset("de da di del van von der den le la al el bin ibn du dos".split())

# The calendar: month names with their abbreviations, and weekdays.
MONTHS = {name: i for i, names in enumerate((
    ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",), ("June", "Jun"),
    ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
    ("December", "Dec")), 1) for name in names}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_PATTERN = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
