"""The operation registry, the model, and the generated compatibility page agree."""

from __future__ import annotations

import pytest

from userpool import compat, operations
from userpool.protocol import model


def test_every_registered_operation_is_a_model_operation() -> None:
    registry = operations.load()
    assert set(registry) <= model.operation_names()
    assert len(model.operation_names()) == 122
    assert len(model.unauthenticated_operations()) == 32


def test_an_operation_cannot_be_registered_twice() -> None:
    registry = operations.load()
    name = next(iter(registry))
    with pytest.raises(ValueError, match="registered twice"):
        operations.operation(name)(lambda ctx, req: {})


def test_unknown_names_cannot_be_registered() -> None:
    with pytest.raises(ValueError, match="not a cognito-idp operation"):
        operations.operation("DescribeTheMoon")


def test_compatibility_page_is_generated_from_the_registry() -> None:
    text = compat.DOC.read_text()
    assert compat.render(text) == text, "run: python -m userpool.compat --write"
    for name in model.operation_names():
        assert f"| {name} |" in text
