"""cli: `warnews build | validate | release | verify | docs`. Errors go to stderr, exit 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow.parquet as pq

from warnews import __version__, card
from warnews.errors import WarnewsError
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
    _say("PASSED: every compared file is byte-identical to a fresh build from raw/")
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
