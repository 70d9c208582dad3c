"""CSV import: each kind, idempotent re-import, dry run, all-or-nothing, per-row report."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qualification.models import Account, Event, EventType, Lead
from qualification.services.csv_import import CsvImportError, csv_import
from tests.factories import AccountFactory, LeadFactory, account_typed_in_admin

pytestmark = pytest.mark.django_db


def run(kind: str, text: str | bytes, **options):
    data = text.encode() if isinstance(text, str) else text
    return csv_import(kind=kind, stream=io.BytesIO(data), **options)


def problems(report) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


ACCOUNTS = (
    "domain,name,industry,employee_count,country,business_model,plan,segment\n"
    "https://www.Acme.com/about,Acme,software,1200,de,B2B,paid,enterprise\n"
    "globex.test,Globex,,40,US,b2c,trial,\n"
)


def test_accounts_import_with_traits_and_normalized_values():
    report = run("accounts", ACCOUNTS)
    assert (report.rows, report.created, report.updated, report.refused_rows) == (2, 2, 0, 0)
    assert report.written
    acme = Account.objects.get(domain="acme.com")
    assert (acme.name, acme.employee_count, acme.country, acme.plan) == ("Acme", 1200, "DE", "paid")
    assert acme.traits == {"segment": "enterprise"}
    assert Account.objects.get(domain="globex.test").business_model == "b2c"


def test_reimport_is_idempotent_and_updates_changed_rows():
    run("accounts", ACCOUNTS)
    again = run("accounts", ACCOUNTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run("accounts", "domain,plan\nacme.com,free\n")
    assert (changed.created, changed.updated) == (0, 1)
    acme = Account.objects.get(domain="acme.com")
    assert acme.plan == "free"
    assert acme.name == "Acme"
    assert Account.objects.count() == 2


def test_new_account_takes_unassigned_leads_of_its_domain_and_marks_them():
    lead = LeadFactory(account=None, email="ada@initech.test", needs_rescore=False)
    report = run("accounts", "domain\ninitech.test\n")
    lead.refresh_from_db()
    assert lead.account.domain == "initech.test"
    assert lead.needs_rescore
    assert report.leads_marked == 1


def test_dry_run_writes_nothing_but_reports_what_would_change():
    AccountFactory(domain="acme.com", plan="trial")
    report = run("accounts", ACCOUNTS, dry_run=True)
    assert (report.created, report.updated, report.written) == (1, 1, False)
    assert Account.objects.count() == 1
    assert Account.objects.get().plan == "trial"


BAD_ACCOUNTS = (
    "domain,employee_count,country,plan\n"
    "good.test,10,DE,free\n"
    "not a domain,many,DEU,gold\n"
    ",,,\n"
    ",5,FR,\n"
)


def test_a_file_with_errors_imports_nothing_and_reports_row_and_column():
    report = run("accounts", BAD_ACCOUNTS)
    assert not report.written
    assert Account.objects.count() == 0
    assert report.refused_rows == 2
    assert sorted(problems(report)) == [
        (3, "country"),
        (3, "domain"),
        (3, "employee_count"),
        (3, "plan"),
        (5, "domain"),  # row 4 is blank and skipped; numbering follows the file
    ]
    by_column = {p.column: p.problem for p in report.problems if p.row == 3}
    assert "gold" in by_column["plan"]
    assert "DEU" in by_column["country"]


def test_import_valid_rows_writes_the_rest():
    report = run("accounts", BAD_ACCOUNTS, import_valid_rows=True)
    assert report.written
    assert report.created == 1
    assert report.refused_rows == 2
    assert list(Account.objects.values_list("domain", flat=True)) == ["good.test"]


def test_leads_import_upserts_by_user_id_or_email_and_matches_accounts():
    acme = AccountFactory(domain="acme.com")
    other = AccountFactory(domain="other.test")
    existing = LeadFactory(account=None, email="Ada@Acme.com", user_id="")
    text = (
        "email,user_id,first_name,title,account_domain,favourite_colour\n"
        "ada@acme.com,u-1,Ada,CTO,,teal\n"
        "bob@acme.com,,Bob,,other.test,\n"
        "carol@gmail.com,u-3,Carol,,,\n"
        ",u-4,Dan,,,\n"
    )
    report = run("leads", text)
    assert (report.created, report.updated, report.refused_rows) == (3, 1, 0)
    existing.refresh_from_db()
    assert (existing.user_id, existing.title, existing.account) == ("u-1", "CTO", acme)
    assert existing.traits["favourite_colour"] == "teal"
    assert Lead.objects.get(email="bob@acme.com").account == other  # explicit domain wins
    assert Lead.objects.get(user_id="u-3").account is None  # never matched by free-mail
    assert Lead.objects.get(user_id="u-4").first_name == "Dan"
    assert report.leads_marked == 4
    assert run("leads", text).unchanged == 4


def test_leads_find_the_account_ops_typed_in_the_admin_with_a_port():
    """Issue 9: the admin stored "acme.com:8443", so neither row found the account."""
    account = account_typed_in_admin("https://www.Acme.com:8443/")
    report = run("leads", "email,account_domain\nada@acme.com,\nbob@partner.io,acme.com\n")
    assert (report.created, report.refused_rows) == (2, 0)
    assert set(Lead.objects.values_list("account", flat=True)) == {account.pk}


def test_a_domain_cell_that_is_no_domain_is_refused_with_the_value():
    report = run("accounts", "domain\nftp:\n")
    assert [(p.row, p.column, p.problem) for p in report.problems] == [
        (2, "domain", "“ftp:” is not a domain or website (e.g. acme.com)")
    ]


def test_free_mail_domain_is_never_matched_even_if_an_account_has_it():
    AccountFactory(domain="gmail.com")
    run("leads", "email\nsomeone@gmail.com\n")
    assert Lead.objects.get().account is None


def test_lead_conflicts_and_unknown_account_are_row_errors():
    LeadFactory(email="taken@acme.com", user_id="u-9")
    LeadFactory(email="x@acme.com", user_id="u-8")
    text = (
        "email,user_id,account_domain\n"
        "taken@acme.com,u-1,\n"
        "taken@acme.com,u-8,\n"
        "new@acme.com,,nowhere.test\n"
        "not-an-email,,\n"
        ",,\n"
        ",,acme.com\n"
    )
    report = run("leads", text)
    assert sorted(problems(report)) == [
        (2, "user_id"),
        (3, "email"),
        (4, "account_domain"),
        (5, "email"),
        (7, "email"),
    ]
    assert Lead.objects.count() == 2


EVENTS = (
    "email,user_id,event,occurred_at,properties,plan\n"
    'ada@acme.com,,Pricing Page Viewed,2024-05-01T09:30:00+02:00,"{""page"": ""/pricing""}",pro\n'
    ",u-2,Signed Up,2024-05-02T10:00:00Z,,\n"
)


@pytest.fixture
def two_leads():
    acme = AccountFactory(domain="acme.com")
    return (
        LeadFactory(account=acme, email="Ada@acme.com", needs_rescore=False),
        LeadFactory(account=None, email="", user_id="u-2", needs_rescore=False),
    )


def test_events_import_with_source_option_and_tracking_plan(two_leads):
    ada, bob = two_leads
    report = run("events", EVENTS, source="marketing")
    assert (report.created, report.refused_rows) == (2, 0)
    assert report.new_event_types == {"Pricing Page Viewed", "Signed Up"}
    event = Event.objects.get(lead=ada)
    assert event.occurred_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert event.properties == {"page": "/pricing", "plan": "pro"}
    assert (event.source, event.account_id) == ("marketing", ada.account_id)
    assert event.message_id.startswith("csv-")
    assert EventType.objects.filter(name="Signed Up", source="marketing").exists()
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert ada.needs_rescore
    assert bob.needs_rescore


def test_event_reimport_does_not_duplicate(two_leads):
    run("events", EVENTS, source="product")
    again = run("events", EVENTS, source="product")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Event.objects.count() == 2


def test_event_source_column_and_message_id_upsert(two_leads):
    text = "user_id,event,occurred_at,source,message_id\nu-2,Signed Up,2024-05-02T10:00:00Z,product,m1\n"
    assert run("events", text).created == 1
    moved = text.replace("Signed Up", "Signed Up Again")
    report = run("events", moved)
    assert (report.created, report.updated) == (0, 1)
    assert Event.objects.get().name == "Signed Up Again"


def test_event_row_errors_naive_time_bad_json_unknown_lead(two_leads):
    text = (
        "email,user_id,event,occurred_at,properties,source\n"
        "ada@acme.com,,Viewed,2024-05-01T09:30:00,,marketing\n"
        "ada@acme.com,,Viewed,2024-05-01T09:30:00Z,{not json,marketing\n"
        "ada@acme.com,,Viewed,2024-05-01T09:30:00Z,[1],marketing\n"
        "nobody@acme.com,,Viewed,2024-05-01T09:30:00Z,,marketing\n"
        ",u-404,Viewed,2024-05-01T09:30:00Z,,marketing\n"
        "ada@acme.com,,,yesterday,,email\n"
        "ada@acme.com,,Viewed,2024-05-01T09:30:00Z,,marketing\n"
    )
    report = run("events", text)
    assert sorted(problems(report)) == [
        (2, "occurred_at"),
        (3, "properties"),
        (4, "properties"),
        (5, "email"),
        (6, "user_id"),
        (7, "event"),
        (7, "occurred_at"),
        (7, "source"),
    ]
    naive = next(p for p in report.problems if p.row == 2)
    assert "time zone" in naive.problem
    assert "JSON object" in next(p.problem for p in report.problems if p.row == 4)
    assert Event.objects.count() == 0
    assert run("events", text, import_valid_rows=True).created == 1
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("accounts", b"", "empty"),
        ("accounts", "domain,name\nacme.com,Caf\u00e9\n".encode("latin-1"), "not UTF-8"),
        ("accounts", b"name,plan\nAcme,paid\n", "no domain column"),
        ("leads", b"first_name\nAda\n", "email or a user_id"),
        ("events", b"email,event\na@b.test,X\n", "occurred_at"),
        ("events", b"email,event,occurred_at\na@b.test,X,2024-01-01T00:00:00Z\n", "source"),
        ("accounts", b"domain,,plan\n", "Column 2"),
        ("accounts", b"domain,plan,Domain\n", "twice"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(kind, data, message):
    with pytest.raises(CsvImportError, match=message):
        run(kind, data)


def test_utf8_bom_and_crlf_are_accepted():
    report = run("accounts", "\ufeffdomain,name\r\nacme.com,Caf\u00e9\r\n".encode())
    assert report.created == 1
    assert Account.objects.get().name == "Caf\u00e9"


def test_non_utf8_late_in_a_large_file_rolls_back_every_batch():
    rows = "".join(f"d{i}.test,n\n" for i in range(300)).encode() + "x.test,\xe9\n".encode(
        "latin-1"
    )
    with pytest.raises(CsvImportError, match="not UTF-8"):
        run("accounts", b"domain,name\n" + rows, batch_size=50)
    assert Account.objects.count() == 0


def test_batches_give_the_same_result_as_one_batch():
    rows = "".join(f"d{i % 120}.test,Name {i}\n" for i in range(300))
    report = run("accounts", "domain,name\n" + rows, batch_size=32)
    assert report.created == 120
    assert Account.objects.count() == 120
    assert Account.objects.get(domain="d0.test").name == "Name 240"  # last row wins


def write(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def test_command_imports_and_prints_a_summary(tmp_path):
    out = io.StringIO()
    call_command("import_csv", "accounts", write(tmp_path, ACCOUNTS), stdout=out)
    assert "Imported" in out.getvalue()
    assert "2 were created" in out.getvalue()
    assert Account.objects.count() == 2


def test_command_dry_run_and_errors(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_csv", "accounts", write(tmp_path, ACCOUNTS), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert Account.objects.count() == 0
    with pytest.raises(CommandError, match="2 row\\(s\\) refused; nothing was imported"):
        call_command(
            "import_csv", "accounts", write(tmp_path, BAD_ACCOUNTS), stdout=out, stderr=err
        )
    assert "row 3, column plan: 'gold' is not one of" in err.getvalue()
    call_command(
        "import_csv",
        "accounts",
        write(tmp_path, BAD_ACCOUNTS),
        "--import-valid-rows",
        stdout=out,
        stderr=err,
    )
    assert Account.objects.count() == 1


def test_command_events_need_a_source_and_refuse_bad_files(tmp_path, two_leads):
    path = write(tmp_path, EVENTS)
    with pytest.raises(CommandError, match="source"):
        call_command("import_csv", "events", path, stdout=io.StringIO())
    call_command("import_csv", "events", path, "--source", "product", stdout=io.StringIO())
    assert Event.objects.filter(source="product").count() == 2
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_csv", "accounts", write(tmp_path, b"domain\n\xff\xfe\n"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_csv", "accounts", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize("count", ["³", "١٢", "9" * 5000, "2147483648"])
def test_an_employee_count_that_is_not_an_ascii_number_in_range_is_refused(count):
    """ "³".isdigit() is true and int("³") raises: the column is refused, not a crash."""
    report = run("accounts", f"domain,employee_count\nacme.test,{count}\n")
    assert not report.written
    assert [(p.row, p.column) for p in report.problems] == [(2, "employee_count")]
