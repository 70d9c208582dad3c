"""What every dashboard table shares, after django-oscar's dashboard tables.

``BaseTable.Meta`` holds the conventions (the project's table template, the data-table
class, an empty text that blames the filters); a table extends it with
``class Meta(BaseTable.Meta)``, since django-tables2 does not inherit a ``Meta`` that a
subclass redefines. ``CellColumn`` draws a rich cell (links, forms) from a template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from django.utils.safestring import SafeString


class CellColumn(tables.TemplateColumn):
    """A cell drawn by a template, in the page's context plus ``table``, ``record`` and
    ``value``, and whatever ``cell_context(record, table)`` adds.

    django-tables2's own TemplateColumn renders each cell with the request, which runs every
    context processor again for each cell (the navigation's role lookup is a query, so a
    page would run one per row). This one renders into the context the page already built,
    as ``{% include %}`` does: the same ``csrf_token`` and ``request``, no extra work per
    cell. Tables with these columns are rendered with ``{% render_table %}``, which hands
    that context to the table; outside it there is no page context, and a form drawn
    without its CSRF token would only fail when posted, so the cell refuses to render.
    """

    def __init__(
        self,
        template_name: str,
        *,
        cell_context: Callable[[Any, Any], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(template_name=template_name, **kwargs)
        self.cell_context = cell_context

    def render(self, record, table, value, **kwargs: Any) -> SafeString:
        context = getattr(table, "context", None)
        if context is None:
            raise ImproperlyConfigured(
                f"Render {type(table).__name__} with {{% render_table %}}: its template "
                "cells need the page's context."
            )
        cell = {"table": table, "record": record, "value": value}
        if self.cell_context is not None:
            cell.update(self.cell_context(record, table))
        with context.update(cell):
            return get_template(self.template_name).template.render(context)


class BaseTable(tables.Table):
    """The dashboard's tables: display only, one look, one empty-state convention."""

    class Meta:
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "Nothing matches these filters."
        order_by_field = "sort"
