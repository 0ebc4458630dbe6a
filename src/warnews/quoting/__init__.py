"""quoting: quotations in any English news text and who said them, along its seams.

`marks` finds quotations by their quotation marks; `attribution` gives each its speech verb and
speaker as printed by patterns of English; `syntax` gives them from spaCy's dependency parse
(optional: `warnews[ner]`); `resolution` says who a printed speaker is inside the document;
`indirect` finds reported speech that no quotation mark opens; `rows` makes the quotes table's
rows. The rule quote layer and the parse-based one (warnews.layers) share every part but
`syntax`.
"""
