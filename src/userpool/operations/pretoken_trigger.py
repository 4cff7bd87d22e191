"""The pre token generation trigger (reference §4.4): its event, fired before tokens are
issued, and the claims hook that applies its answer (``domain.pretoken``) to the payloads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpool.domain import pretoken
from userpool.operations import Context
from userpool.operations.lambdas import fire, string_attributes, trigger_arn, with_metadata
from userpool.tokens.claims import ADMIN_SCOPE
from userpool.tokens.issue import ClaimsHook, user_groups


async def token_hook(
    ctx: Context,
    pool: Mapping[str, Any],
    client: Mapping[str, Any],
    user: dict[str, Any],
    source: str,
    *,
    metadata: dict[str, str] | None = None,
) -> ClaimsHook | None:
    """Fire ``TokenGeneration_<source>``; the hook to pass to ``tokens.issue`` (None when the
    pool has no pre token generation trigger). ``metadata`` is the ClientMetadata AWS passes
    (RespondToAuthChallenge, GetTokensFromRefreshToken; not InitiateAuth)."""
    found = trigger_arn(pool, "PreTokenGeneration")
    if found is None:
        return None
    version = found[1][1]  # "V2_0" -> "2"
    with ctx.store.reader() as tx:
        groups = user_groups(tx, pool["Id"], user)
    request: dict[str, Any] = {
        "userAttributes": string_attributes(user, pool),
        "groupConfiguration": pretoken.group_configuration(groups),
    }
    if version != "1":
        request["scopes"] = [ADMIN_SCOPE]
    with_metadata(request, metadata)
    response = await fire(
        ctx,
        pool,
        "PreTokenGeneration",
        f"TokenGeneration_{source}",
        user_name=user["Username"],
        client_id=client["ClientId"],
        request=request,
        response=pretoken.default_response(version),
    )
    client_id = client["ClientId"]

    def hook(id_payload: dict[str, Any], access_payload: dict[str, Any]) -> None:
        pretoken.apply(version, response, id_payload, access_payload, client_id=client_id)

    return hook
