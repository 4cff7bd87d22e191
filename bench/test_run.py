"""Checks of the driver's pure parts: `.venv/bin/pytest bench/test_run.py` (no server, no wrk)."""

from __future__ import annotations

import json
from typing import Any

import auth
import pytest
import run
import users

VALUES = {
    "pool_id": "us-east-1_Abc123", "client_id": "abcdef123", "public_client_id": "public123",
    "user_email": "seeded.user@bench.example", "user_name": "7d3c-uuid",
    "password": "Bench-Passw0rd!2024",
    "big_pool_id": "us-east-1_Big", "big_email": "big-0500000@big.bench.example",
    "small_pool_id": "us-east-1_Small", "small_email": "small-0005000@small.bench.example",
    "auth_client_id": "auth123", "signin_email": "signin.user@bench.example",
    "refresh_token": "eyJjdHkiOiJKV1QifQ.a.b.c.d", "access_token": "eyJraWQiOiJrIn0.e.f",
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
    assert settings.workloads == [*run.WORKLOADS, "UserSrpAuth"]
    assert settings.srp_clients == 4
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


# ---------------------------------------------------------------- sign-in (bench/auth.py)


def test_signin_workloads_present_the_seeded_tokens_and_user() -> None:
    refresh = json.loads(run.request_body(run.WORKLOADS["RefreshTokenAuth"], VALUES))
    assert refresh == {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "auth123",
                       "AuthParameters": {"REFRESH_TOKEN": VALUES["refresh_token"]}}
    assert json.loads(run.request_body(run.WORKLOADS["GetUser"], VALUES)) == {
        "AccessToken": VALUES["access_token"]}
    password = json.loads(run.request_body(run.WORKLOADS["UserPasswordAuth"], VALUES))
    assert password["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert password["AuthParameters"] == {"USERNAME": "signin.user@bench.example",
                                          "PASSWORD": "Bench-Passw0rd!2024"}
    assert "UserPasswordAuth" in run.KDF_WORKLOADS and "RefreshTokenAuth" in run.SIGN_WORKLOADS


def test_the_seeded_signin_client_allows_the_measured_flows_without_secret_or_rotation() -> None:
    import seed

    client = seed.AUTH_CLIENT
    assert client["GenerateSecret"] is False and "RefreshTokenRotation" not in client
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"} <= set(
        client["ExplicitAuthFlows"])


def test_srp_workload_is_generated_not_scripted(tmp_path: Any) -> None:
    settings = run.parse_args(["--workloads", "UserSrpAuth,GetUser", "--srp-clients", "3"])
    assert settings.workloads == ["UserSrpAuth", "GetUser"] and settings.srp_clients == 3
    assert list(run.write_scripts(VALUES, settings.workloads, tmp_path)) == ["GetUser"]
    with pytest.raises(SystemExit):
        run.parse_args(["--srp-clients", "0"])


def test_refresh_target_is_40_percent_of_half_the_signature_rate() -> None:
    holds = auth.refresh_target("sqlite", 800.0, 20.0, 90.0, 4000.0)
    assert (holds.ceiling_rps, holds.ratio, holds.holds) == (2000.0, 0.4, True)
    missed = auth.refresh_target("postgres", 799.0, 20.0, 90.0, 4000.0)
    assert not missed.holds and missed.as_dict()["holds"] is False
    assert auth.refresh_target("x", 1.0, 1.0, 1.0, 0.0).ratio is None


def test_signin_summary_prints_and_returns_the_refresh_verdict_and_srp(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = [row("RefreshTokenAuth", "sqlite", 20_000, requests=9000),  # 900 req/s
            row("GetUser", "sqlite", 5_000, requests=30000),
            row("RefreshTokenAuth", "postgres", 20_000, requests=5000, non200=1)]
    srp = auth.summarize([auth.WorkerResult([100.0, 200.0], [40.0, 50.0], cpu_s=5.0)], 10.0)
    srp.machine_busy = 0.97
    rows.append(run.Measurement("UserSrpAuth", "sqlite", 2, 10.0, 0.2, 100.0, 200.0, 200.0,
                                150.0, 200.0, 0, {}, "", wrk_cpu_pct=50.0, server_cpu_pct=120.0))
    sign = auth.SignRate(2, 5.0, 20000, 4000.0)
    runs = {"sqlite": run.StoreRun(rows[:2], sign=sign, srp=srp),
            "postgres": run.StoreRun(rows[2:3], sign=sign)}
    extra = run.signin_summary(rows, run.parse_args([]), runs)
    (target,) = extra["refresh_target"]  # postgres' failed run is not judged
    assert (target["store"], target["ratio"], target["holds"]) == ("sqlite", 0.45, True)
    assert extra["rs256"]["sqlite"]["refresh_ceiling"] == 2000.0
    assert extra["srp"]["sqlite"]["server_cpu_pct"] == 120.0
    assert extra["srp"]["sqlite"]["verdict"].startswith("machine-bound")
    out = capsys.readouterr().out
    assert "4000.0 signatures/s in 2 processes" in out
    assert "REFRESH_TOKEN_AUTH (sqlite): 900.0 req/s" in out and "45.0% of 2000.0" in out
    assert "GetUser (sqlite): 3000.0 req/s" in out
    assert "USER_SRP_AUTH round trip (sqlite): 0.2/s" in out


def test_srp_rows_have_no_percent_of_bare_and_are_marked_in_the_table() -> None:
    srp = run.Measurement("UserSrpAuth", "sqlite", 100, 10.0, 10.0, 90.0, 120.0, 150.0,
                          95.0, 160.0, 0, {}, "")
    bare = run.measurement("bare", "-", RAW)
    run.apply_ratios([srp], bare)
    assert srp.pct_of_bare is None
    assert "UserSrpAuth (round trips)" in run.table([srp, bare], "bare")


def test_measure_signatures_counts_every_process() -> None:
    rate = auth.measure_signatures(2, 0.2)
    assert rate.processes == 2 and rate.signatures > 2
    assert rate.refresh_ceiling == rate.signatures_per_s / 2


def test_summarize_percentiles_cpu_and_errors() -> None:
    a = auth.WorkerResult([float(n) for n in range(1, 101)], [1.0] * 100, cpu_s=2.0)
    b = auth.WorkerResult([], [], errors=2, sample_error="InitiateAuth 400 {}", cpu_s=1.0)
    srp = auth.summarize([a, b], 10.0)
    assert (srp.processes, srp.round_trips, srp.rps) == (2, 100, 10.0)
    assert (srp.p50_ms, srp.p90_ms, srp.p99_ms, srp.max_ms) == (50.0, 90.0, 99.0, 100.0)
    assert (srp.errors, srp.sample_error) == (2, "InitiateAuth 400 {}")
    assert srp.generator_cpu_pct == 30.0
    assert auth.percentile([], 50) == 0.0


def test_srp_verdict_names_the_bottleneck() -> None:
    assert auth.srp_verdict(80.0, 190.0, 2, 4).startswith("server-bound")
    assert auth.srp_verdict(100.0, 95.0, 2, 2, machine_busy=0.98).startswith("machine-bound")
    assert auth.srp_verdict(30.0, 40.0, 2, 8, machine_busy=0.2).startswith("neither")
    assert auth.srp_verdict(300.0, None, 2, 3).startswith("generator-bound")


def test_cpu_accounting_reads_proc(tmp_path: Any) -> None:
    import os

    (tmp_path / "12").mkdir()
    (tmp_path / "12" / "stat").write_text(
        "12 (python (x)) S 1 77 77 0 -1 0 0 0 0 0 300 200 0 0 20 0 1 0\n")
    (tmp_path / "13").mkdir()
    (tmp_path / "13" / "stat").write_text("13 (wrk) S 1 78 78 0 -1 0 0 0 0 0 999 999 0 0\n")
    tick = os.sysconf("SC_CLK_TCK")
    assert auth.group_cpu_seconds(77, tmp_path) == 500 / tick
    assert auth.group_cpu_seconds(os.getpgrp()) > 0  # this test's own group, from /proc
    stat = tmp_path / "proc_stat"
    stat.write_text("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n")
    before = auth.machine_cpu_times(stat)
    assert before == (150.0, 1000.0)
    assert auth.busy_fraction(before, (450.0, 1400.0)) == 0.75
    assert auth.busy_fraction(before, before) is None
