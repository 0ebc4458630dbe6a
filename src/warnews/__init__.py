"""warnews: news reports on the Russia-Ukraine war, cleaned, annotated, validated and released.

Stages, one module each: ingest -> clean -> annotate -> validate -> release (cli.py ties them).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("warnews")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"


def load(table: str, version: str | None = None, as_: str = "pandas", root="."):
    """One table of a release (the newest by default), checked against its manifest, as a pandas
    DataFrame (as_="pandas") or a datasets.Dataset (as_="datasets"). `root` is the repository."""
    from warnews.versions import load as _load

    return _load(table, version=version, as_=as_, root=root)
