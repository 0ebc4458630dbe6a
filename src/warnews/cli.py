"""cli: `warnews add | build | validate | release | verify | docs`. Errors go to stderr, exit 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow.parquet as pq

from warnews import __version__, card
from warnews.add import NEAR_DUPLICATE_THRESHOLD, add_document
from warnews.errors import WarnewsError
from warnews.ingest import LICENSES
from warnews.release import STAGING_DIR, build, release, release_dir, verify
from warnews.schema import MODELS
from warnews.validate import failures, summary, validate_tables


def _say(message: str) -> None:
    print(message, flush=True)


def cmd_build(args) -> int:
    folder, info = build(args.root, args.version, _say)
    _print_counts(info)
    _say(f"built {info['version']} into {folder} (not a release: `warnews release X.Y.Z` makes one)")
    return 0


def cmd_validate(args) -> int:
    folder = release_dir(args.root, args.version) if args.version else args.root / STAGING_DIR
    if not folder.is_dir():
        what = f"release {args.version}" if args.version else "staged build (run `warnews build` first)"
        raise WarnewsError(f"{folder}: no {what}")
    tables = {}
    for name in MODELS:  # an older release has fewer tables; documents and edits are in every one
        path = folder / f"{name}.parquet"
        if not path.exists() and name not in ("documents", "edits"):
            continue
        try:
            tables[name] = pq.read_table(path)
        except (OSError, ValueError) as err:
            raise WarnewsError(f"{path}: cannot be read as Parquet ({err})") from None
    results = validate_tables(tables, args.root)
    for failure in failures(results):
        print(failure)
    print(summary(results, tables))
    return 0 if all(r.passed for r in results) else 1


def cmd_release(args) -> int:
    folder, info = release(args.root, args.version, _say)
    _print_counts(info)
    _say(f"released {args.version} into {folder}")
    for path in card.write_docs(args.root):
        _say(f"updated {path} for {args.version}")
    return 0


def cmd_verify(args) -> int:
    problems = verify(args.root, args.version, _say)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"FAILED: {len(problems)} problem(s); a released version must equal a fresh build of raw/", file=sys.stderr)
        return 1
    _say("PASSED: the release matches a fresh build from raw/ (what was compared is said above)")
    return 0


def cmd_add(args) -> int:
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


def cmd_docs(args) -> int:
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
    _say(f"tables: {tables}")
    _say(f"edits per rule: {rules}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="warnews", description="Build, validate, release and verify the warnews corpus.")
    p.add_argument("--version", action="version", version=f"warnews {__version__}")
    p.add_argument("--root", type=Path, default=Path("."),
                   help="repository root holding raw/, outlets/ and corpus/ (default: current folder)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="clean raw/ and write a validated build into build/staging/")
    b.add_argument("--version", dest="version", default=None,
                   help="version stamped into the files (default: next minor after the newest release)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate the staged build, or the release VERSION")
    v.add_argument("version", nargs="?", help="a released version such as 1.0.0 (default: build/staging)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("release", help="build, validate and write corpus/vVERSION/ (never overwrites)")
    r.add_argument("version", help="new semantic version X.Y.Z, higher than every release")
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
