"""The pure rules of the pre token generation trigger (shared/reference/cognito.md §4 "Pre token
generation", [DG:user-pool-lambda-pre-token-generation]): the event's ``groupConfiguration`` and
pre-populated ``response``, and how the handler's ``response`` edits the token payloads.

Event versions (the event's ``version`` string):

- ``"1"`` (``V1_0``): ``claimsOverrideDetails``. Claims edit the ID token only; string values only.
- ``"2"`` (``V2_0``): ``claimsAndScopeOverrideDetails`` with ``idTokenGeneration`` and
  ``accessTokenGeneration`` (claims of any JSON type, plus ``scopesToAdd``/``scopesToSuppress``).
- ``"3"`` (``V3_0``): V2 plus machine-to-machine (client credentials) access tokens; the response
  and every rule here are the same as V2. An M2M call has no ID token: pass a throw-away ``{}`` as
  ``id_payload``.

``groupOverrideDetails`` (all versions) replaces the group configuration: ``cognito:groups`` in
*both* tokens, and ``cognito:roles``/``cognito:preferred_role`` in the ID token (the only token
that carries them, §2.2/§2.3).

``apply`` validates the whole response before touching either payload, so an
``InvalidLambdaResponseException`` leaves both payloads as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from userpool.domain.errors import UNRECOGNIZABLE_LAMBDA_OUTPUT, InvalidLambdaResponse

GROUPS = "cognito:groups"
ROLES = "cognito:roles"
PREFERRED_ROLE = "cognito:preferred_role"
_GROUP_CLAIMS = (GROUPS, ROLES, PREFERRED_ROLE)

# [DG:quotas] "Pre token generation: 5,000 claims and scopes in total" (existing plus added).
MAX_CLAIMS_AND_SCOPES = 5000

# AWS's wording for a trigger answer it can't use (reference §4.1); no more specific message is
# documented for the pre token generation rules, so every violation below uses it.

# Claims a handler can neither add, override nor suppress (reference "Claims that can't be
# changed"), besides every ``cognito:*`` claim other than the three group claims.
#
# Decision: attempts on them are *ignored silently* (the claim keeps Cognito's value), not
# rejected. The developer guide only says these claims "can't be modified" and documents no error
# for them; other emulators that studied AWS report that it quietly drops such entries; and a
# common handler pattern (copying ``request.userAttributes``, which contains ``sub`` and
# ``cognito:user_status``, into ``claimsToAddOrOverride``) works on AWS, so rejecting it here
# would fail handlers that work in production. The outcome for the token is the same either way:
# the restricted claim is unchanged.
RESTRICTED_CLAIMS = frozenset(
    {
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
)

# ID-token claims whose override can't be a complex value (array or object) in V2/V3.
_SIMPLE_ONLY_ID_CLAIMS = frozenset(
    {"phone_number_verified", "email_verified", "updated_at", "address"}
)

_V1 = "1"
_V2_VERSIONS = ("2", "3")


# --- the request ---------------------------------------------------------------------------


def _rank(group: Mapping[str, Any]) -> tuple[int, int, str]:
    """Lower Precedence first; groups without one last (the order of ``cognito:roles``)."""
    precedence = group.get("Precedence")
    if precedence is None:
        return (1, 0, str(group["GroupName"]))
    return (0, int(precedence), str(group["GroupName"]))


def group_configuration(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """``request.groupConfiguration`` for a user in ``groups`` (GroupType documents).

    The three members hold exactly what the default tokens carry (tokens/claims.py), so a
    handler that copies this object into ``groupOverrideDetails`` leaves the tokens unchanged:

    - ``groupsToOverride``: the group names in the given order (the order of ``cognito:groups``);
    - ``iamRolesToOverride``: the groups' distinct roles, best precedence first (the order of
      ``cognito:roles``);
    - ``preferredRole``: the role of the group with the lowest ``Precedence`` that has a role, or
      None; also None when groups tied at that precedence have different roles ([API:CreateGroup]
      "the cognito:preferred_role claim isn't set").
    """
    with_roles = sorted((g for g in groups if g.get("RoleArn")), key=_rank)
    preferred: str | None = None
    if with_roles:
        best = _rank(with_roles[0])[:2]
        tied = {g["RoleArn"] for g in with_roles if _rank(g)[:2] == best}
        if len(tied) == 1:
            preferred = with_roles[0]["RoleArn"]
    return {
        "groupsToOverride": [g["GroupName"] for g in groups],
        "iamRolesToOverride": list(dict.fromkeys(g["RoleArn"] for g in with_roles)),
        "preferredRole": preferred,
    }


def default_response(version: str) -> dict[str, Any]:
    """The event's pre-populated ``response`` for trigger event ``version``."""
    if version == _V1:
        return {"claimsOverrideDetails": None}
    if version in _V2_VERSIONS:
        return {"claimsAndScopeOverrideDetails": None}
    raise ValueError(f"unknown pre token generation event version {version!r}")


# --- validation ----------------------------------------------------------------------------


def _bad() -> InvalidLambdaResponse:
    return InvalidLambdaResponse(UNRECOGNIZABLE_LAMBDA_OUTPUT)


def _object(value: Any) -> Mapping[str, Any] | None:
    """A JSON object or null."""
    if value is None or isinstance(value, dict):
        return value
    raise _bad()


def _strings(value: Any) -> list[str]:
    """A JSON array of strings, or null (= empty)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad()
    return value


def _optional_string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _bad()


def _is_complex(value: Any) -> bool:
    return isinstance(value, (list, dict))


def _claims_to_add(value: Any, *, strings_only: bool, simple_only: Iterable[str] = ()) -> dict:
    """``claimsToAddOrOverride``: a map of claim name → value (null entries add nothing).

    V1 values must be strings; V2/V3 values may be any JSON value, except that the claims in
    ``simple_only`` can't be arrays or objects."""
    claims = _object(value)
    if claims is None:
        return {}
    simple = frozenset(simple_only)
    out: dict[str, Any] = {}
    for name, claim in claims.items():
        if claim is None:
            continue
        if strings_only and not isinstance(claim, str):
            raise _bad()
        if not isinstance(claim, (str, int, float, bool, list, dict)):
            raise _bad()
        if name in simple and _is_complex(claim):
            raise _bad()
        out[name] = claim
    return out


def _scopes(value: Any) -> list[str]:
    """``scopesToAdd``/``scopesToSuppress``: strings without whitespace (empty ones skipped)."""
    out = []
    for scope in _strings(value):
        if scope != "".join(scope.split()):
            raise _bad()  # "Scopes with spaces can't be added"
        if scope:
            out.append(scope)
    return out


class _GroupOverride:
    """A validated ``groupOverrideDetails``; ``None`` members remove the claim."""

    def __init__(self, value: Any) -> None:
        details = _object(value) or {}
        self.groups = _strings(details.get("groupsToOverride"))
        self.roles = _strings(details.get("iamRolesToOverride"))
        self.preferred = _optional_string(details.get("preferredRole"))


class _TokenEdit:
    """The validated edits of one token."""

    def __init__(
        self,
        add: dict[str, Any] | None = None,
        suppress: list[str] | None = None,
        scopes_add: list[str] | None = None,
        scopes_suppress: list[str] | None = None,
    ) -> None:
        self.add = add or {}
        self.suppress = suppress or []
        self.scopes_add = scopes_add or []
        self.scopes_suppress = scopes_suppress or []


# --- what may change -----------------------------------------------------------------------


def changeable(name: str) -> bool:
    """Whether a handler may add, override or suppress claim ``name`` (``dev:`` attributes aside:
    see ``_addable``). ``aud`` is handled per token by the callers."""
    if name in RESTRICTED_CLAIMS:
        return False
    return name in _GROUP_CLAIMS or not name.startswith("cognito:")


def _addable(name: str, value: Any, *, token: str, client_id: str) -> bool:
    if not changeable(name) or name.startswith("dev:"):
        return False  # developer-only attributes can only be suppressed
    if name == "aud":
        # ID token: never. Access token: only the app client's own ID.
        return token == "access" and value == client_id
    # The access token's scopes change through scopesToAdd/scopesToSuppress only.
    return not (token == "access" and name == "scope")


def _suppressible(name: str, *, token: str) -> bool:
    if not changeable(name) or name == "aud":
        return False
    return not (token == "access" and name == "scope")


# --- applying ------------------------------------------------------------------------------


def _scope_list(payload: Mapping[str, Any]) -> list[str]:
    scope = payload.get("scope")
    return scope.split() if isinstance(scope, str) else []


def _check_limit(payload: Mapping[str, Any], edit: _TokenEdit, *, scopes: bool) -> None:
    """Existing plus added claims (and scopes) of one token may total at most 5,000."""
    total = len(set(payload) | set(edit.add))
    if scopes:
        total += len(set(_scope_list(payload)) | set(edit.scopes_add))
    if total > MAX_CLAIMS_AND_SCOPES:
        raise _bad()


def _apply_groups(override: _GroupOverride, id_payload: dict, access_payload: dict) -> None:
    def put(payload: dict[str, Any], name: str, value: Any) -> None:
        if value:
            payload[name] = value
        else:
            payload.pop(name, None)

    put(id_payload, GROUPS, list(override.groups))
    put(id_payload, ROLES, list(override.roles))
    put(id_payload, PREFERRED_ROLE, override.preferred)
    put(access_payload, GROUPS, list(override.groups))


def _apply_claims(payload: dict[str, Any], edit: _TokenEdit, *, token: str, client_id: str) -> None:
    suppressed = {name for name in edit.suppress if _suppressible(name, token=token)}
    if GROUPS in suppressed:
        suppressed |= {ROLES, PREFERRED_ROLE}
    for name, value in edit.add.items():
        if name not in suppressed and _addable(name, value, token=token, client_id=client_id):
            payload[name] = value
    for name in suppressed:  # suppression beats addition
        payload.pop(name, None)


def _apply_scopes(payload: dict[str, Any], edit: _TokenEdit) -> None:
    if not edit.scopes_add and not edit.scopes_suppress:
        return
    suppressed = set(edit.scopes_suppress)
    scopes = [
        s for s in dict.fromkeys(_scope_list(payload) + edit.scopes_add) if s not in suppressed
    ]
    if scopes:
        payload["scope"] = " ".join(scopes)
    else:
        payload.pop("scope", None)  # every scope suppressed: no scope claim


def apply(
    version: str,
    response: Any,
    id_payload: dict[str, Any],
    access_payload: dict[str, Any],
    *,
    client_id: str,
) -> None:
    """Validate the handler's ``response`` object and edit the two payloads in place.

    - ``response`` None, or a null ``claimsOverrideDetails``/``claimsAndScopeOverrideDetails``,
      changes nothing. Members this version doesn't define are ignored (a V1 answer to a V2 event
      changes nothing, as a V2 answer to a V1 event).
    - Wrong types anywhere (a non-object, ``claimsToSuppress`` not an array of strings, a V1
      claim value that isn't a string, an array or object for ``email_verified``,
      ``phone_number_verified``, ``updated_at`` or ``address`` in the ID token), a scope with
      whitespace, or more than 5,000 existing plus added claims and scopes in a token →
      ``InvalidLambdaResponseException`` "Unrecognizable lambda output", with neither payload
      changed.
    - Order: ``groupOverrideDetails``, then claims added or overridden, then claims suppressed
      (suppression beats addition; suppressing ``cognito:groups`` also removes ``cognito:roles``
      and ``cognito:preferred_role``), then scopes (suppression beats addition, no duplicates).
    - Restricted claims (``RESTRICTED_CLAIMS``, ``cognito:*`` but the group claims, ``aud``
      except an access-token ``aud`` equal to ``client_id``, the access token's ``scope``) and
      additions of ``dev:`` attributes are ignored.
    """
    if version not in (_V1, *_V2_VERSIONS):
        raise ValueError(f"unknown pre token generation event version {version!r}")
    if response is None:
        return
    if not isinstance(response, dict):
        raise _bad()

    id_edit = _TokenEdit()
    access_edit = _TokenEdit()
    if version == _V1:
        details = _object(response.get("claimsOverrideDetails"))
        if details is None:
            return
        id_edit = _TokenEdit(
            add=_claims_to_add(details.get("claimsToAddOrOverride"), strings_only=True),
            suppress=_strings(details.get("claimsToSuppress")),
        )
    else:
        details = _object(response.get("claimsAndScopeOverrideDetails"))
        if details is None:
            return
        id_part = _object(details.get("idTokenGeneration")) or {}
        access_part = _object(details.get("accessTokenGeneration")) or {}
        id_edit = _TokenEdit(
            add=_claims_to_add(
                id_part.get("claimsToAddOrOverride"),
                strings_only=False,
                simple_only=_SIMPLE_ONLY_ID_CLAIMS,
            ),
            suppress=_strings(id_part.get("claimsToSuppress")),
        )
        access_edit = _TokenEdit(
            add=_claims_to_add(access_part.get("claimsToAddOrOverride"), strings_only=False),
            suppress=_strings(access_part.get("claimsToSuppress")),
            scopes_add=_scopes(access_part.get("scopesToAdd")),
            scopes_suppress=_scopes(access_part.get("scopesToSuppress")),
        )
    # A present but null (or empty) groupOverrideDetails suppresses the groups ([DG] "If you
    # provide an empty or null object in the response, then the groups are suppressed"); an
    # absent one leaves them as they are.
    groups = (
        _GroupOverride(details["groupOverrideDetails"])
        if "groupOverrideDetails" in details
        else None
    )

    _check_limit(id_payload, id_edit, scopes=False)
    _check_limit(access_payload, access_edit, scopes=True)

    if groups is not None:
        _apply_groups(groups, id_payload, access_payload)
    _apply_claims(id_payload, id_edit, token="id", client_id=client_id)
    _apply_claims(access_payload, access_edit, token="access", client_id=client_id)
    _apply_scopes(access_payload, access_edit)
