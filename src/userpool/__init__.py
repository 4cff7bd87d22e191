"""userpool: Amazon Cognito user pools, self-hosted."""

__version__ = "0.1.0"
