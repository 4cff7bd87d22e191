"""ListUsers filter parsing (userpool.domain.user_filter)."""

from __future__ import annotations

import pytest

from userpool.domain.errors import InvalidParameter
from userpool.domain.user_filter import SEARCHABLE_ATTRIBUTES, Filter, normalize, parse_filter


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_filter_means_all_users(text):
    assert parse_filter(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ('email = "a@b.c"', Filter("email", "=", "a@b.c")),
    ('email="a@b.c"', Filter("email", "=", "a@b.c")),
    ('  given_name ^= "Jon"  ', Filter("given_name", "^=", "Jon")),
    ('given_name^="Jon"', Filter("given_name", "^=", "Jon")),
    ('family_name = "Reddy"', Filter("family_name", "=", "Reddy")),
    ('family_name=""', Filter("family_name", "=", "")),
    ('name = "say \\"hi\\""', Filter("name", "=", 'say "hi"')),
    ('name = "back\\\\slash"', Filter("name", "=", "back\\slash")),
    ('cognito:user_status = "FORCE_CHANGE_PASSWORD"',
     Filter("cognito:user_status", "=", "FORCE_CHANGE_PASSWORD")),
    ('status = "Disabled"', Filter("status", "=", "Disabled")),
    ('phone_number ^= "+48"', Filter("phone_number", "^=", "+48")),
    ('name = "with = and ^= inside"', Filter("name", "=", "with = and ^= inside")),
])
def test_parse(text, expected):
    assert parse_filter(text) == expected


def test_every_searchable_attribute_parses():
    for attribute in SEARCHABLE_ATTRIBUTES:
        assert parse_filter(f'{attribute} = "x"') == Filter(attribute, "=", "x")


@pytest.mark.parametrize("text", [
    "username = foo",                 # unquoted value (moto's case)
    "username=",
    'username "foo"',                 # no operator
    'username != "foo"',
    'username ~= "foo"',
    'username == "foo"',
    '= "foo"',
    'username = "foo',                # unterminated
    'username = "a" "b"',
    'username = "a" and email = "b"',
    'username = "a" extra',
    'username = "bad"quote"',
    "username = 'foo'",
])
def test_malformed_filter(text):
    with pytest.raises(InvalidParameter) as caught:
        parse_filter(text)
    assert caught.value.message == "Error while parsing filter."


@pytest.mark.parametrize("attribute", ["custom:foo", "nickname", "Email", "middle_name",
                                       "dev:custom:x", "updated_at"])
def test_unsearchable_attribute(attribute):
    with pytest.raises(InvalidParameter) as caught:
        parse_filter(f'{attribute} = "x"')
    assert caught.value.message == f"Invalid search attribute: {attribute}"


def test_normalize_case_sensitivity():
    assert normalize("username", "Jane") == "Jane"
    assert normalize("status", "Enabled") == "Enabled"
    assert normalize("sub", "ABC-def") == "ABC-def"
    assert normalize("cognito:user_status", "confirmed") == "confirmed"
    assert normalize("cognito:user_status", "CONFIRMED") == "confirmed"
    assert normalize("email", "Jane@Example.com") == "jane@example.com"
    assert normalize("given_name", "JON") == "jon"


def test_matches_exact_and_prefix():
    exact = parse_filter('email = "Jane@example.com"')
    assert exact.matches("jane@EXAMPLE.com")
    assert not exact.matches("jane@example.co")
    assert not exact.matches(None)
    prefix = parse_filter('given_name ^= "Jo"')
    assert prefix.matches("John") and prefix.matches("jo") and not prefix.matches("Ajo")
    username = parse_filter('username = "Jane"')
    assert username.matches("Jane") and not username.matches("jane")
    status = parse_filter('cognito:user_status = "confirmed"')
    assert status.matches("CONFIRMED")
    empty_prefix = parse_filter('name ^= ""')
    assert empty_prefix.matches("anything") and not empty_prefix.matches(None)
