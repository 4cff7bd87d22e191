"""Checks of the driver's pure parts: `.venv/bin/pytest bench/test_run.py` (no server, no wrk)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import run
import users

VALUES = {
    "pool_id": "us-east-1_Abc123", "client_id": "abcdef123", "public_client_id": "public123",
    "user_email": "seeded.user@bench.example", "user_name": "7d3c-uuid",
    "password": "Bench-Passw0rd!2024",
    "big_pool_id": "us-east-1_Big", "big_email": "big-0500000@big.bench.example",
    "small_pool_id": "us-east-1_Small", "small_email": "small-0005000@small.bench.example",
}


def test_fill_replaces_placeholders_in_nested_strings_only() -> None:
    template = {"UserPoolId": "{pool_id}", "Max": 10, "Ids": ["{client_id}", "x"]}
    assert run.fill(template, VALUES) == {
        "UserPoolId": "us-east-1_Abc123", "Max": 10, "Ids": ["abcdef123", "x"],
    }


def test_every_workload_renders_to_json_with_its_fixtures() -> None:
    for workload in run.WORKLOADS.values():
        body = json.loads(run.request_body(workload, {**VALUES, "unique": "u1"}))
        assert not any("{" in text or "}" in text for text in strings(body))  # all filled


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in strings(item)]


def test_filtered_list_users_searches_an_existing_email_in_each_pool() -> None:
    big = json.loads(run.request_body(run.WORKLOADS["ListUsersFiltered"], VALUES))
    small = json.loads(run.request_body(run.WORKLOADS["ListUsersFiltered10k"], VALUES))
    assert big == {"UserPoolId": "us-east-1_Big",
                   "Filter": 'email = "big-0500000@big.bench.example"'}
    assert small["UserPoolId"] == "us-east-1_Small"
    assert small["Filter"] == 'email = "small-0005000@small.bench.example"'


def test_user_creating_workloads_are_unique_per_request_and_suppress_messages() -> None:
    create = run.WORKLOADS["AdminCreateUser"]
    assert create.unique and run.WORKLOADS["SignUp"].unique
    assert not run.WORKLOADS["AdminGetUser"].unique
    body = json.loads(run.request_body(create, {**VALUES, "unique": "XYZ"}))
    assert body["MessageAction"] == "SUPPRESS"
    assert body["Username"] == "aXYZ@create.bench.example"
    signup = json.loads(run.request_body(run.WORKLOADS["SignUp"], {**VALUES, "unique": "XYZ"}))
    assert signup["ClientId"] == "public123"
    assert {"Name": "email", "Value": signup["Username"]} in signup["UserAttributes"]


def test_unique_body_lua_joins_the_body_parts_with_a_per_request_token() -> None:
    script = run.lua_script(run.WORKLOADS["SignUp"], VALUES, "-- common")
    assert "wrk.body" not in script
    assert "function request()" in script and "function prepare_thread(thread)" in script
    assert run.UNIQUE_MARK not in script
    # The two places the token goes (username, email) split the body into three literals.
    literals = script.split("local body_parts = {", 1)[1].split("}\n", 1)[0]
    assert literals.count("[[") == 3
    assert literals.startswith('[[{"ClientId":"public123","Username":"s]]')
    assert script.endswith("-- common")


def test_unique_body_lua_refuses_a_body_without_the_token() -> None:
    with pytest.raises(ValueError):
        run.unique_body_lua('{"UserPoolId":"x"}')


def test_shared_lua_setup_lets_a_workload_prepare_its_threads() -> None:
    common = run.LUA_COMMON.read_text()
    setup = common.split("function setup(thread)", 1)[1].split("\nend", 1)[0]
    assert "prepare_thread(thread)" in setup


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


def test_slow_workloads_cap_their_connections() -> None:
    settings = run.parse_args([])
    assert run.workload_settings(run.WORKLOADS["AdminGetUser"], settings) is settings
    assert run.workload_settings(run.WORKLOADS["AdminCreateUser"], settings).connections == 16
    assert run.workload_settings(run.WORKLOADS["ListUsersFiltered"], settings).connections == 2
    few = run.parse_args(["--connections", "4", "--threads", "4"])
    assert run.workload_settings(run.WORKLOADS["ListUsersFiltered"], few).connections == 4
    assert run.workload_settings(run.WORKLOADS["AdminCreateUser"], few).connections == 4


def test_either_filtered_list_workload_brings_the_other() -> None:
    assert run.with_companions(["AdminGetUser", "ListUsersFiltered"]) == [
        "AdminGetUser", "ListUsersFiltered", "ListUsersFiltered10k",
    ]
    assert run.with_companions(["ListUsersFiltered10k"]) == [
        "ListUsersFiltered10k", "ListUsersFiltered",
    ]
    assert run.with_companions(["SignUp", "SignUp"]) == ["SignUp"]
    settings = run.parse_args(["--workloads", "AdminGetUser,ListUsersFiltered"])
    assert settings.workloads == ["AdminGetUser", "ListUsersFiltered", "ListUsersFiltered10k"]


def test_parse_args_users_big_and_a_fresh_server_key() -> None:
    import base64

    settings = run.parse_args([])
    assert settings.users_big == 1_000_000
    assert len(base64.b64decode(settings.server_key, validate=True)) == 32
    assert run.parse_args([]).server_key != settings.server_key
    assert run.parse_args(["--users-big", "10000"]).users_big == 10_000
    with pytest.raises(SystemExit):
        run.parse_args(["--users-big", "0"])
    assert "server_key" not in repr(settings)


def row(workload: str, store: str, p50_us: int, requests: int = 20000, **extra: int) -> Any:
    return run.measurement(workload, store, {**RAW, "p50_us": p50_us, "requests": requests,
                                             **extra})


def test_list_targets_pair_the_two_pools_per_store() -> None:
    rows = [
        row("ListUsersFiltered", "sqlite", 1800), row("ListUsersFiltered10k", "sqlite", 1200),
        row("ListUsersFiltered", "postgres", 6000), row("ListUsersFiltered10k", "postgres", 5000),
        row("AdminGetUser", "sqlite", 900),
    ]
    sqlite, postgres = run.list_targets(rows, 1_000_000)
    assert (sqlite.store, sqlite.p50_big_ms, sqlite.p50_small_ms, sqlite.ratio) == (
        "sqlite", 1.8, 1.2, 1.5,
    )
    assert sqlite.holds
    assert postgres.within_tolerance and not postgres.under_limit and not postgres.holds


def test_list_targets_skip_a_store_whose_run_failed() -> None:
    rows = [row("ListUsersFiltered", "sqlite", 1800, non200=1),
            row("ListUsersFiltered10k", "sqlite", 1200)]
    assert run.list_targets(rows, 1_000_000) == []


def test_users_summary_prints_the_target_and_the_kdf_ratios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [row("AdminCreateUser", "sqlite", 500_000, requests=400),  # 40 req/s
            row("SignUp", "sqlite", 500_000, requests=300),
            row("ListUsersFiltered", "sqlite", 1800), row("ListUsersFiltered10k", "sqlite", 1200)]
    rows.append(row("SignUp", "postgres", 500_000, requests=250))
    settings = run.parse_args(["--users-big", "200000"])
    kdf = users.KdfRate(users.KdfParams(19456, 2, 1), 2, 10.0, 500, 50.0)
    slower = users.KdfRate(users.KdfParams(19456, 2, 1), 2, 10.0, 400, 40.0)
    extra = run.users_summary(rows, settings, {"sqlite": kdf, "postgres": slower})
    assert [r.kdf_ratio for r in rows] == [0.8, 0.6, None, None, 0.625]
    assert extra["kdf"]["sqlite"]["hashes_per_s"] == 50.0
    assert extra["kdf"]["postgres"]["hashes_per_s"] == 40.0
    assert extra["list_users_target"][0]["holds"] is True
    assert extra["list_users_target"][0]["users_big"] == 200_000
    out = capsys.readouterr().out
    assert "AdminCreateUser (sqlite): 40.0 req/s ÷ 50.0 hashes/s = 0.8" in out
    assert "1.80 ms at 200,000 users vs 1.20 ms at 10,000" in out and "holds" in out


def test_parse_args_defaults_and_validation() -> None:
    settings = run.parse_args([])
    assert settings.stores == ["sqlite", "postgres"]
    assert (settings.duration, settings.connections, settings.threads, settings.workers) == (
        10, 64, 2, 2,
    )
    assert settings.workloads == list(run.WORKLOADS)
    with pytest.raises(SystemExit):
        run.parse_args(["--workloads", "Nope"])


# ---------------------------------------------------------------- bench/users.py


def test_generated_users_are_named_by_number_and_probed_in_the_middle() -> None:
    assert users.username("big1000000", 42) == "big1000000-0000042"
    assert users.email("big1000000", 42) == "big1000000-0000042@big1000000.bench.example"
    assert users.probe_index(1_000_000) == 500_000
    assert users.probe_index(1) == 0


def test_csv_rows_follow_the_header_given(tmp_path: Any) -> None:
    import csv

    header = users.STANDARD_CSV_HEADER
    path = users.write_users_csv(tmp_path / "u.csv", header, "small", 3)
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 and list(rows[0]) == header
    assert rows[2]["cognito:username"] == "small-0000002"
    assert rows[2]["email"] == "small-0000002@small.bench.example"
    assert (rows[2]["email_verified"], rows[2]["cognito:mfa_enabled"]) == ("true", "false")
    assert rows[2]["phone_number"] == "" and rows[2]["name"] == "Bench User 2"
    # Another server's header order (custom attributes included) is followed as given.
    assert users.csv_row(["cognito:username", "custom:x", "email"], "p", 1) == [
        "p-0000001", "", "p-0000001@p.bench.example",
    ]


def test_user_batches_build_imported_users_in_batches() -> None:
    from userpool.operations.user_support import index_entries

    batches = list(users.user_batches("p", 5, 1000.0, size=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    user = batches[2][0]
    assert (user["Username"], user["_Key"], user["UserStatus"]) == (
        "p-0000004", "p-0000004", "RESET_REQUIRED",
    )
    assert user["Attributes"]["email"] == "p-0000004@p.bench.example"
    assert index_entries(user)["email"] == "p-0000004@p.bench.example"
    subs = {u["Attributes"]["sub"] for batch in batches for u in batch}
    assert len(subs) == 5


def test_list_target_limit_and_tolerance() -> None:
    ok = users.list_target("sqlite", 1.5, 1.0, 1_000_000)
    assert (ok.ratio, ok.under_limit, ok.within_tolerance, ok.holds) == (1.5, True, True, True)
    slow = users.list_target("sqlite", 5.0, 4.0, 1_000_000)  # "under 5 ms": 5.0 is not
    assert slow.within_tolerance and not slow.holds
    drift = users.list_target("postgres", 1.6, 1.0, 1_000_000)
    assert drift.under_limit and not drift.within_tolerance and not drift.holds
    faster = users.list_target("postgres", 0.4, 1.0, 1_000_000)  # -60%: outside ±50% too
    assert not faster.within_tolerance
    assert users.list_target("x", 1.0, 0.0, 10).ratio is None
    document = ok.as_dict()
    assert document["holds"] is True and document["limit_ms"] == 5.0
    assert document["users_small"] == 10_000


def test_kdf_ratio() -> None:
    assert users.kdf_ratio(45.0, 50.0) == 0.9
    assert users.kdf_ratio(45.0, 0.0) is None


def test_kdf_params_are_the_servers_defaults() -> None:
    from userpool.config import Settings

    defaults = Settings()
    params = users.KdfParams.server_defaults()
    assert (params.memory_kib, params.time_cost, params.parallelism) == (
        defaults.kdf_memory_kib, defaults.kdf_time_cost, defaults.kdf_parallelism,
    )
    assert params.serve_flags() == [
        "--kdf-memory-kib", str(defaults.kdf_memory_kib),
        "--kdf-time-cost", str(defaults.kdf_time_cost),
    ]


def test_measure_kdf_counts_the_hashes_of_every_process() -> None:
    cheap = users.KdfParams(memory_kib=8, time_cost=1, parallelism=1)
    rate = users.measure_kdf(2, 0.2, cheap)
    assert rate.processes == 2 and rate.hashes > 2
    assert rate.hashes_per_s > rate.hashes  # at least the hashes of one second
    assert rate.as_dict()["params"]["memory_kib"] == 8
