"""TagResource, UntagResource, ListTagsForResource on user pools, by ARN (over HTTP, both
stores)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.server import REGION, Server

ACCOUNT = "123456789012"
MISSING_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_Missing000"




def error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def tags_of(cognito: Any, arn: str) -> dict[str, str]:
    return cognito.list_tags_for_resource(ResourceArn=arn)["Tags"]


def pool_tags(cognito: Any, pool_id: str) -> dict[str, str]:
    return cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTags"]


def test_tag_list_untag_round_trip(cognito: Any, pool: dict[str, Any]) -> None:
    arn = pool["Arn"]
    assert tags_of(cognito, arn) == {}
    response = cognito.tag_resource(ResourceArn=arn, Tags={"team": "games", "env": "dev"})
    assert set(response) == {"ResponseMetadata"}
    assert tags_of(cognito, arn) == {"team": "games", "env": "dev"}
    assert pool_tags(cognito, pool["Id"]) == {"team": "games", "env": "dev"}

    # New keys are added, existing keys overwritten, the others kept; empty values are allowed.
    cognito.tag_resource(ResourceArn=arn, Tags={"env": "prod", "owner": ""})
    assert tags_of(cognito, arn) == {"team": "games", "env": "prod", "owner": ""}

    # Removing a key that isn't there is not an error.
    response = cognito.untag_resource(ResourceArn=arn, TagKeys=["env", "nope"])
    assert set(response) == {"ResponseMetadata"}
    assert tags_of(cognito, arn) == {"team": "games", "owner": ""}
    assert pool_tags(cognito, pool["Id"]) == {"team": "games", "owner": ""}
    cognito.untag_resource(ResourceArn=arn, TagKeys=["team", "owner"])
    assert tags_of(cognito, arn) == {}


def test_tags_given_at_creation_and_by_update(cognito: Any) -> None:
    pool = cognito.create_user_pool(PoolName=f"tags-{uuid.uuid4().hex[:8]}",
                                    UserPoolTags={"a": "1"})["UserPool"]
    assert tags_of(cognito, pool["Arn"]) == {"a": "1"}
    cognito.update_user_pool(UserPoolId=pool["Id"], UserPoolTags={"b": "2"})
    assert tags_of(cognito, pool["Arn"]) == {"b": "2"}


def test_tagging_does_not_touch_the_rest_of_the_pool(cognito: Any, pool: dict[str, Any]) -> None:
    before = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    cognito.tag_resource(ResourceArn=pool["Arn"], Tags={"k": "v"})
    after = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert {**after, "UserPoolTags": {}, "LastModifiedDate": None} == \
        {**before, "LastModifiedDate": None}


def test_at_most_fifty_tags(cognito: Any, pool: dict[str, Any]) -> None:
    arn = pool["Arn"]
    cognito.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(50)})
    assert len(tags_of(cognito, arn)) == 50
    cognito.tag_resource(ResourceArn=arn, Tags={"k0": "changed"})  # overwriting is fine
    assert error(cognito.tag_resource, ResourceArn=arn, Tags={"k50": "v"}) == (
        "InvalidParameterException", "A user pool can have at most 50 tags.")
    assert len(tags_of(cognito, arn)) == 50
    assert tags_of(cognito, arn)["k0"] == "changed"


def test_unknown_pool_arns_are_not_found(cognito: Any, pool: dict[str, Any]) -> None:
    unknown = [
        MISSING_ARN,
        pool["Arn"].replace(ACCOUNT, "210987654321"),  # someone else's account
        pool["Arn"].replace(f":{REGION}:", ":eu-west-1:"),  # another region
    ]
    for arn in unknown:
        missing = arn.rsplit("/", 1)[1]
        message = f"User pool {missing} does not exist."
        assert error(cognito.tag_resource, ResourceArn=arn, Tags={"a": "b"}) == (
            "ResourceNotFoundException", message), arn
        assert error(cognito.untag_resource, ResourceArn=arn, TagKeys=["a"]) == (
            "ResourceNotFoundException", message), arn
        assert error(cognito.list_tags_for_resource, ResourceArn=arn) == (
            "ResourceNotFoundException", message), arn
    assert tags_of(cognito, pool["Arn"]) == {}  # the real pool is untouched


def test_a_pool_is_not_found_from_another_region(
    server: Server, cognito: Any, pool: dict[str, Any]
) -> None:
    europe = server.client(region_name="eu-west-1")
    assert error(europe.tag_resource, ResourceArn=pool["Arn"], Tags={"a": "b"}) == (
        "ResourceNotFoundException", f"User pool {pool['Id']} does not exist.")
    assert tags_of(cognito, pool["Arn"]) == {}


def test_deleted_pool_has_no_tags(cognito: Any) -> None:
    pool = cognito.create_user_pool(PoolName=f"tags-{uuid.uuid4().hex[:8]}",
                                    UserPoolTags={"a": "1"})["UserPool"]
    cognito.delete_user_pool(UserPoolId=pool["Id"])
    assert error(cognito.list_tags_for_resource, ResourceArn=pool["Arn"]) == (
        "ResourceNotFoundException", f"User pool {pool['Id']} does not exist.")


@pytest.mark.parametrize("arn", [
    f"arn:aws:iam::{ACCOUNT}:role/some-role",
    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool",
    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/",
    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/not-a-pool-id",
    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc/extra",
    f"arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{REGION}:abc",
    f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpoolclient/{REGION}_abc",
])
def test_arns_that_name_no_user_pool_are_invalid(cognito: Any, arn: str) -> None:
    for call, kwargs in ((cognito.tag_resource, {"Tags": {"a": "b"}}),
                         (cognito.untag_resource, {"TagKeys": ["a"]}),
                         (cognito.list_tags_for_resource, {})):
        assert error(call, ResourceArn=arn, **kwargs) == (
            "InvalidParameterException", f"Invalid ARN: {arn}")


def test_model_validation(loose: Any, pool: dict[str, Any]) -> None:
    arn = pool["Arn"]
    null = "1 validation error detected: Value null at '{}' failed to satisfy constraint: " \
           "Member must not be null"
    assert error(loose.tag_resource, ResourceArn=arn) == (
        "InvalidParameterException", null.format("tags"))
    assert error(loose.tag_resource, Tags={"a": "b"}) == (
        "InvalidParameterException", null.format("resourceArn"))
    assert error(loose.untag_resource, ResourceArn=arn) == (
        "InvalidParameterException", null.format("tagKeys"))
    assert error(loose.list_tags_for_resource) == (
        "InvalidParameterException", null.format("resourceArn"))
    code, message = error(loose.list_tags_for_resource, ResourceArn="not-an-arn")
    assert code == "InvalidParameterException"
    assert "at 'resourceArn' failed to satisfy constraint" in message
    for tags in ({"k" * 129: "v"}, {"k": "v" * 257}):
        code, message = error(loose.tag_resource, ResourceArn=arn, Tags=tags)
        assert code == "InvalidParameterException"
        assert message.startswith("1 validation error detected: ")
    code, message = error(loose.untag_resource, ResourceArn=arn, TagKeys=["k" * 129])
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 128" in message
    assert loose.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}
