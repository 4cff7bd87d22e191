"""Checks of the driver's pure parts: `.venv/bin/pytest bench/test_run.py` (no server, no wrk)."""

from __future__ import annotations

import json

import pytest
import run

VALUES = {"pool_id": "us-east-1_Abc123", "client_id": "abcdef123"}


def test_fill_replaces_placeholders_in_nested_strings_only() -> None:
    template = {"UserPoolId": "{pool_id}", "Max": 10, "Ids": ["{client_id}", "x"]}
    assert run.fill(template, VALUES) == {
        "UserPoolId": "us-east-1_Abc123", "Max": 10, "Ids": ["abcdef123", "x"],
    }


def test_every_workload_renders_to_json_with_its_fixtures() -> None:
    for workload in run.WORKLOADS.values():
        body = json.loads(run.request_body(workload, VALUES))
        assert "{" not in json.dumps(body)[1:-1]  # no placeholder left


def test_lua_long_string_picks_a_level_absent_from_the_text() -> None:
    assert run.lua_long_string('{"a":"b"}') == '[[{"a":"b"}]]'
    assert run.lua_long_string("x]]y]=]z") == "[==[x]]y]=]z]==]"


def test_lua_script_sets_target_and_body_before_the_shared_callbacks() -> None:
    script = run.lua_script(run.WORKLOADS["DescribeUserPool"], VALUES, "-- common")
    assert 'wrk.headers["X-Amz-Target"] = [[AWSCognitoIdentityProviderService.DescribeUserPool]]' \
        in script
    assert 'wrk.body = [[{"UserPoolId":"us-east-1_Abc123"}]]' in script
    assert script.endswith("-- common")


RAW = {
    "requests": 20000, "duration_us": 10_000_000, "bytes": 1, "non200": 0, "connect": 0,
    "read": 0, "write": 0, "status": 0, "timeout": 0, "p50_us": 1500, "p90_us": 3000,
    "p99_us": 12345, "mean_us": 1800.5, "max_us": 40000, "sample": "",
}


def test_parse_wrk_output_finds_the_result_line_among_wrk_text() -> None:
    stdout = "Running 10s test @ http://x\n  2 threads\nBENCH_RESULT " + json.dumps(RAW) + "\n"
    assert run.parse_wrk_output(stdout) == RAW
    with pytest.raises(RuntimeError):
        run.parse_wrk_output("Running 10s test\n")


def test_measurement_converts_units_and_counts_errors() -> None:
    m = run.measurement("DescribeUserPool", "sqlite", {**RAW, "non200": 3, "timeout": 2})
    assert (m.rps, m.p50_ms, m.p99_ms) == (2000.0, 1.5, 12.345)
    assert m.errors == 5


def test_percent_of_bare_and_table() -> None:
    ours = run.measurement("DescribeUserPool", "postgres", RAW)
    bare = run.measurement("bare", "-", {**RAW, "requests": 80000})
    run.apply_ratios([ours], bare)
    assert ours.pct_of_bare == 25.0
    text = run.table([ours, bare], "bare (5.7 KB body)")
    assert "DescribeUserPool" in text and "25.0" in text and "bare (5.7 KB body)" in text
    assert not run.report_errors([ours, bare])


def test_parse_args_defaults_and_validation() -> None:
    settings = run.parse_args([])
    assert settings.stores == ["sqlite", "postgres"]
    assert (settings.duration, settings.connections, settings.threads, settings.workers) == (
        10, 64, 2, 2,
    )
    assert settings.workloads == list(run.WORKLOADS)
    with pytest.raises(SystemExit):
        run.parse_args(["--workloads", "Nope"])
