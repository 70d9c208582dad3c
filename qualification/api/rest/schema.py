"""The OpenAPI schema says what the API answers, errors included (issue 14, defect 11).

drf-spectacular documents the success of each operation from its serializer; this
``AutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds what else happens:

- the errors every operation can answer with, as ``errors.ErrorSerializer``
  (``{"code", "message", ...}``): 400 (a bad parameter or body; a NUL byte anywhere, which
  ``web.request_guard`` refuses before any view), 401 and 403, and 404 where the path
  names an object or the list is paged; an operation's own ``extend_schema`` responses
  win;
- a serializer's ``required_one_of`` (fields of which exactly one must be given) as
  ``oneOf`` alternatives of ``required``, which DRF's per-field ``required`` cannot say.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi

from qualification.api.rest.errors import ERRORS, NOT_FOUND


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors: dict[int, Any] = dict(ERRORS)
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors[404] = NOT_FOUND
        for status, response in errors.items():
            code = str(status)
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        one_of = getattr(serializer, "required_one_of", ())
        if one_of:
            schema["oneOf"] = [{"required": [name]} for name in one_of]
        return schema
