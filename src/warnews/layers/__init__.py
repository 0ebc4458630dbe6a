"""layers: the automatic annotation layers, one plug-in module each.

Each module declares its layer with `warnews.registry.register(Layer(...))` (its versioned name,
table, the layers it reads and the libraries it needs) and holds nothing else but what the layer
does; the language data layers share is in `warnews.lexicon`. `warnews.registry.discover`
imports every module here, so a new layer is one new module (docs/adding-a-layer.md).
"""
