"""Password policy rules (userpool.domain.passwords)."""

from __future__ import annotations

import pytest

from userpool.domain import passwords
from userpool.domain.errors import InvalidPassword, PasswordHistoryPolicyViolation

DEFAULT = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
           "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}
PREFIX = "Password did not conform with policy: "


def message(policy, password):
    with pytest.raises(InvalidPassword) as caught:
        passwords.check_password(policy, password)
    assert caught.value.code == "InvalidPasswordException"
    assert caught.value.status == 400
    return caught.value.message


@pytest.mark.parametrize("password", ["Passw0rd!", "Aa1!aaaa", "Aa1 aaaa", "Zz9~" * 2,
                                      "Ab1\\cdefg", "Ab1`cdefg"])
def test_conforming_passwords_pass(password):
    passwords.check_password(DEFAULT, password)


@pytest.mark.parametrize(("password", "failure"), [
    ("Aa1!", "Password not long enough"),
    ("aa1!aaaaa", "Password must have uppercase characters"),
    ("password@1", "Password must have uppercase characters"),
    ("PASSSWORD@1", "Password must have lowercase characters"),
    ("Password!", "Password must have numeric characters"),
    ("Password1", "Password must have symbol characters"),
    ("password", "Password must have uppercase characters"),  # only the first failure
    ("12345678", "Password must have uppercase characters"),
])
def test_first_failure_with_aws_message(password, failure):
    assert message(DEFAULT, password) == PREFIX + failure


def test_length_is_checked_before_classes():
    assert message(DEFAULT, "a") == PREFIX + "Password not long enough"


def test_minimum_length_from_policy():
    policy = {**DEFAULT, "MinimumLength": 12}
    assert message(policy, "Passw0rd!xx") == PREFIX + "Password not long enough"
    passwords.check_password(policy, "Passw0rd!xxx")


def test_disabled_requirements_are_not_checked():
    policy = {"MinimumLength": 6, "RequireUppercase": False, "RequireLowercase": False,
              "RequireNumbers": False, "RequireSymbols": False}
    passwords.check_password(policy, "zzzzzz")
    passwords.check_password(policy, "123456")


def test_missing_policy_means_aws_defaults():
    assert message(None, "Passw0rd") == PREFIX + "Password must have symbol characters"
    assert message({}, "short") == PREFIX + "Password not long enough"


def test_only_basic_latin_letters_count():
    assert message(DEFAULT, "ÄÖÜäöü1!") == PREFIX + "Password must have uppercase characters"
    assert message(DEFAULT, "ABCÉ123!é") == PREFIX + "Password must have lowercase characters"


def test_non_ascii_digits_do_not_count():
    assert message(DEFAULT, "Passwor٣!") == PREFIX + "Password must have numeric characters"


def test_space_counts_as_symbol_but_other_characters_do_not():
    passwords.check_password(DEFAULT, "Pass w0rd")
    assert message(DEFAULT, "Passw0rd€") == PREFIX + "Password must have symbol characters"


@pytest.mark.parametrize("symbol", list("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"))
def test_every_documented_symbol_counts(symbol):
    passwords.check_password(DEFAULT, "Passw0rd" + symbol)


@pytest.mark.parametrize("policy", [
    DEFAULT,
    {**DEFAULT, "MinimumLength": 99},
    {"MinimumLength": 6, "RequireUppercase": False, "RequireLowercase": False,
     "RequireNumbers": False, "RequireSymbols": False},
    {},
    None,
])
def test_temporary_password_satisfies_policy(policy):
    for _ in range(50):
        generated = passwords.temporary_password(policy)
        passwords.check_password(policy, generated)
        passwords.check_password(DEFAULT, generated)  # every class, always
        assert len(generated) >= max(12, passwords.minimum_length(policy))
        assert " " not in generated


def test_temporary_passwords_differ():
    assert len({passwords.temporary_password(DEFAULT) for _ in range(20)}) == 20


def test_password_history_violation():
    passwords.check_not_reused([False, False])
    passwords.check_not_reused([])
    with pytest.raises(PasswordHistoryPolicyViolation) as caught:
        passwords.check_not_reused([False, True])
    assert caught.value.code == "PasswordHistoryPolicyViolationException"
    assert caught.value.message == passwords.PASSWORD_HISTORY_MESSAGE
