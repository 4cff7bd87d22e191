"""The botocore cognito-idp service model, loaded once per process."""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore.model import OperationModel, ServiceModel

TARGET_PREFIX = "AWSCognitoIdentityProviderService."


@cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("cognito-idp")


@cache
def operation(name: str) -> OperationModel | None:
    model = service_model()
    if name not in operation_names():
        return None
    return model.operation_model(name)


@cache
def operation_names() -> frozenset[str]:
    return frozenset(service_model().operation_names)


@cache
def unauthenticated_operations() -> frozenset[str]:
    """Operations botocore marks ``auth: none`` (AWS does not evaluate IAM for them)."""
    model = service_model()
    return frozenset(
        name for name in model.operation_names if model.operation_model(name).auth_type == "none"
    )
