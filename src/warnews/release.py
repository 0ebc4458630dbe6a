"""release: build the tables from raw/, write them as deterministic Parquet, release and verify.

Guarantees: the same inputs give byte-identical files; a release folder appears whole or not at
all (it is written to a temporary folder and renamed); an existing release is never overwritten;
`verify` proves a committed release equals a fresh build, naming any file that differs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import pyarrow
import pyarrow.parquet as pq

from warnews import __version__
from warnews.build import BuildOptions, as_of, build_tables_into
from warnews.config import Config
from warnews.croissant import write_croissant
from warnews.errors import WarnewsError
from warnews.fingerprint import environment
from warnews.parquet import LICENSE_URLS, citation, schemas
from warnews.schema import TABLES
from warnews.stats import corpus_stats, report_html
from warnews.validate import report, summary
from warnews.versions import (
    CORPUS_DIR,
    MANIFEST,
    check_manifest,
    check_step,
    diff_folders,
    file_sha256,
    parse_version,
    release_dir,
    releases,
)

STAGING_DIR = Path("build") / "staging"
def stats_columns() -> dict[str, list[str]]:
    """Columns the corpus report counts, per table (schema.TABLES), read back from the written
    tables rather than held in memory."""
    return {name: list(spec.stats_columns) for name, spec in TABLES.items() if spec.stats_columns}


Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# --- versions ----------------------------------------------------------------------------------


def default_version(root: Path) -> str:
    """What an unreleased build is stamped with: the next minor version, or 1.0.0 for the first."""
    known = releases(root)
    if not known:
        return "1.0.0"
    major, minor, _ = parse_version(known[-1])
    return f"{major}.{minor + 1}.0"


def _first_versions(root: Path, version: str) -> dict[str, str]:
    """doc_id -> the oldest release before `version` that contains it."""
    first: dict[str, str] = {}
    for older in releases(root):
        if parse_version(older) >= parse_version(version):
            break
        path = release_dir(root, older) / "documents.parquet"
        if path.is_file():
            for doc_id in pq.read_table(path, columns=["doc_id"]).column("doc_id").to_pylist():
                first.setdefault(doc_id, older)
    return first


# --- build -------------------------------------------------------------------------------------


def build_tables(root: Path, version: str, progress: Progress = _quiet,
                 options: BuildOptions = BuildOptions(use_cache=False)) -> tuple[dict[str, pyarrow.Table], dict]:
    """All tables of a build in memory (for checks and tools; releases are written by streaming)."""
    with tempfile.TemporaryDirectory(prefix="warnews-tables-") as tmp:
        info, _, evaluation = build_tables_into(Config.load(root), Path(tmp), version, schemas(version),
                                                _first_versions(root, version), options, progress)
        tables = {name: pq.read_table(Path(tmp) / f"{name}.parquet") for name in TABLES}
    return {name: t.replace_schema_metadata(None) for name, t in tables.items()}, {**info, "evaluation": evaluation}


# --- write -------------------------------------------------------------------------------------


def _dump_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_manifest(folder: Path) -> None:
    """sha256sum-compatible list of every file in the folder but the manifest itself."""
    lines = [f"{file_sha256(p)}  {p.name}\n" for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST]
    (folder / MANIFEST).write_text("".join(lines), encoding="utf-8")


def build_into(root: Path, folder: Path, version: str, progress: Progress = _quiet,
               options: BuildOptions = BuildOptions()) -> dict:
    """Build, validate and write a complete release folder (which must be new and empty)."""
    parse_version(version)
    config = Config.load(root)
    info, validator, evaluation = build_tables_into(config, folder, version, schemas(version),
                                                    _first_versions(root, version), options, progress)
    results = validator.finish()
    rows = {name: t["rows"] for name, t in info["tables"].items()}
    progress(summary(results, rows))
    build = {"version": version, "warnews": __version__, **info, **environment(),
             "settings": config.settings(as_of(options))}
    _dump_json(build, folder / "build.json")
    _dump_json(report(results, version), folder / "validation.json")
    _dump_json({"version": version, **evaluation}, folder / "evaluation.json")
    stats = corpus_stats({name: pq.read_table(folder / f"{name}.parquet", columns=columns)
                          for name, columns in stats_columns().items()})
    (folder / "report.html").write_text(report_html(stats, version), encoding="utf-8")
    write_croissant(folder, version, citation(version), LICENSE_URLS)
    write_manifest(folder)
    return build


def _atomic_build(root: Path, target: Path, version: str, progress: Progress, replace: bool,
                  check: Callable[[Path], None] | None = None, options: BuildOptions = BuildOptions()) -> dict:
    """Build into a temporary sibling of `target`, run `check` on it, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old = None
    try:
        build = build_into(root, tmp, version, progress, options)
        if check is not None:
            check(tmp)
        if target.exists():
            if not replace:
                raise WarnewsError(f"{target} already exists; released versions are never overwritten")
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        tmp.rename(target)
        return build
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
        if old is not None and old.exists():
            shutil.rmtree(old)


def build(root: Path, version: str | None = None, progress: Progress = _quiet,
          options: BuildOptions = BuildOptions()) -> tuple[Path, dict]:
    """`warnews build`: a complete, validated build in build/staging (replacing the previous one)."""
    version = version or default_version(root)
    target = root / STAGING_DIR
    return target, _atomic_build(root, target, version, progress, replace=True, options=options)


def release(root: Path, version: str, progress: Progress = _quiet,
            options: BuildOptions = BuildOptions()) -> tuple[Path, dict, dict | None]:
    """`warnews release X.Y.Z`: write corpus/vX.Y.Z once; refuse an existing or older version, and
    a version number that understates the change from the newest release. Returns the folder,
    build.json and the change from the newest release (None for the first)."""
    target = release_dir(root, version)
    if target.exists():
        raise WarnewsError(f"{target} already exists; released versions are never overwritten: choose a new version")
    known = releases(root)
    newer = [v for v in known if parse_version(v) >= parse_version(version)]
    if newer:
        raise WarnewsError(f"version {version} is not newer than the released {newer[-1]}; choose a higher version")
    change = {}

    def check(folder: Path) -> None:
        if known:
            previous = release_dir(root, known[-1])
            problems = check_manifest(previous)
            if problems:
                raise WarnewsError(f"{previous}: its files do not match its manifest; restore them before "
                                   "releasing:\n" + "\n".join(problems))
            change.update(diff_folders(previous, folder))
            check_step(change, known[-1], version)

    build = _atomic_build(root, target, version, progress, replace=False, check=check, options=options)
    return target, build, change or None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def in_git_checkout(root: Path) -> bool:
    """Whether `root` is the top of a git checkout (a release is then committed and tagged)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve()


def check_git_ready(root: Path, version: str) -> None:
    """Refuse, before anything is built, what would make the commit or the tag fail."""
    if _git(root, "rev-parse", "-q", "--verify", f"refs/tags/v{version}").returncode == 0:
        raise WarnewsError(f"git tag v{version} already exists; nothing was released: choose another version "
                           "(or release with --no-git)")
    ident = _git(root, "var", "GIT_COMMITTER_IDENT")
    if ident.returncode != 0:
        raise WarnewsError("git cannot commit here (no user.name/user.email?): "
                           f"{ident.stderr.strip()}; nothing was released")


def _run_git_step(root: Path, args: tuple[str, ...], failure: str) -> None:
    done = _git(root, *args)
    if done.returncode != 0:
        raise WarnewsError(f"`git {' '.join(args[:2])}` failed: {done.stderr.strip() or done.stdout.strip()}; {failure}")


def make_release(root: Path, version: str, progress: Progress = _quiet, options: BuildOptions = BuildOptions(),
                 git: bool = True, date: str | None = None) -> tuple[Path, dict, dict | None, list[Path], bool]:
    """`warnews release`: write corpus/vX.Y.Z, then its CHANGELOG entry, CITATION.cff, the card and
    the schema exports, and in a git checkout commit them and tag vX.Y.Z. All of it or nothing:
    if anything fails before the commit is made, the release folder is removed and every updated
    file gets its old bytes back. Returns the folder, build.json, the change from the previous
    release, the files updated and whether git committed and tagged."""
    from warnews import card  # card reads releases; imported here to keep the build free of it

    use_git = git and in_git_checkout(root)
    if use_git:
        check_git_ready(root, version)
    documents = [root / card.README, root / card.CHANGELOG, root / card.CITATION] + [
        root / card.SCHEMA_DIR / f"{table}.yaml" for table in TABLES]
    before = {path: path.read_bytes() if path.is_file() else None for path in documents}
    folder, build, change = release(root, version, progress, options)
    updated: list[Path] = []
    try:
        updated = card.record_release(root, version, change, date or dt.date.today().isoformat())
        updated += card.write_docs(root)
        if use_git:
            names = [str(p.relative_to(root)) for p in [folder] + updated]
            try:
                _run_git_step(root, ("add", "--", *names), "nothing was released")
                _run_git_step(root, ("commit", "-m", f"Release data {version}", "--", *names),
                              "nothing was released; fix that and release again")
            except WarnewsError:
                _git(root, "reset", "-q", "--", *names)  # nothing stays staged
                raise
    except BaseException:
        for path, data in before.items():
            if data is None:
                path.unlink(missing_ok=True)
            elif not path.is_file() or path.read_bytes() != data:
                card.write_file(path, data)
        shutil.rmtree(folder)
        raise
    if use_git:
        _run_git_step(root, ("tag", "-a", f"v{version}", "-m", f"warnews data {version}"),
                      f"the release is committed; tag it by hand: git tag -a v{version} -m 'warnews data {version}'")
    return folder, build, change, updated, use_git


# --- verify ------------------------------------------------------------------------------------


def verify(root: Path, version: str | None = None, progress: Progress = _quiet) -> list[str]:
    """Check the manifest, rebuild from raw/ and compare byte for byte; return the problems.

    A release built by this version of the package is compared file for file. An older release
    (its build.json names another package version) has its tables compared by columns and rows:
    its reports (build.json, validation.json, evaluation.json) and column descriptions describe
    the code that built them, and the tables and columns later versions added are not expected in it.
    """
    known = releases(root)
    if version is None:
        if not known:
            raise WarnewsError(f"{root / CORPUS_DIR}: no release to verify")
        version = known[-1]
    folder = release_dir(root, version)
    if not folder.is_dir():
        raise WarnewsError(f"{folder}: no such release; released: {', '.join(known) or 'none'}")
    problems = check_manifest(folder)
    progress(f"manifest of {folder.relative_to(root)}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    built_by = _built_by(folder)
    same_code = built_by == __version__
    with tempfile.TemporaryDirectory(prefix="warnews-verify-") as tmp:
        fresh = Path(tmp)
        # the proof must not rest on the cache; dates are checked against the day the release was built
        build_into(root, fresh, version, progress, BuildOptions(use_cache=False, as_of=recorded_as_of(folder)))
        released = {p.name for p in folder.iterdir()}
        if same_code:
            names = sorted(released | {p.name for p in fresh.iterdir()})
        else:
            names = sorted(n for n in released if n.endswith(".parquet"))
        same = 0
        for name in names:
            a, b = folder / name, fresh / name
            if not a.is_file():
                problems.append(f"{a}: missing (a fresh build writes it)")
            elif not b.is_file():
                problems.append(f"{a}: not written by a fresh build")
            elif a.read_bytes() == b.read_bytes() or (not same_code and _same_rows(a, b)):
                same += 1
            else:
                problems.append(f"{a}: differs from a fresh build of raw/" + _json_difference(a, b))
        if same_code:
            progress(f"rebuilt {version} from raw/: {same} of {len(names)} files byte-identical")
        else:
            progress(f"rebuilt {version} from raw/: {same} of {len(names)} tables have the same columns and rows "
                     f"(built by warnews {built_by}: its reports and column descriptions are not compared)")
            if same < len(names):  # later code may annotate otherwise (a layer replaced by a newer version)
                problems.append(f"{folder}: built by warnews {built_by}; to rebuild it with that code, check out the "
                                f"commit that released it (tag v{version}, message `Release data {version}`) and run "
                                f"`warnews verify {version}` there")
    return problems


def _same_rows(a: Path, b: Path) -> bool:
    """Same column names, types and rows (schema metadata such as descriptions aside); columns a
    later version added (documents.input_kind in 1.5.0) are not expected in an older release."""
    try:
        released, fresh = pq.read_table(a), pq.read_table(b)
        if set(released.column_names) < set(fresh.column_names):
            fresh = fresh.select(released.column_names)
        return released.equals(fresh, check_metadata=False)
    except (OSError, ValueError):
        return False


def _json_difference(a: Path, b: Path) -> str:
    """For two JSON reports: which top-level keys differ (an other Python or library shows here)."""
    if a.suffix != ".json":
        return ""
    try:
        old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    except (OSError, ValueError):
        return ""
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return f" (in {', '.join(keys)})" if keys else ""


def _build_json(folder: Path) -> dict:
    try:
        return json.loads((folder / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _built_by(folder: Path) -> str | None:
    return _build_json(folder).get("warnews")


def recorded_as_of(folder: Path) -> dt.date | None:
    """The date a build recorded (build.json settings.as_of); None for releases made before
    builds recorded one."""
    value = _build_json(folder).get("settings", {}).get("as_of")
    return dt.date.fromisoformat(value) if value else None
