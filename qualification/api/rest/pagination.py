"""Page-number pagination: 50 a page by default, at most 200, so one request stays cheap.

DRF falls back to the default size for a ``page_size`` it cannot read (``abc``, ``-1``,
``0``) and caps one past the maximum, so a client's typo went unnoticed; here any size
but 1 to 200 is a 400 naming ``page_size``, and a ``page`` that is not a number a 400
naming ``page`` (a page past the last stays DRF's 404, now naming the last page).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from qualification.api.rest.errors import parameter_error
from qualification.core.params import BIGINT_MAX, ParameterError, whole_number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        try:
            size = whole_number(raw, name="page_size", minimum=1, maximum=self.max_page_size)
        except ParameterError as error:
            raise parameter_error(error) from None
        return self.page_size if size is None else size

    def get_page_number(self, request: Request, paginator: Any) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw in self.last_page_strings:
            return paginator.num_pages
        try:
            number = whole_number(raw, name="page", minimum=1, maximum=BIGINT_MAX)
        except ParameterError:
            raise ValidationError({"page": ['Give a page number (1 or more) or "last".']}) from None
        return 1 if number is None else number

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list:
        """DRF's, with a 404 that names the last page (no browsable API: JSON only)."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(
                f"page: There is no page {number}; the last is {paginator.num_pages}."
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        page, size = super().get_schema_operation_parameters(view)
        page["schema"]["minimum"] = 1
        page["description"] = 'A page number (1 is the first), or "last".'
        size["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        size["description"] = f"Results a page, 1 to {self.max_page_size}."
        return [page, size]
