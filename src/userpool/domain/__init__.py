"""Cognito's rules: pure functions and dataclasses. Imports nothing else of ours."""
