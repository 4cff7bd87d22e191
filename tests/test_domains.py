"""User pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
DeleteUserPoolDomain, over HTTP on both stores."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from tests.server import error
from userpool.config import Settings
from userpool.domain.errors import CognitoError
from userpool.operations import Context

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
CERT2 = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"


def prefix() -> str:
    return f"app-{uuid.uuid4().hex[:12]}"




# -- CreateUserPoolDomain ------------------------------------------------------------------------
def test_create_prefix_domain_reads_back(cognito: Any, pool_id: str) -> None:
    name = prefix()
    out = cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert out["ManagedLoginVersion"] == 1
    assert "CloudFrontDomain" not in out  # "a blank response" for prefix domains
    desc = cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]
    assert desc["UserPoolId"] == pool_id
    assert desc["Domain"] == name
    assert desc["Status"] == "ACTIVE"
    assert desc["AWSAccountId"] == "123456789012"
    assert desc["ManagedLoginVersion"] == 1
    assert desc["CustomDomainConfig"] == {}
    assert re.fullmatch(r"\d{14}", desc["Version"])
    assert desc["S3Bucket"] and desc["CloudFrontDistribution"]
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Domain"] == name
    assert "CustomDomain" not in pool


def test_create_with_managed_login_version_2(cognito: Any, pool_id: str) -> None:
    name = prefix()
    out = cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name, ManagedLoginVersion=2)
    assert out["ManagedLoginVersion"] == 2
    assert (
        cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]["ManagedLoginVersion"]
        == 2
    )


def test_managed_login_version_2_needs_a_tier_above_lite(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix(), ManagedLoginVersion=2)
    assert error(exc)[0] == "FeatureUnavailableInTierException"
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix(), ManagedLoginVersion=1)


def test_unknown_managed_login_version(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix(), ManagedLoginVersion=3)
    assert error(exc)[0] == "InvalidParameterException"


@pytest.mark.parametrize("word", ["aws", "amazon", "cognito"])
def test_reserved_words(cognito: Any, pool_id: str, word: str) -> None:
    with pytest.raises(ClientError) as exc:
        name = f"my{word}login-{uuid.uuid4().hex[:6]}"
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert error(exc) == (
        "InvalidParameterException",
        f"Domain cannot contain reserved word: {word}",
    )


def test_domain_taken_by_another_pool(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId=other, Domain=name)
    assert error(exc) == (
        "InvalidParameterException",
        "Domain already associated with another user pool.",
    )


def test_pool_has_one_prefix_domain(cognito: Any, pool_id: str) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix())
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix())
    assert error(exc) == ("InvalidParameterException", "User pool already has a domain configured.")


def test_same_domain_twice_in_same_pool(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert error(exc) == ("InvalidParameterException", "User pool already has a domain configured.")


def test_create_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.create_user_pool_domain(UserPoolId="us-east-1_nope00000", Domain=prefix())
    assert error(exc) == (
        "ResourceNotFoundException",
        "User pool us-east-1_nope00000 does not exist.",
    )


def test_create_model_validation(server: Any, pool_id: str) -> None:
    status, _h, body = server.raw("CreateUserPoolDomain", f'{{"UserPoolId": "{pool_id}"}}')
    assert status == 400
    assert body["__type"] == "InvalidParameterException"
    assert "'domain'" in body["message"]
    status, _h, body = server.raw(
        "CreateUserPoolDomain", f'{{"UserPoolId": "{pool_id}", "Domain": "Upper_Case"}}'
    )
    assert status == 400
    assert body["__type"] == "InvalidParameterException"


def test_create_with_cli(server: Any, pool_id: str) -> None:
    name = prefix()
    server.cli("create-user-pool-domain", "--user-pool-id", pool_id, "--domain", name, check=True)
    result = server.cli("describe-user-pool-domain", "--domain", name, check=True)
    assert f'"Domain": "{name}"' in result.stdout


# -- DescribeUserPoolDomain ----------------------------------------------------------------------
def test_describe_unknown_domain_is_empty(cognito: Any) -> None:
    out = cognito.describe_user_pool_domain(Domain=prefix())
    assert out["DomainDescription"] == {}


# -- UpdateUserPoolDomain ------------------------------------------------------------------------
def test_update_managed_login_version(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    out = cognito.update_user_pool_domain(UserPoolId=pool_id, Domain=name, ManagedLoginVersion=2)
    assert out["ManagedLoginVersion"] == 2
    assert "CloudFrontDomain" not in out
    desc = cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]
    assert desc["ManagedLoginVersion"] == 2


def test_update_certificate_of_prefix_domain_refused(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    with pytest.raises(ClientError) as exc:
        cognito.update_user_pool_domain(
            UserPoolId=pool_id, Domain=name, CustomDomainConfig={"CertificateArn": CERT}
        )
    assert error(exc)[0] == "InvalidParameterException"


def test_update_domain_of_another_pool(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.update_user_pool_domain(UserPoolId=other, Domain=name, ManagedLoginVersion=2)
    assert error(exc) == ("InvalidParameterException", "No such domain or user pool exists.")


def test_update_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.update_user_pool_domain(
            UserPoolId="us-east-1_nope00000", Domain=prefix(), ManagedLoginVersion=1
        )
    assert error(exc)[0] == "ResourceNotFoundException"


def test_update_to_version_2_on_lite(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    with pytest.raises(ClientError) as exc:
        cognito.update_user_pool_domain(UserPoolId=pool_id, Domain=name, ManagedLoginVersion=2)
    assert error(exc)[0] == "FeatureUnavailableInTierException"


def test_update_missing_required(server: Any) -> None:
    status, _h, body = server.raw("UpdateUserPoolDomain", '{"Domain": "x"}')
    assert status == 400
    assert "'userPoolId'" in body["message"]


# -- DeleteUserPoolDomain ------------------------------------------------------------------------
def test_delete_domain(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain=name)
    assert cognito.describe_user_pool_domain(Domain=name)["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    # the slot and the name are free again
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)


def test_delete_unknown_domain(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain=prefix())
    assert error(exc) == ("InvalidParameterException", "No such domain or user pool exists.")


def test_delete_domain_of_another_pool(cognito: Any, pool_id: str) -> None:
    name = prefix()
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=name)
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        cognito.delete_user_pool_domain(UserPoolId=other, Domain=name)
    assert error(exc) == ("InvalidParameterException", "No such domain or user pool exists.")
    assert (
        cognito.describe_user_pool_domain(Domain=name)["DomainDescription"]["UserPoolId"] == pool_id
    )


def test_delete_unknown_pool(cognito: Any) -> None:
    with pytest.raises(ClientError) as exc:
        cognito.delete_user_pool_domain(UserPoolId="us-east-1_nope00000", Domain=prefix())
    assert error(exc)[0] == "ResourceNotFoundException"


def test_delete_missing_required(server: Any) -> None:
    status, _h, body = server.raw("DeleteUserPoolDomain", '{"UserPoolId": "us-east-1_abc"}')
    assert status == 400
    assert "'domain'" in body["message"]


# -- custom domains ------------------------------------------------------------------------------
# The botocore model gives Domain the prefix pattern (no dots), which AWS does not apply to
# custom domains (GH terraform-linters/tflint-ruleset-aws#156); protocol/validate.py exempts it.
@pytest.fixture
def direct(cognito: Any) -> Any:
    """Call an operation by its AWS name through boto3; errors become CognitoError."""

    def call(op: str, **req: Any) -> dict[str, Any]:
        try:
            out = getattr(cognito, xform_name(op))(**req)
        except ClientError as err:
            raise CognitoError(
                err.response["Error"]["Message"], code=err.response["Error"]["Code"]
            ) from None
        out.pop("ResponseMetadata", None)
        return out

    return call


def custom() -> str:
    return f"auth-{uuid.uuid4().hex[:10]}.example.com"


def test_custom_domain_lifecycle(direct: Any) -> None:
    pool_id = direct("CreateUserPool", PoolName="p")["UserPool"]["Id"]
    name = custom()
    out = direct(
        "CreateUserPoolDomain",
        UserPoolId=pool_id,
        Domain=name,
        CustomDomainConfig={"CertificateArn": CERT},
    )
    assert out == {"ManagedLoginVersion": 1, "CloudFrontDomain": "127.0.0.1"}
    desc = direct("DescribeUserPoolDomain", Domain=name)["DomainDescription"]
    assert desc["CustomDomainConfig"] == {"CertificateArn": CERT}
    assert desc["CloudFrontDistribution"] == "127.0.0.1"
    pool = direct("DescribeUserPool", UserPoolId=pool_id)["UserPool"]
    assert pool["CustomDomain"] == name

    out = direct(
        "UpdateUserPoolDomain",
        UserPoolId=pool_id,
        Domain=name,
        CustomDomainConfig={"CertificateArn": CERT2},
        ManagedLoginVersion=2,
    )
    assert out == {"ManagedLoginVersion": 2, "CloudFrontDomain": "127.0.0.1"}
    desc = direct("DescribeUserPoolDomain", Domain=name)["DomainDescription"]
    assert desc["CustomDomainConfig"] == {"CertificateArn": CERT2}
    assert desc["ManagedLoginVersion"] == 2

    direct("DeleteUserPoolDomain", UserPoolId=pool_id, Domain=name)
    assert direct("DescribeUserPoolDomain", Domain=name) == {"DomainDescription": {}}


def test_pool_holds_one_prefix_and_one_custom_domain(direct: Any) -> None:
    pool_id = direct("CreateUserPool", PoolName="p")["UserPool"]["Id"]
    name, my_prefix = custom(), prefix()
    direct("CreateUserPoolDomain", UserPoolId=pool_id, Domain=my_prefix)
    direct(
        "CreateUserPoolDomain",
        UserPoolId=pool_id,
        Domain=name,
        CustomDomainConfig={"CertificateArn": CERT},
    )
    pool = direct("DescribeUserPool", UserPoolId=pool_id)["UserPool"]
    assert (pool["Domain"], pool["CustomDomain"]) == (my_prefix, name)
    with pytest.raises(CognitoError) as exc:
        direct(
            "CreateUserPoolDomain",
            UserPoolId=pool_id,
            Domain="login.example.com",
            CustomDomainConfig={"CertificateArn": CERT},
        )
    assert exc.value.message == "User pool already has a domain configured."
    other = direct("CreateUserPool", PoolName="q")["UserPool"]["Id"]
    with pytest.raises(CognitoError) as exc:
        direct(
            "CreateUserPoolDomain",
            UserPoolId=other,
            Domain=name,
            CustomDomainConfig={"CertificateArn": CERT},
        )
    assert exc.value.message == "Domain already associated with another user pool."


@pytest.mark.parametrize(
    "domain", ["example", "auth..example.com", "auth.amazoncognito.com", "-auth.example.com"]
)
def test_invalid_custom_domains(direct: Any, domain: str) -> None:
    pool_id = direct("CreateUserPool", PoolName="p")["UserPool"]["Id"]
    with pytest.raises(CognitoError) as exc:
        direct(
            "CreateUserPoolDomain",
            UserPoolId=pool_id,
            Domain=domain,
            CustomDomainConfig={"CertificateArn": CERT},
        )
    assert exc.value.code == "InvalidParameterException"


def test_dotted_prefix_domain_is_invalid(direct: Any) -> None:
    pool_id = direct("CreateUserPool", PoolName="p")["UserPool"]["Id"]
    with pytest.raises(CognitoError) as exc:
        direct("CreateUserPoolDomain", UserPoolId=pool_id, Domain="auth.example.com")
    assert exc.value.message.startswith("The domain name contains an invalid character.")


def test_cloudfront_host_defaults_to_host_setting() -> None:
    from userpool.operations.domains import public_host

    ctx = Context(
        store=None,
        settings=Settings(host="idp.internal"),
        region="eu-west-1",  # type: ignore[arg-type]
        request_id="t",
    )
    assert public_host(ctx) == "idp.internal"
    ctx.settings = Settings(issuer_base="https://cognito-idp.{region}.example.net/base")
    assert public_host(ctx) == "cognito-idp.eu-west-1.example.net"
