"""release: build the tables from raw/, write them as deterministic Parquet, release and verify.

Guarantees: the same inputs give byte-identical files; a release folder appears whole or not at
all (it is written to a temporary folder and renamed); an existing release is never overwritten;
`verify` proves a committed release equals a fresh build, naming any file that differs.

A release keeps a journal, so that no kill, full disk or git failure leaves it half done. Before
its first change it saves, under build/release-journal/, the old bytes of every document it may
rewrite (README.md, CHANGELOG.md, CITATION.cff, schema/*.yaml; or notes one as absent), then
writes journal.json: the version, whether git is used, HEAD before the release, and each step
once done (corpus/vX renamed into place, documents updated, committed, tagged). The next release
or build, under the collection's lock, finishes an interrupted release whose commit was made
(only the tag can be missing) and rolls back any other: the release folder removed, each document
renamed back from its saved copy, nothing left staged. A rollback only renames and unlinks, so it
works on a full disk; a rerun of the same release then gives the files an uninterrupted one gives.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

import pyarrow

from warnews import __version__, lock
from warnews.build import BuildOptions, as_of, build_tables_into
from warnews.card import collection_name, identity
from warnews.config import Config
from warnews.croissant import About, write_croissant
from warnews.errors import WarnewsError
from warnews.fingerprint import environment
from warnews.init import check_filled
from warnews.layout import data_files, files_of, is_parted, read_table, table_files
from warnews.parquet import schemas
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
    release_files,
    releases,
)

STAGING_DIR = Path("build") / "staging"
JOURNAL_DIR = Path("build") / "release-journal"  # no name lock.LEFTOVERS sweeps: the saved copies must stay
JOURNAL = JOURNAL_DIR / "journal.json"
SAVED = JOURNAL_DIR / "saved"  # the old bytes of the documents a release may rewrite, by their paths
_REACHED = {"folder": "corpus/v{version} written", "documents": "documents updated", "commit": "committed",
            "tag": "tagged"}


def stats_columns() -> dict[str, list[str]]:
    """Columns the corpus report counts, per table (schema.TABLES), read back from the written
    tables rather than held in memory."""
    columns = {name: list(spec.stats_columns) for name, spec in TABLES.items() if spec.stats_columns}
    return {**columns, "entities": ["entity_id", "name"]}  # the report names the entities it counts


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
        folder = release_dir(root, older)
        if files_of(folder, "documents"):
            for doc_id in read_table(folder, "documents", ["doc_id"]).column("doc_id").to_pylist():
                first.setdefault(doc_id, older)
    return first


# --- build -------------------------------------------------------------------------------------


def build_tables(root: Path, version: str, progress: Progress = _quiet,
                 options: BuildOptions = BuildOptions(use_cache=False)) -> tuple[dict[str, pyarrow.Table], dict]:
    """All tables of a build in memory (for checks and tools; releases are written by streaming)."""
    with tempfile.TemporaryDirectory(prefix="warnews-tables-") as tmp:
        info, _, evaluation = build_tables_into(Config.load(root), Path(tmp), version, schemas(version, identity(root)),
                                                _first_versions(root, version), options, progress)
        tables = {name: read_table(Path(tmp), name) for name in TABLES}
    return {name: t.replace_schema_metadata(None) for name, t in tables.items()}, {**info, "evaluation": evaluation}


# --- write -------------------------------------------------------------------------------------


def _dump_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_manifest(folder: Path) -> None:
    """sha256sum-compatible list of every file in the folder but the manifest itself."""
    lines = [f"{file_sha256(folder / name)}  {name}\n" for name in release_files(folder)]
    (folder / MANIFEST).write_text("".join(lines), encoding="utf-8")


def build_into(root: Path, folder: Path, version: str, progress: Progress = _quiet,
               options: BuildOptions = BuildOptions()) -> dict:
    """Build, validate and write a complete release folder (which must be new and empty)."""
    parse_version(version)
    config = Config.load(root)
    info, validator, evaluation = build_tables_into(config, folder, version, schemas(version, identity(root)),
                                                    _first_versions(root, version), options, progress)
    results = validator.finish()
    rows = {name: t["rows"] for name, t in info["tables"].items()}
    progress(summary(results, rows))
    build = {"version": version, "warnews": __version__, **info, **environment(),
             "settings": config.settings(as_of(options))}
    _dump_json(build, folder / "build.json")
    _dump_json(report(results, version), folder / "validation.json")
    _dump_json({"version": version, **evaluation}, folder / "evaluation.json")
    stats = corpus_stats({name: read_table(folder, name, columns)
                          for name, columns in stats_columns().items()})
    (folder / "report.html").write_text(report_html(stats, version, collection_name(root)), encoding="utf-8")
    write_croissant(folder, version, About.of(identity(root), version))
    write_manifest(folder)
    return build


def _atomic_build(root: Path, target: Path, version: str, progress: Progress, replace: bool,
                  check: Callable[[Path], None] | None = None, options: BuildOptions = BuildOptions()) -> dict:
    """Build into a temporary sibling of `target`, run `check` on it, then rename it into place.
    The folder gets the mode of any new folder (0o777 less the umask); a full disk is named."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:12]}")  # in lock.LEFTOVERS
    old = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
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
    except OSError as err:
        if err.errno != errno.ENOSPC:
            raise
        raise WarnewsError(f"{target}: cannot write it: the disk is full (ENOSPC)"
                           + (f" writing {Path(err.filename).name}" if err.filename else "")
                           + "; free some space and run the command again") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
        if old is not None and old.exists():
            shutil.rmtree(old)


def build(root: Path, version: str | None = None, progress: Progress = _quiet,
          options: BuildOptions = BuildOptions()) -> tuple[Path, dict]:
    """`warnews build`: a complete, validated build in build/staging (replacing the previous one),
    after finishing or undoing a release that was interrupted (its releases count for the build)."""
    with lock.writing(root, "warnews build", progress):
        recover_release(root, progress)
        version = version or default_version(root)
        target = root / STAGING_DIR
        return target, _atomic_build(root, target, version, progress, replace=True, options=options)


def _check_new_version(root: Path, version: str) -> list[str]:
    """Refuse an existing or older version; return the releases."""
    target = release_dir(root, version)
    if target.exists():
        raise WarnewsError(f"{target} already exists; released versions are never overwritten: choose a new version")
    known = releases(root)
    newer = [v for v in known if parse_version(v) >= parse_version(version)]
    if newer:
        raise WarnewsError(f"version {version} is not newer than the released {newer[-1]}; choose a higher version")
    return known


def release(root: Path, version: str, progress: Progress = _quiet,
            options: BuildOptions = BuildOptions()) -> tuple[Path, dict, dict | None]:
    """`warnews release X.Y.Z`: write corpus/vX.Y.Z once; refuse an existing or older version, and
    a version number that understates the change from the newest release. Returns the folder,
    build.json and the change from the newest release (None for the first)."""
    target = release_dir(root, version)
    known = _check_new_version(root, version)
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
    if anything fails before the commit is made, the release is rolled back; if the process dies,
    the next release or build finishes or rolls it back (the journal, above), and a rerun of this
    release then completes it. Returns the folder, build.json, the change from the previous
    release, the files updated and whether git committed and tagged."""
    from warnews import card  # card reads releases; imported here to keep the build free of it

    with lock.writing(root, "warnews release", progress):
        finished = recover_release(root, progress)
        if finished is not None and finished["version"] == version:
            return _finished(root, finished)
        check_filled(root, progress)
        _check_new_version(root, version)
        use_git = git and in_git_checkout(root)
        if use_git:
            check_git_ready(root, version)
        documents = [root / card.README, root / card.CHANGELOG, root / card.CITATION] + [
            root / card.SCHEMA_DIR / f"{table}.yaml" for table in TABLES]
        journal = _new_journal(root, version, use_git, documents)
        try:
            _save_documents(root, journal)
            folder, build, change = release(root, version, progress, options)
            _record(root, journal, "folder")
            updated = card.record_release(root, version, change, date or dt.date.today().isoformat())
            updated += card.write_docs(root)
            journal["updated"] = [p.relative_to(root).as_posix() for p in updated]
            _record(root, journal, "documents")
            if use_git:
                _commit_and_tag(root, journal, [folder] + updated)
        except BaseException as err:
            if _release_commit(root, journal) is not None:
                raise  # committed: the next release or build tags it, unless it is tagged by hand
            _roll_back(root, journal)
            if isinstance(err, WarnewsError) and "nothing was released" not in str(err):
                raise WarnewsError(f"nothing was released (release {version} was rolled back): {err}") from None
            raise
        _remove_journal(root)
    return folder, build, change, updated, use_git


def _commit_and_tag(root: Path, journal: dict, paths: list[Path]) -> None:
    version = journal["version"]
    names = [p.relative_to(root).as_posix() for p in paths]
    journal["git_started"] = time.time()  # what tells git's own lock, if git is killed, from another's
    _write_journal(root, journal)
    _run_git_step(root, ("add", "--", *names), "nothing was released")
    _run_git_step(root, ("commit", "-m", f"Release data {version}", "--", *names),
                  "nothing was released; fix that and release again")
    _record(root, journal, "commit")
    _run_git_step(root, ("tag", "-a", f"v{version}", "-m", f"warnews data {version}"),
                  f"the release is committed; tag it by hand: git tag -a v{version} -m 'warnews data {version}' "
                  f"(or run `warnews release {version}` again, which tags it)")
    _record(root, journal, "tag")


# --- the journal -------------------------------------------------------------------------------


def _new_journal(root: Path, version: str, use_git: bool, documents: list[Path]) -> dict:
    head = _git(root, "rev-parse", "-q", "--verify", "HEAD").stdout.strip() if use_git else ""
    names = [p.relative_to(root).as_posix() for p in documents]
    return {"version": version, "git": use_git, "head": head or None, "started": time.time(), "git_started": None,
            "documents": {name: "saved" if (root / name).is_file() else "absent" for name in names},
            "new_folders": sorted({p.parent.relative_to(root).as_posix() for p in documents if not p.parent.exists()}),
            "done": [], "updated": []}


def _write(path: Path, data: bytes) -> None:
    from warnews import card

    path.parent.mkdir(parents=True, exist_ok=True)
    card.write_file(path, data)


def _write_journal(root: Path, journal: dict) -> None:
    """Whole or not at all, and on disk before the step it announces (card.write_file fsyncs)."""
    _write(root / JOURNAL, (json.dumps(journal, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def _record(root: Path, journal: dict, step: str) -> None:
    journal["done"].append(step)
    _write_journal(root, journal)


def _save_documents(root: Path, journal: dict) -> None:
    """The old bytes (and mode) of each document the release may rewrite, on disk before any is
    touched; then the journal, which lists them. A rollback renames them back: no new data."""
    for name, state in journal["documents"].items():
        if state == "saved":
            copy = root / SAVED / name
            _write(copy, (root / name).read_bytes())
            os.chmod(copy, stat.S_IMODE((root / name).stat().st_mode))
    _write_journal(root, journal)


def _remove_journal(root: Path) -> None:
    """The journal first: a kill between the two leaves saved copies without a journal, which the
    next recovery removes."""
    (root / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(root / JOURNAL_DIR, ignore_errors=True)


def recover_release(root: Path, progress: Progress = _quiet) -> dict | None:
    """Finish or undo a release that was killed part-way (or whose rollback failed): it left its
    journal. One whose commit was made is finished (tagged); without git, one whose documents
    were updated was done; any other is rolled back. Call while holding the collection's lock.
    Returns the journal of a release it finished."""
    path = root / JOURNAL
    if not path.is_file():
        if (root / JOURNAL_DIR).exists():  # saved by a release killed before its journal was written
            shutil.rmtree(root / JOURNAL_DIR)
        return None
    journal = json.loads(path.read_text(encoding="utf-8"))
    version = journal["version"]
    commit = _release_commit(root, journal)
    if commit is not None:
        progress(f"completed the interrupted release {version}: {_tag(root, version, commit)}")
    elif not journal["git"] and "documents" in journal["done"]:
        progress(f"completed the interrupted release {version}: it was done but for removing its journal")
    else:
        _roll_back(root, journal)
        progress(f"rolled back the interrupted release {version} (it had reached: {_reached(journal)})")
        return None
    _remove_journal(root)
    return journal


def _finished(root: Path, journal: dict) -> tuple[Path, dict, dict | None, list[Path], bool]:
    """What make_release returns for the release a recovery just finished."""
    version = journal["version"]
    folder = release_dir(root, version)
    older = [v for v in releases(root) if parse_version(v) < parse_version(version)]
    change = diff_folders(release_dir(root, older[-1]), folder) if older else None
    return folder, _build_json(folder), change or None, [root / n for n in journal["updated"]], journal["git"]


def _reached(journal: dict) -> str:
    if journal["git_started"] and "commit" not in journal["done"]:
        return "git add and commit begun"
    if journal["done"]:
        return _REACHED[journal["done"][-1]].format(version=journal["version"])
    return "the build"


def _release_commit(root: Path, journal: dict) -> str | None:
    """The commit `Release data X` made on top of the HEAD the release began from, if any."""
    if not journal["git"]:
        return None
    head = journal["head"]
    log = _git(root, "log", "--format=%H %P%x09%s", f"{head}..HEAD" if head else "HEAD")
    for line in log.stdout.splitlines() if log.returncode == 0 else []:
        ids, _, subject = line.partition("\t")
        commit, *parents = ids.split()
        if subject == f"Release data {journal['version']}" and parents == ([head] if head else []):
            return commit
    return None


def _tag(root: Path, version: str, commit: str) -> str:
    """Tag the release commit, unless it was tagged; say which."""
    tagged = _git(root, "rev-parse", "-q", "--verify", f"refs/tags/v{version}^{{commit}}")
    if tagged.returncode == 0:
        if tagged.stdout.strip() != commit:
            raise WarnewsError(f"git tag v{version} points at {tagged.stdout.strip()[:12]}, not at the commit "
                               f"`Release data {version}` ({commit[:12]}); {root / JOURNAL} is kept: move the tag "
                               f"(git tag -f -a v{version} -m 'warnews data {version}' {commit[:12]}) and run "
                               "the command again")
        return f"it was committed and tagged v{version}"
    _run_git_step(root, ("tag", "-a", f"v{version}", "-m", f"warnews data {version}", commit),
                  f"the release is committed; tag it by hand: git tag -a v{version} -m 'warnews data {version}' "
                  f"{commit[:12]}")
    return f"tagged v{version}"


def _roll_back(root: Path, journal: dict) -> None:
    """Undo a release that made no commit, by renames and unlinks only, so that it works on a full
    disk: the release folder goes, each document gets its saved copy back (or goes, if it was
    absent), nothing stays staged, and then the journal goes. An interrupted rollback is resumed
    by the next recovery."""
    version = journal["version"]
    folder = release_dir(root, version)
    if folder.exists():  # the version was new when the journal began: the folder is the release's
        if journal["git"]:
            _refuse_committed(root, folder, journal)
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")  # in lock.LEFTOVERS, if killed here
        folder.rename(old)
        shutil.rmtree(old)
    for name, state in journal["documents"].items():
        copy = root / SAVED / name
        if state == "absent":
            (root / name).unlink(missing_ok=True)
        elif copy.is_file():  # else an interrupted rollback put it back already
            os.replace(copy, root / name)
    for name in journal["new_folders"]:
        with contextlib.suppress(OSError):
            (root / name).rmdir()
    if journal["git_started"]:
        _unlock_index(root, journal["git_started"])
        reset = _git(root, "reset", "-q", "--", folder.relative_to(root).as_posix(), *journal["documents"])
        if reset.returncode != 0:
            raise WarnewsError(f"rolling back release {version}: `git reset` failed: {reset.stderr.strip()}; its "
                               f"files are restored, {root / JOURNAL} is kept: fix that and run the command again")
    _remove_journal(root)


def _refuse_committed(root: Path, folder: Path, journal: dict) -> None:
    name = folder.relative_to(root).as_posix()
    found = _git(root, "log", "--all", "-1", "--format=%H", "--", name).stdout.strip()
    if found:
        raise WarnewsError(f"{name} is in commit {found[:12]}, but no commit `Release data {journal['version']}` "
                           f"follows the HEAD the interrupted release began from ({journal['head']}); nothing was "
                           f"undone: check the history, then remove {root / JOURNAL_DIR} to keep things as they are")


def _unlock_index(root: Path, since: float) -> None:
    """Remove git's lock on the index if a git killed with the release left it: it was made after
    the release's git step began, and no git process works in this checkout."""
    path = root / _git(root, "rev-parse", "--git-path", "index.lock").stdout.strip()
    if not path.is_file():
        return
    if path.stat().st_mtime < since - 1 or _git_running(root):  # a second for the file clock's coarseness
        raise WarnewsError(f"{path}: git's index is locked by a git this release did not start, or one still "
                           f"running; the release's files are restored, {root / JOURNAL} is kept: once no git "
                           f"runs here, remove {path} and run the command again")
    path.unlink()


def _git_running(root: Path) -> bool:
    """Whether a process named git works in this checkout (where /proc cannot tell, assume so)."""
    if not Path("/proc/self").exists():
        return True
    top = root.resolve()
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "git":
                continue
            cwd = Path(os.readlink(comm.parent / "cwd"))
        except PermissionError:
            return True
        except OSError:  # it ended meanwhile
            continue
        if cwd == top or top in cwd.parents:
            return True
    return False


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
        same = 0
        if same_code:
            names = sorted(set(release_files(folder)) | set(release_files(fresh)) | {MANIFEST})
            for name in names:
                a, b = folder / name, fresh / name
                if not a.is_file():
                    problems.append(f"{a}: missing (a fresh build writes it)")
                elif not b.is_file():
                    problems.append(f"{a}: not written by a fresh build")
                elif a.read_bytes() == b.read_bytes():
                    same += 1
                else:
                    problems.append(f"{a}: differs from a fresh build of raw/" + _json_difference(a, b))
        else:  # an older release's tables, compared by columns and rows whatever files hold them
            names = sorted({name for name, _ in table_files(folder)})
            for name in names:
                if not files_of(fresh, name):
                    problems.append(f"{folder / name}: not written by a fresh build")
                elif _same_rows(folder, fresh, name):
                    same += 1
                else:
                    problems.append(f"{folder / data_files(name, is_parted(folder, name))}: differs from a fresh "
                                    "build of raw/")
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


def _same_rows(folder: Path, fresh_folder: Path, table: str) -> bool:
    """Same column names, types and rows (schema metadata such as descriptions aside); columns a
    later version added (documents.input_kind in 1.5.0) are not expected in an older release."""
    try:
        released, fresh = read_table(folder, table), read_table(fresh_folder, table)
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
