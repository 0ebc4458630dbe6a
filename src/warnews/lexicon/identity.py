"""identity: which person or organisation a printed name stands for, across the whole corpus.

An automatic entity's id is made from the name alone, never from counts or order, so it is the
same in every build and every collection, and no second pass over the rows is needed: the name
as the document gives it in full (`Peskov` -> `Dmitry Peskov` where the document prints the full
name) is folded to a key (titles, possessive, case and diacritics dropped; the transliteration
variants of a Russian or Ukrainian name folded by general spelling rules; first names through a
small table of Russian/Ukrainian/English pairs), and the id is `person-<key>` or `org-<key>`.
A key that is a curated entity's (knowledge/) links to the curated entity instead. No
identifier (Wikidata, ...) is ever attached to an automatic entity.

A one-word person name the document never gives in full gets no automatic entity: a bare
surname cannot tell Joe from Hunter Biden. A one-word organisation name (`Gazprom`) does.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from warnews.lexicon.names import People, is_person_name, is_title_word
from warnews.lexicon.places import country_names
from warnews.lexicon.words import NAME_PARTICLES, ORG_NAME_WORDS, ORG_WORDS, PLACE_WORDS, THING_WORDS, TITLE_WORDS

PERSON_PREFIX, ORG_PREFIX = "person-", "org-"
AUTOMATIC_PREFIXES = (PERSON_PREFIX, ORG_PREFIX)
CHECKED = ("Made automatically from the spellings the corpus prints (merges.parquet lists them); "
           "no identifier was checked.")
# How a spelling came to an entity, as the merges table names it.
RULES = ("curated name", "curated key", "same name", "transliteration", "shorter form in document",
         "acronym in document")

# Russian, Ukrainian and English forms of one first name (a name is merged through this table
# only when the surnames fold to the same key too).
_FIRST_NAMES = """
Vladimir Volodymyr Volodimir Wladimir | Aleksandr Alexander Alexandr Oleksandr Oleksander Aleksander
Aleksei Alexei Alexey Aleksey Oleksiy Oleksii Oleksij | Andrei Andrey Andriy Andrii Andrij Andrej
Sergei Sergey Serhiy Serhii Sergiy Sergii | Dmitry Dmitri Dmitriy Dmytro | Nikolai Nikolay Mykola
Mikhail Mykhailo Mykhaylo Michail | Yuri Yury Yuriy Yurii Iurii | Yevgeny Evgeny Yevgeniy Evgeniy Yevhen Yevheniy
Gennady Gennadiy Gennadii Hennadiy Hennadii | Igor Ihor | Oleg Oleh | Pyotr Petr Petro | Pavel Pavlo
Vasily Vasiliy Vasyl | Grigory Grigoriy Hryhoriy | Georgy Georgiy Heorhiy Heorhii | Bogdan Bohdan
Kirill Kyrylo | Maxim Maksim Maksym | Denis Denys | Anatoly Anatoliy Anatolii | Valery Valeriy Valerii
Vitaly Vitaliy Vitalii | Arseny Arseniy Arsenii | Viktor Victor | Vyacheslav Viacheslav
Rostislav Rostyslav | Yelena Elena Olena | Olga Olha | Tatiana Tatyana Tetiana Tetyana
Yekaterina Ekaterina Kateryna | Irina Iryna | Natalia Natalya Nataliya | Lyudmila Ludmila Liudmyla
Yulia Yuliya Iuliia Yuliia | Maria Mariya Mariia | Anna Hanna Ganna | Svetlana Svitlana | Larisa Larysa
"""
# British and American spellings of words in organisation names.
_ORG_SPELLINGS = {"defence": "defense", "organisation": "organization", "organisations": "organizations",
                  "centre": "center", "programme": "program", "labour": "labor", "&": "and"}


def plain(word: str) -> str:
    """`Zelenskyy’s` -> `zelenskyy`: lower case ASCII letters and digits, diacritics dropped."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(word: str) -> str:
    """One word's key, its transliteration variants folded by general rules of English spellings
    of Russian and Ukrainian names: x = ks, kh = h, shch = sch, ye- = e-, the endings
    -sky/-skiy/-skyy/-skyi/-skii and the feminine -ska/-skaya as -ski (one family name, whose
    members the first name tells apart: `Olena Zelenska`, and `Olena Zelenskyy` where a text
    prints `Volodymyr and Olena Zelenskyy`), ya/yu = ia/iu, every other y = i (Ukrainian
    и is written y, Russian i), a doubled letter once (`Zelenskyy`, `Zelenskiy` -> zelenski;
    `Mykhailo`, `Mikhailo` -> mihailo; `Sergey`, `Sergei` -> sergei)."""
    w = plain(word).replace("x", "ks").replace("kh", "h").replace("shch", "sch")
    w = re.sub(r"^ye", "e", w)
    w = re.sub(r"sk(?:aya|yy|yi|iy|ii|ij|yj|y|i|a)$", "ski", w)
    w = w.replace("ya", "ia").replace("yu", "iu").replace("y", "i")
    w = re.sub(r"(.)\1", r"\1", w)
    return re.sub(r"ij$", "i", w)


def _first_name_table() -> dict[str, str]:
    table = {}
    for group in re.split(r"\s*\|\s*|\n", _FIRST_NAMES):
        forms = [fold(w) for w in group.split()]
        for form in forms:
            table[form] = forms[0]
    return table


FIRST_NAMES = _first_name_table()


# A word is a first name where nomquamgender's name data (first names from 36 sources of people's
# names) has it from at least this many sources: `Nuclear`, `Comrade` or `Apostle` come from a
# handful, real first names from many (Volodymyr 19, Recep 17, Andrzej 28).
FIRST_NAME_MIN_SOURCES = 5
# ... and a word the document also writes in lower case is a first name only from this many.
COMMON_WORD_MIN_SOURCES = 25
_NAME_DATA_ENTRY = re.compile(r'"([^"\\]+)": \[(\d+), ')


@lru_cache(maxsize=1)
def _first_names() -> dict[str, int]:
    """First name -> the number of sources of the name data that have it (at least the minimum)."""
    spec = importlib.util.find_spec("nomquamgender")
    path = Path(spec.origin).with_name("name_data.json")
    names = {m.group(1): int(m.group(2)) for m in _NAME_DATA_ENTRY.finditer(path.read_text(encoding="utf-8"))
             if int(m.group(2)) >= FIRST_NAME_MIN_SOURCES and " " not in m.group(1)}
    if len(names) < 10_000:  # the data file's format has changed: fail loudly, not silently
        raise RuntimeError(f"{path}: read {len(names)} first names; not the format warnews expects")
    return names


def is_first_name(word: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether a word is a first name: in the name data (its first part, for `Jean-Yves`) or in
    the table of Russian and Ukrainian forms; one of `common`, the words the document also
    writes in lower case, only if many sources have it (`Merry Christmas`, `Great Victory`: the
    name data has Merry and Great from a few; `Mark Rutte` in a text saying `mark` stays)."""
    bare = unicodedata.normalize("NFKD", word.lower().split("-")[0])
    bare = "".join(c for c in bare if not unicodedata.combining(c) and c.isalpha())
    if not bare:
        return False
    if fold(bare) in FIRST_NAMES:
        return True
    sources = _first_names().get(bare, 0)
    return sources >= (COMMON_WORD_MIN_SOURCES if word.lower() in common else FIRST_NAME_MIN_SOURCES)


def is_initial(word: str) -> bool:
    return re.fullmatch(r"[^\W\d_]\.?", word) is not None


# A Russian or Ukrainian patronymic (`Petrovych`, `Oleksandrovna`).
_PATRONYMIC = re.compile(r"[A-Z]\w+(?:ovych|evych|ovich|evich|ovna|evna|ivna|yivna|ych|ich)")


def person_words(tokens: list[str], common: frozenset[str] = frozenset()) -> list[str] | None:
    """The words of a full person's name from a first name (or initial) on: `Presenting Oleksiy
    Reznikov` -> `Oleksiy Reznikov`; None where no word before the last is a first name or an
    initial (`Nuclear Physics`, a bare surname), or where a patronymic ends the name and no
    surname comes before its first name. A name in the order of official lists, surname first
    (`Demyanchyk Hryhoriy Petrovych`), is turned round: `Hryhoriy Petrovych Demyanchyk`."""
    if tokens and _PATRONYMIC.fullmatch(tokens[-1]):
        if len(tokens) >= 3 and is_first_name(tokens[-2], common) and not is_first_name(tokens[-3], common):
            return [tokens[-2], tokens[-1], tokens[-3]]
        if len(tokens) < 3 or not is_first_name(tokens[-3], common):
            return None
    for i, token in enumerate(tokens[:-1]):
        if is_initial(token) or is_first_name(token, common):
            return tokens[i:]
    return None


def name_tokens(printed: str, demonyms: frozenset[str] = frozenset()) -> list[str]:
    """The words of a person's name as printed, without a possessive and leading titles,
    countries or nationality words (`President of Ukraine Volodymyr Zelenskyy's` -> two words)."""
    text = re.sub(r"[’']s$", "", printed.strip().rstrip(".,;:’'"))
    tokens = text.split()
    countries = country_names()
    while len(tokens) > 1 and (is_title_word(tokens[0]) or is_title_word(tokens[0].rstrip("s")) or tokens[0] in countries
                               or tokens[0].lower() in ("of", "the") or tokens[0] in demonyms):
        tokens = tokens[1:]
    return tokens


def person_key(tokens: list[str], folded: bool = True) -> str | None:
    """`Volodymyr Oleksandrovych Zelenskyy` -> `vladimir zelenski`: the first name (through the
    table) and the surname (with the particles before it), middle names, patronymics and
    initials left out, so `Joseph R. Biden` is `Joseph Biden`. None for no letters. `folded`
    False: the same words, only in plain letters (to tell a transliteration from the same name)."""
    fold_ = fold if folded else plain
    words = [t for t in tokens if plain(t)]
    if not words:
        return None
    last = len(words) - 1
    while last > 1 and words[last - 1].lower() in NAME_PARTICLES:
        last -= 1
    surname = [fold_(w) if w.lower() not in NAME_PARTICLES else plain(w) for w in words[last:]]
    if len(words) == 1:
        return surname[0] or None
    first = fold_(words[0])
    return " ".join([FIRST_NAMES.get(first, first) if folded else first, *surname])


def org_key(printed: str) -> str | None:
    """`the Ministry of Defence’s` -> `ministry of defense`: words in lower case ASCII, a leading
    `the` and a possessive left out, British spellings as American ones."""
    text = re.sub(r"[’']s$", "", printed.strip().rstrip(".,;:’'"))
    words = [plain(w) if w != "&" else "&" for w in re.split(r"[\s\-/]+", text)]
    words = [_ORG_SPELLINGS.get(w, w) for w in words if w]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words) or None


def entity_id_of(key: str, prefix: str) -> str:
    """The id of an automatic entity: its prefix and its key as a slug (schema's SLUG_PATTERN)."""
    return prefix + "-".join(key.split())


def is_automatic(entity_id: str) -> bool:
    return entity_id.startswith(AUTOMATIC_PREFIXES) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entity_id) is not None


def curated_keys(entities) -> dict[tuple[str, str], str]:
    """(type, key) -> curated entity id for every name and alias of a curated PERSON or ORG
    (knowledge.Entity values); a key two curated entities share is left out (not sure)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for e in entities:
        if e.type not in ("PERSON", "ORG"):
            continue
        for form in (e.name, *e.aliases):
            key = person_key(name_tokens(form)) if e.type == "PERSON" else org_key(form)
            if key:
                seen.setdefault((e.type, key), set()).add(e.entity_id)
    return {k: next(iter(ids)) for k, ids in sorted(seen.items()) if len(ids) == 1}


@dataclass
class DocumentNames:
    """The full person names a document gives (its People, and the person mentions found), by
    folded word, so that `Peskov`, `V. Putin` or `Tayyip Erdogan` resolves to the one fuller name
    of the same document that it is a shorter form of."""

    full: list[list[str]] = field(default_factory=list)  # folded words of every full name
    keys: list[str] = field(default_factory=list)  # their person keys, in the same order
    common: frozenset[str] = frozenset()  # the words the document writes in lower case

    @classmethod
    def of(cls, text: str, people: People | None, printed=(), demonyms: frozenset[str] = frozenset()) -> DocumentNames:
        names = cls(common=frozenset(re.findall(r"(?<![\w’'])[a-z]+(?![\w’'])", text)))
        seen = set()
        for name in [*(p.name for p in (people.persons if people else ())), *printed]:
            words = person_words(name_tokens(name, demonyms), names.common)
            if not words or is_initial(words[0]) or not names.could_be(words, demonyms):
                continue
            folded = [fold(t) for t in words if plain(t)]
            if len(folded) >= 2 and tuple(folded) not in seen:
                seen.add(tuple(folded))
                names.full.append(folded)
                names.keys.append(person_key(words))
        return names

    def could_be(self, words: list[str], demonyms: frozenset[str]) -> bool:
        """Whether words from a first name on could be a person's full name: is_person_name, and
        a surname the document never writes in lower case (`Pacific Fleet`, `Great Victory`)."""
        return is_person_name(" ".join(words), demonyms) and words[-1].lower() not in self.common

    def fuller(self, words: list[str]) -> str | None:
        """The key of the one fuller name these words are a shorter form of (its last words, or
        its surname after the initials of its first words); None where none is, AMBIGUOUS where
        two different people's are (`Biden` in a text naming Joe and Hunter Biden)."""
        initials = [plain(w)[:1] for w in words[:-1]] if words and all(is_initial(w) for w in words[:-1]) else None
        folded = [fold(t) for t in words if plain(t)]
        if not folded:
            return None
        found = set()
        for full, key in zip(self.full, self.keys):
            if len(full) > len(folded) and full[-len(folded):] == folded:
                found.add(key)
            elif initials and len(full) >= 2 and full[-1] == folded[-1] and [w[:1] for w in full[:len(initials)]] == initials:
                found.add(key)
        return found.pop() if len(found) == 1 else AMBIGUOUS if found else None


AMBIGUOUS = ""  # DocumentNames.fuller: two people of the document could be meant


def person_entity_id(printed: str, names: DocumentNames, knowledge, demonyms: frozenset[str] = frozenset()) -> str | None:
    """The entity of a person's name as printed in a document whose names are `names`: the
    curated one whose name or alias it is (exactly or by key), else `person-<key>` of its full
    name. A shorter form (a surname, initials and surname, a name without its first words)
    takes the one fuller name of the document it is a form of; a full name needs a first name
    (`Nuclear Physics` is none: is_first_name). A surname the document gives no full name for
    links only to a curated entity whose alias it is (by key): a bare surname cannot tell two
    people apart."""
    curated = knowledge.gazetteer.forms.get(printed)
    if curated and curated[1] == "PERSON":
        return curated[0]
    tokens = name_tokens(printed, demonyms)
    if not tokens or not plain(tokens[-1]):
        return None
    words = person_words(tokens, names.common)
    if words is None:  # no first name: a surname, after a title or a common word (`Academician Chazov`)
        if tokens[-1].lower() in names.common:
            return None
        before = tokens[-2] if len(tokens) > 1 else None
        known = before is None or is_title_word(before) or before.lower() in names.common or before in demonyms
        words = tokens[-1:] if known else tokens[-2:]  # `Makarovych Kravchuk` only as `Leonid Makarovych Kravchuk`
        key = names.fuller(words)
        if not known:
            return knowledge.keys.get(("PERSON", key)) or entity_id_of(key, PERSON_PREFIX) if key else None
    else:
        key = names.fuller(words)
    if key == AMBIGUOUS:
        return None
    if key is None and len(words) >= 2 and not is_initial(words[0]) and names.could_be(words, demonyms):
        key = person_key(words)
    if key is None:
        return knowledge.keys.get(("PERSON", person_key(words[-1:])))
    return knowledge.keys.get(("PERSON", key)) or entity_id_of(key, PERSON_PREFIX)


def org_entity_id(printed: str, acronyms: dict[str, str], knowledge, common: frozenset[str] = frozenset()) -> str | None:
    """The entity of an organisation's name as printed: the curated one (exactly or by key),
    else `org-<key>`; an acronym the document spells out (`International Monetary Fund (IMF)`)
    stands for its expansion. A generic name (is_generic: `the Ministry of Defence`, `Security
    Council`) names a different body in each country's news, so it gets no automatic entity."""
    curated = knowledge.gazetteer.forms.get(printed)
    if curated and curated[1] == "ORG":
        return curated[0]
    bare = re.sub(r"[’']s$", "", printed.strip())
    full = acronyms.get(bare, bare)
    key = org_key(full)
    if key is None:
        return None
    curated = knowledge.keys.get(("ORG", key)) or knowledge.keys.get(("ORG", org_key(bare) or ""))
    if curated:
        return curated
    return None if is_generic(full, common) else entity_id_of(key, ORG_PREFIX)


def is_generic(name: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether an organisation's name holds no word of its own: every word is a function word,
    a word of kinds, titles, things or places (words.py), or one the document writes in lower
    case. An acronym, a word with a digit, a country or a word the document only capitalizes
    (`Gazprom`, `Verkhovna`, `Ukraine`) is its own."""
    countries = country_names()
    for word in re.findall(r"[\w’'.\-]+", name):
        bare = word.strip(".’'-")
        low = bare.lower()
        if not bare or low in ("of", "the", "and", "for", "on", "in", "to"):
            continue
        if bare in countries or low in ORG_NAME_WORDS or any(c.isdigit() for c in bare) or (
                len(bare) >= 2 and bare.replace(".", "").isupper()):
            return False
        if low in ORG_WORDS or low in TITLE_WORDS or low in THING_WORDS or low in PLACE_WORDS or low in common:
            continue
        return False
    return True


def speaker_entity_ids(text: str, name: str | None, kind: str | None, knowledge) -> list[str]:
    """For the quote layers: the entity of a quotation's (or turn's) speaker_name in the document
    `text` (`kind`: PERSON, ORG, GROUP or None for unknown); [] for no name, a group, or a
    description (`the ministry`). The same ids as mentions of the same names get."""
    if not name or not name[0].isupper() or kind == "GROUP":
        return []
    curated = knowledge.gazetteer.forms.get(name)
    if curated and curated[1] in ("PERSON", "ORG", "GPE"):
        return [curated[0]]
    people = People.of(text, knowledge.demonyms)
    if kind == "ORG":
        found = org_entity_id(name, people.acronyms, knowledge, document_names(text, knowledge.demonyms).common)
    elif is_person_name(" ".join(name_tokens(name, knowledge.demonyms)), knowledge.demonyms):
        found = person_entity_id(name, document_names(text, knowledge.demonyms), knowledge, knowledge.demonyms)
    else:
        found = None
    return [found] if found else []


@lru_cache(maxsize=2)
def document_names(text: str, demonyms: frozenset[str]) -> DocumentNames:
    """The document's names from its People alone (what a quote layer has), kept for the last
    few texts as People are."""
    return DocumentNames.of(text, People.of(text, demonyms), (), demonyms)


# --- what a build keeps of the links, and the tables it writes from them ------------------------


class Spellings:
    """Per entity, the spellings that linked to it with their counts, gathered document by
    document while a build streams (memory grows with the number of distinct spellings)."""

    def __init__(self, curated: dict[str, str] | None = None):
        self.counts: dict[tuple[str, str], list[int]] = {}  # (entity_id, spelling) -> [mentions, speakers, documents]
        # the curated people and organisations (id -> type): their spellings are listed too
        self.curated = {i: t for i, t in (curated or {}).items() if t in ("PERSON", "ORG")}

    def add_document(self, rows: dict[str, list[dict]]) -> None:
        seen_spans, seen = set(), set()
        for r in rows.get("mentions", ()):
            if r["entity_id"] is None or not (is_automatic(r["entity_id"]) or r["entity_id"] in self.curated):
                continue
            span = (r["start"], r["end"], r["entity_id"])
            if span in seen_spans:  # the same span from two layers counts once
                continue
            seen_spans.add(span)
            self._count(r["entity_id"], r["text"], 0, seen)
        for table in ("quotes", "turns"):
            for r in rows.get(table, ()):
                ids = r.get("speaker_entity_ids") or []
                if len(ids) == 1 and r.get("speaker_name") and (is_automatic(ids[0]) or ids[0] in self.curated):
                    self._count(ids[0], r["speaker_name"], 1, seen)

    def _count(self, entity_id: str, spelling: str, column: int, seen: set) -> None:
        counts = self.counts.setdefault((entity_id, spelling), [0, 0, 0])
        counts[column] += 1
        if (entity_id, spelling) not in seen:
            seen.add((entity_id, spelling))
            counts[2] += 1

    def names(self) -> dict[str, str]:
        """Entity id -> the spelling that names it: the most frequent full form (not one a rule of
        the document resolved), ties broken by the spelling itself."""
        best: dict[str, tuple] = {}
        for (entity_id, spelling), (mentions, speakers, _) in self.counts.items():
            full = len(spelling.split()) > 1 if entity_id.startswith(PERSON_PREFIX) else not spelling.isupper()
            rank = (-full, -(mentions + speakers), spelling)
            if entity_id not in best or rank < best[entity_id]:
                best[entity_id] = rank
        return {entity_id: rank[2] for entity_id, rank in best.items()}

    @staticmethod
    def clean_name(entity_id: str, spelling: str) -> str:
        """An automatic person's name for its row: the spelling from its first name on
        (`Minister of Transport Sergei Ivanov` -> `Sergei Ivanov`)."""
        if not entity_id.startswith(PERSON_PREFIX):
            return spelling
        tokens = name_tokens(spelling)
        return " ".join(person_words(tokens) or tokens) or spelling

    def entity_rows(self, referenced: set[str]) -> list[dict]:
        """An entities row for every automatic entity linked to (or `referenced` by any row)."""
        names = self.names()
        rows = []
        for entity_id in sorted({e for e, _ in self.counts if is_automatic(e)} | {e for e in referenced if is_automatic(e)}):
            name = self.clean_name(entity_id, names[entity_id]) if entity_id in names else \
                entity_id.split("-", 1)[1].replace("-", " ").title()
            aliases = sorted({s for e, s in self.counts if e == entity_id} - {name})
            rows.append({"entity_id": entity_id, "type": "ORG" if entity_id.startswith(ORG_PREFIX) else "PERSON",
                         "name": name, "aliases": aliases, "demonyms": [], "description": None, "wikidata": None,
                         "iso_3166": None, "iso_3166_2": None, "other_ids": [], "latitude": None, "longitude": None,
                         "country": None, "checked": CHECKED})
        return rows

    def merge_rows(self, knowledge) -> list[dict]:
        """One row per (entity, spelling) with the rule that merged the spelling into the entity."""
        names = {e: self.clean_name(e, n) for e, n in self.names().items()}
        rows = []
        for (entity_id, spelling), (mentions, speakers, documents) in sorted(self.counts.items()):
            rows.append({"entity_id": entity_id, "spelling": spelling,
                         "rule": merge_rule(entity_id, spelling, names.get(entity_id, spelling), knowledge),
                         "mentions": mentions, "speakers": speakers, "documents": documents})
        return rows


def merge_rule(entity_id: str, spelling: str, name: str, knowledge) -> str:
    """Which rule (RULES) put `spelling` in the entity named `name`."""
    curated = knowledge.entities.get(entity_id)
    if curated is not None and spelling in (curated.name, *curated.aliases):
        return "curated name"
    if entity_id.startswith(PERSON_PREFIX) or curated is not None and curated.type == "PERSON":
        words = person_words(name_tokens(spelling, knowledge.demonyms))
        own = person_key(words) if words and not is_initial(words[0]) else None
        if curated is not None:
            return "curated key" if own and knowledge.keys.get(("PERSON", own)) == entity_id else "shorter form in document"
        if own is None or entity_id != entity_id_of(own, PERSON_PREFIX):
            return "shorter form in document"
        named = person_words(name_tokens(name, knowledge.demonyms)) or []
        return "same name" if person_key(words, folded=False) == person_key(named, folded=False) else "transliteration"
    bare = re.sub(r"[’']s$", "", spelling.strip())
    own = org_key(bare) or ""
    if curated is not None:
        return "curated key" if knowledge.keys.get(("ORG", own)) == entity_id else "acronym in document"
    return "same name" if entity_id == entity_id_of(own, ORG_PREFIX) else "acronym in document"
