"""Every benchmark under bench/ runs to its end on a tiny size, so that none can rot unnoticed.

These are not timed tests: the numbers a bench prints are not checked here (bench/README.md
holds them), only that it runs on a clean install of `.[test]` and prints its targets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, shared

BENCHES = {
    "annotation_quality.py": [],
    "build_scale.py": ["--sizes", "30"],
    "entities.py": ["--sample", "5"],
    "html_extraction.py": [],
    "language_id.py": [],
    "page_dumps.py": [],
    "polnear.py": ["--limit", "3", "--layer", "parse"],
    "real_collections.py": ["--sizes", "--jobs", "1", "--spacy-sample", "40"],
    "stage_costs.py": ["--limit", "20"],
}


def test_every_bench_is_run_here():
    assert sorted(BENCHES) == sorted(p.name for p in (REPO / "bench").glob("*.py") if p.name != "synthetic.py")


@pytest.mark.parametrize("name", sorted(BENCHES))
def test_a_bench_runs_on_a_tiny_size(name, tmp_path):
    if name != "build_scale.py":  # the others read ../shared/
        shared()
    done = subprocess.run([sys.executable, str(REPO / "bench" / name), *BENCHES[name]], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert done.stdout.strip(), f"{name} printed nothing"
