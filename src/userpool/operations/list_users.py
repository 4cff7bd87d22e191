"""ListUsers: a pool's users, all of them or those one searchable attribute selects.

Unfiltered lists walk the users table in ``username_key`` order; filtered lists seek the
searchable-attribute index (``user_index``) in ``(value, username_key)`` order, so every page is
an index range whatever the pool's size. Either way the ``PaginationToken`` holds the last
position returned, which is why users added between pages never cause duplicates and never hide
users that existed when the chain began [API:ListUsersResponse] ("the paginated list from a
single chain of requests won't return duplicates").
"""

from __future__ import annotations

from typing import Any

from userpool.domain import attributes, pagination, user_filter, users
from userpool.domain.errors import InvalidParameter
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.store import Tx

KIND = "users"
# [API:ListUsersRequest] Limit: "at most 60" (0..60 in the model). AWS documents no meaning for
# 0; a page of 0 users with a token that never advances would make SDK paginators loop forever,
# so 0 means the default, as ListGroups does here (domain/groups.py).
DEFAULT_LIMIT = 60
# [GH:aws/aws-sdk-js#2570], [GH:aws/aws-sdk-js#3091]: AttributesToGet naming an attribute the
# pool doesn't have, or one a listed user lacks.
NO_SUCH_ATTRIBUTE = "One or more requested attributes do not exist."


def page_size(limit: int | None) -> int:
    return limit if limit else DEFAULT_LIMIT


def bad_token(ctx: Context, token: str) -> InvalidParameter:
    """AWS's answer to a token it didn't issue for this request (e.g. reused with another
    Filter): "Paging marker <token> is invalid for request <request id>" [GH:aws/aws-sdk-js#3705].
    The exception type isn't shown there; InvalidParameterException is the only modelled fit."""
    return InvalidParameter(f"Paging marker {token} is invalid for request {ctx.request_id}")


def filter_key(parsed: user_filter.Filter | None) -> list[str] | None:
    """The filter as the index sees it: (attribute, operator, indexed value). Two spellings of
    the same filter (``email="a"`` and ``email = "A"``) are the same search."""
    if parsed is None:
        return None
    return [parsed.attribute, parsed.op, indexed_value(parsed)]


def indexed_value(parsed: user_filter.Filter) -> str:
    """The filter's value in the form the index stores it. ``username`` is matched exactly, as
    stored, in every pool: the model calls it case-sensitive without exception for pools with
    ``CaseSensitive: false``, and the index holds the username as given
    (``user_support.index_entries``)."""
    return user_filter.normalize(parsed.attribute, parsed.value)


def read_position(
    ctx: Context, token: str | None, pool_id: str, search: list[str] | None
) -> Any:
    """Where the page starts: None, a username_key (unfiltered) or [value, username_key]."""
    if not token:
        return None
    try:
        position = pagination.decode(token, kind=KIND)
    except InvalidParameter:
        raise bad_token(ctx, token) from None
    after = position.get("a")
    if position.get("p") != pool_id or position.get("f") != search:
        raise bad_token(ctx, token)
    if search is None and isinstance(after, str):
        return after
    if search is not None and _is_pair(after):
        return after
    raise bad_token(ctx, token)


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def check_attributes_to_get(pool: dict[str, Any], names: list[str] | None) -> None:
    """Every requested attribute must be in the pool's schema."""
    if names is None:
        return
    schema = attributes.schema_by_name(pool)
    if any(name not in schema for name in names):
        raise InvalidParameter(NO_SUCH_ATTRIBUTE)


def check_attributes_present(found: list[dict[str, Any]], names: list[str] | None) -> None:
    """Attributes that can't be searched (custom ones included) must be set on every user in
    the results, or AWS answers with an error (reference §6; [API:ListUsersRequest]
    AttributesToGet). Searchable ones are read from the index and may be absent."""
    if not names:
        return
    unsearchable = [n for n in names if n not in user_filter.SEARCHABLE_ATTRIBUTES]
    for user in found:
        if any(name not in user["Attributes"] for name in unsearchable):
            raise InvalidParameter(NO_SUCH_ATTRIBUTE)


def fetch(
    tx: Tx,
    pool: dict[str, Any],
    parsed: user_filter.Filter | None,
    after: Any,
    limit: int,
) -> tuple[list[dict[str, Any]], Any]:
    """One page of users and the position after its last user (None when no more follow)."""
    pool_id = pool["Id"]
    if parsed is None:
        rows, more = pagination.page(tx.users.page(pool_id, after, limit + 1), limit)
        return rows, (rows[-1]["_Key"] if more else None)
    pairs, more = pagination.page(
        tx.users.search(
            pool_id,
            parsed.attribute,
            indexed_value(parsed),
            prefix=parsed.op == "^=",
            after=tuple(after) if after else None,
            limit=limit + 1,
        ),
        limit,
    )
    last = [pairs[-1][0], pairs[-1][1]["_Key"]] if more else None
    return [user for _value, user in pairs], last


@operation("ListUsers")
def list_users(ctx: Context, req: Request) -> Response:
    pool_id = req["UserPoolId"]
    parsed = user_filter.parse_filter(req.get("Filter"))
    wanted = req.get("AttributesToGet")
    with ctx.store.reader() as tx:
        pool = require_pool(tx, pool_id)
        search = filter_key(parsed)
        after = read_position(ctx, req.get("PaginationToken"), pool_id, search)
        check_attributes_to_get(pool, wanted)
        found, last = fetch(tx, pool, parsed, after, page_size(req.get("Limit")))
    check_attributes_present(found, wanted)
    response: Response = {"Users": [users.list_view(user, wanted) for user in found]}
    if last is not None:
        response["PaginationToken"] = pagination.encode(
            {"k": KIND, "p": pool_id, "f": search, "a": last}
        )
    return response
