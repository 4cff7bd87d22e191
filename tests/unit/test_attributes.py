"""User attribute and username rules (userpool.domain.attributes)."""

from __future__ import annotations

import pytest

from userpool.domain import attributes as attrs
from userpool.domain.errors import InvalidParameter, NotAuthorized
from userpool.domain.pool_schema import build_schema

SCHEMA_PREFIX = "Attributes did not conform to the schema: "


def make_pool(schema=None, **settings):
    pool = {"Id": "us-west-2_abcdefghi", "SchemaAttributes": build_schema(schema or [])}
    pool.update(settings)
    return pool


POOL = make_pool([
    {"Name": "email", "Required": True},
    {"Name": "department", "AttributeDataType": "String",
     "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "5"}},
    {"Name": "age", "AttributeDataType": "Number",
     "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}},
    {"Name": "member", "AttributeDataType": "Boolean"},
    {"Name": "joined", "AttributeDataType": "DateTime"},
    {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
    {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
])


def pairs(**values):
    return [{"Name": name.replace("__", ":"), "Value": value} for name, value in values.items()]


def invalid(call, *args, **kwargs) -> str:
    with pytest.raises(InvalidParameter) as caught:
        call(*args, **kwargs)
    assert caught.value.code == "InvalidParameterException"
    return caught.value.message


# --- SignUp ------------------------------------------------------------------------------------


def test_sign_up_stores_attributes():
    result = attrs.attributes_for_sign_up(POOL, pairs(
        email="jane@example.com", given_name="Jane", custom__department="ops",
        custom__age="42", custom__member="True", custom__joined="2024-01-02T03:04:05Z",
        custom__tenant="acme", phone_number="+12065551212"))
    assert result == {"email": "jane@example.com", "given_name": "Jane",
                      "custom:department": "ops", "custom:age": "42", "custom:member": "true",
                      "custom:joined": "2024-01-02T03:04:05Z", "custom:tenant": "acme",
                      "phone_number": "+12065551212"}


def test_sign_up_required_attribute_missing():
    assert invalid(attrs.attributes_for_sign_up, POOL, pairs(given_name="Jane")) == (
        SCHEMA_PREFIX + "email: The attribute is required.\n")
    assert invalid(attrs.attributes_for_sign_up, POOL, None) == (
        SCHEMA_PREFIX + "email: The attribute is required.\n")


def test_sign_up_blank_required_counts_as_missing():
    assert invalid(attrs.attributes_for_sign_up, POOL, pairs(email="")) == (
        SCHEMA_PREFIX + "email: The attribute is required.\n")


def test_sign_up_reports_every_schema_problem_together():
    pool = make_pool([{"Name": "given_name", "Required": True},
                      {"Name": "family_name", "Required": True}])
    message = invalid(attrs.attributes_for_sign_up, pool,
                      pairs(firstName="x", custom__lastName="y"))
    assert message == (SCHEMA_PREFIX
                       + "firstName: Attribute does not exist in the schema.\n"
                       + "custom:lastName: Attribute does not exist in the schema.\n"
                       + "given_name: The attribute is required.\n"
                       + "family_name: The attribute is required.\n")


def test_sign_up_custom_prefix_is_needed():
    message = invalid(attrs.attributes_for_sign_up, POOL,
                      pairs(email="a@b.c", department="ops"))
    assert message == SCHEMA_PREFIX + "department: Attribute does not exist in the schema.\n"


@pytest.mark.parametrize("name", ["sub", "email_verified", "phone_number_verified"])
def test_sign_up_cannot_set_non_mutable(name):
    message = invalid(attrs.attributes_for_sign_up, POOL,
                      [{"Name": "email", "Value": "a@b.c"}, {"Name": name, "Value": "true"}])
    assert message == f"Cannot modify the non-mutable attribute {name}"


def test_sign_up_cannot_write_developer_only():
    with pytest.raises(NotAuthorized) as caught:
        attrs.attributes_for_sign_up(POOL, pairs(email="a@b.c", dev__custom__secret="x"))
    assert caught.value.message == "A client attempted to write unauthorized attribute"


def test_sign_up_respects_client_write_attributes():
    allowed = ["email", "given_name"]
    assert attrs.attributes_for_sign_up(POOL, pairs(email="a@b.c", given_name="J"),
                                        write_attributes=allowed)
    with pytest.raises(NotAuthorized):
        attrs.attributes_for_sign_up(POOL, pairs(email="a@b.c", family_name="D"),
                                     write_attributes=allowed)


@pytest.mark.parametrize("email", ["asdfasdf", "a@", "@b.c", "a b@c.d", "a@b@c"])
def test_invalid_email(email):
    assert invalid(attrs.attributes_for_sign_up, POOL, pairs(email=email)) == (
        "Invalid email address format.")


@pytest.mark.parametrize("phone", ["2065551212", "+1 206-555-1212", "+(1)2065551212", "+",
                                   "+0123456789", "+1234567890123456", "(206) 555-1212"])
def test_invalid_phone(phone):
    assert invalid(attrs.attributes_for_sign_up, POOL, pairs(email="a@b.c", phone_number=phone)) \
        == "Invalid phone number format."


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("custom:department", "x", "String value must be between 2 and 5 characters long."),
    ("custom:department", "toolong", "String value must be between 2 and 5 characters long."),
    ("custom:age", "old", "Number value must be a number."),
    ("custom:age", "NaN", "Number value must be a number."),
    ("custom:age", "151", "Number value must be between 0 and 150."),
    ("custom:age", "-1", "Number value must be between 0 and 150."),
    ("updated_at", "-5", "Number value must be between 0 and -."),
    ("custom:member", "yes", "Boolean value must be true or false."),
    ("custom:joined", "yesterday", "DateTime value must be an ISO 8601 date-time."),
    ("birthdate", "1990-1-1", "String value must be between 10 and 10 characters long."),
    ("given_name", "é" * 1025, "Attribute value must be no longer than 2048 bytes."),
])
def test_type_and_constraint_problems(name, value, problem):
    message = invalid(attrs.attributes_for_sign_up, POOL,
                      [{"Name": "email", "Value": "a@b.c"}, {"Name": name, "Value": value}])
    assert message == f"{SCHEMA_PREFIX}{name}: {problem}\n"


def test_type_values_accepted():
    result = attrs.attributes_for_sign_up(POOL, pairs(
        email="a@b.c", custom__age="150", updated_at="1700000000", birthdate="1990-01-01",
        custom__joined="2024-01-02", given_name="x" * 2048))
    assert result["custom:age"] == "150" and result["birthdate"] == "1990-01-01"


def test_repeated_name_keeps_last_value():
    result = attrs.attributes_for_sign_up(POOL, pairs(email="a@b.c") + pairs(email="z@b.c"))
    assert result == {"email": "z@b.c"}


def test_missing_value_is_blank():
    result = attrs.attributes_for_sign_up(POOL, [{"Name": "email", "Value": "a@b.c"},
                                                 {"Name": "name"}])
    assert result == {"email": "a@b.c"}


# --- AdminCreateUser ---------------------------------------------------------------------------


def test_admin_create_may_set_verification_and_developer_attributes():
    result = attrs.attributes_for_admin_create(POOL, pairs(
        email="a@b.c", email_verified="TRUE", dev__custom__secret="s"))
    assert result == {"email": "a@b.c", "email_verified": "true", "dev:custom:secret": "s"}


def test_admin_create_does_not_enforce_required():
    assert attrs.attributes_for_admin_create(POOL, pairs(given_name="J")) == {"given_name": "J"}
    assert attrs.missing_required(POOL, {"given_name": "J"}) == ["email"]
    assert attrs.missing_required(POOL, {"email": "a@b.c"}) == []


def test_admin_create_cannot_set_sub():
    assert invalid(attrs.attributes_for_admin_create, POOL, pairs(sub="x")) == (
        "Cannot modify the non-mutable attribute sub")


def test_admin_create_checks_schema_and_formats():
    assert invalid(attrs.attributes_for_admin_create, POOL, pairs(thing="x")) == (
        SCHEMA_PREFIX + "thing: Attribute does not exist in the schema.\n")
    assert invalid(attrs.attributes_for_admin_create, POOL, pairs(email_verified="maybe")) == (
        SCHEMA_PREFIX + "email_verified: Boolean value must be true or false.\n")
    assert invalid(attrs.attributes_for_admin_create, POOL, pairs(phone_number="123")) == (
        "Invalid phone number format.")


# --- updates -----------------------------------------------------------------------------------

USER = {"sub": "abc", "email": "a@b.c", "email_verified": "true", "given_name": "Jane",
        "custom:tenant": "acme"}


def test_update_changes_and_deletes():
    new, unverified = attrs.attributes_for_update(
        POOL, USER, pairs(given_name="", family_name="Doe", custom__age="3"), admin=False)
    assert new == {"sub": "abc", "email": "a@b.c", "email_verified": "true",
                   "family_name": "Doe", "custom:age": "3", "custom:tenant": "acme"}
    assert unverified == []
    assert USER["given_name"] == "Jane"  # input untouched


def test_update_email_unverifies():
    new, unverified = attrs.attributes_for_update(POOL, USER, pairs(email="n@b.c"), admin=False)
    assert new["email"] == "n@b.c" and new["email_verified"] == "false"
    assert unverified == ["email"]


def test_update_same_email_keeps_verification():
    new, unverified = attrs.attributes_for_update(POOL, USER, pairs(email="a@b.c"), admin=True)
    assert new["email_verified"] == "true" and unverified == []


def test_admin_update_with_verified_true_skips_verification():
    new, unverified = attrs.attributes_for_update(
        POOL, USER, pairs(email="n@b.c", email_verified="true"), admin=True)
    assert new["email"] == "n@b.c" and new["email_verified"] == "true" and unverified == []


def test_admin_update_phone_and_flag_only():
    new, unverified = attrs.attributes_for_update(
        POOL, USER, pairs(phone_number="+12065551212"), admin=True)
    assert new["phone_number_verified"] == "false" and unverified == ["phone_number"]
    new, unverified = attrs.attributes_for_update(
        POOL, new, pairs(phone_number_verified="true"), admin=True)
    assert new["phone_number_verified"] == "true" and unverified == []


def test_public_update_cannot_set_verification_flag():
    assert invalid(attrs.attributes_for_update, POOL, USER,
                   pairs(email="n@b.c", email_verified="true"), admin=False) == (
        "Cannot modify the non-mutable attribute email_verified")


def test_update_cannot_touch_sub():
    assert invalid(attrs.attributes_for_update, POOL, USER, pairs(sub="x"), admin=True) == (
        "Cannot modify the non-mutable attribute sub")


def test_update_immutable_attribute():
    assert invalid(attrs.attributes_for_update, POOL, USER, pairs(custom__tenant="other"),
                   admin=True) == "user.custom:tenant: Attribute cannot be updated.\n"
    # Even when the user never had one.
    assert invalid(attrs.attributes_for_update, POOL, {"sub": "abc"},
                   pairs(custom__tenant="x"), admin=True) == (
        "user.custom:tenant: Attribute cannot be updated.\n")
    # Echoing the current value is a no-op.
    new, _ = attrs.attributes_for_update(POOL, USER, pairs(custom__tenant="acme"), admin=False)
    assert new == USER


def test_update_immutable_standard_attribute():
    pool = make_pool([{"Name": "email", "Mutable": False}])
    assert invalid(attrs.attributes_for_update, pool, USER, pairs(email="n@b.c"),
                   admin=False) == "user.email: Attribute cannot be updated.\n"


def test_update_unknown_and_required_problems_together():
    message = invalid(attrs.attributes_for_update, POOL, USER,
                      pairs(update_email="x", email="", custom__age="x"), admin=True)
    assert message == ("user.update_email: Attribute does not exist in the schema.\n"
                       "user.email: The attribute is required.\n"
                       "user.custom:age: Number value must be a number.\n")


def test_update_format_checks():
    assert invalid(attrs.attributes_for_update, POOL, USER, pairs(email="nope"),
                   admin=True) == "Invalid email address format."
    assert invalid(attrs.attributes_for_update, POOL, USER, pairs(phone_number="555"),
                   admin=False) == "Invalid phone number format."


def test_update_delete_email_drops_flag():
    pool = make_pool()
    new, unverified = attrs.attributes_for_update(pool, USER, pairs(email=""), admin=False)
    assert "email" not in new and "email_verified" not in new and unverified == []


def test_update_permissions():
    with pytest.raises(NotAuthorized):
        attrs.attributes_for_update(POOL, USER, pairs(dev__custom__secret="x"), admin=False)
    with pytest.raises(NotAuthorized):
        attrs.attributes_for_update(POOL, USER, pairs(name="x"), admin=False,
                                    write_attributes=["email"])
    new, _ = attrs.attributes_for_update(POOL, USER, pairs(dev__custom__secret="x"), admin=True)
    assert new["dev:custom:secret"] == "x"


def test_split_pending_keeps_verified_old_value():
    pool = {**POOL, "UserAttributeUpdateSettings": {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}}
    new, unverified = attrs.attributes_for_update(pool, USER, pairs(email="n@b.c"), admin=False)
    stored, pending = attrs.split_pending(pool, USER, new, unverified)
    assert stored["email"] == "a@b.c" and stored["email_verified"] == "true"
    assert pending == {"email": "n@b.c"}


def test_split_pending_applies_when_not_guarded_or_unverified():
    new, unverified = attrs.attributes_for_update(POOL, USER, pairs(email="n@b.c"), admin=False)
    stored, pending = attrs.split_pending(POOL, USER, new, unverified)
    assert stored == new and pending == {}
    pool = {**POOL, "UserAttributeUpdateSettings": {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}}
    unverified_user = {**USER, "email_verified": "false"}
    new, unverified = attrs.attributes_for_update(pool, unverified_user, pairs(email="n@b.c"),
                                                  admin=False)
    stored, pending = attrs.split_pending(pool, unverified_user, new, unverified)
    assert stored["email"] == "n@b.c" and pending == {}


# --- deletes -----------------------------------------------------------------------------------


def test_delete_attributes():
    result = attrs.attributes_after_delete(POOL, USER, ["given_name", "family_name"])
    assert result == {"sub": "abc", "email": "a@b.c", "email_verified": "true",
                      "custom:tenant": "acme"}


def test_delete_required_attribute():
    assert invalid(attrs.attributes_after_delete, POOL, USER, ["email"]) == (
        "user.email: The attribute is required.\n")


def test_delete_email_drops_flag():
    result = attrs.attributes_after_delete(make_pool(), USER, ["email"])
    assert "email" not in result and "email_verified" not in result


def test_delete_immutable_unknown_and_sub():
    assert invalid(attrs.attributes_after_delete, POOL, USER, ["custom:tenant", "nope"]) == (
        "user.custom:tenant: Attribute cannot be updated.\n"
        "user.nope: Attribute does not exist in the schema.\n")
    assert invalid(attrs.attributes_after_delete, POOL, USER, ["sub"]) == (
        "Cannot modify the non-mutable attribute sub")


def test_public_delete_restrictions():
    assert invalid(attrs.attributes_after_delete, POOL, USER, ["email_verified"],
                   admin=False) == "Cannot modify the non-mutable attribute email_verified"
    with pytest.raises(NotAuthorized):
        attrs.attributes_after_delete(POOL, USER, ["dev:custom:secret"], admin=False)
    assert "email_verified" not in attrs.attributes_after_delete(POOL, USER, ["email_verified"])


# --- reading -----------------------------------------------------------------------------------


def test_readable():
    assert attrs.readable(USER, None) == USER
    assert attrs.readable(USER, ["email", "custom:tenant"]) == {
        "sub": "abc", "email": "a@b.c", "custom:tenant": "acme"}
    assert attrs.readable(USER, []) == {"sub": "abc"}


# --- usernames ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("username_attributes", "username", "message"), [
    (["email"], "jane", "Username should be an email."),
    (["email"], "+12065551212", "Username should be an email."),
    (["phone_number"], "jane@example.com", "Username should be a phone number."),
    (["email", "phone_number"], "jane", "Username should be either an email or a phone number."),
])
def test_username_attributes_rules(username_attributes, username, message):
    pool = make_pool(UsernameAttributes=username_attributes)
    assert invalid(attrs.check_username, pool, username) == message


@pytest.mark.parametrize(("username_attributes", "username", "attribute"), [
    (["email"], "jane@example.com", "email"),
    (["phone_number"], "+12065551212", "phone_number"),
    (["email", "phone_number"], "+12065551212", "phone_number"),
    (["email", "phone_number"], "jane@example.com", "email"),
])
def test_username_attribute_detected(username_attributes, username, attribute):
    pool = make_pool(UsernameAttributes=username_attributes)
    attrs.check_username(pool, username)
    assert attrs.username_attribute(pool, username) == attribute


def test_alias_pools_reject_alias_shaped_usernames():
    pool = make_pool(AliasAttributes=["email", "phone_number", "preferred_username"])
    assert invalid(attrs.check_username, pool, "jane@example.com") == (
        "Username cannot be of email format, since user pool is configured for email alias.")
    assert invalid(attrs.check_username, pool, "+12065551212") == (
        "Username cannot be of phone number format, since user pool is configured for "
        "phone_number alias.")
    attrs.check_username(pool, "jane")
    attrs.check_username(make_pool(AliasAttributes=["preferred_username"]), "jane@example.com")


def test_plain_pool_accepts_any_model_valid_username():
    for username in ["jane", "jane@example.com", "+12065551212", "Ünïcødé"]:
        attrs.check_username(make_pool(), username)
    assert attrs.username_attribute(make_pool(), "jane@example.com") is None


def test_lookup_key():
    assert attrs.lookup_key(make_pool(), "Jane") == "Jane"
    assert attrs.lookup_key(make_pool(UsernameConfiguration={"CaseSensitive": True}),
                            "Jane") == "Jane"
    assert attrs.lookup_key(make_pool(UsernameConfiguration={"CaseSensitive": False}),
                            "Jane@Example.COM") == "jane@example.com"
