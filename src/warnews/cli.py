"""cli: `warnews init | add | import | index | build | validate | release | verify | diff | cite | stats |
publish | strip-text | hydrate | docs`. Errors go to stderr, exit 1."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

from warnews import __version__
from warnews.errors import WarnewsError
from warnews.vocabularies import ANNOTATION_LICENSES, LICENSES

# Each command imports what it needs when it runs: `warnews --help` and a mistyped option answer
# without loading pandas, pyarrow, pandera, lingua or spaCy.


def _say(message: str) -> None:
    print(message, flush=True)


def _build_options(args):
    from warnews.build import BuildOptions
    from warnews.executors import make_executor

    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise WarnewsError(f"--as-of {args.as_of!r} is not an ISO date (YYYY-MM-DD)") from None
    return BuildOptions(make_executor(args.executor, args.jobs, args.scheduler), not args.no_cache, as_of)


def cmd_build(args) -> int:
    from warnews.release import build

    options = _build_options(args)
    with options.executor:
        folder, info = build(args.root, args.version, _say, options)
    _print_counts(info)
    version = info["version"]
    _say(f"staged in {folder}: an unreleased build (stamped {version}); `warnews release {version}` makes it a version")
    return 0


def cmd_validate(args) -> int:
    from warnews.layout import files_of, read_table
    from warnews.release import STAGING_DIR, recorded_as_of
    from warnews.schema import TABLES
    from warnews.validate import failures, summary, validate_tables
    from warnews.versions import MANIFEST, check_manifest, release_dir

    folder = release_dir(args.root, args.version) if args.version else args.root / STAGING_DIR
    if not folder.is_dir():
        what = f"release {args.version}" if args.version else "staged build (run `warnews build` first)"
        raise WarnewsError(f"{folder}: no {what}")
    # a release's tables are checked in the bytes that were released (the staged build is scratch)
    damaged = check_manifest(folder) if args.version else []
    for problem in damaged:
        print(f"FAILED {problem}")
    if damaged:
        print(f"{folder}: {len(damaged)} file(s) do not match {MANIFEST}; restore the release from a copy (or "
              "`git checkout` it): its tables were not validated")
        return 1
    tables = {}
    for name in TABLES:  # an older release has fewer tables; documents and edits are in every one
        if not files_of(folder, name) and name not in ("documents", "edits"):
            continue
        try:
            tables[name] = read_table(folder, name)
        except (OSError, ValueError) as err:
            raise WarnewsError(f"{folder / name}: cannot be read as Parquet ({err})") from None
    results = validate_tables(tables, args.root, recorded_as_of(folder), args.version)
    for failure in failures(results):
        print(failure)
    print(summary(results, tables))
    return 0 if all(r.passed for r in results) else 1


def cmd_release(args) -> int:
    from warnews.release import make_release
    from warnews.versions import summarize

    options = _build_options(args)
    with options.executor:
        folder, info, change, updated, committed = make_release(args.root, args.version, _say, options,
                                                                git=not args.no_git)
    _print_counts(info)
    _say(f"released {args.version} into {folder}")
    if change:
        _say(f"changes from the previous release:\n{summarize(change)}")
    for path in updated:
        _say(f"updated {path.relative_to(args.root)} for {args.version}")
    if committed:
        _say(f"committed and tagged v{args.version}")
    elif not args.no_git:
        _say("not a git checkout: no commit or tag made")
    return 0


def cmd_diff(args) -> int:
    from warnews.versions import diff, required_level, summarize

    change = diff(args.root, args.old, args.new)
    _say(f"from {args.old} to {args.new} (needs at least a {required_level(change)} version step):")
    _say(summarize(change))
    return 0


def cmd_cite(args) -> int:
    from warnews import card

    print(card.citation_entry(args.root, args.version, args.format), end="")
    return 0


def cmd_stats(args) -> int:
    from warnews.layout import files_of, read_schema, read_table
    from warnews.card import collection_name
    from warnews.release import stats_columns
    from warnews.stats import corpus_stats, format_stats, report_html
    from warnews.versions import MANIFEST, check_manifest, release_dir, releases

    version = args.version or (releases(args.root) or [None])[-1]
    if version is None:
        raise WarnewsError("no release to count; run `warnews release X.Y.Z` first")
    folder = release_dir(args.root, version)
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such release; released: {', '.join(releases(args.root))}")
    damaged = check_manifest(folder)
    if damaged:
        raise WarnewsError(f"{folder}: its files do not match {MANIFEST}, nothing was counted; restore the release "
                           "from a copy (or `git checkout` it):\n" + "\n".join(damaged))
    tables = {}  # the columns the release's report counts, of those an older release has
    for name, columns in stats_columns().items():
        if files_of(folder, name):
            present = set(read_schema(folder, name).names)
            tables[name] = read_table(folder, name, [c for c in columns if c in present])
    stats = corpus_stats(tables)
    print(format_stats(stats), end="")
    out = args.root / "build" / "stats" / f"v{version}" / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report_html(stats, version, collection_name(args.root)), encoding="utf-8")
    _say(f"\nwrote {out.relative_to(args.root)} (the release's own copy is {folder.relative_to(args.root)}/report.html)"
         if (folder / "report.html").is_file() else f"\nwrote {out.relative_to(args.root)}")
    return 0


def cmd_publish(args) -> int:
    from warnews.publish import stage, token_from_environment, upload

    staged = args.root / "build" / "publish"
    version, files = stage(args.root, staged, args.release, tuple(args.include_text_under), args.without_text)
    total = sum(size for _, size, _ in files)
    _say(f"{'would send' if args.dry_run else 'sending'} to dataset {args.repo_id}, tag v{version}: "
         f"{len(files)} files, {total:,} bytes (laid out in {staged.relative_to(args.root)})")
    for path, size, digest in files:
        _say(f"  {path}  {size:,} bytes  sha256 {digest}")
    if args.dry_run:
        return 0
    url = upload(staged, args.repo_id, version, token_from_environment())
    _say(f"published {version}: {url}")
    return 0


def cmd_strip_text(args) -> int:
    from warnews.textfree import strip_text
    from warnews.versions import release_dir, releases

    folder = release_dir(args.root, args.version)
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such release; released: {', '.join(releases(args.root)) or 'none'}")
    record = strip_text(folder, args.out.resolve())
    _say(f"wrote the text-free copy of {args.version} into {args.out}: the texts of {len(record['text_sha256'])} "
         "document(s) and every span's text removed; `warnews hydrate` puts them back from the raw files")
    return 0


def cmd_hydrate(args) -> int:
    from warnews.hydrate import hydrate
    from warnews.versions import release_dir, releases

    known = releases(args.root)
    if args.textfree is None and not known:
        raise WarnewsError(f"{args.root / 'corpus'}: no release found; pass the text-free folder")
    folder = args.textfree.resolve() if args.textfree else release_dir(args.root, known[-1])
    differ = hydrate(folder, args.source.resolve(), args.into.resolve())
    _say(f"wrote {folder.name} with its texts into {args.into}, each checked against its sha256")
    if differ:
        _say(f"note: {', '.join(differ)} differ in bytes from the original release (the rows are the same; the "
             "Parquet writer or warnews version is not the one that made it)")
    return 0


def cmd_verify(args) -> int:
    from warnews.release import verify

    problems = verify(args.root, args.version, _say)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"FAILED: {len(problems)} problem(s); a released version must equal a fresh build of raw/", file=sys.stderr)
        return 1
    _say("PASSED: the release matches a fresh build from raw/ (what was compared is said above)")
    return 0


def cmd_add(args) -> int:
    from warnews.add import add_document
    from warnews.dedup import NEAR_DUPLICATE_THRESHOLD

    added = add_document(args.root, args.path, outlet=args.outlet, published=args.published, license=args.license,
                         url=args.url, title=args.title, outlet_name=args.outlet_name, outlet_domain=args.domain,
                         outlet_country=args.country, language=args.language, license_note=args.license_note,
                         collected_from=args.collected_from, slug=args.slug)
    _say(f"added {added.raw_path.relative_to(args.root)} with its sidecar {added.sidecar_path.name}")
    for note in added.notes:
        _say(f"note: {note}")
    for path, similarity in added.near_duplicates:
        _say(f"warning: likely near-duplicate of {path} (estimated Jaccard similarity {similarity:.2f} of 5-word "
             f"shingles, threshold {NEAR_DUPLICATE_THRESHOLD}); remove one of them if they are the same article")
    _say("next: `warnews build`, then `warnews release X.Y.Z` with a CHANGELOG entry")
    return 0


def cmd_import(args) -> int:
    from tqdm import tqdm

    from warnews.importer import Defaults, Mapping, import_sources

    mapping = Mapping.from_yaml(args.mapping) if args.mapping else Mapping()
    overrides = {key: getattr(args, f"{key}_field") for key in ("text", "title", "url", "published", "language",
                                                                 "outlet") if getattr(args, f"{key}_field")}
    mapping = dataclasses.replace(mapping, **overrides)
    defaults = Defaults(outlet=args.outlet, outlet_name=args.outlet_name, outlet_domain=args.domain,
                        outlet_country=args.country, license=args.license, license_note=args.license_note,
                        language=args.language, published=args.published_date, collected_from=args.collected_from)
    with tqdm(unit=" records", desc="import", file=sys.stderr, mininterval=1.0,
              disable=None if not args.quiet else True) as bar:
        report = import_sources(args.root, args.sources, mapping, defaults, collection=args.collection,
                                dry_run=args.dry_run, keep_near_duplicates=args.keep_near_duplicates,
                                progress=lambda message: bar.set_postfix_str(message, refresh=False),
                                on_record=bar.update, manifest=args.manifest, strict=args.strict,
                                jobs=args.jobs)
    if args.verbose:
        for where, reason in report.refused:
            print(f"refused {where}: {reason}")
    for where, other, score in report.near_duplicates:
        if args.keep_near_duplicates:
            print(f"kept near-duplicate {where}: estimated similarity {score} with {other}")
    verb = "would import" if args.dry_run else "imported"
    reasons = ", ".join(f"{kind} {n}" for kind, n in report.reasons().items())
    _say(f"{verb} {report.accepted:,} of {report.read:,} records; refused {len(report.refused):,}"
         + (f" ({reasons})" if reasons else ""))
    if not args.verbose and report.refused:
        for line in report.summary():
            print(line)
        if any(n > 3 for n in report.reasons().values()):
            print("(--verbose lists every refused record)")
    if report.shards:
        _say(f"wrote {len(report.shards)} shard(s): {report.shards[0]}" + (f" … {report.shards[-1]}"
                                                                            if len(report.shards) > 1 else ""))
    if not args.dry_run and report.accepted:
        _say("next: `warnews build`, then `warnews release X.Y.Z` with a CHANGELOG entry")
    if report.read and not report.accepted:  # exit 1, as for any error: a script must not go on to build
        print(f"error: nothing {'would come' if args.dry_run else 'came'} in: all {report.read:,} records read were "
              "refused (reasons above)", file=sys.stderr)
        return 1
    return 0


def cmd_index(args) -> int:
    from warnews.dedup import INDEX_PATH, DuplicateIndex
    from warnews.lock import writing

    with writing(args.root, "warnews index", _say), DuplicateIndex.open(args.root, _say, sync=not args.rebuild,
                                                                        replace_unreadable=args.rebuild) as index:
        if args.rebuild:
            count = index.rebuild(_say)
        else:
            count = index.db.execute("select count(*) from documents").fetchone()[0]
    _say(f"duplicate index: {count:,} raw documents in {args.root / INDEX_PATH}")
    return 0


def cmd_layers(args) -> int:
    """Every registered layer: name, version, table, what it reads and needs, and whether this
    collection's build runs it (warnews.yaml, else the rule layers)."""
    from warnews import registry
    from warnews.config import Config

    chosen = set(Config.load(args.root).layer_names)
    rows = [("layer", "version", "table", "reads", "needs", "in this build")]
    for layer in registry.registered():
        missing = registry.missing_libraries(layer)
        needs = ", ".join(layer.needs) + (f" (pip install 'warnews[{layer.extra}]'; missing: {', '.join(missing)})"
                                          if missing else "")
        runs = [name for name in chosen if name == layer.name or name.startswith(layer.name + ":")]
        name = layer.name + (":<model>-<version>-<weights digest>" if layer.load else "")
        rows.append((name, layer.version, layer.table, ", ".join(layer.reads) or "-", needs or "-",
                     ", ".join(runs) if layer.load and runs else "yes" if runs else "no"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return 0


def cmd_init(args) -> int:
    from warnews.init import Answers, init as init_collection

    answers = Answers(title=args.title, authors=tuple(args.author), license=args.license, description=args.description)
    written, layers, left_out = init_collection(args.dir, answers)
    _say(f"made a collection in {args.dir}: {', '.join(p.name for p in written)} and raw/")
    _say(f"layers in warnews.yaml: {', '.join(layers)}")
    for reason in left_out:
        _say(f"left out {reason}")
    _say("next: fill in every <FILL IN: …> (README.md, CITATION.cff and LICENSE before a release; DATASHEET.md "
         "before anyone relies on it), add texts with `warnews import` or `warnews add`, then `warnews release 1.0.0`")
    return 0


def cmd_docs(args) -> int:
    from warnews import card

    if args.check:
        stale = card.stale_files(args.root)
        for path in stale:
            print(f"{path}: out of date; run `warnews docs`", file=sys.stderr)
        return 1 if stale else 0
    for path in card.write_docs(args.root):
        _say(f"updated {path}")
    return 0


def _print_counts(info: dict) -> None:
    tables = ", ".join(f"{name} {t['rows']} rows" for name, t in info["tables"].items())
    rules = ", ".join(f"{name} {c['edits']}" for name, c in info["rules"].items())
    declined = ", ".join(f"{name} {sum(c['declined'].values())} ({', '.join(f'{k} {n}' for k, n in c['declined'].items())})"
                         for name, c in info["rules"].items() if c["declined"])
    _say(f"tables: {tables}")
    _say(f"edits per rule: {rules}")
    _say(f"left alone where not sure: {declined or 'nowhere'}")


def _add_build_options(p: argparse.ArgumentParser) -> None:
    """The options `build` and `release` share: where documents are processed, the cache, the date."""
    p.add_argument("--jobs", type=int, default=1, help="processes (or dask workers) for cleaning and annotation "
                   "(output is the same for any number)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where documents are processed: here, or on a dask.distributed cluster (same files)")
    p.add_argument("--scheduler", help="with --executor dask: a scheduler address such as tcp://host:8786 "
                   "(default: a LocalCluster of --jobs workers)")
    p.add_argument("--no-cache", action="store_true", help="process every document again instead of reusing "
                   "build/cache/ (the files are the same either way)")
    p.add_argument("--as-of", help="the build's date, YYYY-MM-DD (default: today): recorded in build.json; no "
                   "published or collected date may be later")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="warnews", description="Build, validate, release and verify the warnews corpus.")
    p.add_argument("--version", action="version", version=f"warnews {__version__}")
    p.add_argument("--root", type=Path, default=Path("."),
                   help="repository root holding raw/, outlets/ and corpus/ (default: current folder)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="clean raw/ and write a validated build into build/staging/")
    b.add_argument("--version", dest="version", default=None,
                   help="version stamped into the files (default: next minor after the newest release)")
    _add_build_options(b)
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate the staged build, or the release VERSION")
    v.add_argument("version", nargs="?", help="a released version such as 1.0.0 (default: build/staging)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("release", help="build, validate and write corpus/vVERSION/ (never overwrites)")
    r.add_argument("version", help="new semantic version X.Y.Z, higher than every release; a patch keeps every "
                   "column, a minor adds documents, tables or columns, a major removes or retypes a column")
    r.add_argument("--no-git", action="store_true", help="do not commit and tag the release (vX.Y.Z) in git")
    _add_build_options(r)
    r.set_defaults(func=cmd_release)

    f = sub.add_parser("verify", help="prove a release is byte-identical to a fresh build from raw/")
    f.add_argument("version", nargs="?", help="released version (default: the newest)")
    f.set_defaults(func=cmd_verify)

    a = sub.add_parser("add", help="copy a collected .txt or .html file into raw/ and write its sidecar")
    a.add_argument("path", type=Path, help="the file as collected (it is copied byte for byte)")
    a.add_argument("--outlet", required=True, help="outlet slug, lowercase with hyphens (e.g. news-az)")
    a.add_argument("--published", required=True, help="publication date, YYYY-MM-DD")
    a.add_argument("--license", required=True, help="copyright status of the text: " + ", ".join(LICENSES))
    a.add_argument("--url", help="address of the article page")
    a.add_argument("--title", help="headline (default: an HTML page's own title, else none)")
    a.add_argument("--outlet-name", help="outlet name as styled (default: from the outlet's earlier documents)")
    a.add_argument("--domain", help="outlet's web domain (default: from the outlet's earlier documents)")
    a.add_argument("--country", help="outlet's country, ISO 3166-1 alpha-2 (default: from earlier documents)")
    a.add_argument("--language", help="ISO 639-1 code (default: detected, then checked)")
    a.add_argument("--license-note", help="who holds the rights and on what terms (default: written from --license)")
    a.add_argument("--collected-from", help="how and from where the file was collected")
    a.add_argument("--slug", help="the name's topic part (default: from the title or first words)")
    a.set_defaults(func=cmd_add)

    g = sub.add_parser("diff", help="what changed between two releases (documents, rows, columns, layers)")
    g.add_argument("old", help="older release, e.g. 1.0.0")
    g.add_argument("new", help="newer release, e.g. 1.1.0")
    g.set_defaults(func=cmd_diff)

    c = sub.add_parser("cite", help="print how to cite a release")
    c.add_argument("--version", dest="version", help="released version (default: the newest)")
    c.add_argument("--format", default="bibtex", choices=("bibtex", "apa", "cff"))
    c.set_defaults(func=cmd_cite)

    t = sub.add_parser("stats", help="print counts of a release and write an HTML report with plots")
    t.add_argument("version", nargs="?", help="released version (default: the newest)")
    t.set_defaults(func=cmd_stats)

    u = sub.add_parser("publish", help="upload the card and the newest release to the Hugging Face Hub")
    u.add_argument("--repo-id", required=True, help="OWNER/NAME of the dataset repository on the Hub")
    u.add_argument("--release", help="release to send (must be the newest, which the card points at)")
    u.add_argument("--dry-run", action="store_true", help="list exactly what would be sent, send nothing")
    u.add_argument("--include-text-under", action="append", default=[], metavar="LICENSE",
                   help="send the texts under LICENSE too, though it does not allow redistribution (you hold the "
                   "right to); repeat for each")
    u.add_argument("--without-text", action="store_true", help="send the text-free form (see strip-text)")
    u.set_defaults(func=cmd_publish)

    s = sub.add_parser("strip-text", help="write a copy of a release without its texts (ids, offsets, hashes and "
                       "annotations kept), which `hydrate` fills again")
    s.add_argument("version", help="released version, e.g. 1.5.0")
    s.add_argument("--out", type=Path, required=True, help="new (or empty) folder for the copy")
    s.set_defaults(func=cmd_strip_text)

    h = sub.add_parser("hydrate", help="put the texts back into a text-free release from your own raw files")
    h.add_argument("textfree", type=Path, nargs="?", help="the text-free release folder (default: the newest "
                   "release under --root)")
    h.add_argument("--from", dest="source", type=Path, required=True, help="a warnews collection holding raw/ "
                   "with the release's raw files and outlets/ with its outlet profiles")
    h.add_argument("--into", type=Path, required=True, help="new (or empty) folder for the release with its texts")
    h.set_defaults(func=cmd_hydrate)

    i = sub.add_parser("import", help="import a collection into raw/ as shards: JSON Lines (.jsonl, .gz, .zst), "
                       "CSV, a folder of .txt/.html files, or WARC (.warc, .warc.gz)")
    i.add_argument("sources", type=Path, nargs="+", help="files or folders to import, read in the order given")
    i.add_argument("--outlet", help="outlet slug of every record, lowercase with hyphens (e.g. kremlin); with "
                   "--outlet-name, --domain and --country, unless --outlet-field is given")
    i.add_argument("--outlet-name", help="outlet name as styled (e.g. \"President of Russia\")")
    i.add_argument("--domain", help="outlet's web domain (e.g. en.kremlin.ru)")
    i.add_argument("--country", help="outlet's country, ISO 3166-1 alpha-2")
    i.add_argument("--outlet-field", metavar="FIELD", help="the records' field holding each one's outlet slug; its "
                   "name, domain and country come from outlets/<slug>.yaml (outlet_name, outlet_domain, "
                   "outlet_country) or the outlet's earlier files in raw/<slug>/")
    i.add_argument("--license", required=True, help="copyright status of the texts: " + ", ".join(LICENSES))
    i.add_argument("--license-note", help="who holds the rights and on what terms (default: written from --license)")
    i.add_argument("--language", help="ISO 639-1 code of every record (default: a record's language field, else "
                   "detected), then checked")
    i.add_argument("--published-date", help="publication date of every record that has none, YYYY-MM-DD (default: "
                   "the record's field, else an HTML page's own date)")
    i.add_argument("--collected-from", help="how and from where the collection was made")
    for name in ("text", "title", "url", "published", "language"):
        i.add_argument(f"--{name}" if name not in ("language",) else "--language-field", dest=f"{name}_field",
                       metavar="FIELD", help=f"the records' field holding the {name} (default: {name})")
    i.add_argument("--mapping", type=Path, help="a YAML file `fields: {text: body, title: headline, …}`")
    i.add_argument("--manifest", type=Path, metavar="FILE", help="a folder's facts per file: CSV or JSON Lines with "
                   "a `file` column (its path in the folder) and any record fields (title, url, published, …)")
    i.add_argument("--collection", help="folder under raw/ for the shards (default: the outlet slug; with "
                   "--outlet-field, imported)")
    i.add_argument("--dry-run", action="store_true", help="check every record and report; write nothing")
    i.add_argument("--keep-near-duplicates", action="store_true",
                   help="import near-duplicates and list them (default: refuse them)")
    i.add_argument("--strict", action="store_true", help="check every record first and write nothing if any is "
                   "refused (reads the collection twice)")
    i.add_argument("--verbose", action="store_true", help="print every refused record (default: a summary by "
                   "reason with the first 3 of each)")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.add_argument("--jobs", type=int, default=1, help="processes that check and clean the records (default 1); "
                   "the shards are the same for any number")
    i.set_defaults(func=cmd_import)

    x = sub.add_parser("index", help="bring the duplicate index (build/index/) up to date with raw/")
    x.add_argument("--rebuild", action="store_true", help="forget it and make it again from raw/")
    x.set_defaults(func=cmd_index)

    y = sub.add_parser("layers", help="list the annotation layers: version, table, what each reads and needs, and "
                       "which this build runs")
    y.set_defaults(func=cmd_layers)

    n = sub.add_parser("init", help="make a new collection folder: warnews.yaml, the dataset card, datasheet, "
                       "changelog, citation, license and raw/")
    n.add_argument("dir", type=Path, help="the folder to make (it may exist, but not hold any of those files)")
    n.add_argument("--title", help="the collection's name (the card's pretty_name, the citation's title)")
    n.add_argument("--author", action="append", default=[], help="an author, as \"Family, Given\" or free text such "
                   "as an organisation; repeat for each")
    n.add_argument("--license", help="license of the annotations, an SPDX id: " + ", ".join(ANNOTATION_LICENSES)
                   + " (each text keeps its own)")
    n.add_argument("--description", help="what the collection is, in a sentence or two")
    n.set_defaults(func=cmd_init)

    d = sub.add_parser("docs", help="regenerate schema/*.yaml and the generated parts of README.md")
    d.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    d.set_defaults(func=cmd_docs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = args.root.resolve()
    try:
        return args.func(args)
    except WarnewsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
