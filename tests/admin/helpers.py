"""Admin test helpers: URLs by model, and the POST data a change form would send."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.test import Client
from django.urls import reverse


def admin_url(model: type[Model] | Model, view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _field_data(bound: forms.BoundField) -> list[tuple[str, Any]]:
    """The (name, value) pairs a browser sends for one form field."""
    value = bound.value()
    widget = bound.field.widget
    widget = getattr(widget, "widget", widget)  # unwrap the admin's related-field wrapper
    if isinstance(widget, forms.CheckboxInput):
        return [(bound.html_name, "on")] if value else []
    if isinstance(widget, forms.MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        return [
            (f"{bound.html_name}{suffix}", "" if part is None else str(part))
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        ]
    if isinstance(bound.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        # Nothing chosen: a browser sends no value at all (ticked boxes, multi-selects).
        return [(bound.html_name, [str(v) for v in value or ()])]
    if value is None:
        return [(bound.html_name, "")]
    return [(bound.html_name, value)]


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would POST back unchanged from an admin add/change page."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for bound in form:
        data.update(_field_data(bound))
    for inline in response.context.get("inline_admin_formsets") or []:  # none on history forms
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for inline_form in formset.forms:
            for bound in inline_form:
                data.update(_field_data(bound))
    return data


def post_change(client: Client, obj: Model, **changes: Any) -> Any:
    """Open ``obj``'s change page, alter some fields, and save it as the browser would."""
    url = admin_url(obj, "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)
