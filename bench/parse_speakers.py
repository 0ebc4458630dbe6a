"""Benchmark: speakers as printed from spaCy's dependency parse, beside the quote rules, on PolNeAR.

The measurement a parse-based attribution layer is to be built from. Each article of a PolNeAR
split is parsed once (`nlp.pipe`, en_core_web_sm 3.8.0 as the spaCy mention layer loads it); every
quotation `find_quotations` finds gets a speaker from the parse: the verb that governs the
quotation (a speech verb first, the nearest otherwise; in its own paragraph and outside every
quotation's marks), then that verb's subject (nsubj, a passive's agent, nsubjpass, an object
after a speech verb that follows the quotation, climbing conj/xcomp/advcl/ccomp for
`X said … and added`), printed as the subject's phrase cut at a comma, parenthesis or relative
clause. Scored with bench/polnear.py's gold, matching and head-word rule in variants: the rules
alone, (a) the parse alone, (b) the rules then the parse, (c) the parse then the rules; `+` lets
a quotation the parse gives no speaker take the one before it (`“A,” X said. “B.”`).

    python bench/parse_speakers.py [--shared ../shared] --split train|dev [--examples N] [para|same]

Needs the spaCy model (`pip install -e '.[ner]'`). --examples prints errors of the train split
only: dev is for measuring.
"""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import polnear  # beside this file
from warnews.quoting.attribution import CUES, find_quotations
from warnews.parse import load_model

# speech verbs by form (the project's pipeline has no lemmatizer): the rule layer's cues and a few more
SPEECH = set(CUES) | set("""
say add tell write note state emphasize stress warn urge announce declare explain ask insist continue conclude
recall joke tweet post argue claim accuse allege describe call term mention comment reply respond answer
acknowledge admit suggest promise vow threaten predict caution complain lament quip reiterate assure observe
remark affirm confirm deny report speak express demand pledge wonder shout exclaim quote quoted quoting read reads
counter countered counters boast boasted boasts brag bragged told conceded concede concedes contended contends
contend testified testify recounted explained chanted yelled screamed retorted proclaimed insisted mused
put puts writes wrote asserted asserts asserting charged charges touted touts scoffed sneered declared
""".split())
QUOTE_MARKS = set("“”\"‘’'«»") | {"''", "``"}
CLAUSE = {"ccomp", "xcomp", "dobj", "parataxis", "advcl", "conj", "dep", "oprd", "attr", "acomp", "npadvmod", "pobj"}
SUBJ = ("nsubj", "nsubjpass", "csubj")


def is_verb(t) -> bool:
    return t.pos_ in ("VERB", "AUX")


def subject(v, quoted, after_quote=False, depth: int = 0):
    """The subject of verb v: nsubj, else a passive's agent (`was said by X`), else nsubjpass
    (`X was quoted as saying`), else that of the verb it is coordinated with / hangs from
    (`X said … and added`, `X responded, calling it …`, `X is expected to say`). A subject or a
    verb inside a quotation is no speaker's (`X said Romney “had …,” adding`)."""
    kids = [c for c in v.children if not quoted(c)]
    if not quoted(v):
        for c in kids:
            if c.dep_ == "nsubj":
                return c
        for c in kids:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        for c in kids:
            if c.dep_ == "nsubjpass":
                return c
        if after_quote and v.lower_ in SPEECH:  # `“…,” added another Democrat` / `asked the boy` (parsed as object)
            for c in kids:
                if c.dep_ in ("dobj", "attr", "npadvmod") and c.i > v.i and c.pos_ in ("NOUN", "PROPN"):
                    return c
        if after_quote and not is_verb(v):  # `“…,” the email read`, `“…,” Trump barked` (the cue tagged a noun)
            for c in kids:
                if c.dep_ == "compound" and c.i < v.i:
                    return c
    if depth < 4 and (v.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp", "prep") or quoted(v)) and v.head is not v:
        return subject(v.head, quoted, False, depth + 1)
    if v.dep_ == "relcl" and v.head.pos_ in ("NOUN", "PROPN"):  # `Smith, who said “…”` without `who`
        return v.head
    return None


def according(tokens):
    """`according to X`: the pobj of `to` under `according`."""
    for t in tokens:
        if t.lower_ == "according":
            for p in t.children:
                if p.lower_ == "to":
                    for o in p.children:
                        if o.dep_ == "pobj":
                            return o
    return None


def np_span(s, doc, quoted):
    """The subject's phrase as PolNeAR prints a source: the subject token's subtree (modifiers
    after the head too: `a longtime adviser to both Clintons`, `one Republican involved in the
    planning`), cut at the first comma, parenthesis, dash, quotation mark, line break or relative
    clause after the head, and before the head at a quotation mark or line break."""
    stops = {",", "(", "—", "–", "--", ";", ":"} | QUOTE_MARKS
    relcl = [c.left_edge.i for c in s.rights if c.dep_ == "relcl"]
    end = s.i
    for t in doc[s.i + 1:s.right_edge.i + 1]:
        if t.text in stops or "\n" in t.text or quoted(t) or t.i in relcl:
            break
        end = t.i
    start = s.i
    while start > s.left_edge.i:
        t = doc[start - 1]
        if t.text in QUOTE_MARKS or quoted(t) or "\n" in t.text:
            break
        start -= 1
    while start < s.i and doc[start].is_punct:
        start += 1
    while end > s.i and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    return doc[start:end + 1]


def speech_score(v) -> int:
    return 2 if v.lower_ in SPEECH else 1


def climb(h, outside):
    """From the word a quotation hangs from up to the nearest verb outside it (through nouns and
    prepositions: `his comment that “…”`); a sentence's root whatever its tag (`“…,” Trump barked`
    with `barked` tagged a noun)."""
    for _ in range(4):
        if outside(h) and (is_verb(h) or h.head is h):
            return h
        if h.head is h:
            return None
        h = h.head
    return None


def parse_speaker(q, doc, quotes):
    """(subject token span, verb) the parse gives quotation q, or None. Verb and subject must lie
    in q's paragraph (spaCy often joins paragraphs into one sentence) and outside every quotation."""
    text = doc.text
    par_start, par_end = text.rfind("\n", 0, q.open) + 1, text.find("\n", q.close)
    par_end = len(text) if par_end < 0 else par_end
    spans = [(r.open, r.close) for r in quotes]
    quoted = lambda t: any(o <= t.idx <= c for o, c in spans)  # noqa: E731
    lo, hi = par_start, par_end
    inside = lambda t: q.open <= t.idx <= q.close or not lo <= t.idx < hi  # noqa: E731
    outside = lambda t: not inside(t) and not quoted(t)  # noqa: E731
    toks = [t for t in doc if q.start <= t.idx < q.end and not t.is_space]
    if not toks:
        return None
    cands = []  # (score, verb)
    for t in toks:
        if not inside(t.head):  # the quotation hangs from a word outside it
            v = climb(t.head, outside)
            if v is not None:
                cands.append((speech_score(v), v))
        for c in t.children:  # a verb outside hangs from the quotation's (`“…,” X said` parsed the other way)
            if outside(c) and is_verb(c) and c.dep_ in CLAUSE:
                cands.append((speech_score(c), c))
    near = [t for t in doc if outside(t) and t.sent.start in {k.sent.start for k in toks}]
    acc = according(near)
    if acc is not None:
        return np_span(acc, doc, quoted), acc.head.head
    if not cands:
        # by position, where the parse joins the quotation to another sentence: a speech verb in
        # the clause right after it (`“…,” Ms. Conway added`) or right before it (`X said, “…”`)
        after = []
        for t in doc[toks[-1].i + 1:]:
            if t.idx < q.close or t.text in QUOTE_MARKS and t.idx <= q.close + 2:
                continue
            if t.idx >= par_end or quoted(t) or t.text in (".", "!", "?", ";"):
                break
            after.append(t)
        before = []
        for t in reversed(doc[:toks[0].i]):
            if t.idx >= q.open:
                continue
            if t.idx < par_start or quoted(t) or t.text in (".", "!", "?", ";"):
                break
            before.append(t)
        for t in after[:8] + before[:8]:
            if t.lower_ in SPEECH and (is_verb(t) or t.head is t):
                cands.append((2, t))
                break
        # a colon ending the text before it, in its paragraph or the previous one (`Cruz continued:⏎⏎“…”`)
        j = toks[0].i - 1
        while j > 0 and (doc[j].is_space or doc[j].text in QUOTE_MARKS):
            j -= 1
        if doc[j].text == ":" and not quoted(doc[j]) and text.count("\n", doc[j].idx, q.open) <= 2:
            lo = text.rfind("\n", 0, doc[j].idx) + 1
            v = climb(doc[j].head, outside)
            if v is not None:
                cands.append((2, v))
    # a quotation that is its own sentence(s): the next sentence when it opens with its speech verb
    # and subject (`“…” he says to Reynolds from …`)
    if not cands:
        last = toks[-1].sent
        if last.end < len(doc) and last.end_char <= q.close + 3:
            nxt = doc[last.end].sent
            if nxt.root.lower_ in SPEECH and nxt.root.i - nxt.start <= 6 and outside(nxt.root):
                cands.append((2, nxt.root))
    for score, v in sorted(cands, key=lambda c: (-c[0], c[1].idx - q.close if c[1].idx > q.close else q.open - c[1].idx)):
        s = subject(v, quoted, v.idx > q.close)
        if s is not None and outside(s):
            return np_span(s, doc, quoted), v
    return None


SHOW = "c+"


def continues(text, prev, q):
    """q goes on with the quotation before it: same paragraph, or q opens the next paragraph and
    nothing but the previous quotation's attribution clause stands between."""
    between = text[prev.close + 1:q.open]
    if "\n" not in between:
        return True
    if MODE == "para" and between.count("\n\n") <= 1 and not text[text.rfind("\n", 0, q.open) + 1:q.open].strip():
        last = between[:between.find("\n")]
        return len(last.split()) <= 12 and last.strip()[-1:] in ".,:" or not last.strip()
    return False


MODE = "para"


def run(folder: Path, split: str, examples: int) -> dict:
    with open(folder / f"{split}.jsonl", encoding="utf-8") as handle:
        documents = [json.loads(line) for line in handle if line.strip()]
    texts = [d["text"] for d in documents]
    nlp = load_model()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse_s = time.perf_counter() - t0
    words = sum(1 for d in docs for t in d if not t.is_space and not t.is_punct)
    variants = ("rule", "a", "a+", "b", "b+", "c", "c+")
    right, none = Counter(), Counter()
    n = 0
    errs = []
    kinds = Counter()
    for doc_json, doc in zip(documents, docs):
        text = doc_json["text"]
        assert doc.text == text
        gold, _ = polnear.direct_quotations(text, doc_json["attributions"])
        predicted = find_quotations(text)
        parsed = {id(q): parse_speaker(q, doc, predicted) for q in predicted}
        ptext = {k: (v[0].text if v else None) for k, v in parsed.items()}
        chain, prev = {}, None  # the parse's own continuation: the speaker of the quotation before, same paragraph
        for q in predicted:
            chain[id(q)] = ptext[id(q)]
            if chain[id(q)] is None and prev is not None and continues(text, prev, q):
                chain[id(q)] = chain[id(prev)]
            prev = q
        for i, j in polnear.match(gold, predicted):
            g, q = gold[i], predicted[j]
            if g["source"] is None:
                continue
            n += 1
            rule = q.speaker_text or (q.printed and q.printed.speaker_text)
            par = ptext[id(q)]
            found = {"rule": rule, "a": par, "a+": chain[id(q)], "b": rule or par, "b+": rule or chain[id(q)],
                     "c": par or rule, "c+": chain[id(q)] or rule}
            expected = polnear.head(g["source"][2])
            for k in variants:
                h = polnear.head(found[k])
                right[k] += h == expected
                none[k] += h is None
            if polnear.head(found[SHOW]) != expected:
                v = parsed[id(q)]
                kinds[("none" if polnear.head(found[SHOW]) is None else "wrong, from the parse" if par
                       else "wrong, continued" if chain[id(q)] else "wrong, from the rule layer")] += 1
                errs.append(f"gold {g['source'][2]!r} | parse {par!r} via {v[1].text if v else None!r} | rule {rule!r}"
                            f"\n    {text[max(0, q.open - 90):q.close + 60]!r}")
    out = {"split": split, "docs": len(docs), "matched with source": n, "words": words,
           "parse s": round(parse_s, 1), "words/s": round(words / parse_s)}
    for k in variants:
        out[k] = f"right {right[k] / n:.3f} none {none[k] / n:.3f} wrong {(n - right[k] - none[k]) / n:.3f}"
    out[f"{SHOW} errors"] = dict(kinds)
    if examples:
        for e in errs[::max(1, len(errs) // examples)][:examples]:
            print(e)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--split", default="train", choices=("train", "dev"))
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("mode", nargs="?", default="para", choices=("para", "same"), help="continuation across a paragraph break or not")
    args = ap.parse_args()
    MODE = args.mode
    folder = args.shared / "gold-dev" / "polnear"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: not found; give --shared")
    print(json.dumps(run(folder, args.split, args.examples if args.split == "train" else 0), indent=1))
