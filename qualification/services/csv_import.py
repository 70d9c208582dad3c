"""CSV import of accounts, leads and events for ops: all or nothing, with a per-row report.

``csv_import`` streams the file in batches: each batch is validated row by row (the pure
checks in ``qualification.core.tracking.csv_rows``, then the ones that need the database: is
the domain real, does the lead exist, does an email belong to someone else) and its valid
rows are upserted with bulk writes. Everything runs in one transaction that is rolled
back at the end for a dry run, or when any row was refused and the caller did not ask to
import the valid rows. A dry run takes the real import's path, so its counts are the real
ones; nothing of it (nor the rescoring it would enqueue on commit) survives the rollback.

Identity rules are shared with the tracking API: domains are cleaned by the one rule in
``qualification.core.domains``, a lead without an account is matched by its email's
domain (never a free-mail one), and event names the tracking plan does not know are added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from qualification.core.domains import DomainError, email_domain, normalize_domain
from qualification.core.tracking.csv_rows import (
    ACCOUNT_COLUMNS,
    KINDS,
    CsvFormatError,
    CsvRows,
    ParsedRow,
    RowProblem,
    account_row,
    event_row,
    header_problem,
    lead_row,
)
from qualification.models import Account, Event, EventType, Lead
from qualification.selectors.identity import FREE_MAIL_DOMAINS
from qualification.services.ingest import event_types_ensure
from qualification.services.rescore_requests import leads_mark_for_rescore

BATCH_SIZE = 500
# A file that is wrong throughout would otherwise hold every problem in memory.
MAX_REPORTED_PROBLEMS = 1000
CSV_ACCOUNT_COLUMNS = ACCOUNT_COLUMNS[1:]  # what a row updates; its domain finds the account
CSV_LEAD_COLUMNS = ("email", "user_id", "first_name", "last_name", "title", "source")

T = TypeVar("T")


class CsvImportError(ValueError):
    """The file cannot be imported at all (encoding, empty, header, a conflict); nothing was."""


@dataclass
class CSVImportReport:
    """What an import did or, for a dry run or a refused file, would have done."""

    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused_rows: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    new_event_types: set[str] = field(default_factory=set)
    leads_marked: int = 0
    written: bool = False

    @property
    def problems_truncated(self) -> bool:
        return self.problem_count > len(self.problems)

    def refuse(self, problems: Iterable[RowProblem]) -> None:
        """Record a refused row (once) with all its problems."""
        problems = list(problems)
        self.refused_rows += 1
        self.problem_count += len(problems)
        room = MAX_REPORTED_PROBLEMS - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])

    def summary(self) -> str:
        verb = "would be" if not self.written else "were"
        text = (
            f"{self.rows} row(s) read: {self.created} {verb} created, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.refused_rows} refused."
        )
        if self.new_event_types:
            names = ", ".join(sorted(self.new_event_types)[:10])
            text += f" New event names added to the tracking plan: {names}."
        return text


def csv_import(
    *,
    kind: str,
    stream: IO[bytes],
    source: str | None = None,
    dry_run: bool = False,
    import_valid_rows: bool = False,
    batch_size: int = BATCH_SIZE,
) -> CSVImportReport:
    """Import a CSV file of ``kind`` (accounts, leads or events) from a binary stream.

    ``source`` is the events' source when the file has no source column. With refused
    rows nothing is written unless ``import_valid_rows``; ``dry_run`` never writes.
    Raises ``CsvImportError`` for a file that cannot be read as a whole.
    """
    if kind not in KINDS:
        raise CsvImportError(f"Unknown kind {kind!r}: choose one of {', '.join(KINDS)}.")
    report = CSVImportReport(kind=kind, dry_run=dry_run)
    try:
        rows = CsvRows(stream)
        if problem := header_problem(kind, rows.columns, default_source=source):
            raise CsvImportError(problem)
        with transaction.atomic():
            for batch in _batches(rows, batch_size):
                valid: list[ParsedRow] = []
                for number, cells in batch:
                    report.rows += 1
                    if kind == "accounts":
                        parsed = account_row(number, cells)
                    elif kind == "leads":
                        parsed = lead_row(number, cells)
                    else:
                        parsed = event_row(number, cells, default_source=source)
                    _normalize_domains(parsed)
                    if parsed.problems:
                        report.refuse(parsed.problems)
                    else:
                        valid.append(parsed)
                lead_ids = _WRITERS[kind](valid, report)
                report.leads_marked += len(leads_mark_for_rescore(lead_ids=lead_ids))
            keep = not dry_run and (report.refused_rows == 0 or import_valid_rows)
            if not keep:
                transaction.set_rollback(True)
    except CsvFormatError as exc:
        raise CsvImportError(str(exc)) from exc
    except IntegrityError as exc:
        raise CsvImportError(
            "The import conflicted with a change made while it ran; nothing was imported. "
            "Run it again."
        ) from exc
    report.written = keep
    return report


def _batches(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _refuse(report: CSVImportReport, parsed: ParsedRow, column: str, problem: str) -> None:
    report.refuse([RowProblem(parsed.row, column, problem)])


def _normalize_domains(parsed: ParsedRow) -> None:
    """Clean domain cells with the one domain rule (``https://www.Acme.com`` → acme.com)."""
    for column in ("domain", "account_domain"):
        if column in parsed.values:
            try:
                parsed.values[column] = normalize_domain(parsed.values[column])
            except DomainError as exc:
                parsed.refuse(column, str(exc))


def _apply(obj: Any, values: dict[str, Any], fields: Iterable[str], traits: dict) -> bool:
    """Set the given fields and merge traits; whether anything changed."""
    changed = False
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    merged = {**obj.traits, **traits}
    if merged != obj.traits:
        obj.traits = merged
        changed = True
    return changed


# -- accounts ------------------------------------------------------------------------------


def _accounts_write(rows: list[ParsedRow], report: CSVImportReport) -> set[int]:
    """Upsert accounts by domain; returns the leads whose account facts changed."""
    by_domain = [(parsed, parsed.values["domain"]) for parsed in rows]
    accounts = {a.domain: a for a in Account.objects.filter(domain__in={d for _, d in by_domain})}
    new: dict[str, Account] = {}
    changed: dict[str, Account] = {}
    for parsed, domain in by_domain:
        account = accounts.get(domain)
        if account is None:
            account = Account(domain=domain, name=domain[:200])
            accounts[domain] = new[domain] = account
        if _apply(account, parsed.values, CSV_ACCOUNT_COLUMNS, parsed.extra) and account.pk:
            changed[domain] = account
    now = timezone.now()
    for account in changed.values():
        account.updated_at = now
    Account.objects.bulk_create(new.values())
    Account.objects.bulk_update(changed.values(), [*CSV_ACCOUNT_COLUMNS, "traits", "updated_at"])
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len(accounts) - len(new) - len(changed)
    affected = set(
        Lead.objects.filter(account_id__in=[a.pk for a in changed.values()]).values_list(
            "pk", flat=True
        )
    )
    return affected | _link_leads_by_email(list(new.values()))


def _link_leads_by_email(accounts: list[Account]) -> set[int]:
    """Give new accounts the unassigned leads whose email is at their (company) domain."""
    by_domain = {a.domain: a for a in accounts if a.domain not in FREE_MAIL_DOMAINS}
    if not by_domain:
        return set()
    match = Q()
    for domain in by_domain:
        match |= Q(email__iendswith="@" + domain)
    found: dict[int, list[int]] = {}
    for pk, email in Lead.objects.filter(match, account__isnull=True).values_list("pk", "email"):
        account = by_domain.get(email_domain(email))
        if account is not None:
            found.setdefault(account.pk, []).append(pk)
    for account_id, lead_ids in found.items():
        Lead.objects.filter(pk__in=lead_ids).update(account_id=account_id)
        Event.objects.filter(lead_id__in=lead_ids, account__isnull=True).update(
            account_id=account_id
        )
    return {pk for ids in found.values() for pk in ids}


# -- leads ---------------------------------------------------------------------------------


def _leads_write(rows: list[ParsedRow], report: CSVImportReport) -> set[int]:
    """Upsert leads by user_id, else email (case-insensitive); returns the leads written."""
    uids = {p.values["user_id"] for p in rows if "user_id" in p.values}
    emails = {p.values["email"].lower() for p in rows if "email" in p.values}
    by_uid: dict[str, Lead] = {}
    by_email: dict[str, Lead] = {}
    for lead in Lead.objects.annotate(email_lower=Lower("email")).filter(
        Q(user_id__in=uids) | Q(email_lower__in=emails)
    ):
        if lead.user_id:
            by_uid[lead.user_id] = lead
        if lead.email:
            by_email[lead.email.lower()] = lead
    wanted = {email_domain(e) for e in emails} - FREE_MAIL_DOMAINS
    wanted |= {p.values["account_domain"] for p in rows if "account_domain" in p.values}
    accounts = {a.domain: a for a in Account.objects.filter(domain__in=wanted)}

    new: list[Lead] = []
    changed: dict[int, Lead] = {}
    seen: set[int] = set()
    for parsed in rows:
        values = parsed.values
        uid, email = values.get("user_id"), values.get("email")
        by_id = by_uid.get(uid) if uid else None
        by_mail = by_email.get(email.lower()) if email else None
        if by_id is not None and by_mail is not None and by_id is not by_mail:
            _refuse(report, parsed, "email", f"{email} belongs to another lead (id {by_mail.pk})")
            continue
        if by_id is None and by_mail is not None and uid and by_mail.user_id:
            _refuse(
                report,
                parsed,
                "user_id",
                f"the lead with email {email} has user_id {by_mail.user_id!r}, not {uid!r}",
            )
            continue
        account = None
        if domain := values.get("account_domain"):
            account = accounts.get(domain)
            if account is None:
                problem = f"no account with domain {domain} (import accounts first)"
                _refuse(report, parsed, "account_domain", problem)
                continue
        lead = by_id or by_mail
        if lead is None:
            lead = Lead()
            new.append(lead)
        elif lead.email and email and lead.email.lower() != email.lower():
            by_email.pop(lead.email.lower(), None)
        is_changed = _apply(lead, values, CSV_LEAD_COLUMNS, parsed.extra)
        if account is None and lead.account_id is None and lead.email:
            account = accounts.get(email_domain(lead.email))  # never free-mail: not wanted
        if account is not None and lead.account_id != account.pk:
            lead.account = account
            is_changed = True
        if lead.user_id:
            by_uid[lead.user_id] = lead
        if lead.email:
            by_email[lead.email.lower()] = lead
        if lead.pk:
            seen.add(lead.pk)
            if is_changed:
                changed[lead.pk] = lead
    now = timezone.now()
    for lead in changed.values():
        lead.updated_at = now
    Lead.objects.bulk_create(new)
    Lead.objects.bulk_update(
        changed.values(), [*CSV_LEAD_COLUMNS, "account", "traits", "updated_at"]
    )
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len(seen - set(changed))
    return {lead.pk for lead in new} | set(changed)


# -- events --------------------------------------------------------------------------------


def _events_write(rows: list[ParsedRow], report: CSVImportReport) -> set[int]:
    """Upsert events by (source, message_id) for known leads; returns the leads affected."""
    uids = {p.values["user_id"] for p in rows if "user_id" in p.values}
    emails = {p.values["email"].lower() for p in rows if "email" in p.values}
    by_uid: dict[str, tuple[int, int | None]] = {}
    by_email: dict[str, tuple[int, int | None]] = {}
    for pk, uid, email, account_id in (
        Lead.objects.annotate(email_lower=Lower("email"))
        .filter(Q(user_id__in=uids) | Q(email_lower__in=emails))
        .values_list("pk", "user_id", "email", "account_id")
    ):
        if uid:
            by_uid[uid] = (pk, account_id)
        if email:
            by_email[email.lower()] = (pk, account_id)
    keys = Q(pk__in=[])
    for source in {p.values["source"] for p in rows}:
        ids = [p.values["message_id"] for p in rows if p.values["source"] == source]
        keys |= Q(source=source, message_id__in=ids)
    events = {(e.source, e.message_id): e for e in Event.objects.filter(keys)}
    new: dict[tuple[str, str], Event] = {}
    changed: dict[int, Event] = {}
    names: dict[str, set[str]] = {}
    affected: set[int] = set()
    seen: set[tuple[str, str]] = set()
    for parsed in rows:
        values = parsed.values
        uid, email = values.get("user_id"), values.get("email")
        owner = by_uid.get(uid) if uid else by_email.get(email.lower())
        if owner is None:
            column, value = ("user_id", uid) if uid else ("email", email)
            _refuse(report, parsed, column, f"no lead with {column} {value} (import leads first)")
            continue
        if uid and email and by_email.get(email.lower(), owner) != owner:
            _refuse(report, parsed, "email", f"{email} belongs to another lead than {uid}")
            continue
        key = (values["source"], values["message_id"])
        seen.add(key)
        event = events.get(key)
        if event is None:
            event = events[key] = new[key] = Event(source=key[0], message_id=key[1])
        elif event.lead_id is not None:
            affected.add(event.lead_id)  # the lead it leaves, if it moves
        update = {
            "lead_id": owner[0],
            "account_id": owner[1],
            "name": values["event"],
            "properties": values["properties"],
            "occurred_at": values["occurred_at"],
        }
        if any(getattr(event, k) != v for k, v in update.items()):
            for k, v in update.items():
                setattr(event, k, v)
            if event.pk:
                changed[event.pk] = event
        if event.pk is None or event.pk in changed:
            affected.add(owner[0])
        names.setdefault(key[0], set()).add(values["event"])
    all_names = set().union(*names.values()) if names else set()
    known = set(EventType.objects.filter(name__in=all_names).values_list("name", flat=True))
    report.new_event_types |= all_names - known
    for source, source_names in names.items():
        event_types_ensure(source_names, source)
    Event.objects.bulk_create(new.values())
    Event.objects.bulk_update(
        changed.values(), ["lead", "account", "name", "properties", "occurred_at"]
    )
    report.created += len(new)
    report.updated += len(changed)
    report.unchanged += len({k for k in seen if k not in new and events[k].pk not in changed})
    return affected


_WRITERS = {"accounts": _accounts_write, "leads": _leads_write, "events": _events_write}
