"""store: values kept on disk under a key of everything they depend on.

One content-addressed store for the build's caches (a document's result, a stage's result, the
document order's memo): an entry is written to a temporary name of its own and renamed into
place, so processes writing the same entry at once never mix bytes, and a damaged entry is a miss.
"""

from __future__ import annotations

import os
import pickle
import uuid
from pathlib import Path
from typing import Callable


class Store:
    def __init__(self, folder: Path, enabled: bool = True):
        self.folder, self.enabled = folder, enabled

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        return self.enabled and self.path(key).is_file()

    def get(self, key: str):
        """The value under key, or None (also for a damaged entry)."""
        if not self.enabled:
            return None
        try:
            return pickle.loads(self.path(key).read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is only a miss
            return None

    def put(self, key: str, value) -> None:
        if not self.enabled:
            return
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=5))
        tmp.replace(path)

    def get_or_make(self, key: str, make: Callable):
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value
