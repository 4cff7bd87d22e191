"""Tags on user pools (the only taggable cognito-idp resource), addressed by ARN."""

from __future__ import annotations

from typing import Any

from userpool.domain.errors import InvalidParameter, ResourceNotFound
from userpool.operations import Context, Request, Response, operation
from userpool.store import Tx

MAX_TAGS = 50  # AWS's per-resource tag quota


def _pool_from_arn(tx: Tx, arn: str) -> dict[str, Any]:
    """The pool an ARN names: ``arn:aws:cognito-idp:<region>:<account>:userpool/<id>``."""
    head, sep, pool_id = arn.partition(":userpool/")
    if not sep or not head.startswith("arn:") or not pool_id:
        raise InvalidParameter(f"Invalid ARN: {arn}")
    pool = tx.get_pool(pool_id, for_update=True)
    if pool is None or pool["Arn"] != arn:
        raise ResourceNotFound(f"User pool {pool_id} does not exist.")
    return pool


@operation("TagResource")
def tag_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"])
        tags = {**pool.get("UserPoolTags", {}), **req.get("Tags", {})}
        if len(tags) > MAX_TAGS:
            raise InvalidParameter(f"A user pool can have at most {MAX_TAGS} tags.")
        tx.update_pool({**pool, "UserPoolTags": tags})
    return {}


@operation("UntagResource")
def untag_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.transaction() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"])
        removed = set(req.get("TagKeys", []))
        tags = {k: v for k, v in pool.get("UserPoolTags", {}).items() if k not in removed}
        tx.update_pool({**pool, "UserPoolTags": tags})
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = _pool_from_arn(tx, req["ResourceArn"])
    return {"Tags": pool.get("UserPoolTags", {})}
