"""One domain rule for the admin, CSV, ingestion and the API; the stored-domain cleanup plan."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qualification.core.domains import (
    DomainCleanup,
    DomainError,
    domains_cleanup_plan,
    email_domain,
    normalize_domain,
)
from qualification.core.scoring import LeadFacts, resolve_attribute


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("acme.io", "acme.io"),
        ("https://www.Acme.io/x?y", "acme.io"),
        ("HTTP://shop.acme.co.uk:8080", "shop.acme.co.uk"),
        # The four the admin used to store as typed:
        ("acme.com:8080", "acme.com"),
        ("acme.com.", "acme.com"),
        ("user@acme.com", "acme.com"),
        ("ftp://acme.com", "acme.com"),
        ("  ACME.com  ", "acme.com"),
        ("mailto:pat@acme.com", "acme.com"),
        ("http://user:secret@acme.com:443/login", "acme.com"),
        ("acme.com/redirect?to=http://other.com", "acme.com"),
        ("acme.com#pricing", "acme.com"),
        ("www.www.acme.com", "acme.com"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_a_domain_or_website_becomes_the_bare_lower_case_host(value, domain):
    assert normalize_domain(value) == domain


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "acme",  # one label: a typo, not a company
        "ftp:",  # what the admin stored for "ftp://acme.com"
        "not a domain",
        "ac\tme.com",  # urlsplit would drop the tab and accept it
        "acme..com",
        "-acme.com",
        "[::1",  # urlsplit raises ValueError here
        "bücher.de",
        "//acme.com",
        "a" * 250 + ".com",
    ],
)
def test_anything_else_is_refused_with_the_value_in_the_message(value):
    with pytest.raises(DomainError) as exc:
        normalize_domain(value)
    assert f"“{value}” is not a domain or website" in str(exc.value)


@pytest.mark.parametrize("value", [None, 7, ["acme.com"]])
def test_a_non_string_is_refused_naming_its_type(value):
    with pytest.raises(DomainError, match="must be a string"):
        normalize_domain(value)


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label != "www"
)
_DOMAIN = st.lists(_LABEL, min_size=2, max_size=4).map(".".join)


@given(
    domain=_DOMAIN,
    scheme=st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://"]),
    user=st.sampled_from(["", "pat@", "pat:secret@"]),
    www=st.sampled_from(["", "www.", "WWW.www."]),
    port=st.sampled_from(["", ":8080", ":"]),
    dot=st.sampled_from(["", "."]),
    rest=st.sampled_from(["", "/", "/about/team", "?utm=x", "#top", "/a?b=http://c.d"]),
    upper=st.booleans(),
)
def test_decorations_around_a_domain_never_change_it(
    domain, scheme, user, www, port, dot, rest, upper
):
    host = domain.upper() if upper else domain
    assert normalize_domain(f" {scheme}{user}{www}{host}{dot}{port}{rest} ") == domain


@given(st.text(max_size=60))
@example("[")
@example("http://[::1")
def test_any_text_is_either_a_clean_domain_or_a_domain_error(text):
    """Never another exception (a 500 at an entry point), and a result cleans to itself."""
    try:
        cleaned = normalize_domain(text)
    except DomainError:
        return
    assert cleaned == cleaned.strip().lower()
    assert not cleaned.startswith("www.")
    assert normalize_domain(cleaned) == cleaned


def test_cleanup_changes_what_is_safe_and_reports_collisions_and_invalid_values():
    plan = domains_cleanup_plan(
        {
            1: "acme.com",  # already clean, but another account would become it too
            2: "acme.com:8080",
            3: "globex.com.",  # safe: nobody else becomes globex.com
            4: "initech.com",  # clean, untouched
            5: "ftp:",  # the old admin's rendering of ftp://...
            6: "user@umbrella.io",
            7: "https://www.umbrella.io/",  # two dirty rows that would meet
        }
    )
    assert plan == DomainCleanup(
        updates={3: "globex.com"},
        collisions={"acme.com": [1, 2], "umbrella.io": [6, 7]},
        invalid={5: "“ftp:” is not a domain or website (e.g. acme.com)"},
    )


def test_cleanup_of_clean_domains_is_empty():
    assert domains_cleanup_plan({1: "acme.com", 2: "globex.com"}) == DomainCleanup()


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("ada@acme.io", "acme.io"),
        ("Ada@ACME.io ", "acme.io"),
        ("odd@name@acme.io", "acme.io"),
        ("no-at-sign", ""),
        ("", ""),
    ],
)
def test_email_domain(email, domain):
    assert email_domain(email) == domain


@given(st.text(max_size=40))
def test_criteria_read_the_email_domain_account_matching_uses(email):
    # ``lead.email_domain`` (scoring) and account matching (ingestion, CSV) once had their
    # own rules; both now read email_domain, so they agree on any input.
    facts = LeadFacts(lead={"email": email}, account=None)
    assert resolve_attribute(facts, "lead.email_domain") == (email_domain(email) or None)
