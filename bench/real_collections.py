"""Benchmark: real collections through `warnews import` and the full build.

Imports, into a temporary corpus outside the repository, the collections in ../shared/corpora:
the Kremlin's and president.gov.ua's English releases (JSON Lines, 1,631 records) and the news
bodies found through GDELT (382 text files, given their dates from the folder's MANIFEST.jsonl).
Then measures, each build in a fresh process with its peak RSS summed over the process and its
workers (sampled every 0.2 s), and the peak of their summed proportional set size (PSS: pages a
forked worker shares with its parent counted once; sampled every second):
- import with as many processes as the largest --jobs, records per second (reading, checking,
  cleaning for the duplicate index and the language, writing shards; a fresh process each source);
- the full build (clean + rule layers + validation + write, no cache) with --jobs 1 and 2,
  documents per second;
- the I/O floor in the same run: read every raw record of the store and write its text to Parquet;
- an incremental rebuild after importing one more record, against the full build, at every size;
- on the real collections (unless --no-spacy; --spacy-sample N: on the first N Kremlin records
  alone), the full build with the repository's layers, the spaCy ones included, with the largest
  --jobs: its model part (that build less the rule layers' build) against spaCy's own nlp.pipe
  over the same clean texts with the same components and processes;
- larger corpora made by repeating the real records with distinct ids (each copy's text gets a
  line `[bench copy K]`, so its bytes, sha256 and doc_id differ: these are not real documents, and
  they are imported with --keep-near-duplicates, since each is a near-duplicate of its original);
- the HTML path: the pages of ../shared/external/html imported and built, against trafilatura's
  own `extract` on the same pages.
Targets (2-core machine, text inputs, each printed as met or not met): the full build with the
rule layers >= 500 documents/s, with its ratio to the floor (2,000 documents/s stays the goal, see
bench/README.md); the build's model part within 15% of nlp.pipe alone; import >= 1,000
records/s; incremental (+1 into the largest size) < 5% of the
full build; peak PSS at 100,000 <= 1 GiB and within 20% of 10,000; HTML import + build within 20%
of trafilatura's own time.

    python bench/real_collections.py [--shared ../shared] [--sizes 10000 100000] [--jobs 1 2] [--no-spacy]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
FLAGS = {"kremlin-en.jsonl": ["--outlet", "kremlin", "--outlet-name", "President of Russia", "--domain",
                              "en.kremlin.ru", "--country", "RU", "--license", "CC-BY-4.0"],
         "president-ua-en.jsonl": ["--outlet", "president-ua", "--outlet-name", "President of Ukraine", "--domain",
                                   "president.gov.ua", "--country", "UA", "--license", "CC-BY-4.0"],
         "gdelt-bodies.jsonl": ["--outlet", "gdelt-bodies", "--outlet-name", "Various outlets (GDELT)", "--domain",
                                "gdeltproject.org", "--country", "US", "--license", "publisher-copyright"]}


def run(args: list[str], cwd: Path) -> dict:
    """Run a warnews command in a fresh process; wall seconds and peak RSS of its process tree."""
    started = time.perf_counter()
    process = psutil.Popen([sys.executable, "-m", "warnews.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    peak, pss, ticks = [0], [0], [0]

    def sample() -> None:
        while process.poll() is None:
            try:
                tree = [process] + process.children(recursive=True)
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()))
                if ticks[0] % 5 == 0:  # proportional set size (shared pages counted once), every second
                    pss[0] = max(pss[0], sum(_pss(p.pid) for p in tree))
                ticks[0] += 1
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"warnews {' '.join(args)} failed:\n{err[-3000:]}{out[-2000:]}")
    return {"seconds": time.perf_counter() - started, "peak_rss_mib": peak[0] / 2**20, "peak_pss_mib": pss[0] / 2**20,
            "out": out}


def _pss(pid: int) -> int:
    """Bytes of a process's proportional set size (Linux; 0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            return next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0


def floor(root: Path) -> float:
    """Seconds to read every raw document of the store and write its text to Parquet."""
    code = ("import sys, time, pyarrow, pyarrow.parquet as pq\nfrom pathlib import Path\n"
            "from warnews.ingest import find_raw_files, read_raw\nroot = Path(sys.argv[1]); t = time.perf_counter()\n"
            "rows = [{'path': d.path, 'text': d.text} for d in (read_raw(root, p) for p in find_raw_files(root))]\n"
            "pq.write_table(pyarrow.Table.from_pylist(rows), root / 'floor.parquet', compression='zstd')\n"
            "print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def sources(shared: Path, work: Path) -> list[Path]:
    """The real collections as import sources (the GDELT bodies as JSON Lines with their dates)."""
    statements = shared / "corpora" / "primary-statements"
    manifest = {json.loads(line)["file"]: json.loads(line) for line in
                (shared / "corpora" / "gdelt-bodies" / "MANIFEST.jsonl").read_text().splitlines() if line.strip()}
    gdelt = work / "gdelt-bodies.jsonl"
    with open(gdelt, "w", encoding="utf-8") as out:
        for name, entry in sorted(manifest.items()):
            text = (shared / "corpora" / "gdelt-bodies" / name).read_text(encoding="utf-8")
            out.write(json.dumps({"text": text, "published": entry["published"]}, ensure_ascii=False) + "\n")
    return [statements / "kremlin-en.jsonl", statements / "president-ua-en.jsonl", gdelt]


def import_all(root: Path, files: list[Path], *flags: str) -> tuple[int, int, float]:
    """(records read, accepted, seconds) importing every file into root."""
    read = accepted = 0
    seconds = 0.0
    for path in files:
        result = run(["import", str(path), *FLAGS[re.sub(r"-copies\d+", "", path.name)], "--language", "en",
                      "--quiet", *flags], root)
        seconds += result["seconds"]
        line = [l for l in result["out"].splitlines() if l.startswith("imported ")][0]
        accepted += int(line.split()[1].replace(",", ""))
        read += int(line.split(" of ")[1].split()[0].replace(",", ""))
    return read, accepted, seconds


def repeated(files: list[Path], n: int, work: Path) -> list[Path]:
    """Sources of about n records: the real ones, then copies with a distinct last line."""
    records = {f.name: [line for line in f.read_text(encoding="utf-8").splitlines() if line.strip()] for f in files}
    total = sum(len(v) for v in records.values())
    copies = max(1, -(-n // total))
    out = []
    for name, lines in records.items():
        target = work / f"{name.removesuffix('.jsonl')}-copies{n}.jsonl"
        with open(target, "w", encoding="utf-8") as handle:
            for k in range(copies):
                for line in lines:
                    record = json.loads(line)
                    if k:
                        record["text"] = f"{record.get('text', '')}\n[bench copy {k}]"
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.append(target)
    return out


def measure_corpus(label: str, root: Path, jobs: list[int], rows: list[dict], read: int, accepted: int,
                   import_seconds: float) -> dict:
    row = {"label": label, "documents": accepted, "import_rps": read / import_seconds}
    print(f"{label}: imported {accepted:,} of {read:,} records in {import_seconds:.1f} s "
          f"({row['import_rps']:,.0f} records/s)", flush=True)
    row["floor"] = floor(root)
    print(f"  floor: {accepted / row['floor']:,.0f} documents/s", flush=True)
    for n in jobs:
        result = run(["build", "--no-cache", "--jobs", str(n)], root)
        row[f"j{n}"] = result
        print(f"  full build --jobs {n}: {accepted / result['seconds']:,.1f} documents/s, peak RSS "
              f"{result['peak_rss_mib']:,.0f} MiB (PSS {result['peak_pss_mib']:,.0f} MiB)", flush=True)
    rows.append(row)
    return row


def incremental_build(root: Path, row: dict, jobs: int, work: Path) -> None:
    """A build that fills the cache, then one more record imported and the build again: the
    incremental build's seconds against the full build's (no cache) in `row`."""
    filling = run(["build", "--jobs", str(jobs)], root)
    extra = work / "one-more.jsonl"
    extra.write_text(json.dumps({"text": "One more record for the incremental build. " * 10,
                                 "published": "2022-06-30"}) + "\n")
    run(["import", str(extra), *FLAGS["gdelt-bodies.jsonl"], "--language", "en", "--quiet"], root)
    incremental = run(["build", "--jobs", str(jobs)], root)
    row["incremental"] = incremental["seconds"]
    print(f"  build filling the cache: {filling['seconds']:.1f} s; incremental (+1 record): "
          f"{incremental['seconds']:.1f} s, {incremental['seconds'] / row[f'j{jobs}']['seconds']:.1%} of the full build "
          f"(peak RSS {incremental['peak_rss_mib']:,.0f} MiB)", flush=True)


def spacy_part(root: Path, jobs: int, row: dict, into: dict) -> None:
    """The full build with the repository's layers (warnews.yaml: the rule layers and the spaCy
    layers) against the rule layers alone: the model part is the difference, set against spaCy's
    own nlp.pipe on the same clean texts with the same components and processes (both timed from
    the model's loading on)."""
    layers = [line.strip()[2:] for line in (REPO / "warnews.yaml").read_text().splitlines()
              if line.strip().startswith("- ") and ":" in line]
    config = root / "warnews.yaml"
    config.write_text("layers:\n" + "".join(f"  - {name}\n" for name in layers))
    try:
        built = run(["build", "--no-cache", "--jobs", str(jobs)], root)
    finally:
        config.unlink()
    code = ("import sys, time, pyarrow.parquet as pq\n"
            "from warnews import registry\nfrom warnews.parse import load_model\n"
            "texts = pq.read_table(sys.argv[1], columns=['text']).column('text').to_pylist()\n"
            "started = time.perf_counter(); nlp = load_model(); registry.discover()\n"
            "wanted = {c for name in ('spacy_v3', 'spacy_quotes_v1') for c in registry.REGISTRY[name].load().components}\n"
            "for _ in nlp.pipe(texts, batch_size=256, n_process=int(sys.argv[2]), "
            "disable=[n for n in nlp.pipe_names if n not in wanted]): pass\n"
            "print(time.perf_counter() - started)")
    done = subprocess.run([sys.executable, "-c", code, str(root / "build" / "staging" / "documents.parquet"),
                           str(jobs)], capture_output=True, text=True, check=True)
    alone = float(done.stdout.strip().splitlines()[-1])
    model = built["seconds"] - row[f"j{jobs}"]["seconds"]
    into["spacy"] = {"build": built["seconds"], "model": model, "pipe": alone}
    print(f"  full build with the spaCy layers --jobs {jobs}: {row['documents'] / built['seconds']:,.1f} documents/s "
          f"({built['seconds']:.1f} s, peak RSS {built['peak_rss_mib']:,.0f} MiB, PSS {built['peak_pss_mib']:,.0f} MiB); "
          f"its model part "
          f"{model:.1f} s against nlp.pipe alone {alone:.1f} s ({model / alone - 1:+.0%})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-spacy", action="store_true", help="leave out the build with the spaCy layers")
    parser.add_argument("--spacy-sample", type=int, default=0, metavar="N",
                        help="measure the spaCy build on the first N Kremlin records alone (default: every record)")
    args = parser.parse_args()
    if not (args.shared / "corpora").is_dir():
        raise SystemExit(f"{args.shared / 'corpora'}: not found; give --shared")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="warnews-real-") as tmp:
        work = Path(tmp)
        files = sources(args.shared, work)
        root = work / "real"
        (root / "raw").mkdir(parents=True)
        read, accepted, seconds = import_all(root, files, "--jobs", str(max(args.jobs)))
        real = measure_corpus("real collections", root, args.jobs, rows, read, accepted, seconds)
        incremental_build(root, real, max(args.jobs), work)
        if not args.no_spacy:
            if args.spacy_sample:  # a corpus of the first records alone, built with the rule layers too
                sample = work / "spacy-sample"
                (sample / "raw").mkdir(parents=True)
                lines = files[0].read_text(encoding="utf-8").splitlines(keepends=True)[:args.spacy_sample]
                first = work / "kremlin-en.jsonl"
                first.write_text("".join(lines), encoding="utf-8")
                _, documents, _ = import_all(sample, [first])
                ruled = run(["build", "--no-cache", "--jobs", str(max(args.jobs))], sample)
                spacy_part(sample, max(args.jobs), {"documents": documents, f"j{max(args.jobs)}": ruled}, real)
            else:
                spacy_part(root, max(args.jobs), real, real)
        for n in args.sizes:
            big = work / f"n{n}"
            (big / "raw").mkdir(parents=True)
            read, accepted, seconds = import_all(big, repeated(files, n, work), "--keep-near-duplicates",
                                                  "--jobs", str(max(args.jobs)))
            row = measure_corpus(f"{n:,} (real records repeated with distinct ids)", big, [max(args.jobs)], rows, read,
                                 accepted, seconds)
            incremental_build(big, row, max(args.jobs), work)
            shutil.rmtree(big)
        html = html_path(args.shared, work)
    print()
    print(f"{'corpus':<48} {'docs':>7} {'import/s':>9} {'floor/s':>8} " +
          " ".join(f"{'build/s j' + str(n):>11} {'RSS MiB j' + str(n):>11}" for n in args.jobs))
    for row in rows:
        cells = " ".join(f"{row['documents'] / row[f'j{n}']['seconds']:>11,.1f} {row[f'j{n}']['peak_rss_mib']:>11,.0f}"
                         if f"j{n}" in row else f"{'-':>11} {'-':>11}" for n in args.jobs)
        print(f"{row['label']:<48} {row['documents']:>7,} {row['import_rps']:>9,.0f} "
              f"{row['documents'] / row['floor']:>8,.0f} {cells}")
    best = max(real["documents"] / real[f"j{n}"]["seconds"] for n in args.jobs)
    print("\ntargets:")
    ratio = min(real[f"j{n}"]["seconds"] for n in args.jobs) / real["floor"]
    print(f"  full build with the rule layers >= 500 documents/s (real collections, best): {best:,.1f}, "
          f"{ratio:,.0f}x the I/O floor, {'met' if best >= 500 else 'NOT met'} (the goal of 2,000: "
          f"{'met' if best >= 2000 else 'not yet'})")
    print(f"  import >= 1,000 records/s: {real['import_rps']:,.0f} {'met' if real['import_rps'] >= 1000 else 'NOT met'}")
    if "spacy" in real:
        over = real["spacy"]["model"] / real["spacy"]["pipe"] - 1
        print(f"  the build's model part within 15% of nlp.pipe alone ({max(args.jobs)} processes): {over:+.0%} "
              f"{'met' if over <= 0.15 else 'NOT met'}")
    largest = rows[-1]
    share = largest["incremental"] / largest[f"j{max(args.jobs)}"]["seconds"]
    print(f"  incremental (+1) < 5% of the full build ({largest['label']}): {share:.1%} "
          f"{'met' if share < 0.05 else 'NOT met'}")
    by_size = {row["documents"]: row for row in rows[1:]}
    if len(by_size) >= 2:
        small, large = sorted(by_size)[0], sorted(by_size)[-1]
        for kind in ("rss", "pss"):
            a, b = (by_size[small][f"j{max(args.jobs)}"][f"peak_{kind}_mib"],
                    by_size[large][f"j{max(args.jobs)}"][f"peak_{kind}_mib"])
            print(f"  peak {kind.upper()} at {large:,}: {b:,.0f} MiB (<= 1 GiB: {'met' if b <= 1024 else 'NOT met'}); "
                  f"{b / a - 1:+.0%} against {small:,} (within 20%: {'met' if b / a - 1 <= 0.2 else 'NOT met'})")
    else:
        print(f"  peak RSS at 100,000 documents: not measured in this run (--sizes {' '.join(map(str, args.sizes))})")
    print(f"  HTML import + build within 20% of trafilatura.extract: {html:+.0%} {'met' if html <= 0.2 else 'NOT met'}")
    return 0


def html_path(shared: Path, work: Path) -> float:
    """Overhead of import + build over trafilatura.extract on the same pages (0.2 = 20% slower)."""
    import trafilatura

    pages = sorted((shared / "external" / "html").glob("*/source.html"))
    folder = work / "html-pages"
    folder.mkdir()
    for page in pages:
        shutil.copy(page, folder / f"{page.parent.name}.html")
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_text(encoding="utf-8"))
    own = time.perf_counter() - started
    root = work / "html"
    (root / "raw").mkdir(parents=True)
    imported = run(["import", str(folder), *FLAGS["gdelt-bodies.jsonl"], "--published-date", "2024-01-01",
                    "--language", "en", "--quiet"], root)
    built = run(["build", "--no-cache"], root)
    ours = imported["seconds"] + built["seconds"]
    print(f"HTML pages: {len(pages)}; trafilatura.extract {own:.2f} s; import {imported['seconds']:.1f} s + build "
          f"{built['seconds']:.1f} s (each in a fresh process, start-up included)", flush=True)
    return ours / own - 1


if __name__ == "__main__":
    sys.exit(main())
