"""Admin upload of CSV files (accounts, leads, events) with the import's per-row report.

Registered as an extra URL of the admin site so that the Account, Lead and Event lists can
link to it (their ``change_list_template`` adds an "Import CSV" button). Only users who may
add the target model (Ops) may import it; a file the import cannot read is a form error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from qualification.services.csv_import import CsvImportError, CSVImportReport, csv_import

# Import kind → the model whose add permission it needs (also the changelist's model name).
KIND_MODELS = {"accounts": "account", "leads": "lead", "events": "event"}
URL_NAME = "qualification_csv_import"


class CsvUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k.capitalize()) for k in KIND_MODELS])
    file = forms.FileField(help_text="UTF-8 CSV with a header row.")
    source = forms.ChoiceField(
        choices=[
            ("", "From the file's source column"),
            ("marketing", "Marketing"),
            ("product", "Product"),
        ],
        required=False,
        help_text="Events only: the source of rows that do not name one.",
    )
    dry_run = forms.BooleanField(
        initial=True, required=False, help_text="Check the file and report; write nothing."
    )
    import_valid_rows = forms.BooleanField(
        required=False, help_text="Import the valid rows even if others are refused."
    )


def allowed_kinds(request: HttpRequest) -> list[str]:
    return [k for k, m in KIND_MODELS.items() if request.user.has_perm(f"qualification.add_{m}")]


def csv_upload_view(request: HttpRequest) -> HttpResponse:
    """Show the form; on POST run the import and show its report on the same page."""
    kinds = allowed_kinds(request)
    if not kinds:
        raise PermissionDenied
    report: CSVImportReport | None = None
    if request.method == "POST":
        form = CsvUploadForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["kind"] not in kinds:
            raise PermissionDenied
        if form.is_valid():
            report = _run(request, form)
    else:
        kind = request.GET.get("kind", "")
        kind = next((k for k, m in KIND_MODELS.items() if kind in (k, m)), kinds[0])
        form = CsvUploadForm(initial={"kind": kind})
    form.fields["kind"].choices = [(k, k.capitalize()) for k in kinds]
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": "Import CSV",
        "form": form,
        "report": report,
        "kind_models": KIND_MODELS,
    }
    return TemplateResponse(request, "admin/qualification/csv_upload.html", context)


def _run(request: HttpRequest, form: CsvUploadForm) -> CSVImportReport | None:
    data = form.cleaned_data
    try:
        report = csv_import(
            kind=data["kind"],
            stream=data["file"],
            source=data["source"] or None,
            dry_run=data["dry_run"],
            import_valid_rows=data["import_valid_rows"],
        )
    except CsvImportError as exc:
        form.add_error("file", f"{exc} Nothing was imported.")
        return None
    if report.written:
        messages.success(request, f"Imported {data['kind']}: {report.summary()}")
    elif report.dry_run:
        messages.info(request, f"Dry run, nothing written: {report.summary()}")
    else:
        messages.error(
            request,
            f"{report.refused_rows} row(s) refused; nothing was imported. Fix them, or tick "
            "“import valid rows” to import the others.",
        )
    return report


def _urls_with_upload(original):
    def get_urls() -> list:
        view = admin.site.admin_view(csv_upload_view)
        return [path("qualification/import-csv/", view, name=URL_NAME), *original()]

    return get_urls


if not getattr(admin.site, "_leadhub_csv_upload", False):  # once, even if re-imported
    admin.site.get_urls = _urls_with_upload(admin.site.get_urls)
    admin.site._leadhub_csv_upload = True
