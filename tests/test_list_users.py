"""ListUsers over HTTP on both stores: every filter form, pagination (also while users are being
added), AttributesToGet, Limit, tokens bound to the pool and the filter, and a filtered search in
a pool of 20,000 users."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import Server, error
from userpool.domain import users as domain_users
from userpool.operations.user_support import index_entries
from userpool.store import Store
from userpool.store.engine import make_engine

MISSING_POOL = "us-east-1_Missing000"
PARSE_ERROR = "Error while parsing filter."
NO_SUCH_ATTRIBUTE = "One or more requested attributes do not exist."


def add_user(cognito: Any, pool_id: str, username: str, **attrs: str) -> dict[str, Any]:
    return cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
        MessageAction="SUPPRESS",
    )["User"]


def names(response: dict[str, Any]) -> list[str]:
    return [user["Username"] for user in response["Users"]]


def attrs_of(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user["Attributes"]}


def everything(cognito: Any, pool_id: str, **kwargs: Any) -> list[str]:
    """Every username a chain of requests returns (in order, duplicates kept)."""
    found: list[str] = []
    token = None
    for _ in range(1000):
        args = {"UserPoolId": pool_id, **kwargs}
        if token:
            args["PaginationToken"] = token
        page = cognito.list_users(**args)
        found += names(page)
        token = page.get("PaginationToken")
        if not token:
            return found
    raise AssertionError("pagination never ended")


def make_people(cognito: Any, pool_id: str) -> dict[str, dict[str, Any]]:
    """Three users with every searchable attribute in various cases."""
    return {
        "alice": add_user(
            cognito, pool_id, "alice",
            email="Alice@Example.com", given_name="Alice", family_name="Smith",
            name='Alice "Al" Smith', phone_number="+15550001", preferred_username="ally",
        ),
        "alan": add_user(
            cognito, pool_id, "alan",
            email="alan@example.org", given_name="Alan", family_name="Smithers",
            phone_number="+15550002",
        ),
        "bob": add_user(
            cognito, pool_id, "bob",
            email="bob@example.com", given_name="Bob", family_name="Jones", name="Bob Jones",
        ),
    }


@pytest.fixture
def people(cognito: Any, pool_id: str) -> dict[str, dict[str, Any]]:
    """The three users in this test's own pool (tests that change them)."""
    return make_people(cognito, pool_id)


@pytest.fixture(scope="module")
def crowd(server: Server) -> tuple[str, dict[str, dict[str, Any]]]:
    """The three users in a pool shared by the read-only tests of this module."""
    cognito = server.client()
    pool_id = cognito.create_user_pool(PoolName=f"crowd-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    return pool_id, make_people(cognito, pool_id)


# -- unfiltered ---------------------------------------------------------------------------------
def test_lists_every_user_as_user_type(cognito: Any, crowd: Any) -> None:
    pool_id, people = crowd
    response = cognito.list_users(UserPoolId=pool_id)
    assert sorted(names(response)) == ["alan", "alice", "bob"]
    assert "PaginationToken" not in response
    alice = next(u for u in response["Users"] if u["Username"] == "alice")
    assert set(alice) == {
        "Username", "Attributes", "UserCreateDate", "UserLastModifiedDate", "Enabled",
        "UserStatus",
    }
    assert alice["Attributes"][0]["Name"] == "sub"
    assert attrs_of(alice)["email"] == "Alice@Example.com"
    assert alice["Enabled"] is True
    assert alice["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert alice["UserCreateDate"] == people["alice"]["UserCreateDate"]


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_filter_lists_everyone(
    cognito: Any, crowd: Any, empty: str
) -> None:
    pool_id, _people = crowd
    assert sorted(names(cognito.list_users(UserPoolId=pool_id, Filter=empty))) == [
        "alan", "alice", "bob"
    ]


def test_an_empty_pool_has_no_users(cognito: Any, pool_id: str) -> None:
    assert cognito.list_users(UserPoolId=pool_id)["Users"] == []


def test_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=MISSING_POOL)
    assert error(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_missing_pool_id_is_a_validation_error(loose: Any) -> None:
    with pytest.raises(ClientError) as exc:
        loose.list_users()
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'userPoolId' failed to satisfy constraint: Member must not be null" in message


def test_filter_longer_than_256_is_a_validation_error(loose: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.list_users(UserPoolId=pool_id, Filter='email = "' + "x" * 250 + '"')
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert "at 'filter'" in message


# -- filters ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ('username = "alice"', ["alice"]),
    ('username = "Alice"', []),  # username is case-sensitive
    ('username ^= "al"', ["alan", "alice"]),
    ('username ^= "AL"', []),
    ('email = "alice@example.com"', ["alice"]),  # email is not
    ('email = "ALICE@EXAMPLE.COM"', ["alice"]),
    ('email ^= "ALAN@"', ["alan"]),
    ('email ^= "a"', ["alan", "alice"]),
    ('email="bob@example.com"', ["bob"]),  # no spaces around the operator
    ('email= "bob@example.com"', ["bob"]),
    ('  email   =   "bob@example.com"  ', ["bob"]),  # more of them
    ('email^="bob"', ["bob"]),
    ('email = "bob@example"', []),  # = is an exact match
    ('email = "nobody@example.com"', []),
    ('phone_number = "+15550002"', ["alan"]),
    ('phone_number ^= "+1555000"', ["alan", "alice"]),
    ('name = "Alice \\"Al\\" Smith"', ["alice"]),  # escaped quotes
    ('name ^= "alice \\"al"', ["alice"]),
    ('name ^= "Bob"', ["bob"]),
    ('given_name = "alan"', ["alan"]),
    ('given_name ^= "Al"', ["alan", "alice"]),
    ('family_name = "smith"', ["alice"]),
    ('family_name ^= "Smith"', ["alan", "alice"]),
    ('preferred_username = "ally"', ["alice"]),
    ('preferred_username ^= "a"', ["alice"]),
    ('cognito:user_status = "FORCE_CHANGE_PASSWORD"', ["alan", "alice", "bob"]),
    ('cognito:user_status = "force_change_password"', ["alan", "alice", "bob"]),
    ('cognito:user_status = "CONFIRMED"', []),
    ('cognito:user_status ^= "FORCE"', ["alan", "alice", "bob"]),
    ('status = "Enabled"', ["alan", "alice", "bob"]),
    ('status = "enabled"', []),  # status is case-sensitive
    ('status = "Disabled"', []),
    ('email ^= ""', ["alan", "alice", "bob"]),  # every user who has an email
])
def test_filter(cognito: Any, crowd: Any, text: str, expected: list[str]) -> None:
    pool_id, _people = crowd
    assert sorted(names(cognito.list_users(UserPoolId=pool_id, Filter=text))) == expected


def test_filter_by_sub(cognito: Any, crowd: Any) -> None:
    pool_id, people = crowd
    sub = attrs_of(people["bob"])["sub"]
    assert names(cognito.list_users(UserPoolId=pool_id, Filter=f'sub = "{sub}"')) == ["bob"]
    assert names(cognito.list_users(UserPoolId=pool_id, Filter=f'sub ^= "{sub[:8]}"')) == ["bob"]


def test_a_user_without_the_attribute_is_not_matched(cognito: Any, pool_id: str) -> None:
    add_user(cognito, pool_id, "plain")
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='email ^= ""')) == []
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='username ^= ""')) == ["plain"]


def test_status_filters_follow_disable_and_enable(cognito: Any, pool_id: str, people: Any) -> None:
    cognito.admin_disable_user(UserPoolId=pool_id, Username="bob")
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='status = "Disabled"')) == ["bob"]
    enabled = cognito.list_users(UserPoolId=pool_id, Filter='status = "Enabled"')
    assert sorted(names(enabled)) == ["alan", "alice"]
    cognito.admin_enable_user(UserPoolId=pool_id, Username="bob")
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='status = "Disabled"')) == []


def test_user_status_filter_after_sign_up(cognito: Any, pool_id: str, people: Any) -> None:
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="app")[
        "UserPoolClient"
    ]["ClientId"]
    cognito.sign_up(ClientId=client_id, Username="carol", Password="Passw0rd!")
    assert names(
        cognito.list_users(UserPoolId=pool_id, Filter='cognito:user_status = "UNCONFIRMED"')
    ) == ["carol"]
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username="carol")
    assert names(
        cognito.list_users(UserPoolId=pool_id, Filter='cognito:user_status = "Confirmed"')
    ) == ["carol"]


def test_filter_follows_attribute_updates(cognito: Any, pool_id: str, people: Any) -> None:
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username="bob",
        UserAttributes=[{"Name": "given_name", "Value": "Robert"}],
    )
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='given_name = "Bob"')) == []
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='given_name = "robert"')) == ["bob"]


def test_deleted_users_are_not_listed(cognito: Any, pool_id: str, people: Any) -> None:
    cognito.admin_delete_user(UserPoolId=pool_id, Username="alice")
    assert sorted(names(cognito.list_users(UserPoolId=pool_id))) == ["alan", "bob"]
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='email ^= "alice"')) == []


def test_users_of_other_pools_are_not_listed(cognito: Any, pool_id: str, people: Any) -> None:
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    add_user(cognito, other, "alice", email="alice@example.com")
    assert names(cognito.list_users(UserPoolId=other)) == ["alice"]
    assert names(cognito.list_users(UserPoolId=other, Filter='email ^= "a"')) == ["alice"]


@pytest.mark.parametrize("text", [
    'email = alice@example.com',  # unquoted value
    "email = 'alice@example.com'",  # single quotes
    'email == "alice@example.com"',
    'email != "alice@example.com"',
    'email ~ "alice"',
    'email "alice@example.com"',  # no operator
    '= "alice@example.com"',  # no attribute
    'email = "alice@example.com',  # unterminated
    'email = "a" and name = "b"',  # one attribute only
    'email = "a" OR email = "b"',
    'email = "a" extra',
    'email = "a"b"',  # unescaped quote inside
    'email',
])
def test_malformed_filters(cognito: Any, pool_id: str, text: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, Filter=text)
    assert error(exc) == ("InvalidParameterException", PARSE_ERROR)


@pytest.mark.parametrize("attribute", ["custom:tier", "nickname", "locale", "email_verified"])
def test_attributes_that_are_not_searchable(cognito: Any, pool_id: str, attribute: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, Filter=f'{attribute} = "x"')
    assert error(exc) == ("InvalidParameterException", f"Invalid search attribute: {attribute}")


# -- Limit and pagination -----------------------------------------------------------------------
def test_pages_of_limit_users(cognito: Any, pool_id: str) -> None:
    for i in range(7):
        add_user(cognito, pool_id, f"user{i}")
    first = cognito.list_users(UserPoolId=pool_id, Limit=3)
    assert len(first["Users"]) == 3 and first["PaginationToken"]
    second = cognito.list_users(
        UserPoolId=pool_id, Limit=3, PaginationToken=first["PaginationToken"]
    )
    assert len(second["Users"]) == 3 and second["PaginationToken"]
    third = cognito.list_users(
        UserPoolId=pool_id, Limit=3, PaginationToken=second["PaginationToken"]
    )
    assert len(third["Users"]) == 1 and "PaginationToken" not in third
    listed = names(first) + names(second) + names(third)
    assert sorted(listed) == [f"user{i}" for i in range(7)]


def test_no_token_when_the_last_page_is_exactly_full(cognito: Any, pool_id: str) -> None:
    for i in range(4):
        add_user(cognito, pool_id, f"u{i}", email=f"u{i}@example.com")
    assert "PaginationToken" not in cognito.list_users(UserPoolId=pool_id, Limit=4)
    filtered = cognito.list_users(UserPoolId=pool_id, Limit=4, Filter='email ^= "u"')
    assert len(filtered["Users"]) == 4 and "PaginationToken" not in filtered


def test_filtered_pages(cognito: Any, pool_id: str) -> None:
    for i in range(9):
        add_user(cognito, pool_id, f"m{i}", email=f"match{i % 3}@example.com")
    add_user(cognito, pool_id, "other", email="other@example.com")
    found = everything(cognito, pool_id, Filter='email ^= "match"', Limit=2)
    assert sorted(found) == [f"m{i}" for i in range(9)]
    exact = everything(cognito, pool_id, Filter='email = "match1@example.com"', Limit=1)
    assert sorted(exact) == ["m1", "m4", "m7"]


def test_the_paginator_walks_every_page(cognito: Any, pool_id: str) -> None:
    for i in range(5):
        add_user(cognito, pool_id, f"p{i}", given_name="Pat")
    paginator = cognito.get_paginator("list_users")
    pages = list(paginator.paginate(UserPoolId=pool_id, Filter='given_name = "pat"', Limit=2))
    assert [len(p["Users"]) for p in pages] == [2, 2, 1]
    assert sorted(u["Username"] for p in pages for u in p["Users"]) == [f"p{i}" for i in range(5)]


@pytest.mark.parametrize("text", [None, 'email ^= "s"'])
def test_users_added_between_pages(cognito: Any, pool_id: str, text: str | None) -> None:
    """No duplicates, and every user that existed at the start is listed."""
    filt = {"Filter": text} if text else {}
    start = [f"s{i:02d}" for i in range(10)]
    for name in start:
        add_user(cognito, pool_id, name, email=f"{name}@example.com")
    seen: list[str] = []
    page = cognito.list_users(UserPoolId=pool_id, Limit=3, **filt)
    seen += names(page)
    added = 0
    while page.get("PaginationToken"):
        # New users before, inside and after the part already listed.
        for name in (f"a{added}", f"s{added:02d}x", f"z{added}", f"s{added:02d}y"):
            add_user(cognito, pool_id, name, email=f"{name}@example.com")
        added += 1
        page = cognito.list_users(
            UserPoolId=pool_id, Limit=3, PaginationToken=page["PaginationToken"], **filt
        )
        seen += names(page)
    assert len(seen) == len(set(seen)), "a user was listed twice"
    assert set(start) <= set(seen), "a user that existed at the start was missed"


@pytest.mark.parametrize("limit", [1, 60])
def test_limit_within_bounds(cognito: Any, pool_id: str, limit: int) -> None:
    for i in range(3):
        add_user(cognito, pool_id, f"l{i}")
    response = cognito.list_users(UserPoolId=pool_id, Limit=limit)
    assert len(response["Users"]) == min(limit, 3)
    assert ("PaginationToken" in response) == (limit < 3)


def test_limit_zero_means_the_default_page(cognito: Any, pool_id: str) -> None:
    for i in range(3):
        add_user(cognito, pool_id, f"z{i}")
    response = cognito.list_users(UserPoolId=pool_id, Limit=0)
    assert sorted(names(response)) == ["z0", "z1", "z2"]
    assert "PaginationToken" not in response


def test_at_most_60_users_a_page_by_default(server: Server, cognito: Any, pool_id: str) -> None:
    bulk_insert(server, pool_id, [f"bulk{i:03d}" for i in range(61)])
    first = cognito.list_users(UserPoolId=pool_id)
    assert len(first["Users"]) == 60 and first["PaginationToken"]
    rest = cognito.list_users(UserPoolId=pool_id, PaginationToken=first["PaginationToken"])
    assert len(rest["Users"]) == 1 and "PaginationToken" not in rest


@pytest.mark.parametrize(("limit", "message"), [
    (61, "Member must have value less than or equal to 60"),
    (-1, "Member must have value greater than or equal to 0"),
])
def test_limit_out_of_range(loose: Any, pool_id: str, limit: int, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        loose.list_users(UserPoolId=pool_id, Limit=limit)
    code, text = error(exc)
    assert code == "InvalidParameterException"
    assert f"Value '{limit}' at 'limit'" in text and message in text


def first_token(cognito: Any, pool_id: str, **kwargs: Any) -> str:
    token = cognito.list_users(UserPoolId=pool_id, Limit=1, **kwargs).get("PaginationToken")
    assert token
    return token


def assert_bad_marker(exc: Any, token: str) -> None:
    code, message = error(exc)
    assert code == "InvalidParameterException"
    assert message.startswith(f"Paging marker {token} is invalid for request ")


@pytest.mark.parametrize(("issued", "reused"), [
    ('email ^= "a"', 'email ^= "al"'),
    ('email ^= "a"', 'given_name ^= "a"'),
    ('email ^= "a"', 'email = "a"'),
    ('email ^= "a"', None),
    (None, 'email ^= "a"'),
])
def test_a_token_is_bound_to_its_filter(
    cognito: Any, crowd: Any, issued: str | None, reused: str | None
) -> None:
    pool_id, _people = crowd
    token = first_token(cognito, pool_id, **({"Filter": issued} if issued else {}))
    with pytest.raises(ClientError) as exc:
        cognito.list_users(
            UserPoolId=pool_id, PaginationToken=token, **({"Filter": reused} if reused else {})
        )
    assert_bad_marker(exc, token)


def test_the_same_filter_spelt_differently_keeps_the_token(
    cognito: Any, crowd: Any
) -> None:
    pool_id, _people = crowd
    token = first_token(cognito, pool_id, Filter='email ^= "a"')
    page = cognito.list_users(UserPoolId=pool_id, PaginationToken=token, Filter='email^="A"')
    assert len(page["Users"]) == 1


def test_a_token_is_bound_to_its_pool(cognito: Any, crowd: Any) -> None:
    pool_id, _people = crowd
    token = first_token(cognito, pool_id)
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=other, PaginationToken=token)
    assert_bad_marker(exc, token)


@pytest.mark.parametrize("token", [
    "garbage",
    base64.urlsafe_b64encode(b'{"k":"group","p":"x","a":"y"}').decode(),
    base64.urlsafe_b64encode(b"[1,2]").decode(),
])
def test_forged_tokens(cognito: Any, pool_id: str, token: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, PaginationToken=token)
    assert_bad_marker(exc, token)


def test_a_token_with_a_forged_position_is_rejected(cognito: Any, pool_id: str) -> None:
    position = {"k": "users", "p": pool_id, "f": None, "a": ["not", "a key"]}
    token = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, PaginationToken=token)
    assert_bad_marker(exc, token)


# -- AttributesToGet ----------------------------------------------------------------------------
def test_attributes_to_get_returns_only_those(cognito: Any, crowd: Any) -> None:
    pool_id, _people = crowd
    response = cognito.list_users(
        UserPoolId=pool_id, AttributesToGet=["email", "family_name"], Filter='username = "alice"'
    )
    assert response["Users"][0]["Attributes"] == [
        {"Name": "email", "Value": "Alice@Example.com"},
        {"Name": "family_name", "Value": "Smith"},
    ]


def test_attributes_to_get_sub(cognito: Any, crowd: Any) -> None:
    pool_id, _people = crowd
    response = cognito.list_users(UserPoolId=pool_id, AttributesToGet=["sub"])
    assert all([a["Name"] for a in u["Attributes"]] == ["sub"] for u in response["Users"])


def test_empty_attributes_to_get_returns_no_attributes(
    cognito: Any, crowd: Any
) -> None:
    pool_id, _people = crowd
    response = cognito.list_users(UserPoolId=pool_id, AttributesToGet=[])
    assert len(response["Users"]) == 3
    assert all(user["Attributes"] == [] for user in response["Users"])


def test_searchable_attributes_some_users_lack_are_left_out(
    cognito: Any, crowd: Any
) -> None:
    pool_id, _people = crowd
    response = cognito.list_users(UserPoolId=pool_id, AttributesToGet=["name"])
    by_name = {u["Username"]: u["Attributes"] for u in response["Users"]}
    assert by_name == {
        "alice": [{"Name": "name", "Value": 'Alice "Al" Smith'}],
        "alan": [],
        "bob": [{"Name": "name", "Value": "Bob Jones"}],
    }


@pytest.mark.parametrize("wanted", [["custom:nope"], ["email", "not_an_attribute"]])
def test_attributes_to_get_outside_the_schema(
    cognito: Any, crowd: Any, wanted: list[str]
) -> None:
    pool_id, _people = crowd
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, AttributesToGet=wanted)
    assert error(exc) == ("InvalidParameterException", NO_SUCH_ATTRIBUTE)


def test_unsearchable_attributes_must_be_set_on_every_listed_user(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName=f"custom-{uuid.uuid4().hex[:6]}",
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    add_user(cognito, pool_id, "gold", **{"custom:tier": "gold", "email": "gold@example.com"})
    add_user(cognito, pool_id, "none", email="none@example.com")
    only_gold = cognito.list_users(
        UserPoolId=pool_id, AttributesToGet=["custom:tier"], Filter='username = "gold"'
    )
    assert only_gold["Users"][0]["Attributes"] == [{"Name": "custom:tier", "Value": "gold"}]
    with pytest.raises(ClientError) as exc:
        cognito.list_users(UserPoolId=pool_id, AttributesToGet=["custom:tier"])
    assert error(exc) == ("InvalidParameterException", NO_SUCH_ATTRIBUTE)


# -- a large pool -------------------------------------------------------------------------------
# In a fresh PostgreSQL database the planner has no statistics for the users tables yet, and the
# prepared plan of the per-insert lookup then scans: thousands of inserts grow quadratically
# slow. So the users go in transactions of CHUNK with an ANALYZE (statistics only) between them.
CHUNK = 1000


def bulk_insert(server: Server, pool_id: str, usernames: list[str], **extra: Any) -> None:
    """Insert users straight through the repository (``tx.users.insert``, as the operations do),
    in a few large transactions."""
    store = Store(make_engine(server.db))
    now = round(time.time(), 3)
    try:
        for start in range(0, len(usernames), CHUNK):
            with store.transaction() as tx:
                for name in usernames[start:start + CHUNK]:
                    attributes = {key: value(name) for key, value in extra.items()}
                    user = domain_users.new_user(
                        username=name, key=name, attributes=attributes,
                        status=domain_users.CONFIRMED, now=now,
                    )
                    tx.users.insert(pool_id, user, index_entries(user))
            if not store.sqlite:
                with store.transaction() as tx:
                    tx.conn.exec_driver_sql("ANALYZE users, user_index")
    finally:
        store.dispose()


def test_filtered_search_in_a_pool_of_20000_users(
    server: Server, cognito: Any, pool_id: str
) -> None:
    bulk_insert(
        server, pool_id, [f"user{i:05d}" for i in range(20_000)],
        email=lambda name: f"{name}@{'rare' if name.endswith('777') else 'example'}.com",
        family_name=lambda name: f"Fam{int(name[4:]) % 1000:03d}",
    )
    walked = everything(cognito, pool_id, Filter='email ^= "USER123"', Limit=7)
    assert len(walked) == len(set(walked))
    assert sorted(walked) == [f"user{i:05d}" for i in range(12300, 12400)]
    exact = names(cognito.list_users(UserPoolId=pool_id, Filter='email = "user12777@rare.com"'))
    assert exact == ["user12777"]
    family = everything(cognito, pool_id, Filter='family_name = "fam777"')
    assert sorted(family) == [f"user{i:05d}" for i in range(777, 20_000, 1000)]
    prefix = names(cognito.list_users(UserPoolId=pool_id, Filter='username ^= "user1999"'))
    assert sorted(prefix) == [f"user1999{i}" for i in range(10)]
    assert names(cognito.list_users(UserPoolId=pool_id, Filter='email = "nobody@x.com"')) == []
