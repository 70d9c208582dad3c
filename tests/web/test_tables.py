"""The table base: template cells render into the page's context, never without it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from qualification.roles import Role
from qualification.web.tables import CriterionTable, QueueTable
from qualification.web.tables.base import BaseTable
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db


def _table(make_user) -> QueueTable:
    request = RequestFactory().get("/queues/pql/")
    request.user = make_user(Role.SDR, username="sam")
    return QueueTable([qualified()], request=request, policies={}, now=timezone.now())


def test_both_tables_share_the_base_conventions():
    for table_class in (QueueTable, CriterionTable):
        assert issubclass(table_class, BaseTable)
        assert table_class._meta.template_name == "tables/table.html"
        assert table_class._meta.order_by_field == "sort"
    assert QueueTable._meta.attrs["class"] == "data-table queue-table"


def test_a_template_cell_refuses_to_render_without_the_page_context(make_user):
    row = next(iter(_table(make_user).rows))
    with pytest.raises(ImproperlyConfigured, match="render_table"):
        row.get_cell("owner")


def test_render_table_hands_the_cells_the_page_context(make_user):
    table = _table(make_user)
    html = Template('{% load django_tables2 %}{% render_table table "tables/rows.html" %}').render(
        Context({"table": table, "csrf_token": "token-from-the-page"})
    )
    assert 'value="token-from-the-page"' in html
    assert "Claim Ada" in html
