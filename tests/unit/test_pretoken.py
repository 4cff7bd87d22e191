"""The pure rules of the pre token generation trigger (domain/pretoken.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from userpool.domain import pretoken
from userpool.domain.errors import InvalidLambdaResponse
from userpool.tokens import claims as claim_rules

CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
ROLE_A = "arn:aws:iam::111122223333:role/role-a"
ROLE_B = "arn:aws:iam::111122223333:role/role-b"


def id_payload() -> dict[str, Any]:
    return {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["admins", "readers"],
        "cognito:preferred_role": ROLE_A,
        "cognito:roles": [ROLE_A, ROLE_B],
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        "cognito:username": "alice",
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "aud": CLIENT_ID,
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "id",
        "auth_time": 1700000000,
        "exp": 1700003600,
        "iat": 1700000000,
        "jti": "abcdefab-cdef-abcd-efab-cdefabcdefab",
        "email": "alice@example.com",
        "email_verified": True,
        "name": "Alice",
    }


def access_payload() -> dict[str, Any]:
    return {
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["admins", "readers"],
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        "version": 2,
        "client_id": CLIENT_ID,
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "access",
        "scope": ADMIN_SCOPE,
        "auth_time": 1700000000,
        "exp": 1700003600,
        "iat": 1700000000,
        "jti": "fedcbafe-dcba-fedc-bafe-dcbafedcbafe",
        "username": "alice",
    }


def run(version: str, response: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    id_claims, access_claims = id_payload(), access_payload()
    pretoken.apply(version, response, id_claims, access_claims, client_id=CLIENT_ID)
    return id_claims, access_claims


def v1(**details: Any) -> dict[str, Any]:
    return {"claimsOverrideDetails": details}


def v2(**details: Any) -> dict[str, Any]:
    return {"claimsAndScopeOverrideDetails": details}


def rejected(version: str, response: Any) -> None:
    id_claims, access_claims = id_payload(), access_payload()
    with pytest.raises(InvalidLambdaResponse) as caught:
        pretoken.apply(version, response, id_claims, access_claims, client_id=CLIENT_ID)
    assert caught.value.code == "InvalidLambdaResponseException"
    assert caught.value.message == "Unrecognizable lambda output"
    # Validation happens before any edit: both payloads are untouched.
    assert id_claims == id_payload()
    assert access_claims == access_payload()


# --- group_configuration -----------------------------------------------------------------


def test_group_configuration_lists_names_roles_and_preferred_role():
    groups = [
        {"GroupName": "admins", "RoleArn": ROLE_B, "Precedence": 5},
        {"GroupName": "editors"},
        {"GroupName": "readers", "RoleArn": ROLE_A, "Precedence": 1},
    ]
    assert pretoken.group_configuration(groups) == {
        "groupsToOverride": ["admins", "editors", "readers"],  # the order given (= cognito:groups)
        "iamRolesToOverride": [ROLE_A, ROLE_B],  # best precedence first (= cognito:roles)
        "preferredRole": ROLE_A,  # lowest Precedence with a role
    }


def test_group_configuration_without_groups():
    assert pretoken.group_configuration([]) == {
        "groupsToOverride": [],
        "iamRolesToOverride": [],
        "preferredRole": None,
    }


def test_group_configuration_groups_without_roles_have_no_preferred_role():
    config = pretoken.group_configuration([{"GroupName": "g", "Precedence": 0}])
    assert config == {"groupsToOverride": ["g"], "iamRolesToOverride": [], "preferredRole": None}


def test_group_configuration_deduplicates_roles_and_ranks_missing_precedence_last():
    groups = [
        {"GroupName": "a", "RoleArn": ROLE_B},
        {"GroupName": "b", "RoleArn": ROLE_A, "Precedence": 3},
        {"GroupName": "c", "RoleArn": ROLE_A, "Precedence": 7},
    ]
    config = pretoken.group_configuration(groups)
    assert config["iamRolesToOverride"] == [ROLE_A, ROLE_B]
    assert config["preferredRole"] == ROLE_A


def test_group_configuration_tie_with_different_roles_has_no_preferred_role():
    groups = [
        {"GroupName": "a", "RoleArn": ROLE_A, "Precedence": 1},
        {"GroupName": "b", "RoleArn": ROLE_B, "Precedence": 1},
    ]
    assert pretoken.group_configuration(groups)["preferredRole"] is None


def test_group_configuration_tie_with_the_same_role_keeps_it():
    groups = [
        {"GroupName": "a", "RoleArn": ROLE_A, "Precedence": 1},
        {"GroupName": "b", "RoleArn": ROLE_A, "Precedence": 1},
    ]
    assert pretoken.group_configuration(groups)["preferredRole"] == ROLE_A


def test_group_configuration_matches_the_default_token_claims():
    groups = [
        {"GroupName": "admins", "RoleArn": ROLE_B, "Precedence": 5},
        {"GroupName": "editors"},
        {"GroupName": "readers", "RoleArn": ROLE_A, "Precedence": 1},
    ]
    config = pretoken.group_configuration(groups)
    roles = claim_rules.role_claims(groups)
    assert config["iamRolesToOverride"] == roles["cognito:roles"]
    assert config["preferredRole"] == roles["cognito:preferred_role"]


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_echoing_the_group_configuration_back_changes_nothing(version):
    groups = [
        {"GroupName": "admins", "RoleArn": ROLE_A, "Precedence": 1},
        {"GroupName": "readers", "RoleArn": ROLE_B, "Precedence": 2},
    ]
    details = {"groupOverrideDetails": pretoken.group_configuration(groups)}
    response = v1(**details) if version == "1" else v2(**details)
    id_claims, access_claims = run(version, response)
    assert id_claims == id_payload()
    assert access_claims == access_payload()


# --- default_response ----------------------------------------------------------------------


def test_default_response_v1():
    assert pretoken.default_response("1") == {"claimsOverrideDetails": None}


@pytest.mark.parametrize("version", ["2", "3"])
def test_default_response_v2_and_v3(version):
    assert pretoken.default_response(version) == {"claimsAndScopeOverrideDetails": None}


def test_default_response_unknown_version():
    with pytest.raises(ValueError):
        pretoken.default_response("4")


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_the_default_response_returned_unchanged_changes_nothing(version):
    id_claims, access_claims = run(version, pretoken.default_response(version))
    assert id_claims == id_payload()
    assert access_claims == access_payload()


# --- no change -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_none_response_changes_nothing(version):
    assert run(version, None) == (id_payload(), access_payload())


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_empty_response_changes_nothing(version):
    assert run(version, {}) == (id_payload(), access_payload())


def test_v1_empty_details_change_nothing():
    assert run("1", v1()) == (id_payload(), access_payload())


def test_v2_empty_details_change_nothing():
    assert run("2", v2()) == (id_payload(), access_payload())


def test_v2_null_token_sections_change_nothing():
    response = v2(idTokenGeneration=None, accessTokenGeneration=None)
    assert run("2", response) == (id_payload(), access_payload())


def test_v1_answer_to_a_v2_event_is_ignored():
    response = v1(claimsToAddOrOverride={"tenant": "acme"}, claimsToSuppress=["email"])
    assert run("2", response) == (id_payload(), access_payload())


def test_v2_answer_to_a_v1_event_is_ignored():
    response = v2(idTokenGeneration={"claimsToAddOrOverride": {"tenant": "acme"}})
    assert run("1", response) == (id_payload(), access_payload())


def test_unknown_version_is_a_programming_error():
    with pytest.raises(ValueError):
        pretoken.apply("9", {}, {}, {}, client_id=CLIENT_ID)


# --- V1 claims -----------------------------------------------------------------------------


def test_v1_adds_and_overrides_claims_in_the_id_token_only():
    id_claims, access_claims = run(
        "1", v1(claimsToAddOrOverride={"tenant": "acme", "name": "Alice Liddell"})
    )
    assert id_claims["tenant"] == "acme"
    assert id_claims["name"] == "Alice Liddell"
    assert access_claims == access_payload()


def test_v1_suppresses_claims_in_the_id_token_only():
    id_claims, access_claims = run("1", v1(claimsToSuppress=["email", "email_verified"]))
    assert "email" not in id_claims and "email_verified" not in id_claims
    assert id_claims["name"] == "Alice"
    assert access_claims == access_payload()


def test_v1_string_value_for_email_verified_is_kept_as_given():
    id_claims, _ = run("1", v1(claimsToAddOrOverride={"email_verified": "false"}))
    assert id_claims["email_verified"] == "false"


def test_v1_suppressing_an_absent_claim_is_a_no_op():
    id_claims, _ = run("1", v1(claimsToSuppress=["phone_number"]))
    assert id_claims == id_payload()


def test_v1_null_claim_values_add_nothing():
    id_claims, _ = run("1", v1(claimsToAddOrOverride={"tenant": None, "name": None}))
    assert "tenant" not in id_claims
    assert id_claims["name"] == "Alice"


@pytest.mark.parametrize("value", [1, 1.5, True, ["a"], {"k": "v"}])
def test_v1_claim_values_must_be_strings(value):
    rejected("1", v1(claimsToAddOrOverride={"tenant": value}))


def test_v1_suppression_beats_addition():
    id_claims, _ = run(
        "1",
        v1(
            claimsToAddOrOverride={"tenant": "acme", "email": "x@example.com"},
            claimsToSuppress=["tenant", "email"],
        ),
    )
    assert "tenant" not in id_claims
    assert "email" not in id_claims


# --- V1 group override -------------------------------------------------------------------


def test_v1_group_override_replaces_groups_in_both_tokens():
    id_claims, access_claims = run(
        "1",
        v1(
            groupOverrideDetails={
                "groupsToOverride": ["group-A", "group-B"],
                "iamRolesToOverride": [ROLE_B],
                "preferredRole": ROLE_B,
            }
        ),
    )
    assert id_claims["cognito:groups"] == ["group-A", "group-B"]
    assert id_claims["cognito:roles"] == [ROLE_B]
    assert id_claims["cognito:preferred_role"] == ROLE_B
    assert access_claims["cognito:groups"] == ["group-A", "group-B"]
    # The access token never carries the role claims (reference §2.3).
    assert "cognito:roles" not in access_claims
    assert "cognito:preferred_role" not in access_claims


def test_group_override_adds_groups_to_tokens_that_had_none():
    id_claims, access_claims = id_payload(), access_payload()
    for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        id_claims.pop(name, None)
        access_claims.pop(name, None)
    pretoken.apply(
        "1",
        v1(
            groupOverrideDetails={
                "groupsToOverride": ["new"],
                "iamRolesToOverride": [ROLE_A],
                "preferredRole": ROLE_A,
            }
        ),
        id_claims,
        access_claims,
        client_id=CLIENT_ID,
    )
    assert id_claims["cognito:groups"] == ["new"]
    assert id_claims["cognito:roles"] == [ROLE_A]
    assert id_claims["cognito:preferred_role"] == ROLE_A
    assert access_claims["cognito:groups"] == ["new"]


@pytest.mark.parametrize("details", [None, {}])
def test_v1_null_or_empty_group_override_suppresses_the_groups(details):
    id_claims, access_claims = run("1", v1(groupOverrideDetails=details))
    for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert name not in id_claims
    assert "cognito:groups" not in access_claims
    assert id_claims["email"] == "alice@example.com"


@pytest.mark.parametrize("groups", [None, []])
def test_empty_or_null_groups_to_override_removes_the_groups_claim(groups):
    id_claims, access_claims = run(
        "1",
        v1(
            groupOverrideDetails={
                "groupsToOverride": groups,
                "iamRolesToOverride": [ROLE_A],
                "preferredRole": ROLE_A,
            }
        ),
    )
    assert "cognito:groups" not in id_claims
    assert "cognito:groups" not in access_claims
    assert id_claims["cognito:roles"] == [ROLE_A]
    assert id_claims["cognito:preferred_role"] == ROLE_A


def test_group_override_without_roles_removes_the_role_claims():
    id_claims, _ = run("1", v1(groupOverrideDetails={"groupsToOverride": ["only"]}))
    assert id_claims["cognito:groups"] == ["only"]
    assert "cognito:roles" not in id_claims
    assert "cognito:preferred_role" not in id_claims


def test_absent_group_override_keeps_the_groups():
    id_claims, access_claims = run("1", v1(claimsToAddOrOverride={"tenant": "acme"}))
    assert id_claims["cognito:groups"] == ["admins", "readers"]
    assert id_claims["cognito:roles"] == [ROLE_A, ROLE_B]
    assert access_claims["cognito:groups"] == ["admins", "readers"]


def test_group_override_does_not_alias_the_response_lists():
    groups = ["g1"]
    id_claims, access_claims = run("1", v1(groupOverrideDetails={"groupsToOverride": groups}))
    groups.append("g2")
    assert id_claims["cognito:groups"] == ["g1"]
    assert access_claims["cognito:groups"] == ["g1"]
    assert id_claims["cognito:groups"] is not access_claims["cognito:groups"]


@pytest.mark.parametrize(
    "details",
    [
        "admins",
        ["admins"],
        {"groupsToOverride": "admins"},
        {"groupsToOverride": [1]},
        {"iamRolesToOverride": ROLE_A},
        {"iamRolesToOverride": [None]},
        {"preferredRole": [ROLE_A]},
        {"preferredRole": 1},
    ],
)
def test_malformed_group_override_is_rejected(details):
    rejected("1", v1(groupOverrideDetails=details))
    rejected("2", v2(groupOverrideDetails=details))


def test_suppressing_groups_beats_the_group_override():
    id_claims, access_claims = run(
        "1",
        v1(
            groupOverrideDetails={
                "groupsToOverride": ["x"],
                "iamRolesToOverride": [ROLE_A],
                "preferredRole": ROLE_A,
            },
            claimsToSuppress=["cognito:groups"],
        ),
    )
    for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert name not in id_claims
    # V1 claims edit the ID token only; the override still reaches the access token.
    assert access_claims["cognito:groups"] == ["x"]


# --- group claims in claimsToSuppress --------------------------------------------------------


def test_suppressing_groups_also_suppresses_roles_and_preferred_role():
    id_claims, access_claims = run("1", v1(claimsToSuppress=["cognito:groups"]))
    for name in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
        assert name not in id_claims
    assert access_claims["cognito:groups"] == ["admins", "readers"]


def test_suppressing_only_the_roles_keeps_the_groups():
    id_claims, _ = run("1", v1(claimsToSuppress=["cognito:roles"]))
    assert "cognito:roles" not in id_claims
    assert id_claims["cognito:groups"] == ["admins", "readers"]
    assert id_claims["cognito:preferred_role"] == ROLE_A


def test_v2_suppressing_groups_in_the_access_token():
    id_claims, access_claims = run(
        "2", v2(accessTokenGeneration={"claimsToSuppress": ["cognito:groups"]})
    )
    assert "cognito:groups" not in access_claims
    assert id_claims["cognito:groups"] == ["admins", "readers"]


def test_group_claims_can_be_set_through_claims():
    id_claims, _ = run(
        "2", v2(idTokenGeneration={"claimsToAddOrOverride": {"cognito:groups": ["x", "y"]}})
    )
    assert id_claims["cognito:groups"] == ["x", "y"]


# --- restricted claims -----------------------------------------------------------------------

RESTRICTED = [
    *sorted(pretoken.RESTRICTED_CLAIMS),
    "cognito:username",
    "cognito:user_status",
    "cognito:mfa_enabled",
]


def test_restricted_claims_are_the_documented_list():
    documented = {
        "username",
        "sub",
        "identities",
        "client_id",
        "event_id",
        "device_key",
        "version",
        "acr",
        "amr",
        "at_hash",
        "auth_time",
        "azp",
        "exp",
        "iat",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "token_use",
    }
    assert documented == pretoken.RESTRICTED_CLAIMS


@pytest.mark.parametrize("name", RESTRICTED)
def test_restricted_claims_are_not_changeable(name):
    assert not pretoken.changeable(name)


@pytest.mark.parametrize(
    "name", ["email", "custom:tenant", "cognito:groups", "cognito:roles", "cognito:preferred_role"]
)
def test_ordinary_and_group_claims_are_changeable(name):
    assert pretoken.changeable(name)


@pytest.mark.parametrize("name", RESTRICTED)
def test_v1_restricted_claims_cannot_be_added_or_overridden(name):
    id_claims, _ = run("1", v1(claimsToAddOrOverride={name: "hacked", "tenant": "acme"}))
    assert id_claims.get(name) == id_payload().get(name)
    assert id_claims["tenant"] == "acme"  # the rest of the response still applies


@pytest.mark.parametrize("name", RESTRICTED)
def test_v1_restricted_claims_cannot_be_suppressed(name):
    id_claims, _ = run("1", v1(claimsToSuppress=[name, "email"]))
    assert id_claims.get(name) == id_payload().get(name)
    assert "email" not in id_claims


@pytest.mark.parametrize("name", RESTRICTED)
def test_v2_restricted_claims_unchanged_in_both_tokens(name):
    id_claims, access_claims = run(
        "2",
        v2(
            idTokenGeneration={"claimsToAddOrOverride": {name: 1}, "claimsToSuppress": [name]},
            accessTokenGeneration={"claimsToAddOrOverride": {name: "x"}},
        ),
    )
    assert id_claims.get(name) == id_payload().get(name)
    assert access_claims.get(name) == access_payload().get(name)


def test_v2_suppressing_restricted_access_claims_is_ignored():
    _, access_claims = run(
        "2",
        v2(accessTokenGeneration={"claimsToSuppress": ["sub", "client_id", "username", "jti"]}),
    )
    assert access_claims == access_payload()


def test_id_token_aud_cannot_change():
    id_claims, _ = run(
        "2",
        v2(idTokenGeneration={"claimsToAddOrOverride": {"aud": "someone-else"}}),
    )
    assert id_claims["aud"] == CLIENT_ID
    id_claims, _ = run("1", v1(claimsToSuppress=["aud"]))
    assert id_claims["aud"] == CLIENT_ID


def test_access_token_aud_can_be_added_when_it_is_the_client_id():
    _, access_claims = run(
        "2", v2(accessTokenGeneration={"claimsToAddOrOverride": {"aud": CLIENT_ID}})
    )
    assert access_claims["aud"] == CLIENT_ID


@pytest.mark.parametrize("aud", ["https://api.example.com", [CLIENT_ID], 7])
def test_access_token_aud_other_than_the_client_id_is_not_added(aud):
    _, access_claims = run("2", v2(accessTokenGeneration={"claimsToAddOrOverride": {"aud": aud}}))
    assert "aud" not in access_claims


def test_access_token_aud_cannot_be_suppressed():
    id_claims, access_claims = id_payload(), access_payload()
    access_claims["aud"] = "https://api.example.com"  # resource binding
    pretoken.apply(
        "2",
        v2(accessTokenGeneration={"claimsToSuppress": ["aud"]}),
        id_claims,
        access_claims,
        client_id=CLIENT_ID,
    )
    assert access_claims["aud"] == "https://api.example.com"


def test_dev_attributes_can_only_be_suppressed():
    id_claims, _ = run("1", v1(claimsToAddOrOverride={"dev:secret": "x"}))
    assert "dev:secret" not in id_claims
    payload = id_payload() | {"dev:secret": "leaked"}
    pretoken.apply(
        "1", v1(claimsToSuppress=["dev:secret"]), payload, access_payload(), client_id=CLIENT_ID
    )
    assert "dev:secret" not in payload


def test_access_token_scope_claim_changes_only_through_scope_lists():
    _, access_claims = run(
        "2",
        v2(
            accessTokenGeneration={
                "claimsToAddOrOverride": {"scope": "openid"},
                "claimsToSuppress": ["scope"],
            }
        ),
    )
    assert access_claims["scope"] == ADMIN_SCOPE


# --- V2/V3 claims ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2", "3"])
def test_v2_edits_each_token_separately(version):
    id_claims, access_claims = run(
        version,
        v2(
            idTokenGeneration={
                "claimsToAddOrOverride": {"tenant": "acme"},
                "claimsToSuppress": ["email"],
            },
            accessTokenGeneration={
                "claimsToAddOrOverride": {"plan": "gold"},
                "claimsToSuppress": ["cognito:groups"],
            },
        ),
    )
    assert id_claims["tenant"] == "acme" and "plan" not in id_claims
    assert "email" not in id_claims
    assert access_claims["plan"] == "gold" and "tenant" not in access_claims
    assert "cognito:groups" not in access_claims
    assert id_claims["cognito:groups"] == ["admins", "readers"]


@pytest.mark.parametrize(
    "value", ["s", 42, 4.5, True, False, ["a", 1], {"nested": {"deep": [1, 2]}}, []]
)
def test_v2_claim_values_may_be_any_json_value(value):
    id_claims, access_claims = run(
        "2",
        v2(
            idTokenGeneration={"claimsToAddOrOverride": {"x": value}},
            accessTokenGeneration={"claimsToAddOrOverride": {"x": value}},
        ),
    )
    assert id_claims["x"] == value
    assert access_claims["x"] == value


@pytest.mark.parametrize(
    "name", ["phone_number_verified", "email_verified", "updated_at", "address"]
)
@pytest.mark.parametrize("value", [["x"], {"formatted": "1 Main St"}])
def test_v2_simple_only_id_claims_reject_complex_values(name, value):
    rejected("2", v2(idTokenGeneration={"claimsToAddOrOverride": {name: value}}))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("email_verified", False),
        ("phone_number_verified", "true"),
        ("updated_at", 1700000000),
        ("address", "1 Main St"),
    ],
)
def test_v2_simple_only_id_claims_accept_simple_values(name, value):
    id_claims, _ = run("2", v2(idTokenGeneration={"claimsToAddOrOverride": {name: value}}))
    assert id_claims[name] == value


def test_v2_complex_values_for_those_claims_are_fine_in_the_access_token():
    _, access_claims = run(
        "2",
        v2(accessTokenGeneration={"claimsToAddOrOverride": {"address": {"formatted": "x"}}}),
    )
    assert access_claims["address"] == {"formatted": "x"}


def test_v2_suppression_beats_addition_per_token():
    id_claims, access_claims = run(
        "2",
        v2(
            idTokenGeneration={
                "claimsToAddOrOverride": {"a": 1, "b": 2},
                "claimsToSuppress": ["a"],
            },
            accessTokenGeneration={"claimsToAddOrOverride": {"a": 1}, "claimsToSuppress": ["a"]},
        ),
    )
    assert "a" not in id_claims and id_claims["b"] == 2
    assert "a" not in access_claims


@pytest.mark.parametrize("version", ["2", "3"])
def test_v2_group_override_replaces_groups_in_both_tokens(version):
    id_claims, access_claims = run(
        version,
        v2(
            groupOverrideDetails={
                "groupsToOverride": ["g"],
                "iamRolesToOverride": [],
                "preferredRole": None,
            }
        ),
    )
    assert id_claims["cognito:groups"] == ["g"]
    assert "cognito:roles" not in id_claims
    assert "cognito:preferred_role" not in id_claims
    assert access_claims["cognito:groups"] == ["g"]


def test_v2_null_group_override_suppresses_the_groups():
    id_claims, access_claims = run("2", v2(groupOverrideDetails=None))
    assert "cognito:groups" not in id_claims
    assert "cognito:groups" not in access_claims


def test_v3_client_credentials_token_without_id_token():
    access_claims = {
        "sub": CLIENT_ID,
        "token_use": "access",
        "scope": "orders/read",
        "auth_time": 1,
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        "exp": 2,
        "iat": 1,
        "version": 2,
        "jti": "j",
        "client_id": CLIENT_ID,
    }
    pretoken.apply(
        "3",
        v2(
            accessTokenGeneration={
                "claimsToAddOrOverride": {"tenant": "acme"},
                "scopesToAdd": ["orders/write"],
            }
        ),
        {},
        access_claims,
        client_id=CLIENT_ID,
    )
    assert access_claims["tenant"] == "acme"
    assert access_claims["scope"] == "orders/read orders/write"
    assert access_claims["sub"] == CLIENT_ID


# --- scopes ----------------------------------------------------------------------------------


def test_scopes_are_added_in_order_without_duplicates():
    _, access_claims = run(
        "2",
        v2(accessTokenGeneration={"scopesToAdd": ["openid", ADMIN_SCOPE, "api/read", "openid"]}),
    )
    assert access_claims["scope"] == f"{ADMIN_SCOPE} openid api/read"


def test_scopes_are_suppressed():
    id_claims, access_claims = id_payload(), access_payload()
    access_claims["scope"] = "openid email api/read"
    pretoken.apply(
        "2",
        v2(accessTokenGeneration={"scopesToSuppress": ["email", "not-there"]}),
        id_claims,
        access_claims,
        client_id=CLIENT_ID,
    )
    assert access_claims["scope"] == "openid api/read"


def test_scope_suppression_beats_addition():
    _, access_claims = run(
        "2",
        v2(
            accessTokenGeneration={
                "scopesToAdd": ["api/read", "api/write"],
                "scopesToSuppress": ["api/write"],
            }
        ),
    )
    assert access_claims["scope"] == f"{ADMIN_SCOPE} api/read"


def test_suppressing_every_scope_removes_the_scope_claim():
    _, access_claims = run("2", v2(accessTokenGeneration={"scopesToSuppress": [ADMIN_SCOPE]}))
    assert "scope" not in access_claims


def test_scopes_can_be_added_to_a_token_without_scope():
    id_claims, access_claims = id_payload(), access_payload()
    del access_claims["scope"]
    pretoken.apply(
        "2",
        v2(accessTokenGeneration={"scopesToAdd": ["api/read"]}),
        id_claims,
        access_claims,
        client_id=CLIENT_ID,
    )
    assert access_claims["scope"] == "api/read"


def test_empty_scope_strings_are_skipped():
    _, access_claims = run("2", v2(accessTokenGeneration={"scopesToAdd": ["", "api/read"]}))
    assert access_claims["scope"] == f"{ADMIN_SCOPE} api/read"


def test_scope_lists_do_not_touch_the_id_token():
    id_claims, _ = run("2", v2(accessTokenGeneration={"scopesToAdd": ["api/read"]}))
    assert "scope" not in id_claims


@pytest.mark.parametrize("scope", ["api read", "api\tread", " api", "api\n"])
@pytest.mark.parametrize("member", ["scopesToAdd", "scopesToSuppress"])
def test_scopes_with_whitespace_are_rejected(scope, member):
    rejected("2", v2(accessTokenGeneration={member: [scope]}))


@pytest.mark.parametrize("value", ["api/read", [1], {"api/read": True}, [None]])
@pytest.mark.parametrize("member", ["scopesToAdd", "scopesToSuppress"])
def test_scope_lists_must_be_arrays_of_strings(value, member):
    rejected("2", v2(accessTokenGeneration={member: value}))


def test_scope_lists_in_id_token_generation_are_ignored():
    id_claims, access_claims = run("2", v2(idTokenGeneration={"scopesToAdd": ["api/read"]}))
    assert access_claims["scope"] == ADMIN_SCOPE
    assert "scope" not in id_claims


# --- malformed responses -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2", "3"])
@pytest.mark.parametrize("response", ["text", 1, ["claimsOverrideDetails"], True])
def test_response_must_be_an_object(version, response):
    rejected(version, response)


@pytest.mark.parametrize("details", ["x", [], 1])
def test_v1_details_must_be_an_object(details):
    rejected("1", {"claimsOverrideDetails": details})


@pytest.mark.parametrize(
    "details",
    [
        {"claimsToAddOrOverride": ["tenant"]},
        {"claimsToAddOrOverride": "tenant=acme"},
        {"claimsToSuppress": "email"},
        {"claimsToSuppress": [1]},
        {"claimsToSuppress": [["email"]]},
        {"claimsToSuppress": {"email": True}},
    ],
)
def test_v1_malformed_members_are_rejected(details):
    rejected("1", {"claimsOverrideDetails": details})


@pytest.mark.parametrize("details", ["x", [], 1])
def test_v2_details_must_be_an_object(details):
    rejected("2", {"claimsAndScopeOverrideDetails": details})


@pytest.mark.parametrize(
    "details",
    [
        {"idTokenGeneration": "x"},
        {"accessTokenGeneration": []},
        {"idTokenGeneration": {"claimsToAddOrOverride": ["a"]}},
        {"idTokenGeneration": {"claimsToSuppress": "email"}},
        {"accessTokenGeneration": {"claimsToAddOrOverride": 5}},
        {"accessTokenGeneration": {"claimsToSuppress": [None]}},
    ],
)
def test_v2_malformed_members_are_rejected(details):
    rejected("2", {"claimsAndScopeOverrideDetails": details})
    rejected("3", {"claimsAndScopeOverrideDetails": details})


def test_one_bad_member_rejects_the_whole_response():
    rejected(
        "2",
        v2(
            idTokenGeneration={
                "claimsToAddOrOverride": {"tenant": "acme"},
                "claimsToSuppress": ["email"],
            },
            groupOverrideDetails={"groupsToOverride": ["x"]},
            accessTokenGeneration={"scopesToAdd": ["bad scope"]},
        ),
    )


def test_unknown_members_are_ignored():
    id_claims, _ = run(
        "1",
        {"claimsOverrideDetails": {"claimsToAddOrOverride": {"t": "a"}, "extra": 1}, "other": "x"},
    )
    assert id_claims["t"] == "a"


def test_the_response_is_not_modified():
    response = v2(
        idTokenGeneration={"claimsToAddOrOverride": {"t": ["a"]}, "claimsToSuppress": ["t"]},
        accessTokenGeneration={"scopesToAdd": ["api/read"]},
        groupOverrideDetails={"groupsToOverride": ["g"]},
    )
    before = copy.deepcopy(response)
    run("2", response)
    assert response == before


# --- 5,000 claims and scopes ----------------------------------------------------------------------


def many(count: int) -> dict[str, str]:
    return {f"c{i}": "v" for i in range(count)}


def test_id_token_may_hold_5000_claims():
    room = pretoken.MAX_CLAIMS_AND_SCOPES - len(id_payload())
    id_claims, _ = run("1", v1(claimsToAddOrOverride=many(room)))
    assert len(id_claims) == pretoken.MAX_CLAIMS_AND_SCOPES


def test_id_token_over_5000_claims_is_rejected():
    room = pretoken.MAX_CLAIMS_AND_SCOPES - len(id_payload())
    rejected("1", v1(claimsToAddOrOverride=many(room + 1)))


def test_overriding_existing_claims_does_not_count_twice():
    room = pretoken.MAX_CLAIMS_AND_SCOPES - len(id_payload())
    claims = many(room) | {"email": "new@example.com", "name": "New"}
    id_claims, _ = run("1", v1(claimsToAddOrOverride=claims))
    assert id_claims["email"] == "new@example.com"


def test_access_token_counts_claims_and_scopes_together():
    base = len(access_payload()) + 1  # its claims plus the admin scope
    room = pretoken.MAX_CLAIMS_AND_SCOPES - base
    scopes = [f"s/{i}" for i in range(10)]
    _, access_claims = run(
        "2",
        v2(accessTokenGeneration={"claimsToAddOrOverride": many(room - 10), "scopesToAdd": scopes}),
    )
    assert len(access_claims["scope"].split()) == 11
    rejected(
        "2",
        v2(accessTokenGeneration={"claimsToAddOrOverride": many(room - 9), "scopesToAdd": scopes}),
    )


def test_limit_is_per_token():
    room = pretoken.MAX_CLAIMS_AND_SCOPES - len(id_payload())
    id_claims, access_claims = run(
        "2",
        v2(
            idTokenGeneration={"claimsToAddOrOverride": many(room)},
            accessTokenGeneration={"claimsToAddOrOverride": many(room)},
        ),
    )
    assert len(id_claims) == pretoken.MAX_CLAIMS_AND_SCOPES
    assert "c0" in access_claims
