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


def _field_data(bound: forms.BoundField) -> tuple[str, Any] | None:
    value = bound.value()
    widget = bound.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return (bound.html_name, "on") if value else None
    if value is None:
        return bound.html_name, ""
    if isinstance(value, list | tuple) and isinstance(bound.field, forms.ModelMultipleChoiceField):
        return bound.html_name, [str(v) for v in value]
    return bound.html_name, value


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would POST back unchanged from an admin add/change page."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for bound in form:
        item = _field_data(bound)
        if item is not None:
            data[item[0]] = item[1]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for inline_form in formset.forms:
            for bound in inline_form:
                item = _field_data(bound)
                if item is not None:
                    data[item[0]] = item[1]
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
