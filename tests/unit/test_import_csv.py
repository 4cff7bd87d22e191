"""The user import CSV rules (imports/csvfile.py) and job rules (imports/jobs.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from userpool.domain import pool_defaults
from userpool.imports import csvfile, jobs
from userpool.imports.csvfile import Prepared, Rejected, RowChecker


def make_pool(**overrides: Any) -> dict[str, Any]:
    pool = {
        "Id": "us-east-1_abc",
        "SchemaAttributes": pool_defaults.standard_schema(),
        "AutoVerifiedAttributes": ["email"],
        "MfaConfiguration": "OFF",
    }
    pool.update(overrides)
    return pool


def row(header: list[str], **values: str) -> list[str]:
    values.setdefault("cognito:mfa_enabled", "false")
    return [values.get(name.replace(":", "_"), values.get(name, "")) for name in header]


def checked(pool: dict[str, Any], **values: str) -> Prepared | Rejected:
    header = csvfile.csv_header(pool)
    return RowChecker(pool, header).check(row(header, **values), 2, 1000.0)


def test_header_is_the_schema_without_sub_then_the_cognito_columns() -> None:
    pool = make_pool()
    pool["SchemaAttributes"].append({"Name": "custom:joinedOn", "AttributeDataType": "String"})
    header = csvfile.csv_header(pool)
    assert header[:3] == ["name", "given_name", "family_name"]
    assert header[-3:] == ["custom:joinedOn", "cognito:mfa_enabled", "cognito:username"]
    assert "sub" not in header and "email_verified" in header


def test_header_in_any_order_but_complete_and_known() -> None:
    pool = make_pool()
    header = csvfile.csv_header(pool)
    assert csvfile.check_header(pool, list(reversed(header))) == list(reversed(header))
    assert csvfile.check_header(pool, ["\ufeff" + header[0], *header[1:]]) == header
    with pytest.raises(csvfile.HeaderError, match=r"missing.*nickname"):
        csvfile.check_header(pool, [h for h in header if h != "nickname"])
    with pytest.raises(csvfile.HeaderError, match=r"Unknown columns.*custom:x"):
        csvfile.check_header(pool, [*header, "custom:x"])
    with pytest.raises(csvfile.HeaderError, match="Repeated"):
        csvfile.check_header(pool, [*header, "email"])


def test_pool_without_auto_verified_attributes_cannot_import() -> None:
    with pytest.raises(csvfile.HeaderError, match="auto-verified"):
        csvfile.check_pool(make_pool(AutoVerifiedAttributes=[]))


def test_good_row_becomes_a_reset_required_user_with_its_index() -> None:
    result = checked(
        make_pool(), cognito_username="Jane", email="jane@example.com", email_verified="TRUE",
        given_name="  Jane  ",
    )
    assert isinstance(result, Prepared)
    user = result.user
    assert user["Username"] == "Jane" and user["UserStatus"] == "RESET_REQUIRED"
    assert user["Attributes"]["email_verified"] == "true"
    assert user["Attributes"]["given_name"] == "Jane"  # trimmed
    assert "_PasswordHash" not in user and user["UserCreateDate"] == 1000.0
    assert result.index["email"] == "jane@example.com"
    assert result.index["cognito:user_status"] == "reset_required"
    assert result.aliases == {}


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"email": "a@example.com", "email_verified": "false"}, csvfile.NOT_AUTO_VERIFIED),
        ({"email_verified": "true"}, "email is required when email_verified is true."),
        ({"email": "nope", "email_verified": "true"}, "Invalid email address format."),
        ({"email": "a@example.com", "email_verified": "true", "cognito_mfa_enabled": "yes"},
         "cognito:mfa_enabled must be true or false."),
        ({"email": "a@example.com", "email_verified": "true", "cognito_mfa_enabled": "true"},
         "cognito:mfa_enabled must be false: MFA is off in this user pool."),
        ({"email": "a@example.com", "email_verified": "true", "updated_at": "soon"},
         "Attributes did not conform to the schema: updated_at: Number value must be a number."),
    ],
)
def test_bad_rows_fail_with_a_reason(values: dict[str, str], reason: str) -> None:
    result = checked(make_pool(), cognito_username="u1", **values)
    assert result == Rejected(2, reason)


def test_username_is_required_and_has_no_spaces() -> None:
    good = {"email": "a@example.com", "email_verified": "true"}
    assert checked(make_pool(), **good) == Rejected(2, "cognito:username is required.")
    result = checked(make_pool(), cognito_username="a b", **good)
    assert isinstance(result, Rejected) and "without spaces" in result.reason


def test_required_attributes_and_mfa_on() -> None:
    pool = make_pool(MfaConfiguration="ON")
    for attribute in pool["SchemaAttributes"]:
        if attribute["Name"] == "given_name":
            attribute["Required"] = True
    result = checked(pool, cognito_username="u", email="a@example.com", email_verified="true",
                     cognito_mfa_enabled="true")
    assert result == Rejected(
        2, "Attributes did not conform to the schema: given_name: The attribute is required."
    )
    result = checked(pool, cognito_username="u", email="a@example.com", email_verified="true",
                     cognito_mfa_enabled="true", given_name="G")
    assert isinstance(result, Prepared)
    assert result.user["UserMFASettingList"] == ["SMS_MFA"]


def test_row_with_the_wrong_number_of_values_fails() -> None:
    pool = make_pool()
    checker = RowChecker(pool, csvfile.csv_header(pool))
    result = checker.check(["a", "b"], 7, 0.0)
    assert isinstance(result, Rejected) and result.line == 7 and "2 values" in result.reason


def test_verified_alias_is_claimed_in_alias_pools() -> None:
    pool = make_pool(AliasAttributes=["email"])
    result = checked(pool, cognito_username="u", email="A@Example.com", email_verified="true")
    assert isinstance(result, Prepared) and result.aliases == {"email": "a@example.com"}
    assert not result.username_aliases


def test_email_username_pools_generate_the_username() -> None:
    pool = make_pool(UsernameAttributes=["email"])
    result = checked(pool, cognito_username="a@example.com", email_verified="true")
    assert isinstance(result, Prepared)
    assert result.user["Attributes"]["email"] == "a@example.com"
    assert result.user["Username"] != "a@example.com"
    assert result.aliases == {"email": "a@example.com"} and result.username_aliases
    wrong = checked(pool, cognito_username="bob", email="a@example.com", email_verified="true")
    assert wrong == Rejected(2, "Username should be an email.")


def test_reader_accepts_backslash_escaped_commas_and_quotes() -> None:
    text = io.StringIO('a,b\\,c,"d,e"\n', newline="")
    assert list(csvfile.reader(text)) == [["a", "b,c", "d,e"]]


def test_job_outcome_and_view() -> None:
    job = jobs.new_job(job_id="import-abc", name="n", pool_id="p", role_arn="arn", url="u",
                       now=100.0)
    assert jobs.view(job, 101.0)["Status"] == "Created"
    assert "_Position" not in jobs.view(job, 101.0)
    assert jobs.view(job, 100.0 + jobs.UPLOAD_VALIDITY)["Status"] == "Expired"
    job.update(ImportedUsers=2, FailedUsers=1, SkippedUsers=1)
    assert jobs.outcome(job) == ("Succeeded", jobs.SUCCEEDED_MESSAGE)
    job.update(ImportedUsers=14, FailedUsers=32)
    assert jobs.outcome(job) == ("Failed", jobs.TOO_MANY_FAILED)
    assert jobs.new_job_id().startswith("import-") and len(jobs.new_job_id()) == 17
