"""What survives what: two writers at once, a kill at every step of an import, flipped bits in
shards, cache entries and releases, decompression bombs, a full or read-only disk. The records
are synthetic (test_import's generated paragraphs), the shards and bombs are made by the tests."""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import shutil
import struct
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard

from test_import import FLAGS, paragraph, records, write_jsonl
from warnews import shards
from warnews.build import BuildOptions
from warnews.dedup import DuplicateIndex
from warnews.errors import WarnewsError
from warnews.ingest import find_raw_files
from warnews.lock import writing
from warnews.pipeline import STORED
from warnews.store import Store


def _cli(root: Path, *args: str, script: str = "") -> subprocess.CompletedProcess:
    """`warnews` in a process of its own, after `script` (which may patch the package to die)."""
    code = f"{script}\nimport sys\nfrom warnews.cli import main\nsys.exit(main({['--root', str(root), *args]!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)


def _texts_in_raw(root: Path) -> list[str]:
    """The texts of every record in the collection's shards, in order."""
    return sorted(json.loads(line)["raw"] for shard in sorted((root / "raw").rglob("*.jsonl.zst"))
                  for line in shards.lines(shard))


def _leftovers(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.name.endswith(".tmp")
                  or ".tmp-" in p.name or ".old-" in p.name or p.parent.name == ".tmp")


def _indexed(root: Path) -> int:
    with DuplicateIndex.open(root) as index:
        return index.db.execute("select count(*) from documents").fetchone()[0]


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    root = tmp_path / "collection"
    (root / "raw").mkdir(parents=True)
    return root


# --- two writers ------------------------------------------------------------------------------

def test_a_second_writer_is_refused_and_names_the_first(collection, tmp_path, run):
    source = write_jsonl(tmp_path / "a.jsonl", records(3))
    with writing(collection, "warnews release 9.9.9"):
        done = _cli(collection, "import", str(source), *FLAGS)
    assert done.returncode == 1
    assert "`warnews release 9.9.9` (process" in done.stderr and "one writer at a time" in done.stderr
    assert not list((collection / "raw").rglob("*.jsonl.zst"))
    # the lock died with its holder: the same command now runs
    assert run(collection, "import", str(source), *FLAGS)[0] == 0
    assert len(_texts_in_raw(collection)) == 3


def test_two_imports_at_once_lose_nothing(collection, tmp_path, run):
    """Each import either comes in whole or is refused whole, naming the other; the refused one
    then comes in; the duplicate index counts what raw/ holds."""
    a = write_jsonl(tmp_path / "a.jsonl", records(150))
    b = write_jsonl(tmp_path / "b.jsonl", records(150, start=1000))
    command = [sys.executable, "-m", "warnews.cli", "--root", str(collection), "import"]
    first = subprocess.Popen([*command, str(a), *FLAGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([*command, str(b), *FLAGS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = [(source, process.wait(timeout=600), process.stderr.read()) for source, process in
               ((a, first), (b, second))]
    for source, code, err in results:
        assert code == 0 or "is writing this collection; one writer at a time" in err, err
        if code != 0:
            assert run(collection, "import", str(source), *FLAGS)[0] == 0
    expected = sorted(r["text"] for r in records(150) + records(150, start=1000))
    assert _texts_in_raw(collection) == expected
    assert _indexed(collection) == 300 == len(find_raw_files(collection))
    assert _leftovers(collection) == []


# --- a kill at every step of an import ----------------------------------------------------------

_KILL = """
import os, signal
from warnews import dedup, importer
importer.SHARD_RECORDS = 4
calls = [0]
def dies_after(owner, name, nth, when=lambda *a: True):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args):
            calls[0] += 1
            if calls[0] == nth:
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(owner, name, wrapper)
"""
_STEPS = {  # after what an import is killed
    "records encoded": "dies_after(importer.shards, 'encode', {nth})",
    "temporary shard synced": "dies_after(importer.os, 'fsync', {nth})",
    "shard renamed": "dies_after(importer.os, 'replace', {nth}, lambda a, b: str(b).endswith('.jsonl.zst'))",
    "index updated": "dies_after(dedup.DuplicateIndex, 'seen', {nth})",
}


@pytest.mark.parametrize("nth", [1, 2])
@pytest.mark.parametrize("step", list(_STEPS))
def test_an_import_killed_at_any_step_is_completed_by_running_it_again(step, nth, collection, tmp_path, run):
    source = write_jsonl(tmp_path / "a.jsonl", records(10))
    killed = _cli(collection, "import", str(source), *FLAGS, script=_KILL + _STEPS[step].format(nth=nth))
    assert killed.returncode == -9, killed.stderr
    code, out, err = run(collection, "import", str(source), *FLAGS)
    assert code == 0, err
    assert _texts_in_raw(collection) == sorted(r["text"] for r in records(10))  # each record once
    assert _indexed(collection) == 10
    assert _leftovers(collection) == []
    assert run(collection, "build", "--version", "1.0.0")[0] == 0


# --- flipped bits ---------------------------------------------------------------------------------

def _flips(data: bytes, ends: int, sample: int, seed: int = 0) -> list[int]:
    """Every bit of the first and last `ends` bytes, and `sample` bits chosen at random between."""
    bits = list(range(8 * ends)) + list(range(8 * (len(data) - ends), 8 * len(data)))
    rng = random.Random(seed)
    return bits + rng.sample(range(8 * ends, 8 * (len(data) - ends)), sample)


def _flipped(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _shard_lines(n: int) -> list[bytes]:
    return [json.dumps({"raw": paragraph(i), "title": f"Title {i} within UN"}, sort_keys=True).encode() + b"\n"
            for i in range(n)]


def test_a_flipped_bit_in_a_shard_is_never_read_as_other_records(tmp_path):
    lines = _shard_lines(150)  # three frames
    data = shards.encode(lines)
    expected = [line[:-1] for line in lines]
    silent = []
    for bit in _flips(data, ends=96, sample=600):
        path = tmp_path / f"{bit}.jsonl.zst"
        path.write_bytes(_flipped(data, bit))
        try:
            got = shards.lines(path)
        except WarnewsError as err:
            assert "the shard is damaged" in str(err) and str(path) in str(err)
            continue
        if got != expected:
            silent.append(bit)
    assert silent == []


def test_a_damaged_shard_stops_the_build_naming_it(collection, tmp_path, run):
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(3))), *FLAGS)[0] == 0
    shard = next((collection / "raw").rglob("*.jsonl.zst"))
    data = shard.read_bytes()
    middle = len(data) // 2
    shard.write_bytes(data[:middle] + bytes([data[middle] ^ 0x10]) + data[middle + 1:])
    for command in (["build", "--version", "1.0.0"], ["index", "--rebuild"]):
        code, _, err = run(collection, *command)
        assert code == 1 and f"{shard}: " in err and "the shard is damaged" in err, err


def test_a_changed_cache_entry_is_a_miss_and_an_entry_runs_no_code(repo_copy, tmp_path):
    from warnews import release as rel

    rel.build(repo_copy, options=BuildOptions())
    store = Store(repo_copy / "build" / "cache", types=STORED)
    entry = next(p for p in (repo_copy / "build" / "cache").glob("??/*.msgpack") if "doc_ids" not in p.name)
    data = entry.read_bytes()
    key = entry.stem
    assert store.get(key).doc_id  # a whole entry reads
    loaded = 0
    for bit in _flips(data, ends=48, sample=400):
        entry.write_bytes(_flipped(data, bit))
        loaded += store.get(key) is not None
    assert loaded == 0
    # a pickle that would run code when loaded, where an entry belongs: only a miss
    marker = tmp_path / "ran"
    entry.write_bytes(pickle.dumps(_RunsCode(str(marker))))
    assert store.get(key) is None and not marker.exists()
    # and the build makes the entry again, giving the same files as a build without the cache
    entry.write_bytes(_flipped(data, 8 * (len(data) - 40)))
    cached = rel.build(repo_copy, options=BuildOptions())[0]
    cached_files = {p.name: p.read_bytes() for p in cached.iterdir()}
    fresh = rel.build(repo_copy, options=BuildOptions(use_cache=False))[0]
    assert {p.name: p.read_bytes() for p in fresh.iterdir()} == cached_files


class _RunsCode:
    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def _flip_that_still_reads(path: Path) -> bytes | None:
    """A one-bit change of a Parquet file that pyarrow still reads, with other values."""
    data = path.read_bytes()
    before = pq.read_table(path)
    for bit in random.Random(1).sample(range(8 * 64, 8 * (len(data) - 64)), 3000):
        changed = _flipped(data, bit)
        try:
            table = pq.read_table(io.BytesIO(changed))
            if not table.equals(before):
                return changed
        except Exception:  # most flips break a page: what a damaged file usually does
            continue
    return None


def test_validate_and_stats_refuse_a_release_whose_files_changed(repo_copy, run):
    documents = repo_copy / "corpus" / "v1.5.0" / "documents.parquet"
    changed = _flip_that_still_reads(documents)
    assert changed is not None  # a flip that decodes to other values exists: the manifest is what sees it
    documents.write_bytes(changed)
    code, out, _ = run(repo_copy, "validate", "1.5.0")
    assert code == 1 and f"{documents}: sha256 differs from MANIFEST.sha256" in out
    code, _, err = run(repo_copy, "stats", "1.5.0")
    assert code == 1 and "do not match MANIFEST.sha256, nothing was counted" in err


# --- decompression bombs --------------------------------------------------------------------------

_BOMB = 1 << 30  # 1 GiB of decompressed bytes from about 32 KiB


def _compressed_run(size: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """A zstd frame of `prefix`, `size` bytes of 'a' and `suffix`, made without holding them."""
    out = io.BytesIO()
    with zstandard.ZstdCompressor(level=1, write_checksum=True).stream_writer(out, closefd=False) as writer:
        writer.write(prefix)
        chunk = b"a" * (1 << 22)
        for _ in range(size // len(chunk)):
            writer.write(chunk)
        writer.write(suffix)
    return out.getvalue()


def _peak_rss(code: str) -> tuple[int, str]:
    """Peak resident memory (bytes) of a Python process running `code`, and what it printed."""
    script = code + "\nimport resource\nprint('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split("peak ")[-1]), done.stdout


def test_a_shard_bomb_is_refused_while_it_is_decompressed(collection):
    frame = _compressed_run(_BOMB, prefix=b'{"raw":"', suffix=b'"}\n')
    header = json.dumps({"records_per_frame": 64, "warnews_shard": 2}, sort_keys=True).encode()
    table = struct.pack("<II", len(frame), 0xFFFFFFFF) + struct.pack("<IBI", 1, 0, 0x8F92EAB1)
    shard = collection / "raw" / "bomb" / "00000.jsonl.zst"
    shard.parent.mkdir()
    shard.write_bytes(struct.pack("<II", 0x184D2A50, len(header)) + header + frame
                      + struct.pack("<II", 0x184D2A5E, len(table)) + table)
    assert shard.stat().st_size < 100_000
    peak, out = _peak_rss(textwrap.dedent(f"""
        from pathlib import Path
        from warnews import shards
        from warnews.errors import WarnewsError
        try:
            shards.count(Path({str(shard)!r}))
        except WarnewsError as err:
            print("refused:", err)
    """))
    assert f"refused: {shard}: it decompresses to more than 64 records or a record over" in out
    baseline, _ = _peak_rss("from warnews import shards")
    assert peak - baseline < 200 * 2**20, f"{(peak - baseline) / 2**20:.0f} MiB more than importing warnews"


def test_a_bomb_in_a_compressed_source_is_refused_by_line_and_the_rest_come_in(collection, tmp_path):
    good = [json.dumps(r).encode() + b"\n" for r in records(2)]
    source = tmp_path / "bomb.jsonl.zst"
    source.write_bytes(zstandard.ZstdCompressor().compress(good[0])
                       + _compressed_run(_BOMB, prefix=b'{"text":"', suffix=b'"}\n')
                       + zstandard.ZstdCompressor().compress(good[1]))
    code = textwrap.dedent(f"""
        from warnews.cli import main
        print("exit", main({['--root', str(collection), 'import', str(source), *FLAGS, '--verbose']!r}))
    """)
    peak, out = _peak_rss(code)
    assert "refused bomb.jsonl.zst:2: too large: a line of over" in out and "exit 0" in out
    assert "imported 2 of 3 records" in out
    baseline, _ = _peak_rss(code.replace(str(source), str(write_jsonl(tmp_path / "small.jsonl", records(2, 50)))))
    assert peak - baseline < 300 * 2**20, f"{(peak - baseline) / 2**20:.0f} MiB more than importing two records"


# --- leftovers ------------------------------------------------------------------------------------

def test_the_next_writer_sweeps_what_killed_ones_left(collection, tmp_path, run):
    left = [collection / "raw" / "example-wire" / ".00003.jsonl.zst.4242-dead.tmp",
            collection / "build" / "cache" / ".tmp" / "ab12.msgpack.4242-dead",
            collection / "build" / "cache" / "stages" / "clean" / ".tmp" / "cd34.msgpack.4242-dead"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    code, out, _ = run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(2))), *FLAGS)
    assert code == 0 and not any(p.exists() for p in left)


# --- a full or read-only disk -----------------------------------------------------------------------

@contextmanager
def _small_disk(folder: Path, size: str):
    """A tmpfs of `size` mounted on folder (root only); skips where it cannot be made."""
    folder.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("making a small file system needs root and mount")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_stops_an_import_with_a_message_and_loses_nothing(tmp_path, run):
    many = [{**r, "text": " ".join(paragraph(i * 7 + k) for k in range(6))} for i, r in enumerate(records(600))]
    source = write_jsonl(tmp_path / "many.jsonl", many)
    with _small_disk(tmp_path / "disk", "1m") as disk:
        root = disk / "collection"
        (root / "raw").mkdir(parents=True)
        code, out, err = run(root, "import", str(source), *FLAGS)
        assert code == 1 and ("No space left on device" in err or "database or disk is full" in err), err
        assert "Traceback" not in err
        assert _leftovers(root) == []
        kept = _texts_in_raw(root)
        assert _indexed(root) == len(kept) < 600
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        assert run(root, "import", str(source), *FLAGS)[0] == 0
        assert _texts_in_raw(root) == sorted(r["text"] for r in many)


def test_a_read_only_raw_folder_gives_a_message_not_a_traceback(tmp_path, run):
    with _small_disk(tmp_path / "disk", "16m") as disk:
        root = disk / "collection"
        (root / "raw" / "example-wire").mkdir(parents=True)
        raw = root / "raw"
        if subprocess.run(["mount", "--bind", str(raw), str(raw)], capture_output=True).returncode != 0:
            pytest.skip("cannot bind-mount here")
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(raw)], check=True)
            code, _, err = run(root, "import", str(write_jsonl(tmp_path / "a.jsonl", records(2))), *FLAGS)
        finally:
            subprocess.run(["umount", "-l", str(raw)], capture_output=True)
        assert code == 1 and f"{raw / 'example-wire'}: cannot write the shard 00000.jsonl.zst" in err, err
        assert "Read-only file system" in err



# --- the duplicate index ----------------------------------------------------------------------------

def test_an_unreadable_index_is_named_and_made_anew_by_rebuild(collection, tmp_path, run):
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(3))), *FLAGS)[0] == 0
    index = collection / "build" / "index" / "raw.sqlite"
    index.write_bytes(b"not a database, " * 100)
    code, _, err = run(collection, "import", str(write_jsonl(tmp_path / "b.jsonl", records(2, 10))), *FLAGS)
    assert code == 1 and f"{index}: the duplicate index cannot be read" in err and "index --rebuild" in err
    code, out, _ = run(collection, "index", "--rebuild")
    assert code == 0 and "duplicate index: 3 raw documents" in out


def test_an_inconsistent_index_is_named_not_a_traceback(collection, tmp_path, run):
    assert run(collection, "import", str(write_jsonl(tmp_path / "a.jsonl", records(3))), *FLAGS)[0] == 0
    with DuplicateIndex.open(collection) as index, index.db:
        index.db.execute("delete from documents")  # the bands stay, naming documents that are gone
    near = [{**records(1)[0], "text": records(1)[0]["text"] + " Updated."}]
    code, _, err = run(collection, "import", str(write_jsonl(tmp_path / "b.jsonl", near)), *FLAGS)
    assert code == 1 and "the duplicate index is inconsistent" in err and "index --rebuild" in err
    assert run(collection, "index", "--rebuild")[0] == 0
    code, out, _ = run(collection, "import", str(write_jsonl(tmp_path / "b.jsonl", near)), *FLAGS)
    assert code == 1 and "near-duplicate" in out  # its one record refused: nothing came in


def test_an_oversized_page_in_a_web_archive_or_a_folder_is_refused_unread(collection, tmp_path, run):
    """A WARC record or a folder's file over the 5 MiB limit is refused before it is read whole
    (a gzip WARC expands as it is read): the limit holds while decompressing."""
    from test_import import _page, _write_warc

    archive = tmp_path / "pages.warc.gz"
    big = b"<html><body><p>" + b"word " * (2 * 1024 * 1024) + b"</p></body></html>"  # 10 MiB, compresses to kBs
    _write_warc(archive, [("https://example.org/big", big), ("https://example.org/20", _page(20))])
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "big.txt").write_bytes(b"word " * (2 * 1024 * 1024))
    (folder / "small.txt").write_text(paragraph(5), encoding="utf-8")
    code, out, _ = run(collection, "import", str(archive), str(folder), *FLAGS, "--published-date", "2024-05-06",
                       "--language", "en", "--verbose")
    assert code == 0
    assert "refused pages.warc.gz:https://example.org/big: too large: the page is over 5,242,880 bytes" in out
    assert "refused files:big.txt: too large: 10,485,760 bytes, over 5,242,880" in out
    assert "imported 2 of 4 records" in out
