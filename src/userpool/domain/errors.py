"""Errors that carry their AWS wire type.

Operations and domain rules raise ``CognitoError`` (or a subclass); the protocol layer turns it
into ``{"__type": code, "message": message}`` with HTTP ``status``.
"""

from __future__ import annotations


class CognitoError(Exception):
    """An AWS-shaped error: ``code`` is the ``__type`` on the wire."""

    code: str = "InternalErrorException"
    status: int = 400

    def __init__(self, message: str = "", *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def __repr__(self) -> str:
        return f"{self.code}({self.message!r})"


def _error(name: str, status: int = 400) -> type[CognitoError]:
    return type(name, (CognitoError,), {"code": name, "status": status})


# The modelled errors used across the code base (names exactly as AWS sends them).
InvalidParameter = _error("InvalidParameterException")
ResourceNotFound = _error("ResourceNotFoundException")
NotAuthorized = _error("NotAuthorizedException")
LimitExceeded = _error("LimitExceededException")
ConcurrentModification = _error("ConcurrentModificationException")
GroupExists = _error("GroupExistsException")
DuplicateProvider = _error("DuplicateProviderException")
ScopeDoesNotExist = _error("ScopeDoesNotExistException")
InvalidOAuthFlow = _error("InvalidOAuthFlowException")
FeatureUnavailableInTier = _error("FeatureUnavailableInTierException")
TierChangeNotAllowed = _error("TierChangeNotAllowedException")
UserPoolTagging = _error("UserPoolTaggingException")
UserImportInProgress = _error("UserImportInProgressException")
ManagedLoginBrandingExists = _error("ManagedLoginBrandingExistsException")
TermsExists = _error("TermsExistsException")
UnsupportedIdentityProvider = _error("UnsupportedIdentityProviderException")
InvalidUserPoolConfiguration = _error("InvalidUserPoolConfigurationException")
UserPoolAddOnNotEnabled = _error("UserPoolAddOnNotEnabledException")
InvalidSmsRoleAccessPolicy = _error("InvalidSmsRoleAccessPolicyException")
InvalidSmsRoleTrustRelationship = _error("InvalidSmsRoleTrustRelationshipException")
InvalidEmailRoleAccessPolicy = _error("InvalidEmailRoleAccessPolicyException")
PreconditionNotMet = _error("PreconditionNotMetException")
UnsupportedOperation = _error("UnsupportedOperationException")
InternalError = _error("InternalErrorException", 500)

# Protocol-level errors (not in the cognito-idp model, but what AWS's front end sends).
UnknownOperation = _error("UnknownOperationException")
Serialization = _error("SerializationException")
MissingAuthenticationToken = _error("MissingAuthenticationTokenException", 403)
IncompleteSignature = _error("IncompleteSignatureException", 403)
InvalidSignature = _error("InvalidSignatureException", 403)
UnrecognizedClient = _error("UnrecognizedClientException", 403)
NotImplementedOperation = _error("NotImplementedException", 501)

# User-level errors (passwords).
InvalidPassword = _error("InvalidPasswordException")
PasswordHistoryPolicyViolation = _error("PasswordHistoryPolicyViolationException")

# User-level errors (users, codes, delivery).
UserNotFound = _error("UserNotFoundException")
UsernameExists = _error("UsernameExistsException")
AliasExists = _error("AliasExistsException")
CodeMismatch = _error("CodeMismatchException")
ExpiredCode = _error("ExpiredCodeException")
CodeDeliveryFailure = _error("CodeDeliveryFailureException")
UserNotConfirmed = _error("UserNotConfirmedException")
PasswordResetRequired = _error("PasswordResetRequiredException")
TooManyFailedAttempts = _error("TooManyFailedAttemptsException")
UnsupportedUserState = _error("UnsupportedUserStateException")
InvalidLambdaResponse = _error("InvalidLambdaResponseException")
UserLambdaValidation = _error("UserLambdaValidationException")
UnexpectedLambda = _error("UnexpectedLambdaException")
# AWS's text for a trigger answer it can't use (reference §4.1).
UNRECOGNIZABLE_LAMBDA_OUTPUT = "Unrecognizable lambda output"

# Token errors.
RefreshTokenReuse = _error("RefreshTokenReuseException")

# Client-authentication and token-type errors (RevokeToken).
Unauthorized = _error("UnauthorizedException")
UnsupportedTokenType = _error("UnsupportedTokenTypeException")

# MFA errors.
SoftwareTokenMFANotFound = _error("SoftwareTokenMFANotFoundException")
EnableSoftwareTokenMFA = _error("EnableSoftwareTokenMFAException")

# Device errors (ConfirmDevice).
DeviceKeyExists = _error("DeviceKeyExistsException")
