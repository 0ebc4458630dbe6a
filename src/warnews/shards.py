"""shards: the container files of imported raw records, read one record at a time.

A shard is zstd-compressed JSON Lines in zstd's seekable format: independent frames of at most
RECORDS_PER_FRAME lines each, preceded by a skippable frame that says how many lines a frame holds
and followed by the seek table (each frame's compressed and decompressed size) in a skippable frame
at the end. Any zstd tool decompresses a shard whole (skippable frames are skipped); warnews reads a
record by decompressing its frame alone, so a build that visits records in doc_id order, jumping
between shards, never decompresses a whole shard per record. A shard without these frames (as
`warnews import` wrote them in 1.4.0) is read whole.

Nothing damaged reads as data: every frame of a version-2 shard ends with zstd's checksum of its
content (any zstd tool checks it too), the header and seek table are checked against the file's
size, and decompression stops at the first record over MAX_LINE_BYTES or frame over its record
count. Version-1 shards (1.5.0) have no frame checksums: their raw texts are still checked against
their sha256, their metadata is not.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import zstandard

from warnews.errors import WarnewsError

RECORDS_PER_FRAME = 64
LEVEL = 10
VERSION = 2  # 2: every frame carries zstd's checksum of its content (1: none, as 1.5.0 wrote them)
# Limits that hold while a shard is decompressed, so a damaged or hostile shard stops early: a
# line is a record, whose raw text is at most ingest.MAX_RAW_BYTES (5 MiB) before JSON escapes it;
# `warnews import` writes at most MAX_RECORDS records to a shard.
MAX_LINE_BYTES = 12 * 1024 * 1024
MAX_RECORDS = 2_000
_HEADER_MAGIC = 0x184D2A50  # a skippable frame: {"warnews_shard": N, "records_per_frame": N}
_SEEK_TABLE_MAGIC = 0x184D2A5E  # the seekable format's skippable frame
_SEEKABLE_MAGIC = 0x8F92EAB1  # the seekable format's footer
_CHUNK = 1 << 20


def _skippable(magic: int, payload: bytes) -> bytes:
    return struct.pack("<II", magic, len(payload)) + payload


def encode(lines: list[bytes]) -> bytes:
    """The bytes of a shard holding `lines` (each ending with a newline): the same lines give the
    same bytes (fixed level, no dictionary); each frame ends with the checksum of its content."""
    if len(lines) > MAX_RECORDS:
        raise WarnewsError(f"a shard holds at most {MAX_RECORDS} records, not {len(lines)}")
    compressor = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True, write_content_size=True)
    frames, table = [], b""
    for i in range(0, len(lines), RECORDS_PER_FRAME):
        block = b"".join(lines[i:i + RECORDS_PER_FRAME])
        frames.append(compressor.compress(block))
        table += struct.pack("<II", len(frames[-1]), len(block))
    header = json.dumps({"warnews_shard": VERSION, "records_per_frame": RECORDS_PER_FRAME}, sort_keys=True).encode()
    footer = struct.pack("<IBI", len(frames), 0, _SEEKABLE_MAGIC)
    return _skippable(_HEADER_MAGIC, header) + b"".join(frames) + _skippable(_SEEK_TABLE_MAGIC, table + footer)


@dataclass(frozen=True)
class _Layout:
    version: int
    per_frame: int
    frames: tuple[tuple[int, int, int], ...]  # (offset, compressed size, content size) of each frame
    count: int  # lines in the shard


def stamp(path: Path) -> tuple[str, int, int, int]:
    """What tells a shard's bytes apart without reading them: path, size, modification and change
    times (any write to a file changes its change time, which nothing can set back)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarnewsError(f"{path}: shard missing; raw records are never moved or removed") from None
    return str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _damaged(path: str, what: str) -> WarnewsError:
    return WarnewsError(f"{path}: {what}; the shard is damaged (shards are never edited): restore it from a copy "
                        "or from the collection it was imported from")


@lru_cache(maxsize=1024)
def _layout(path: str, size: int, mtime_ns: int, ctime_ns: int) -> _Layout | None:
    """Where each frame is, from the shard's first and last bytes (and its last frame, for the
    count); None for a shard without them. Every size is checked against the file's."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if size < 17 or struct.unpack("<I", head[:4])[0] != _HEADER_MAGIC:
            return None
        header_length = struct.unpack("<I", head[4:])[0]
        if header_length > 1024 or 8 + header_length + 17 > size:
            raise _damaged(path, "its header frame has an impossible length")
        try:
            header = json.loads(handle.read(header_length))
            version, per_frame = int(header["warnews_shard"]), int(header["records_per_frame"])
        except (ValueError, KeyError, TypeError):
            raise _damaged(path, "its header frame is not the JSON warnews writes") from None
        if version not in (1, VERSION) or not 1 <= per_frame <= MAX_RECORDS:
            raise _damaged(path, f"its header says version {version}, {per_frame} records a frame")
        handle.seek(size - 9)
        frames, descriptor, magic = struct.unpack("<IBI", handle.read(9))
        table_start = size - 9 - 8 * frames
        if magic != _SEEKABLE_MAGIC or descriptor != 0 or table_start < 8 + header_length + 8:
            raise _damaged(path, "its seek table is damaged")
        handle.seek(table_start - 8)
        table_magic, table_length = struct.unpack("<II", handle.read(8))
        table = handle.read(8 * frames)
        offset, spans = 8 + header_length, []
        for k in range(frames):
            compressed, content = struct.unpack("<II", table[8 * k:8 * k + 8])
            spans.append((offset, compressed, content))
            offset += compressed
        if table_magic != _SEEK_TABLE_MAGIC or table_length != 8 * frames + 9 or offset != table_start - 8:
            raise _damaged(path, "its seek table does not match the frames")
        if frames * per_frame > MAX_RECORDS + per_frame:
            raise _damaged(path, f"its seek table lists {frames} frames")
        tail = 0
        if frames:
            handle.seek(spans[-1][0])
            tail = len(_decode_frame(handle.read(spans[-1][1]), path, version, per_frame, spans[-1][2]))
    return _Layout(version, per_frame, tuple(spans), (frames - 1) * per_frame + tail if frames else 0)


@lru_cache(maxsize=64)
def _frame(path: str, size: int, mtime_ns: int, ctime_ns: int, k: int) -> tuple[bytes, ...]:
    layout = _layout(path, size, mtime_ns, ctime_ns)
    offset, compressed, content = layout.frames[k]
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read(compressed)
    lines = _decode_frame(data, path, layout.version, layout.per_frame, content)
    if k < len(layout.frames) - 1 and len(lines) != layout.per_frame:
        raise _damaged(path, f"frame {k + 1} holds {len(lines)} records, not the {layout.per_frame} its header says")
    return lines


def _decode_frame(data: bytes, path: str, version: int, per_frame: int, content: int) -> tuple[bytes, ...]:
    """One frame's lines; a version-2 frame must carry its checksum, which zstd checks."""
    try:
        params = zstandard.get_frame_parameters(data)
    except zstandard.ZstdError:
        raise _damaged(path, "a frame does not start as a zstd frame") from None
    if version >= 2 and not params.has_checksum:
        raise _damaged(path, "a frame lacks its checksum")
    lines = _lines(data, path, per_frame)
    if not lines or sum(len(line) + 1 for line in lines) != content:
        raise _damaged(path, "a frame's content is not the size its seek table records")
    return lines


@lru_cache(maxsize=2)
def _whole(path: str, size: int, mtime_ns: int, ctime_ns: int) -> tuple[bytes, ...]:
    return _lines(Path(path).read_bytes(), path, MAX_RECORDS)


def _lines(data: bytes, path: str, most: int) -> tuple[bytes, ...]:
    """The newline-ended lines zstd data decompresses to, stopping as soon as a line is longer than
    MAX_LINE_BYTES or there are more than `most`: nothing is decompressed past the limits."""
    lines, partial = [], b""
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
        while chunk := reader.read(_CHUNK):
            pieces = (partial + chunk).split(b"\n")
            partial = pieces.pop()
            lines += pieces
            if len(lines) > most or len(partial) > MAX_LINE_BYTES or any(len(p) > MAX_LINE_BYTES for p in pieces):
                raise _damaged(path, f"it decompresses to more than {most} records or a record over "
                               f"{MAX_LINE_BYTES:,} bytes")
    except zstandard.ZstdError as err:
        raise _damaged(path, f"not a readable zstd file ({err})") from None
    if partial:
        lines.append(partial)
    return tuple(lines)


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
