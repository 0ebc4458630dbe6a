"""clean: turn a raw text into the clean text, recording every change as an edit.

Guarantees to the next stage: the clean text is NFC, has no page chrome or outlet trailer that an
outlet profile describes, and can be rebuilt exactly from the raw text and the edits alone
(`rebuild(raw, edits) == clean`). Each edit names the rule (or rules, joined by "+", where a later
rule changed what an earlier one wrote) and its two sides: `raw[raw_start:raw_end]` became
`clean[clean_start:clean_end]`. A rule that is not sure leaves the text alone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from importlib import resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import re2
from ftfy import TextFixerConfig, fix_text
from ftfy.badness import BADNESS_RE

from warnews.errors import WarnewsError
from warnews.ingest import read_yaml
from warnews.page_dumps import article_lines, input_kind
from warnews.vocabularies import ARTICLE_BODY, PAGE_DUMP

OUTLETS_DIR = "outlets"
# outlets/_all.yaml: boilerplate lines and protected names that hold for every outlet.
GENERIC_PROFILE = "_all"


@dataclass(frozen=True)
class Change:
    """One rule's replacement of text[start:end] by `text`, in the coordinates of its input."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Decline:
    """A place where a rule could have changed the text but was not sure, and left it: counted
    in build.json, so that "a rule that is not sure leaves the text alone" shows in numbers."""

    start: int
    reason: str


@dataclass(frozen=True)
class Edit:
    """One recorded change: raw[raw_start:raw_end] == raw_text became clean[clean_start:clean_end]."""

    rule: str
    raw_start: int
    raw_end: int
    clean_start: int
    clean_end: int
    raw_text: str
    clean_text: str


@dataclass(frozen=True)
class OutletProfile:
    """Outlet-specific boilerplate, as data (outlets/<outlet>.yaml)."""

    outlet: str
    page_chrome_top: tuple[re.Pattern, ...] = ()
    trailer_lines: tuple[str, ...] = ()
    protected_names: tuple[str, ...] = ()
    boilerplate_lines: tuple[re.Pattern, ...] = ()

    def with_generic(self, generic: OutletProfile | None) -> OutletProfile:
        """This outlet's profile plus what holds for every outlet."""
        if generic is None:
            return self
        return OutletProfile(self.outlet, self.page_chrome_top, self.trailer_lines,
                             self.protected_names + generic.protected_names,
                             self.boilerplate_lines + generic.boilerplate_lines)


@dataclass(frozen=True)
class CleanContext:
    """What a rule may know besides the text: where it came from and what the sidecar says."""

    name: str
    published: dt.date
    profile: OutletProfile
    protected_names: frozenset[str] = field(default_factory=frozenset)
    input_kind: str = ARTICLE_BODY  # what the raw text is: an article body, a whole-page dump, or HTML's extraction


@dataclass(frozen=True)
class CleanResult:
    text: str
    edits: tuple[Edit, ...]
    declined: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> reason -> count, in the clean text


# --- outlet profiles ---------------------------------------------------------------------------

_PROFILE_KEYS = {"outlet", "page_chrome_top", "trailer_lines", "protected_names", "boilerplate_lines",
                 "outlet_name", "outlet_domain", "outlet_country"}  # the last three: the outlets table `import` reads


def load_profiles(root: Path) -> dict[str, OutletProfile]:
    """All outlet profiles below root/outlets, keyed by outlet slug."""
    profiles = {}
    folder = root / OUTLETS_DIR
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        profile = load_profile(path)
        profiles[profile.outlet] = profile
    return profiles


def load_profile(path: Path) -> OutletProfile:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("outlet"), str):
        raise WarnewsError(f"{path}: an outlet profile is a mapping with at least an 'outlet' slug")
    unknown = sorted(set(data) - _PROFILE_KEYS)
    if unknown:
        raise WarnewsError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_PROFILE_KEYS))}")
    if path.stem != data["outlet"]:
        raise WarnewsError(f"{path}: file name must be the outlet slug ({data['outlet']}.yaml)")
    return OutletProfile(
        outlet=data["outlet"],
        page_chrome_top=_patterns(path, data, "page_chrome_top"),
        trailer_lines=tuple(_strings(path, data, "trailer_lines")),
        protected_names=tuple(_strings(path, data, "protected_names")),
        boilerplate_lines=_patterns(path, data, "boilerplate_lines"),
    )


def _patterns(path: Path, data: dict, key: str) -> tuple[re.Pattern, ...]:
    patterns = []
    for i, pattern in enumerate(data.get(key) or []):
        try:
            patterns.append(re.compile(pattern))
        except (re.error, TypeError) as err:
            raise WarnewsError(f"{path}: {key}[{i}] is not a valid regular expression: {err}") from None
    return tuple(patterns)


def _strings(path: Path, data: dict, key: str) -> list[str]:
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise WarnewsError(f"{path}: {key!r} must be a list of non-empty strings")
    return values


# --- rules -------------------------------------------------------------------------------------
# A rule is a pure function (text, context) -> sorted, non-overlapping changes to that text, and
# Decline items where it saw a candidate but was not sure enough to change it.


def repair_mojibake(text: str, ctx: CleanContext) -> list[Change]:
    """Text decoded with the wrong encoding (`CafÃ©` -> `Café`), repaired by ftfy, line by line.

    Only ftfy's encoding fixes are on: quotes stay curly, ligatures and full-width letters stay,
    HTML entities and line breaks are left as they are (see ECOSYSTEM notes on ftfy defaults).
    """
    changes, pos = [], 0
    for line in text.split("\n"):
        fixed = fix_text(line, _FTFY_CONFIG) if _may_be_mojibake(line) else line
        if fixed != line:
            changes.append(_minimal_change(pos, line, fixed))
        pos += len(line) + 1
    return changes


_FTFY_CONFIG = TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_encoding=True, restore_byte_a0=True,
    replace_lossy_sequences=True, decode_inconsistent_utf8=True, fix_c1_controls=True, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=False,
    remove_control_chars=False, normalization=None, explain=False)


def _without_verbose(pattern: str, classes: dict[str, str] | None = None) -> str:
    """A pattern written for re.VERBOSE with its layout (blanks and comments outside character
    classes) taken out, as RE2, which has no verbose mode, reads it; `classes` replaces escapes
    such as `\\w` by the contents of a character class."""
    classes = classes or {}
    out, in_class, escaped, comment = [], False, False, False
    for char in pattern:
        if comment:
            comment = char != "\n"
        elif escaped:
            if char in classes:
                out[-1] = classes[char] if in_class else f"[{classes[char]}]"
            else:
                out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "#":
            comment = True
        elif char not in " \t\n":
            out.append(char)
            in_class = char == "["
    return "".join(out)


# RE2's `\w` and `\s` are ASCII; Python's are Unicode. For RE2 they become classes that take in at
# least what Python's do: every letter and number RE2 knows (a newer Unicode than Python's, so a
# few code points more) and exactly the characters Python calls white space (none after U+3000).
RE2_CLASSES = {"w": r"\p{L}\p{N}_",
               "s": "".join(f"\\x{{{i:x}}}" for i in range(0x3001) if chr(i).isspace())}
# ftfy's own test for mojibake (badness.is_bad), run by RE2: ftfy leaves a line it finds no bad
# sequence in as it is (the C1 controls it would fix are among those sequences), and its test in
# Python's `re` was 80% of the time cleaning spent on the real collections; RE2 takes about 1/75
# of that. RE2's pattern matches wherever ftfy's does (its classes are wider, never narrower), so a
# line it finds nothing in is one ftfy would leave; the rest go to ftfy, which decides. Tests
# check both claims on every code point and on generated and real text.
_BADNESS = re2.compile(_without_verbose(BADNESS_RE.pattern, RE2_CLASSES))


def _may_be_mojibake(line: str) -> bool:
    """True where ftfy could change the line (and where RE2 cannot read it: lone surrogates)."""
    if line.isascii():
        return False
    try:
        return _BADNESS.search(line) is not None
    except UnicodeEncodeError:
        return True


def _minimal_change(offset: int, old: str, new: str) -> Change:
    """One change covering only what differs between old and new (common ends trimmed)."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    return Change(offset + head, offset + len(old) - tail, new[head : len(new) - tail])


# Invisible characters that carry nothing in news text.
ZERO_WIDTH = "\u200b\u2060\ufeff"
# Zero-width non-joiner and joiner: they shape letters in the scripts that join or conjoin them
# (Persian `می‌خواهم`, Devanagari conjuncts) and build emoji sequences (👩‍💻); between Latin
# letters, digits, spaces or punctuation (wire copy's `Volodymyr \u200cZelenskiy`) they do nothing.
JOINERS = "\u200c\u200d"
JOINING_SCRIPTS = frozenset("""
ARABIC SYRIAC THAANA NKO MANDAIC MONGOLIAN DEVANAGARI BENGALI GURMUKHI GUJARATI ORIYA TAMIL TELUGU KANNADA
MALAYALAM SINHALA THAI LAO TIBETAN MYANMAR KHMER JAVANESE BALINESE SUNDANESE
""".split())
# No-break spaces; in running news text they are plain spaces (and break word matching).
NO_BREAK_SPACES = "\u00a0\u202f"


def remove_zero_width(text: str, ctx: CleanContext) -> list[Change | Decline]:
    """U+200B, U+2060 and U+FEFF everywhere; ZWNJ and ZWJ where neither neighbour needs them
    (declined, `joining_script`, beside a letter of a joining script or an emoji)."""
    changes: list[Change | Decline] = [Change(m.start(), m.end(), "") for m in re.finditer(f"[{ZERO_WIDTH}]+", text)]
    for m in re.finditer(f"[{JOINERS}]+", text):
        before = _visible_neighbour(text, m.start() - 1, -1)
        after = _visible_neighbour(text, m.end(), 1)
        if _needs_joiner(before) or _needs_joiner(after):
            changes.append(Decline(m.start(), "joining_script"))
        else:
            changes.append(Change(m.start(), m.end(), ""))
    return sorted(changes, key=lambda c: c.start)


def _visible_neighbour(text: str, i: int, step: int) -> str | None:
    """The nearest character from i on (in direction step) that is not another invisible one."""
    while 0 <= i < len(text) and text[i] in ZERO_WIDTH + JOINERS:
        i += step
    return text[i] if 0 <= i < len(text) else None


def _needs_joiner(ch: str | None) -> bool:
    if ch is None:
        return False
    category = unicodedata.category(ch)
    if category in ("So", "Sk") or ch == "\ufe0f" or 0x1F3FB <= ord(ch) <= 0x1F3FF:
        return True  # emoji, their modifiers and presentation selector
    return category[0] in "LM" and unicodedata.name(ch, "").split(" ")[0] in JOINING_SCRIPTS


def replace_no_break_spaces(text: str, ctx: CleanContext) -> list[Change]:
    return [Change(m.start(), m.end(), " " * (m.end() - m.start())) for m in re.finditer(f"[{NO_BREAK_SPACES}]+", text)]


def strip_boilerplate_lines(text: str, ctx: CleanContext) -> list[Change]:
    """Remove whole lines that the profiles describe as boilerplate (`Advertisement`, photo
    credits), with the line breaks after them, so paragraphs stay separated as before."""
    patterns = ctx.profile.boilerplate_lines
    if not patterns:
        return []
    changes, declines, pos = [], [], 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not any(p.fullmatch(line.strip()) for p in patterns):
            continue
        after = end
        while after < len(text) and text[after] in "\r\n":
            after += 1
        if after < len(text):
            changes.append(Change(start, after, ""))
        else:  # the last line: take the line breaks before it instead
            before = start
            while before > 0 and text[before - 1] in "\r\n":
                before -= 1
            if before > 0:
                changes.append(Change(before, end, ""))
            else:
                declines.append(Decline(start, "only_line"))  # the whole text: maybe it is the article
    return _merge_touching(changes) + declines


def _merge_touching(changes: list[Change]) -> list[Change]:
    merged: list[Change] = []
    for c in changes:
        if merged and merged[-1].end >= c.start:
            merged[-1] = Change(merged[-1].start, max(merged[-1].end, c.end), "")
        else:
            merged.append(c)
    return merged


def normalize_nfc(text: str, ctx: CleanContext) -> list[Change]:
    """Unicode NFC, so that equal-looking strings compare equal; one change per changed run.

    A boundary before an ASCII character is always a normalization boundary (ASCII never composes
    with what precedes it), so each run from one ASCII character to the next normalizes alone.
    """
    if unicodedata.is_normalized("NFC", text):
        return []
    changes = []
    for m in re.finditer(r"[\x00-\x7f]?[^\x00-\x7f]+", text):
        run = m.group()
        normal = unicodedata.normalize("NFC", run)
        if normal != run:
            changes.append(Change(m.start(), m.end(), normal))
    return changes


def strip_page_furniture(text: str, ctx: CleanContext) -> list[Change | Decline]:
    """In a whole-page dump, remove every line that is not the article's (navigation, share
    buttons, captions, promotions, lists of other stories, the dump's wrapper; see
    `page_dumps.article_lines`), with its line break. Only while the text is still a dump, so a
    second pass over the article changes nothing; where no article is found the text stays
    whole (declined, `no_article`)."""
    if ctx.input_kind != PAGE_DUMP or input_kind(text) != PAGE_DUMP:
        return []
    kept = article_lines(text)
    if not kept:
        return [Decline(0, "no_article")]
    starts, pos = [], 0
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    starts.append(len(text) + 1)  # where a line after the last one would start
    changes, previous = [], -1
    for i in kept + [len(starts) - 1]:
        if i > previous + 1:  # lines previous+1 .. i-1 go, each with its line break
            if i < len(starts) - 1:
                changes.append(Change(starts[previous + 1], starts[i], ""))
            else:  # up to the end: take the break after the last kept line instead
                changes.append(Change(starts[previous + 1] - 1, len(text), ""))
        previous = i
    return changes


def strip_surrounding_whitespace(text: str, ctx: CleanContext) -> list[Change]:
    """White space before the first and after the last visible character carries nothing."""
    changes = []
    lead = len(text) - len(text.lstrip())
    if lead == len(text):
        return [Change(0, len(text), "")] if text else []
    if lead:
        changes.append(Change(0, lead, ""))
    trail = len(text.rstrip())
    if trail < len(text):
        changes.append(Change(trail, len(text), ""))
    return changes


def strip_page_chrome(text: str, ctx: CleanContext) -> list[Change]:
    """Remove the lines at the top that the outlet profile describes as page chrome.

    A captured `date` must equal the sidecar's publication date: the chrome is the page's own
    testimony of its date, and a disagreement means one of the two is wrong.
    """
    patterns = ctx.profile.page_chrome_top
    pos = 0
    while patterns:
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        line = text[pos:line_end].strip()
        match = next((m for p in patterns if (m := p.match(line))), None)
        if match is None:
            break
        date = match.groupdict().get("date")
        if date is not None and date != ctx.published.isoformat():
            raise WarnewsError(
                f"{ctx.name}: the page chrome says date {date} but the sidecar says published "
                f"{ctx.published.isoformat()}; check which is right and correct the sidecar"
            )
        pos = min(line_end + 1, len(text))
    if pos == 0:
        return []
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        return [Decline(0, "only_chrome")]  # nothing but chrome: not sure this is chrome, leave it
    return [Change(0, pos, "")]


def strip_outlet_trailer(text: str, ctx: CleanContext) -> list[Change]:
    """Remove last lines that only name the outlet (e.g. `News.Az`), with the space before them."""
    body = text.rstrip()
    cut = len(body)
    while True:
        start = body.rfind("\n", 0, cut) + 1
        if body[start:cut].strip() not in ctx.profile.trailer_lines:
            break
        if start == 0:  # the outlet's name is all there is: not sure it is a trailer
            return [Decline(0, "only_trailer")] + ([Change(cut, len(body), "")] if cut < len(body) else [])
        cut = start
        while cut > 0 and body[cut - 1].isspace():
            cut -= 1
    return [Change(cut, len(body), "")] if cut < len(body) else []


# Words that end with a dot without ending a sentence (lower-cased). Most are abbreviations only
# when capitalized (`Sat.`, `No. 5`, `Rep. Smith`): `they sat.`, `said no.` end sentences.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen col lt maj capt sgt cpl adm gov sen rep pres amb rev hon jr sr "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun "
    "no nos vol pp fig etc vs approx est inc ltd co corp dept univ".split()
)
# The few that stay abbreviations in lower case.
LOWER_CASE_ABBREVIATIONS = frozenset("etc vs approx pp fig vol".split())


def is_abbreviation(word: str) -> bool:
    """Whether `word.` is an abbreviation rather than a sentence end."""
    lower = word.lower()
    return lower in ABBREVIATIONS and (word[:1].isupper() or lower in LOWER_CASE_ABBREVIATIONS)


def _top_level_domains() -> frozenset[str]:
    """Country-code domains (ISO 3166-1 codes from tzdata's iso3166.tab, plus uk, eu, su, ac) and
    the generic ones news pages name; `News.Az` must not become `News. Az`."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text(encoding="utf-8")
    codes = {line.split("\t")[0].lower() for line in table.splitlines() if line and not line.startswith("#")}
    return frozenset(codes | {"uk", "eu", "su", "ac"} | set("com net org info biz gov edu mil int news media online".split()))


TOP_LEVEL_DOMAINS = _top_level_domains()
_GLUED = re.compile(r"(?<=[^\W\d_])([.!?]+)([”’]?)(?=([“‘]?)([^\W\d_]\w*))")


def fix_missing_sentence_space(text: str, ctx: CleanContext) -> list[Change]:
    """Insert the space lost between two sentences (`said.The` -> `said. The`).

    Acts only where it is sure: a lower-case letter ends the first sentence, the next starts with
    an upper-case letter followed by a lower-case one (optionally after an opening quote), and the
    glued token is no abbreviation, protected name, domain, URL or e-mail address.
    """
    changes = []
    for m in _GLUED.finditer(text):
        reason = _glued_doubt(text, m, ctx)
        changes.append(Change(m.end(), m.end(), " ") if reason is None else Decline(m.end(), reason))
    return changes


def _glued_doubt(text: str, m: re.Match, ctx: CleanContext) -> str | None:
    """Why the glued sentence end found by `m` may not be one, or None when it surely is."""
    left_end = m.start()
    word_start = left_end
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    left = text[word_start:left_end]
    opening, right = m.group(3), m.group(4)
    if len(left) < 2:
        return "initial"  # `J.Smith`, `e.g.The`
    if is_abbreviation(left):
        return "abbreviation"  # `Gen.Zaluzhnyi`
    if not text[left_end - 1].islower():
        return "capital_before"  # `U.S.Army`
    if not (right[0].isupper() and len(right) > 1 and right[1].islower()):
        return "next_word_not_capitalized"  # `News.az`, `said.HUR`
    if any(mark in _token_around(text, m.start()) for mark in ("://", "www.", "@")):
        return "url_or_email"
    if not opening and m.group(2) == "" and m.group(1) == ".":
        if f"{left}.{right}".casefold() in ctx.protected_names:
            return "protected_name"
        if left[0].isupper() and right.lower() in TOP_LEVEL_DOMAINS:
            return "possible_domain"  # `News.Az`
    return None


def _token_around(text: str, pos: int) -> str:
    start = pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


Rule = Callable[[str, CleanContext], list[Change | Decline]]
# Order matters: repair the encoding, then normalize, so later rules see one spelling; keep a
# dump's article before anything looks for first and last lines; strip the edges before the
# chrome and trailer rules look for them.
RULES: tuple[tuple[str, Rule], ...] = (
    ("repair_mojibake", repair_mojibake),
    ("normalize_nfc", normalize_nfc),
    ("remove_zero_width", remove_zero_width),
    ("replace_no_break_spaces", replace_no_break_spaces),
    ("strip_page_furniture", strip_page_furniture),
    ("strip_surrounding_whitespace", strip_surrounding_whitespace),
    ("strip_page_chrome", strip_page_chrome),
    ("strip_boilerplate_lines", strip_boilerplate_lines),
    ("strip_outlet_trailer", strip_outlet_trailer),
    ("fix_missing_sentence_space", fix_missing_sentence_space),
)
RULE_NAMES = tuple(name for name, _ in RULES)


# --- applying rules while keeping the raw <-> clean alignment ---------------------------------


@dataclass
class _Piece:
    """A stretch of the current text: a copy of raw[raw_start:raw_end] (rules == ()) or an edit."""

    raw_start: int
    raw_end: int
    text: str
    rules: tuple[str, ...] = ()


class Alignment:
    """The current text as pieces that cover the raw text in order, so edits compose exactly."""

    def __init__(self, raw: str):
        self.raw = raw
        self.pieces = [_Piece(0, len(raw), raw)] if raw else []

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    def apply(self, rule: str, changes: list[Change]) -> None:
        """Apply one rule's changes (in current coordinates), last first so positions hold."""
        changes = [c for c in changes if isinstance(c, Change)]  # a Decline changes nothing
        length = len(self.text)
        previous_end = 0
        for c in changes:
            if not (previous_end <= c.start <= c.end <= length):
                raise ValueError(f"rule {rule} returned overlapping or out-of-range change {c}")
            previous_end = c.end
        for c in reversed(changes):
            if c.start < c.end or c.text:
                self._apply_one(rule, c)

    def edits(self) -> tuple[Edit, ...]:
        out, pos = [], 0
        for p in self.pieces:
            if p.rules:
                out.append(Edit("+".join(p.rules), p.raw_start, p.raw_end, pos, pos + len(p.text),
                                self.raw[p.raw_start : p.raw_end], p.text))
            pos += len(p.text)
        return tuple(out)

    def _apply_one(self, rule: str, c: Change) -> None:
        starts, pos = [], 0
        for p in self.pieces:
            starts.append(pos)
            pos += len(p.text)
        if c.start == c.end:
            self._insert(rule, c, starts)
            return
        # pieces that the change touches: non-empty ones overlapping [start, end), empty ones inside it
        hit = [i for i, (p, s) in enumerate(zip(self.pieces, starts))
               if (p.text and s < c.end and c.start < s + len(p.text)) or (not p.text and c.start < s < c.end)]
        first, last = hit[0], hit[-1]
        self._split_copy(last, c.end - starts[last])
        offset = c.start - starts[first]
        if offset > 0 and not self.pieces[first].rules:
            self._split_copy(first, offset)  # the copy before the change stays as it is
            first, last, offset = first + 1, last + 1, 0
        covered = self.pieces[first : last + 1]
        joined = "".join(p.text for p in covered)
        text = joined[:offset] + c.text + joined[offset + c.end - c.start :]
        rules = _union([r for p in covered for r in p.rules] + [rule])
        self._replace(first, last + 1, _Piece(covered[0].raw_start, covered[-1].raw_end, text, rules))

    def _insert(self, rule: str, c: Change, starts: list[int]) -> None:
        for i, (p, s) in enumerate(zip(self.pieces, starts)):
            if s < c.start < s + len(p.text):
                if p.rules:  # inside an earlier edit: that edit now carries both rules
                    cut = c.start - s
                    text = p.text[:cut] + c.text + p.text[cut:]
                    self._replace(i, i + 1, _Piece(p.raw_start, p.raw_end, text, _union(p.rules + (rule,))))
                    return
                self._split_copy(i, c.start - s)
                at = i + 1
                break
        else:
            # at a boundary: after every piece that ends there, before those that start there
            at = next((i for i, (p, s) in enumerate(zip(self.pieces, starts)) if s >= c.start and p.text), len(self.pieces))
        raw_pos = self.pieces[at - 1].raw_end if at > 0 else 0
        self.pieces.insert(at, _Piece(raw_pos, raw_pos, c.text, (rule,)))

    def _split_copy(self, i: int, cut: int) -> None:
        """Split copy piece i so that its first `cut` characters stand alone (no-op for edits)."""
        p = self.pieces[i]
        if p.rules or not 0 < cut < len(p.text):
            return
        mid = p.raw_start + cut
        self.pieces[i : i + 1] = [_Piece(p.raw_start, mid, p.text[:cut]), _Piece(mid, p.raw_end, p.text[cut:])]

    def _replace(self, start: int, stop: int, piece: _Piece) -> None:
        """Put `piece` in place of pieces[start:stop]; an edit that restores the raw text is none."""
        if piece.text == self.raw[piece.raw_start : piece.raw_end]:
            piece = _Piece(piece.raw_start, piece.raw_end, piece.text)
        self.pieces[start:stop] = [piece] if piece.text or piece.rules else []


def _union(rules) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rules))


# A rule can make work for an earlier one (stripping a space may let ftfy see a mojibake
# sequence whole), so the rules run again until a pass changes nothing: cleaning the clean text
# then changes nothing either. Real texts settle in one or two passes.
MAX_PASSES = 5


def clean_text(raw: str, ctx: CleanContext, rules=RULES) -> CleanResult:
    """Run the rules in order, pass after pass until nothing changes; the text and its edits."""
    alignment = Alignment(raw)
    for _ in range(MAX_PASSES):
        before = alignment.text
        declined: dict[str, dict[str, int]] = {}  # counted anew each pass: the last one saw the clean text
        for name, rule in rules:
            output = rule(alignment.text, ctx)
            for item in output:
                if isinstance(item, Decline):
                    counts = declined.setdefault(name, {})
                    counts[item.reason] = counts.get(item.reason, 0) + 1
            alignment.apply(name, output)
        if alignment.text == before:
            break
    return CleanResult(alignment.text, alignment.edits(), declined)


class Cleaner:
    """Cleans documents of one repository: its outlet profiles, loaded once."""

    def __init__(self, root: Path):
        self.profiles = load_profiles(root)
        self.protected = frozenset(name.casefold() for p in self.profiles.values() for name in p.protected_names)

    def clean(self, name: str, outlet: str, published: dt.date, raw: str, kind: str | None = None) -> CleanResult:
        """`kind`: the raw text's input kind (`page_dumps.input_kind`), found from the text if not given."""
        profile = self.profiles.get(outlet, OutletProfile(outlet)).with_generic(self.profiles.get(GENERIC_PROFILE))
        return clean_text(raw, CleanContext(name, published, profile, self.protected, kind or input_kind(raw)))


def rebuild(raw: str, edits) -> str:
    """The clean text from the raw text and the edits alone (edits in clean order)."""
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.clean_start, e.clean_end)):
        if e.raw_start < pos or raw[e.raw_start : e.raw_end] != e.raw_text:
            raise ValueError(f"edit {e} does not fit the raw text")
        out.append(raw[pos : e.raw_start])
        out.append(e.clean_text)
        pos = e.raw_end
    out.append(raw[pos:])
    return "".join(out)
