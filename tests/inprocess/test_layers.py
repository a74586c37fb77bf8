"""The layers of the package: logic/ and dal/ (and the models they share) know nothing of HTTP; the resolver in
workout_log.api is the one place that turns their domain errors into statuses and headers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import workout_log
from workout_log import api
from workout_log.models import errors

PACKAGE = Path(workout_log.__file__).parent
DOMAIN_LAYERS = ("logic", "dal", "models")
HTTP_MODULES = ("workout_log.api", "workout_log.request", "workout_log.http_errors", "workout_log.handlers")
HTTP_LIBRARIES = ("aws_lambda_powertools.event_handler",)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


DOMAIN_FILES = sorted(path for layer in DOMAIN_LAYERS for path in (PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_domain_layers_import_nothing_of_http(path: Path):
    http = [
        module
        for module in imported_modules(path)
        if module.startswith(HTTP_MODULES) or module.startswith(HTTP_LIBRARIES)
    ]
    assert http == [], f"{path.relative_to(PACKAGE)} imports {http}"
    strings = [n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant)]
    assert not [s for s in strings if isinstance(s, str) and "Retry-After" in s], "a header belongs to the resolver"


def leaf_errors(cls: type[errors.DomainError] = errors.DomainError) -> list[type[errors.DomainError]]:
    below = cls.__subclasses__()
    return [cls] if not below else [leaf for sub in below for leaf in leaf_errors(sub)]


@pytest.mark.parametrize("kind", leaf_errors(), ids=lambda k: k.__name__)
def test_every_domain_error_has_an_http_answer(kind: type[errors.DomainError]):
    if issubclass(kind, errors.InvalidRequest):
        error: errors.DomainError = kind([errors.FieldProblem("durationMinutes", "must be positive")])
    elif issubclass(kind, errors.Retryable):
        error = kind("busy", retry_after=7)
    else:
        error = kind("no")

    answer = api.answer_for(error)

    assert 400 <= answer.status < 600 and answer.status != 500, f"{kind.__name__} has no answer of its own"
    assert answer.message == error.message
    assert (answer.headers.get("Retry-After") == "7") == isinstance(error, errors.Retryable)
    if isinstance(error, errors.InvalidRequest):
        assert [p.field for p in answer.details] == ["durationMinutes"]


def test_a_domain_error_without_an_answer_is_a_500_not_an_exception():
    class Unmapped(errors.DomainError):
        pass

    assert api.answer_for(Unmapped("?")).status == 500
