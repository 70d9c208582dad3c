"""Change history for the definitions ops own: who changed what, when, old → new.

django-simple-history 3.13 already lists, per version, the user and a "Changes" column with
``field: old → new`` computed by ``diff_against``. This module closes three gaps:

* choice fields show their labels ("Intent (marketing engagement)"), not stored values;
* the oldest version on each history page also shows its changes (the package compares only
  neighbours on the same page, so every page's last row was blank);
* reverting from a history version obeys the same per-object permission as the change
  form (the package checks only the *view* permission before saving a revert).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges, ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper


class LabelledChangesHelper(HistoricalRecordContextHelper):
    """Render old and new values of choice fields as their human labels."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        field = self.model._meta.get_field(change.field)
        if getattr(field, "flatchoices", None):
            labels = {str(key): label for key, label in field.flatchoices}
            if value in (None, ""):
                return "—"
            return str(labels.get(str(value), value))
        if value is None or value == "":
            return "—"
        return super().prepare_delta_change_value(change, value)


class LeadHubHistoryAdmin(SimpleHistoryAdmin):
    """Base admin for models with ``history = HistoricalRecords()``."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """simple_history's list styles its paginator with a ``style`` attribute, which the
        Content-Security-Policy refuses; this page alone allows style attributes (not style
        elements, not scripts) rather than carry a copy of simple_history's template."""
        view = csp_update({"style-src-attr": [UNSAFE_INLINE]})(super().history_view)
        return view(request, object_id, extra_context)

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: HistoricalChanges
    ) -> HistoricalRecordContextHelper:
        return LabelledChangesHelper(self.model, historical_record)

    def set_history_delta_changes(
        self,
        request: HttpRequest,
        historical_records: Sequence[HistoricalChanges],
        foreign_keys_are_objs: bool = True,
    ) -> None:
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        if not records:
            return
        oldest_on_page = records[-1]
        if getattr(oldest_on_page, "history_delta_changes", None) is not None:
            return
        previous = oldest_on_page.prev_record  # one query, only when the page is not the last
        if previous is None:
            return
        delta = oldest_on_page.diff_against(previous, foreign_keys_are_objs=foreign_keys_are_objs)
        helper = self.get_historical_record_context_helper(request, oldest_on_page)
        oldest_on_page.history_delta_changes = helper.context_for_delta_changes(delta)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
