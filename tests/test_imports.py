"""User import jobs through boto3 and the pre-signed URL, on SQLite and PostgreSQL:
GetCSVHeader, CreateUserImportJob, DescribeUserImportJob, ListUserImportJobs,
StartUserImportJob, StopUserImportJob, the upload, resuming, and ``userpool import``."""

from __future__ import annotations

import csv
import io
import signal
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error, run_cli

ROLE = "arn:aws:iam::123456789012:role/CognitoImportRole"
FINISHED = ("Succeeded", "Failed", "Stopped", "Expired")


def import_pool(cognito: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("AutoVerifiedAttributes", ["email"])
    return cognito.create_user_pool(PoolName=f"imp-{uuid.uuid4().hex[:8]}", **kwargs)["UserPool"]


def csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for values in rows:
        values = {"cognito:mfa_enabled": "false", **values}
        writer.writerow([values.get(name, "") for name in header])
    return out.getvalue().encode()


def person(name: str, **extra: str) -> dict[str, str]:
    return {"cognito:username": name, "email": f"{name}@example.com", "email_verified": "true",
            **extra}


def generated(header: list[str], count: int, prefix: str = "user") -> bytes:
    """``count`` users with a verified email and a name, written fast."""
    position = {name: i for i, name in enumerate(header)}
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    template = [""] * len(header)
    template[position["cognito:mfa_enabled"]] = "false"
    template[position["email_verified"]] = "true"
    for n in range(count):
        values = list(template)
        values[position["cognito:username"]] = f"{prefix}{n:07d}"
        values[position["email"]] = f"{prefix}{n:07d}@example.com"
        values[position["given_name"]] = f"Name{n}"
        out.write(",".join(values) + "\n")
    return out.getvalue().encode()


def put(url: str, data: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=data, method="PUT", headers={"x-amz-server-side-encryption": "aws:kms"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def log_url(job: dict[str, Any]) -> str:
    base, _, query = job["PreSignedUrl"].partition("?")
    return f"{base}/log?{query}"


def create_job(cognito: Any, pool_id: str, name: str = "job") -> dict[str, Any]:
    return cognito.create_user_import_job(
        JobName=name, UserPoolId=pool_id, CloudWatchLogsRoleArn=ROLE
    )["UserImportJob"]


def wait(cognito: Any, pool_id: str, job_id: str, until: tuple[str, ...] = FINISHED,
         timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = cognito.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        if job["Status"] in until or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def describe(cognito: Any, pool_id: str, job_id: str) -> dict[str, Any]:
    return cognito.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]


def run_import(cognito: Any, pool_id: str, data: bytes, timeout: float = 300) -> dict[str, Any]:
    job = create_job(cognito, pool_id)
    assert put(job["PreSignedUrl"], data)[0] == 200
    started = cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert started["UserImportJob"]["Status"] in ("Pending", "InProgress")
    assert "StartDate" in started["UserImportJob"]
    return wait(cognito, pool_id, job["JobId"], timeout=timeout)


def user_count(cognito: Any, pool_id: str) -> int:
    return cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"]


# -- GetCSVHeader ----------------------------------------------------------------------------------
def test_csv_header_follows_the_schema(cognito: Any) -> None:
    pool = import_pool(cognito, Schema=[{"Name": "joinedOn", "AttributeDataType": "String"}])
    header = cognito.get_csv_header(UserPoolId=pool["Id"])
    assert header["UserPoolId"] == pool["Id"]
    assert header["CSVHeader"][:4] == ["name", "given_name", "family_name", "middle_name"]
    assert header["CSVHeader"][-3:] == ["custom:joinedOn", "cognito:mfa_enabled",
                                        "cognito:username"]
    assert "sub" not in header["CSVHeader"]
    with pytest.raises(ClientError) as e:
        cognito.get_csv_header(UserPoolId="us-east-1_nothere1")
    assert error(e) == ("ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist.")


# -- Create, Describe, List ------------------------------------------------------------------------
def test_create_describe_and_list_jobs(cognito: Any, server: Server) -> None:
    pool_id = import_pool(cognito)["Id"]
    first = create_job(cognito, pool_id, "first")
    assert first["Status"] == "Created" and first["JobName"] == "first"
    assert first["JobId"].startswith("import-") and first["CloudWatchLogsRoleArn"] == ROLE
    assert (first["ImportedUsers"], first["SkippedUsers"], first["FailedUsers"]) == (0, 0, 0)
    assert first["PreSignedUrl"].startswith(f"{server.url}/_userpool/import/{first['JobId']}?")
    assert "StartDate" not in first and "CompletionDate" not in first
    described = cognito.describe_user_import_job(UserPoolId=pool_id, JobId=first["JobId"])
    assert described["UserImportJob"] == first
    second = create_job(cognito, pool_id, "second")

    page = cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=1)
    assert [j["JobId"] for j in page["UserImportJobs"]] == [second["JobId"]]  # newest first
    rest = cognito.list_user_import_jobs(
        UserPoolId=pool_id, MaxResults=60, PaginationToken=page["PaginationToken"]
    )
    assert [j["JobId"] for j in rest["UserImportJobs"]] == [first["JobId"]]
    assert "PaginationToken" not in rest


def test_job_errors(cognito: Any, loose: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    with pytest.raises(ClientError) as e:
        cognito.describe_user_import_job(UserPoolId=pool_id, JobId="import-nothere")
    assert error(e) == ("ResourceNotFoundException", "Import job import-nothere does not exist.")
    with pytest.raises(ClientError) as e:
        create_job(cognito, "us-east-1_nothere1")
    assert error(e)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        loose.create_user_import_job(JobName="j", UserPoolId=pool_id)
    assert error(e)[0] == "InvalidParameterException"  # CloudWatchLogsRoleArn is required
    with pytest.raises(ClientError) as e:
        loose.list_user_import_jobs(UserPoolId=pool_id, MaxResults=61)
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        cognito.list_user_import_jobs(UserPoolId=pool_id, MaxResults=5, PaginationToken="bad!")
    assert error(e) == ("InvalidParameterException", "Invalid pagination token.")
    with pytest.raises(ClientError) as e:
        loose.start_user_import_job(UserPoolId=pool_id, JobId="not-a-job-id")
    assert error(e)[0] == "InvalidParameterException"  # the model's pattern


def test_start_needs_an_upload_and_auto_verified_attributes(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    job = create_job(cognito, pool_id)
    with pytest.raises(ClientError) as e:
        cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert error(e) == ("PreconditionNotMetException",
                        f"No CSV file has been uploaded for import job {job['JobId']}.")
    with pytest.raises(ClientError) as e:
        cognito.stop_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert error(e)[0] == "PreconditionNotMetException"

    plain = import_pool(cognito, AutoVerifiedAttributes=[])["Id"]
    job = create_job(cognito, plain)
    header = cognito.get_csv_header(UserPoolId=plain)["CSVHeader"]
    assert put(job["PreSignedUrl"], csv_bytes(header, [person("a")]))[0] == 200
    with pytest.raises(ClientError) as e:
        cognito.start_user_import_job(UserPoolId=plain, JobId=job["JobId"])
    assert error(e)[0] == "PreconditionNotMetException"
    assert "auto-verified" in error(e)[1]


def test_upload_checks_the_signature(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    job = create_job(cognito, pool_id)
    base = job["PreSignedUrl"].partition("?")[0]
    status, body = put(base + "?signature=0000", b"x")
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in body
    status, body = put(job["PreSignedUrl"].replace(job["JobId"], "import-other"), b"x")
    assert status == 403
    assert get(log_url(job)) == (200, "")


# -- running jobs ----------------------------------------------------------------------------------
def test_small_import_counts_imported_skipped_and_failed(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    first = run_import(cognito, pool_id, csv_bytes(header, [person("existing")]))
    assert first["Status"] == "Succeeded" and first["ImportedUsers"] == 1
    rows = [
        person("alice", given_name="Alice", phone_number="+15555550100",
               phone_number_verified="true"),
        person("bob"),
        {"cognito:username": "carol", "email": "not-an-email", "email_verified": "true"},
        person("existing"),
        person("dave", address="1 Main St\\, Springfield"),
        person("bob"),  # twice in the file
        {"cognito:username": "erin", "email": "erin@example.com", "email_verified": "false"},
        person("frank"),
        person("grace"),
    ]
    job = run_import(cognito, pool_id, csv_bytes(header, rows))
    assert job["Status"] == "Succeeded", job
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (5, 2, 2)
    assert job["CompletionMessage"] and job["CompletionDate"] >= job["StartDate"]
    assert user_count(cognito, pool_id) == 6

    alice = cognito.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert alice["UserStatus"] == "RESET_REQUIRED" and alice["Enabled"]
    attributes = {a["Name"]: a["Value"] for a in alice["UserAttributes"]}
    assert attributes["email_verified"] == "true" and attributes["given_name"] == "Alice"
    assert attributes["phone_number_verified"] == "true" and "sub" in attributes
    dave = cognito.admin_get_user(UserPoolId=pool_id, Username="dave")
    assert {a["Name"]: a["Value"] for a in dave["UserAttributes"]}["address"] == (
        "1 Main St, Springfield"
    )
    found = cognito.list_users(UserPoolId=pool_id, Filter='email = "alice@example.com"')
    assert [u["Username"] for u in found["Users"]] == ["alice"]

    status, text = get(log_url(job))
    assert status == 200
    assert text.splitlines() == [
        "[FAILED] Line Number 4 - Invalid email address format.",
        "[SKIPPED] Line Number 5 - The user already exists.",
        "[SKIPPED] Line Number 7 - The user already exists.",
        "[FAILED] Line Number 8 - The User Record does not set any of the auto verified "
        "attributes to true. (Example: email_verified to true).",
    ]
    with pytest.raises(ClientError) as e:
        cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert error(e)[0] == "PreconditionNotMetException"
    with pytest.raises(ClientError) as e:
        cognito.stop_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    assert error(e)[0] == "PreconditionNotMetException"
    assert put(job["PreSignedUrl"], b"late")[0] == 403


def test_bad_header_fails_the_job(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    job = run_import(cognito, pool_id, b"cognito:username,email,email_verified\nx,x@e.com,true\n")
    assert job["Status"] == "Failed"
    assert job["CompletionMessage"].startswith("Columns missing from the CSV header: name,")
    assert (job["ImportedUsers"], job["FailedUsers"]) == (0, 0)
    assert user_count(cognito, pool_id) == 0


def test_mostly_failing_file_fails_the_job(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    rows = [person("ok"), {"cognito:username": "x1"}, {"cognito:username": "x2"}]
    job = run_import(cognito, pool_id, csv_bytes(header, rows))
    assert job["Status"] == "Failed"
    assert job["CompletionMessage"] == (
        "Too many users have failed or been skipped during the import."
    )
    assert (job["ImportedUsers"], job["FailedUsers"]) == (1, 2)


def test_unparsable_file_fails_the_job(cognito: Any) -> None:
    pool_id = import_pool(cognito)["Id"]
    job = run_import(cognito, pool_id, b"\xff\xfe not utf-8")
    assert job["Status"] == "Failed" and job["CompletionMessage"] == "Unable to parse the CSV file."


def test_100000_users_through_the_pre_signed_url(cognito: Any) -> None:
    """Acceptance: a generated CSV of 100,000 users imports completely through the API's
    pre-signed URL flow; the job's counters and the pool's user count agree."""
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    job = run_import(cognito, pool_id, generated(header, 100_000), timeout=600)
    assert job["Status"] == "Succeeded", job
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (100_000, 0, 0)
    assert user_count(cognito, pool_id) == 100_000
    found = cognito.list_users(UserPoolId=pool_id, Filter='email = "user0099999@example.com"')
    assert [u["Username"] for u in found["Users"]] == ["user0099999"]


# -- stopping, queueing and resuming (own servers, slowed down) ------------------------------------
SLOW = {
    "USERPOOL_IMPORT_BATCH_ROWS": "100",
    "USERPOOL_IMPORT_BATCH_DELAY": "0.1",
    "USERPOOL_IMPORT_STALE_SECONDS": "2",
    "USERPOOL_IMPORT_SWEEP_SECONDS": "0.5",
}


@pytest.fixture(params=["sqlite", "postgres"])
def slow_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    from tests.conftest import database

    for url in database(request.param, tmp_path):
        srv = Server(db=url, env=SLOW).start()
        try:
            yield srv
        finally:
            srv.stop()


def test_stop_mid_way_and_one_job_at_a_time(slow_server: Server) -> None:
    cognito = slow_server.client()
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    first, second = create_job(cognito, pool_id, "a"), create_job(cognito, pool_id, "b")
    assert put(first["PreSignedUrl"], generated(header, 5000, "a"))[0] == 200
    assert put(second["PreSignedUrl"], generated(header, 300, "b"))[0] == 200
    cognito.start_user_import_job(UserPoolId=pool_id, JobId=first["JobId"])
    running = wait(cognito, pool_id, first["JobId"], until=("InProgress",), timeout=20)
    assert running["Status"] == "InProgress"
    queued = cognito.start_user_import_job(UserPoolId=pool_id, JobId=second["JobId"])
    assert queued["UserImportJob"]["Status"] == "Pending"
    time.sleep(1)
    assert describe(cognito, pool_id, second["JobId"])["Status"] == "Pending"

    stopping = cognito.stop_user_import_job(UserPoolId=pool_id, JobId=first["JobId"])
    assert stopping["UserImportJob"]["Status"] in ("Stopping", "Stopped")
    stopped = wait(cognito, pool_id, first["JobId"], timeout=30)
    assert stopped["Status"] == "Stopped"
    assert stopped["CompletionMessage"] == "The Import Job was stopped by the developer."
    assert 0 < stopped["ImportedUsers"] < 5000

    done = wait(cognito, pool_id, second["JobId"], timeout=60)
    assert done["Status"] == "Succeeded" and done["ImportedUsers"] == 300
    assert user_count(cognito, pool_id) == stopped["ImportedUsers"] + 300


def test_a_killed_server_s_job_is_resumed_without_duplicates(slow_server: Server) -> None:
    cognito = slow_server.client()
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    job = create_job(cognito, pool_id)
    assert put(job["PreSignedUrl"], generated(header, 3000))[0] == 200
    cognito.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    deadline = time.monotonic() + 30
    while describe(cognito, pool_id, job["JobId"])["ImportedUsers"] < 500:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    slow_server.stop(signal.SIGKILL)

    successor = Server(db=slow_server.db, env=SLOW).start()
    try:
        cognito = successor.client()
        done = wait(cognito, pool_id, job["JobId"], timeout=120)
        assert done["Status"] == "Succeeded", done
        assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (3000, 0, 0)
        assert user_count(cognito, pool_id) == 3000
    finally:
        successor.stop()


# -- userpool import -------------------------------------------------------------------------------
def test_cli_import(cognito: Any, server: Server, tmp_path: Path) -> None:
    pool_id = import_pool(cognito)["Id"]
    header = cognito.get_csv_header(UserPoolId=pool_id)["CSVHeader"]
    path = tmp_path / "users.csv"
    path.write_bytes(csv_bytes(header, [person("p1"), person("p2"), {"cognito:username": "p3"}]))
    result = run_cli("import", str(path), "--pool", pool_id, "--db", server.db)
    assert result.returncode == 0, result.stderr
    assert "ImportedUsers: 2\nSkippedUsers: 0\nFailedUsers: 1" in result.stdout
    assert "[FAILED] Line Number 4 -" in result.stderr
    again = run_cli("import", str(path), "--pool", pool_id, "--db", server.db)
    assert "ImportedUsers: 0\nSkippedUsers: 2\nFailedUsers: 1" in again.stdout
    assert user_count(cognito, pool_id) == 2
    missing = run_cli("import", str(path), "--pool", "us-east-1_nothere1", "--db", server.db)
    assert missing.returncode != 0 and "does not exist" in missing.stderr
