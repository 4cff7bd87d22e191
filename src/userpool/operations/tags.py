"""Tags on user pools (the only taggable cognito-idp resource), addressed by ARN."""

from __future__ import annotations

import re
from typing import Any

from userpool.domain.errors import InvalidParameter, ResourceNotFound
from userpool.operations import Context, Request, Response, operation
from userpool.store import Tx

MAX_TAGS = 50  # AWS's per-resource tag quota

# A user pool's ARN; the id part follows UserPoolIdType's pattern.
_POOL_ARN = re.compile(
    r"arn:[\w-]+:cognito-idp:(?P<region>[\w-]+):\d+:userpool/(?P<id>[\w-]+_[0-9a-zA-Z]+)"
)


def _pool_from_arn(tx: Tx, arn: str, region: str) -> dict[str, Any]:
    """The pool an ARN names: ``arn:aws:cognito-idp:<region>:<account>:userpool/<id>``.

    Anything else is refused as invalid (AWS's wording is unknown). A well-formed ARN of a pool
    that doesn't exist, belongs to another account, or lives in another region than the one
    called is not found (each region is its own service endpoint).
    """
    match = _POOL_ARN.fullmatch(arn)
    if match is None:
        raise InvalidParameter(f"Invalid ARN: {arn}")
    pool_id = match["id"]
    pool = None if match["region"] != region else tx.get_pool(pool_id, for_update=True)
    if pool is None or pool["Arn"] != arn:
        raise ResourceNotFound(f"User pool {pool_id} does not exist.")
    return pool


@operation("TagResource")
def tag_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"], ctx.region)
        tags = {**pool.get("UserPoolTags", {}), **req.get("Tags", {})}
        if len(tags) > MAX_TAGS:
            raise InvalidParameter(f"A user pool can have at most {MAX_TAGS} tags.")
        tx.update_pool({**pool, "UserPoolTags": tags})
    return {}


@operation("UntagResource")
def untag_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"], ctx.region)
        removed = set(req.get("TagKeys", []))
        tags = {k: v for k, v in pool.get("UserPoolTags", {}).items() if k not in removed}
        tx.update_pool({**pool, "UserPoolTags": tags})
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"], ctx.region)
    return {"Tags": pool.get("UserPoolTags", {})}
