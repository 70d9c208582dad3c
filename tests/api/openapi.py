"""Check real API responses against the OpenAPI schema the API serves (drf-spectacular).

The schema is OpenAPI 3.0: its schema objects are JSON Schema (draft 4 style) plus
``nullable``, which ``_json_schema`` rewrites as ``anyOf [..., null]`` so that
``jsonschema`` (installed with drf-spectacular) can validate a body against it. Formats are
not checked; types, enums, required fields and nesting are.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def api_schema() -> dict[str, Any]:
    """The schema /api/schema/ serves (generated once per test session)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def _json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def _components() -> dict[str, Any]:
    return _json_schema(api_schema()["components"])


def operation_for(path: str, method: str = "get") -> tuple[str, dict[str, Any]]:
    """The schema's path template matching a concrete path, and its operation."""
    # Literal paths first: /api/criteria/versions/ is not /api/criteria/{key}/.
    paths = sorted(api_schema()["paths"].items(), key=lambda item: item[0].count("{"))
    for template, operations in paths:
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            return template, operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the schema")


def schema_problems(response: Any, path: str, method: str = "get") -> list[str]:
    """Why ``response`` does not match what the schema documents (empty when it does)."""
    template, operation = operation_for(path, method)
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{response.status_code} is not documented for {method.upper()} {template}"]
    content = documented.get("content", {})
    if not content:
        return [] if not response.content else [f"{response.status_code}: a body not documented"]
    if not response["Content-Type"].startswith("application/json"):
        return [f"{response.status_code}: {response['Content-Type']} is not JSON"]
    body_schema = content["application/json"]["schema"]
    validator = jsonschema.Draft4Validator(
        {"allOf": [_json_schema(body_schema)], "components": _components()}
    )
    return [
        f"{response.status_code} {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(response.json())
    ]


def assert_matches_schema(response: Any, path: str, method: str = "get") -> None:
    problems = schema_problems(response, path, method)
    assert not problems, "\n".join(problems[:10])
