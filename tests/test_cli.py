"""The command line answers help and argument errors without loading the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

# lingua is not here: the language list needs its module (2 ms); its models load only where a
# detector is built
HEAVY = ("pandas", "pyarrow", "pandera", "spacy", "trafilatura", "matplotlib", "datasets", "mlcroissant")
PROBE = """
import sys
from warnews.cli import main
try:
    main({argv!r})
except SystemExit as exit:
    code = exit.code
print(sorted(m for m in {heavy!r} if m in sys.modules))
print(code)
"""


@pytest.mark.parametrize("argv, code", [(["--help"], 0), (["build", "--help"], 0), (["build", "--bogus"], 2),
                                        (["no-such-command"], 2)])
def test_help_and_argument_errors_load_no_heavy_library(argv, code):
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[-2:] == ["[]", str(code)]
