"""syntax: a quotation's speech verb and speaker as printed, read from spaCy's dependency parse.

The verb that governs a quotation is found from the quotation's words: the word outside it that
a quoted word hangs from, climbed through nouns and prepositions to the nearest verb (`his
comment that “…”`), or a verb outside that hangs from a quoted word (`“…,” X said` parsed the
other way); speech verbs (by form: the pipeline runs without its lemmatizer) come first, then
the nearest. The speaker is that verb's subject: nsubj, a passive's agent (`was quoted by X`),
nsubjpass (`X was quoted as saying`), the noun after a speech verb that follows the quotation
(`“…,” added another Democrat`, parsed as an object), climbing coordination, open and adverbial
clauses for `X said … and added “…”` and `X responded, calling it “…”`, and the noun a relative
clause hangs from (`Smith, who said “…”`); `according to X` gives X. Where the parse joins the
quotation to another sentence, the speech verb of the clause right after or before it, of a
colon ending the text before it, or of the next sentence when that sentence opens with it.

A relative pronoun is printed as it stands and resolved to the noun it stands for (`X, who
warned of “…”`); a subject that is no noun or pronoun (a number, an adjective: `Eight of the
drones were “…”`) of a verb that is no speech verb is no speaker.

Verb and subject must stand in the quotation's paragraph (the small model often joins
paragraphs into one sentence) and outside every quotation's marks. The speaker as printed is the
subject's phrase: its subtree, cut at a comma, parenthesis, dash, quotation mark, line break or
relative clause after the head word, then without a title before a full name, as the rule layer
prints it (`NATO Secretary General Jens Stoltenberg` -> `Jens Stoltenberg`); a description with a
name in apposition is printed whole, as the text gives it, and resolved by the name (`The
governor of the region, Vasyl Tkachenko` -> Vasyl Tkachenko).
"""

from __future__ import annotations

from dataclasses import dataclass

from warnews.lexicon.names import People
from warnews.quoting.attribution import CUES, attributed, name_part
from warnews.quoting.marks import Quotation
from warnews.quoting.resolution import Said, resolve

# Speech verbs by form: the rule layer's cues and more forms of the same and other verbs.
SPEECH = frozenset(CUES) | frozenset("""
say add tell write note state emphasize stress warn urge announce declare explain ask insist continue conclude
recall joke tweet post argue claim accuse allege describe call term mention comment reply respond answer
acknowledge admit suggest promise vow threaten predict caution complain lament quip reiterate assure observe
remark affirm confirm deny report speak express demand pledge wonder shout exclaim quote quoted quoting read reads
counter countered counters boast boasted boasts brag bragged told conceded concede concedes contended contends
contend testified testify recounted explained chanted yelled screamed retorted proclaimed insisted mused
put puts writes wrote asserted asserts asserting charged charges touted touts scoffed sneered declared
""".split())
# Nouns for what someone said or wrote: their owner is the speaker (`X’s remarks that “…”`).
SPEECH_NOUNS = frozenset("comment comments remark remarks statement statements words message tweet post letter "
                         "speech claim claims warning answer reply response interview".split())
QUOTE_MARKS = frozenset("“”\"‘’'«»") | {"''", "``"}
# Dependencies by which a verb outside a quotation may hang from a word inside it.
CLAUSE = frozenset("ccomp xcomp dobj parataxis advcl conj dep oprd attr acomp npadvmod pobj".split())
# Dependencies a subject search climbs from a verb to the verb it hangs from.
CLIMB = frozenset("conj xcomp advcl ccomp pcomp prep".split())
# Tokens that end a speaker's phrase after its head word.
_PHRASE_STOPS = frozenset({",", "(", "—", "–", "--", ";", ":"}) | QUOTE_MARKS


@dataclass(frozen=True)
class Attribution:
    """The speaker as printed ([start, end) of the text) and the cue that introduces the speech."""

    start: int
    end: int
    cue: str | None
    name: tuple[int, int] | None = None  # the name in apposition the phrase prints, which resolution reads


def _is_verb(token) -> bool:
    return token.pos_ in ("VERB", "AUX")


class _Frame:
    """Where q's attribution may be: inside q's paragraph, outside every quotation's marks."""

    def __init__(self, text: str, q: Quotation, quotes: list[Quotation]):
        self.q = q
        self.paragraph = (text.rfind("\n", 0, q.open) + 1, len(text) if text.find("\n", q.close) < 0
                          else text.find("\n", q.close))
        self.marks = [(r.open, r.close) for r in quotes]

    def quoted(self, token) -> bool:
        return any(o <= token.idx <= c for o, c in self.marks)

    def inside(self, token) -> bool:
        """In q's marks or outside its paragraph: no place for its attribution."""
        return self.q.open <= token.idx <= self.q.close or not self.paragraph[0] <= token.idx < self.paragraph[1]

    def outside(self, token) -> bool:
        return not self.inside(token) and not self.quoted(token)


def _subject(verb, frame: _Frame, after_quote: bool, depth: int = 0):
    """The token naming who does `verb` (see the module's docstring), or None."""
    kids = [c for c in verb.children if not frame.quoted(c)]
    if not frame.quoted(verb):
        for dep in ("nsubj", "agent", "nsubjpass"):
            for c in kids:
                if c.dep_ == dep and dep != "agent":
                    return c
                if c.dep_ == dep:
                    found = next((p for p in c.children if p.dep_ == "pobj"), None)
                    if found is not None:
                        return found
        if after_quote and verb.lower_ in SPEECH:  # `“…,” added another Democrat`, parsed as an object
            for c in kids:
                if c.dep_ in ("dobj", "attr", "npadvmod") and c.i > verb.i and c.pos_ in ("NOUN", "PROPN"):
                    return c
        if after_quote and not _is_verb(verb):  # `“…,” the email read` with the cue tagged a noun
            for c in kids:
                if c.dep_ == "compound" and c.i < verb.i:
                    return c
    if depth < 4 and (verb.dep_ in CLIMB or frame.quoted(verb)) and verb.head is not verb:
        return _subject(verb.head, frame, False, depth + 1)
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return None


def _according(tokens):
    """X of `according to X`."""
    for t in tokens:
        if t.lower_ == "according":
            for p in t.children:
                if p.lower_ == "to":
                    found = next((o for o in p.children if o.dep_ == "pobj"), None)
                    if found is not None:
                        return found
    return None


def _phrase(head, doc, frame: _Frame) -> tuple[int, int]:
    """[start, end) of the speaker's phrase around its head token (see the module's docstring)."""
    relative = {c.left_edge.i for c in head.rights if c.dep_ == "relcl"}
    end = head.i
    for t in doc[head.i + 1:head.right_edge.i + 1]:
        if t.text in _PHRASE_STOPS or "\n" in t.text or frame.quoted(t) or t.i in relative:
            break
        end = t.i
    start = head.i
    while start > head.left_edge.i:
        t = doc[start - 1]
        if t.text in QUOTE_MARKS or frame.quoted(t) or "\n" in t.text:
            break
        start -= 1
    while start < head.i and doc[start].is_punct:
        start += 1
    while end > head.i and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    if end > start and doc[end].dep_ == "case":  # a possessive's `’s`
        end -= 1
    return doc[start].idx, doc[end].idx + len(doc[end].text)


def _climb(token, frame: _Frame):
    """From a word a quotation hangs from up to the nearest verb outside every quotation (a
    sentence's root whatever its tag)."""
    return next(_governors(token, frame), None)


def _governors(token, frame: _Frame, steps: int = 6):
    """The verbs outside every quotation on the way from `token` up to its sentence's root,
    nearest first (a root whatever its tag)."""
    for _ in range(steps):
        if frame.outside(token) and (_is_verb(token) or token.head is token):
            yield token
        if token.head is token:
            return
        token = token.head


def _by_position(doc, tokens, frame: _Frame, text: str) -> list:
    """Speech verbs the parse does not link to the quotation: in the clause right after or right
    before it, or governing a colon that ends the text before it (`X continued:⏎⏎“…”`)."""
    q, (paragraph_start, paragraph_end) = frame.q, frame.paragraph
    after, before = [], []
    for t in doc[tokens[-1].i + 1:]:
        if t.idx < q.close or t.text in QUOTE_MARKS and t.idx <= q.close + 2:
            continue
        if t.idx >= paragraph_end or frame.quoted(t) or t.text in (".", "!", "?", ";"):
            break
        after.append(t)
    for t in reversed(doc[:tokens[0].i]):
        if t.idx >= q.open:
            continue
        if t.idx < paragraph_start or frame.quoted(t) or t.text in (".", "!", "?", ";"):
            break
        before.append(t)
    found = [next((t for t in after[:8] + before[:8] if t.lower_ in SPEECH and (_is_verb(t) or t.head is t)), None)]
    j = tokens[0].i - 1
    while j > 0 and (doc[j].is_space or doc[j].text in QUOTE_MARKS):
        j -= 1
    if doc[j].text == ":" and not frame.quoted(doc[j]) and text.count("\n", doc[j].idx, q.open) <= 2:
        found.append(_climb(doc[j].head, frame))
    return [t for t in found if t is not None]


def _distance(verb, q: Quotation) -> int:
    return verb.idx - q.close if verb.idx > q.close else q.open - verb.idx


def parse_attribution(q: Quotation, doc, quotes: list[Quotation]) -> Attribution | None:
    """q's attribution from the parse `doc` of the text (quotes: every quotation of the text)."""
    text = doc.text
    frame = _Frame(text, q, quotes)
    tokens = [t for t in doc if q.start <= t.idx < q.end and not t.is_space]
    if not tokens:
        return None
    governing, hanging = [], []  # verbs the quotation hangs from, and verbs that hang from it
    for t in tokens:
        if not frame.inside(t.head):
            governing += _governors(t.head, frame)
        hanging += [c for c in t.children if frame.outside(c) and _is_verb(c) and c.dep_ in CLAUSE]
    # a speech verb that governs the quotation, however high (`X said the plan was “…”, while Y
    # warned`), then one hanging from it (`“…,” X said` parsed the other way), then the nearest verb
    nearest_governing = governing[:1] + [v for v in governing if v.lower_ in SPEECH]
    candidates = nearest_governing + hanging
    sentences = {t.sent.start for t in tokens}
    according = _according(t for t in doc if frame.outside(t) and t.sent.start in sentences)
    if according is not None:
        return Attribution(*_phrase(according, doc, frame), "according to")
    if not candidates:
        candidates = _by_position(doc, tokens, frame, text)
    if not candidates:  # a quotation that is its own sentence: the next, where it opens with its speech verb
        last = tokens[-1].sent
        if last.end < len(doc) and last.end_char <= q.close + 3:
            root = doc[last.end].sent.root
            if root.lower_ in SPEECH and root.i - root.sent.start <= 6 and frame.outside(root):
                candidates = [root]
    governs = {v.i for v in nearest_governing}
    for verb in sorted(candidates, key=lambda v: (v.lower_ not in SPEECH, v.i not in governs, _distance(v, q))):
        subject = _subject(verb, frame, verb.idx > q.close)
        if subject is not None and subject.tag_ in ("WP", "WDT") and subject.head.dep_ == "relcl" \
                and subject.head.head.pos_ in ("NOUN", "PROPN") and frame.outside(subject):
            # `A Wess Mitchell, who warned of “…”`: `who` as printed, resolved to whom it stands for
            return Attribution(*_phrase(subject, doc, frame), verb.text if verb.lower_ in SPEECH else None,
                               _phrase(subject.head.head, doc, frame))
        if subject is not None and frame.outside(subject):
            owner = next((c for c in subject.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None)
            if subject.lower_ in SPEECH_NOUNS and owner is not None:
                subject = owner  # `Kovalchuk’s comment that “…” drew criticism`: whose comment
            elif subject.pos_ not in ("NOUN", "PROPN", "PRON") and verb.lower_ not in SPEECH:
                continue  # no speaker: a clause or a number (`training forces`, `as much as 2 points`)
            named = next((c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
            cue = verb.text if verb.lower_ in SPEECH else None
            if subject.pos_ != "PROPN" and named is not None and frame.outside(named):
                # `The governor of the region, Vasyl Tkachenko, said`: the whole phrase as printed,
                # resolved by the name
                name = _phrase(named, doc, frame)
                return Attribution(_phrase(subject, doc, frame)[0], name[1], cue, name)
            return Attribution(*_phrase(subject, doc, frame), cue)
    return None


def continues(text: str, previous: Quotation, q: Quotation) -> bool:
    """q goes on with the quotation before it: in the same paragraph, or opening the next one
    with nothing but the previous quotation's short attribution clause between."""
    between = text[previous.close + 1:q.open]
    if "\n" not in between:
        return True
    if between.count("\n\n") <= 1 and not text[text.rfind("\n", 0, q.open) + 1:q.open].strip():
        last = between[:between.find("\n")]
        return len(last.split()) <= 12 and last.strip()[-1:] in ".,:" or not last.strip()
    return False


def attributed_by_parse(text: str, doc, demonyms: frozenset[str]) -> tuple[list[Quotation], People, list[Said]]:
    """The rule layer's quotations (`attribution.attributed`) with the speakers the parse gives:
    where the parse gives a quotation none, the speaker of the quotation before it when q goes on
    with it (`continues`) and that one's came from the parse, else the rules' own; where the
    verb the parse finds is no speech verb and the rules found a speaker by their cue, the
    rules'."""
    quotes, people, salient = attributed(text, demonyms)
    from_parse: set[int] = set()
    previous = None
    for q in quotes:
        found = parse_attribution(q, doc, quotes)
        if found is not None and found.cue is None and q.speaker_text is not None:
            pass  # the parse's verb is no speech verb (`the attack would be “…”`): the rules' cue is better evidence
        elif found is not None:
            q.speaker_start, q.speaker_end = (found.start, found.end) if found.name else name_part(
                text, (found.start, found.end), demonyms)
            q.cue, q.printed = found.cue or q.cue, None
            q.speaker_text = text[slice(*found.name)] if found.name else text[q.speaker_start:q.speaker_end]
            q.speaker_name, q.speaker_type = resolve(q, people, salient, demonyms)
            q.speaker_text = text[q.speaker_start:q.speaker_end]
            from_parse.add(id(q))
        elif previous is not None and id(previous) in from_parse and continues(text, previous, q):
            q.speaker_text = q.speaker_start = q.speaker_end = None
            q.printed = previous if previous.speaker_text is not None else previous.printed
            q.speaker_name, q.speaker_type, q.resolved_by = previous.speaker_name, previous.speaker_type, "continued"
            from_parse.add(id(q))
        previous = q
    return quotes, people, salient
