"""store: values kept on disk under a key of everything they depend on.

One content-addressed store for the build's caches (a document's result, a stage's result, the
document order's memo). An entry is MessagePack, never pickle: reading one runs no code, and only
plain values come back (None, booleans, numbers, text, bytes, lists, tuples, dicts, dates) and
the dataclasses the store was opened with, rebuilt field by field. Each entry starts with the
BLAKE2b digest of its bytes, so a flipped bit or an edited byte makes it a miss, never other rows.
An entry is written to a temporary name of its own and renamed into place, so processes writing
the same entry at once never mix bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import uuid
from pathlib import Path
from typing import Callable

import msgpack

FORMAT = b"warnews-store 1\n"
SUFFIX = ".msgpack"
TMP_DIR = ".tmp"  # temporary names, in one folder per store so that a sweep need not walk the store
_DIGEST = 32
_DATE, _TUPLE, _OBJECT = 1, 2, 3  # MessagePack extension types


class Damaged(ValueError):
    """An entry that is not what the store wrote."""


class Store:
    def __init__(self, folder: Path, enabled: bool = True, types: tuple[type, ...] = ()):
        self.folder, self.enabled = folder, enabled
        self.types = {cls.__qualname__: cls for cls in types}

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{SUFFIX}"

    def has(self, key: str) -> bool:
        return self.enabled and self.path(key).is_file()

    def get(self, key: str):
        """The value under key, or None (also for a damaged entry)."""
        if not self.enabled:
            return None
        try:
            return self.decode(self.path(key).read_bytes())
        except (OSError, Damaged):
            return None

    def put(self, key: str, value) -> None:
        if not self.enabled:
            return
        path = self.path(key)
        tmp = self.folder / TMP_DIR / f"{path.name}.{os.getpid()}-{uuid.uuid4().hex}"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:
            tmp.write_bytes(self.encode(value))
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def get_or_make(self, key: str, make: Callable):
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def encode(self, value) -> bytes:
        payload = msgpack.packb(value, default=self._pack, strict_types=True, use_bin_type=True)
        return FORMAT + hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload

    def decode(self, data: bytes):
        head, digest, payload = data[:len(FORMAT)], data[len(FORMAT):len(FORMAT) + _DIGEST], data[len(FORMAT) + _DIGEST:]
        if head != FORMAT or hashlib.blake2b(payload, digest_size=_DIGEST).digest() != digest:
            raise Damaged("not an entry this store wrote, or changed since")
        try:
            return msgpack.unpackb(payload, ext_hook=self._unpack, raw=False, strict_map_key=False)
        except (ValueError, TypeError, msgpack.UnpackException) as err:
            raise Damaged(str(err)) from None

    def _pack(self, value):
        if type(value) is dt.date:
            return msgpack.ExtType(_DATE, value.isoformat().encode())
        if type(value) is tuple:
            return msgpack.ExtType(_TUPLE, self._packb(list(value)))
        if type(value).__qualname__ in self.types and type(value) is self.types[type(value).__qualname__]:
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return msgpack.ExtType(_OBJECT, self._packb([type(value).__qualname__, fields]))
        for plain in (bool, int, float, str, bytes, list, dict):  # a subclass is kept as its plain type
            if isinstance(value, plain):
                return plain(value)
        raise TypeError(f"the store keeps plain values and {', '.join(self.types) or 'no classes'}, "
                        f"not {type(value).__qualname__}")

    def _packb(self, value) -> bytes:
        return msgpack.packb(value, default=self._pack, strict_types=True, use_bin_type=True)

    def _unpack(self, code: int, data: bytes):
        if code == _DATE:
            return dt.date.fromisoformat(data.decode())
        inner = msgpack.unpackb(data, ext_hook=self._unpack, raw=False, strict_map_key=False)
        if code == _TUPLE:
            return tuple(inner)
        if code == _OBJECT:
            name, fields = inner
            cls = self.types.get(name)
            if cls is None or not isinstance(fields, dict) or set(fields) != {f.name for f in dataclasses.fields(cls)}:
                raise Damaged(f"an entry names the class {name!r}, which this store does not hold")
            return cls(**fields)
        raise Damaged(f"unknown extension type {code}")
