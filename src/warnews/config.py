"""config: one object for a repository's (or a collection's) paths and build settings.

warnews.yaml is read once, here; the sizes a build works in are settings with their reasons,
not constants scattered over modules; `Config.settings` is what build.json records of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from warnews import registry
from warnews.clean import MAX_PASSES, RULE_NAMES
from warnews.errors import WarnewsError
from warnews.ingest import read_yaml

CONFIG_FILE = "warnews.yaml"
# Where builds keep what they may reuse (results by key, the document order's memo).
CACHE_DIR = Path("build") / "cache"


@dataclass(frozen=True)
class Config:
    root: Path
    # The layers a build runs, in order: warnews.yaml's `layers`, else every rule layer.
    layer_names: tuple[str, ...]
    # Documents per validation batch: big enough that pandera's per-call cost is spread thin, small
    # enough that a batch's rows stay a few megabytes.
    batch_documents: int = 2_000
    # Rows per Parquet row group; fixed so that the file layout does not depend on anything else.
    row_group_size: int = 10_000
    # Up to this many documents the build reports each one; beyond, every this many.
    progress_every: int = 100

    @classmethod
    def load(cls, root: Path) -> Config:
        path = Path(root) / CONFIG_FILE
        if not path.is_file():
            return cls(Path(root), tuple(registry.rule_layers()))
        data = read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("layers"), list) or set(data) - {"layers"}:
            raise WarnewsError(f"{path}: expected a mapping with one key, `layers`, a list of layer names")
        return cls(Path(root), tuple(data["layers"]))

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def layers(self) -> tuple[registry.Layer, ...]:
        """The configured layers, loaded and checked (a model layer that is not installed, or
        whose weights differ from the ones named, stops the build with what to do)."""
        return registry.configured(self.layer_names, str(self.config_file))

    def settings(self, as_of: dt.date) -> dict:
        """What build.json records of the build's own settings: rule order, layer versions and
        the libraries they need, sizes, date."""
        configured = self.layers()
        return {"as_of": as_of.isoformat(), "cleaning_rules": list(RULE_NAMES), "cleaning_passes_max": MAX_PASSES,
                "automatic_layers": [layer.name for layer in configured],
                "model_libraries": registry.libraries(configured), "batch_documents": self.batch_documents,
                "row_group_size": self.row_group_size}
