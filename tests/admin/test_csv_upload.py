"""Admin CSV upload: Ops import with a per-row report; other roles are refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualification.models import Account, Event, Lead
from qualification.roles import Role
from tests.admin.helpers import admin_url
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:qualification_csv_import")


def upload(client, kind: str, data: bytes, **fields):
    post = {"kind": kind, "file": SimpleUploadedFile("in.csv", data, "text/csv"), **fields}
    return client.post(URL, post)


def test_changelists_link_to_the_upload_for_ops(ops_client):
    for model in (Account, Lead, Event):
        page = ops_client.get(admin_url(model, "changelist"))
        assert page.status_code == 200
        assert f"{URL}?kind={model._meta.model_name}" in page.content.decode()
    form = ops_client.get(URL + "?kind=event")
    assert form.status_code == 200
    assert form.context["form"]["kind"].value() == "events"
    assert form.context["form"]["dry_run"].value() is True  # dry run by default


def test_dry_run_upload_shows_counts_and_writes_nothing(ops_client):
    page = upload(ops_client, "accounts", b"domain,name\nacme.com,Acme\n", dry_run="on")
    assert page.status_code == 200
    assert page.context["report"].created == 1
    assert "Dry run (nothing written)" in page.content.decode()
    assert Account.objects.count() == 0


def test_upload_with_errors_shows_the_per_row_table_and_imports_nothing(ops_client):
    data = b"domain,plan\ngood.test,paid\nbad domain,gold\n"
    page = upload(ops_client, "accounts", data)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="csv-problems"' in html
    assert "<td>3</td><td>plan</td>" in html
    assert "gold" in html
    assert Account.objects.count() == 0
    page = upload(ops_client, "accounts", data, import_valid_rows="on")
    assert page.context["report"].written
    assert list(Account.objects.values_list("domain", flat=True)) == ["good.test"]


def test_events_upload_with_source_imports(ops_client):
    lead = LeadFactory(email="ada@acme.test")
    data = b"email,event,occurred_at\nada@acme.test,Demo Requested,2024-05-01T09:00:00Z\n"
    page = upload(ops_client, "events", data, source="marketing")
    assert page.status_code == 200
    assert page.context["report"].written
    assert Event.objects.get().lead == lead


@pytest.mark.parametrize(
    "data",
    [b"", b"name\nAcme\n", "domain\nCaf\u00e9\n".encode("utf-16"), b"domain\n\xff\n"],
)
def test_a_bad_file_is_a_form_error_not_a_500(ops_client, data):
    page = upload(ops_client, "accounts", data)
    assert page.status_code == 200
    assert page.context["form"].errors["file"]
    assert page.context["report"] is None


def test_missing_file_is_a_form_error(ops_client):
    page = ops_client.post(URL, {"kind": "leads"})
    assert page.status_code == 200
    assert "file" in page.context["form"].errors


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PRODUCT])
def test_staff_without_add_permission_are_refused(client_as, role):
    client = client_as(role)
    assert client.get(URL).status_code == 403
    page = upload(client, "accounts", b"domain\nacme.com\n")
    assert page.status_code == 403
    assert Account.objects.count() == 0
    listing = client.get(admin_url(Account, "changelist")).content.decode()
    assert URL not in listing


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER])
def test_non_staff_are_sent_to_the_login(client_as, role):
    client = client_as(role)
    response = upload(client, "accounts", b"domain\nacme.com\n")
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Account.objects.count() == 0
