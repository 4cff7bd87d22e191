"""The trigger benchmark runs end to end (a few requests; the figures are bench/triggers.py's
to report, not this test's)."""

from __future__ import annotations

import json
from pathlib import Path

import triggers


def test_trigger_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "triggers.json"
    assert triggers.main(["--requests", "3", "--warmup", "1", "--json", str(out)]) == 0
    cases = json.loads(out.read_text())["cases"]
    assert set(cases) == {"no trigger", "Python handler", "Node.js handler"}
    for row in cases.values():
        assert 0 < row["p50_ms"] <= row["p99_ms"]
