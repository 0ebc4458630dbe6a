"""lexicon: the language data the annotation layers share, below them.

`words` (closed lists of English words: titles, offices, function words, pronouns, the calendar),
`places` (countries, cities, subdivisions and nationality words from packages made for them, with
the entity ids and rows made from that data), `names` (what a capitalized run is, and a document's
people) and `gazetteer` (the curated entities as the layers link by). Nothing here imports a
layer; a layer's cache key covers whichever of these modules and data files it reaches.
"""
