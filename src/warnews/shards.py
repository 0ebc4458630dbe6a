"""shards: the container files of imported raw records, read one record at a time.

A shard is zstd-compressed JSON Lines in zstd's seekable format: independent frames of at most
RECORDS_PER_FRAME lines each, preceded by a skippable frame that says how many lines a frame holds
and followed by the seek table (each frame's compressed and decompressed size) in a skippable frame
at the end. Any zstd tool decompresses a shard whole (skippable frames are skipped); warnews reads a
record by decompressing its frame alone, so a build that visits records in doc_id order, jumping
between shards, never decompresses a whole shard per record. A shard without these frames (as
`warnews import` wrote them in 1.4.0) is read whole.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import zstandard

from warnews.errors import WarnewsError

RECORDS_PER_FRAME = 64
LEVEL = 10
_HEADER_MAGIC = 0x184D2A50  # a skippable frame: {"warnews_shard": 1, "records_per_frame": N}
_SEEK_TABLE_MAGIC = 0x184D2A5E  # the seekable format's skippable frame
_SEEKABLE_MAGIC = 0x8F92EAB1  # the seekable format's footer


def _skippable(magic: int, payload: bytes) -> bytes:
    return struct.pack("<II", magic, len(payload)) + payload


def encode(lines: list[bytes]) -> bytes:
    """The bytes of a shard holding `lines` (each ending with a newline): the same lines give the
    same bytes (fixed level, no checksum, no dictionary)."""
    compressor = zstandard.ZstdCompressor(level=LEVEL, write_checksum=False, write_content_size=True)
    frames, table = [], b""
    for i in range(0, len(lines), RECORDS_PER_FRAME):
        block = b"".join(lines[i:i + RECORDS_PER_FRAME])
        frames.append(compressor.compress(block))
        table += struct.pack("<II", len(frames[-1]), len(block))
    header = json.dumps({"warnews_shard": 1, "records_per_frame": RECORDS_PER_FRAME}, sort_keys=True).encode()
    footer = struct.pack("<IBI", len(frames), 0, _SEEKABLE_MAGIC)
    return _skippable(_HEADER_MAGIC, header) + b"".join(frames) + _skippable(_SEEK_TABLE_MAGIC, table + footer)


@dataclass(frozen=True)
class _Layout:
    per_frame: int
    frames: tuple[tuple[int, int], ...]  # (offset, compressed size) of each frame
    count: int  # lines in the shard


def stamp(path: Path) -> tuple[str, int, int, int]:
    """What tells a shard's bytes apart without reading them: path, size, modification and change
    times (any write to a file changes its change time, which nothing can set back)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarnewsError(f"{path}: shard missing; raw records are never moved or removed") from None
    return str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


@lru_cache(maxsize=1024)
def _layout(path: str, size: int, mtime_ns: int, ctime_ns: int) -> _Layout | None:
    """Where each frame is, from the shard's first and last bytes (and its last frame, for the
    count); None for a shard without them."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if size < 17 or struct.unpack("<I", head[:4])[0] != _HEADER_MAGIC:
            return None
        header_length = struct.unpack("<I", head[4:])[0]
        header = json.loads(handle.read(header_length))
        handle.seek(size - 9)
        frames, _, magic = struct.unpack("<IBI", handle.read(9))
        if magic != _SEEKABLE_MAGIC:
            raise WarnewsError(f"{path}: the shard's seek table is damaged; shards are never edited")
        handle.seek(size - 9 - 8 * frames)
        table = handle.read(8 * frames)
        offset, spans = 8 + header_length, []
        for k in range(frames):
            spans.append((offset, struct.unpack("<I", table[8 * k:8 * k + 4])[0]))
            offset += spans[-1][1]
        tail = 0
        if frames:
            handle.seek(spans[-1][0])
            tail = len(_split(_decompress(handle.read(spans[-1][1]), path)))
    per_frame = header["records_per_frame"]
    return _Layout(per_frame, tuple(spans), (frames - 1) * per_frame + tail if frames else 0)


@lru_cache(maxsize=64)
def _frame(path: str, size: int, mtime_ns: int, ctime_ns: int, k: int) -> tuple[bytes, ...]:
    layout = _layout(path, size, mtime_ns, ctime_ns)
    offset, compressed = layout.frames[k]
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read(compressed)
    return _split(_decompress(data, path))


@lru_cache(maxsize=2)
def _whole(path: str, size: int, mtime_ns: int, ctime_ns: int) -> tuple[bytes, ...]:
    return _split(_decompress(Path(path).read_bytes(), path))


def _decompress(data: bytes, path: str) -> bytes:
    try:
        return zstandard.ZstdDecompressor().decompressobj(read_across_frames=True).decompress(data)
    except zstandard.ZstdError as err:
        raise WarnewsError(f"{path}: not a readable zstd file ({err}); shards are written by `warnews import`") from None


def _split(data: bytes) -> tuple[bytes, ...]:
    return tuple(data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n"))


def count(shard: Path) -> int:
    """How many records a shard holds."""
    key = stamp(shard)
    layout = _layout(*key)
    return layout.count if layout else len(_whole(*key))


def line(shard: Path, n: int) -> bytes:
    """The n-th record (from 1) of a shard, as its JSON line without the newline."""
    key = stamp(shard)
    layout = _layout(*key)
    total = layout.count if layout else len(_whole(*key))
    if not 1 <= n <= total:
        raise WarnewsError(f"{shard}: has no line {n} (it has {total}); shards are never edited")
    if layout is None:
        return _whole(*key)[n - 1]
    return _frame(*key, (n - 1) // layout.per_frame)[(n - 1) % layout.per_frame]


def lines(shard: Path) -> list[bytes]:
    """Every record of a shard, in order."""
    return [line(shard, n) for n in range(1, count(shard) + 1)]
