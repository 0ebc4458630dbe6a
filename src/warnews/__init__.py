"""warnews: news reports on the Russia-Ukraine war, cleaned, annotated, validated and released.

Stages, one module each: ingest -> clean -> annotate -> validate -> release (cli.py ties them).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("warnews")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
