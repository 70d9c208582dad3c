"""Property tests of the REST API's query parameters (issue 14: no 5xx, responses match
the schema).

Hypothesis sends every parameter each endpoint reads, with values it accepts and the
hostile families of ``tests.hostile`` (Unicode digits, numbers past the integer limits,
offsets past ±15:59, NUL bytes, any text), and holds each answer to the contract: never a
5xx; every 4xx JSON ``{code, message}``, a 400's message naming a parameter that was sent;
and every body valid against the OpenAPI schema for its status. Bounded (a few hundred
requests) so it runs in CI on SQLite and on PostgreSQL, where most of the 500s were.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.models.choices import LifecycleStage, Queue
from qualification.roles import Role
from tests import factories
from tests.api.openapi import assert_matches_schema
from tests.hostile import any_text, values, with_nul

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PAGING = {"page": values("1", "2", "last"), "page_size": values("1", "50", "200")}


@pytest.fixture
def world(api) -> dict[str, Any]:
    """One manager's client over a few leads, criteria, a draft and a glossary term."""
    client = api(Role.OPS)
    owner = api(Role.SDR, username="owner").user
    factories.LeadFactory(owner=owner, tier=4)
    factories.LeadFactory(tier=3, pql_kind="usage", qualification="pql", stage="pql", queue="pql")
    factories.criterion(key="demo", glossary_term=factories.term(slug="pql"))
    draft = factories.draft()
    return {"client": client, "owner": str(owner.pk), "draft": str(draft.pk)}


def params(strategies: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, str]]:
    """One to three of the parameters (few, so that each parser is reached, not only the
    first one to refuse), and now and then one the endpoint does not know."""
    names = sorted(strategies)
    chosen = st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)
    known = chosen.flatmap(lambda keys: st.fixed_dictionaries({k: strategies[k] for k in keys}))
    unknown = st.dictionaries(st.one_of(st.just("x"), with_nul), any_text, max_size=1)
    return st.builds(lambda a, b: {**a, **b}, known, st.one_of(st.just({}), unknown))


def _shown(name: str) -> str:
    return name.replace("\x00", "\\x00")


def check(response: Any, path: str, sent: dict[str, str]) -> None:
    """The contract every answer keeps, whatever was sent."""
    assert response.status_code < 500, (path, sent, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), (path, sent)
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("code"), str), (path, sent, body)
        assert isinstance(body.get("message"), str), (path, sent, body)
        if response.status_code == 400:
            named = body["message"].split(": ", 1)[0]
            assert named in {_shown(name) for name in sent} | {"path"}, (path, sent, body)
    assert_matches_schema(response, path)


def _lead_filters(world: dict[str, Any]) -> dict[str, st.SearchStrategy[str]]:
    return {
        "queue": values(*Queue.values),
        "tier": values("1", "4", "hot", "Cold"),
        "stage": values(*LifecycleStage.values),
        "owner": values("me", "none", world["owner"]),
        "updated_since": values("2000-01-01T00:00:00Z", "2026-01-31T09:00:00+02:00"),
        **PAGING,
    }


@BOUNDED
@given(data=st.data())
def test_lead_list_keeps_the_contract_for_any_query(world, data):
    sent = data.draw(params(_lead_filters(world)))
    check(world["client"].get("/api/leads/", sent), "/api/leads/", sent)


@settings(BOUNDED, max_examples=60)
@given(data=st.data())
def test_other_lists_keep_the_contract_for_any_query(world, data):
    path = data.draw(
        st.sampled_from(
            ["/api/glossary/", "/api/criteria/", "/api/criteria/versions/", "/api/criteria/drafts/"]
        )
    )
    strategies = dict(PAGING)
    if path == "/api/criteria/":
        strategies["version"] = values(world["draft"])
    sent = data.draw(params(strategies))
    check(world["client"].get(path, sent), path, sent)


# DRF's routers take a lookup of anything but "/" and "."; others match no route at all.
ROUTABLE = re.compile(r"[^/.]+")


@settings(BOUNDED, max_examples=60)
@given(
    data=st.data(),
    base=st.sampled_from(
        ["/api/leads/", "/api/glossary/", "/api/criteria/", "/api/criteria/versions/"]
    ),
)
def test_detail_routes_keep_the_contract_for_any_id(world, data, base):
    lookup = data.draw(values("1", "pql", "demo", world["draft"]).filter(ROUTABLE.fullmatch))
    path = f"{base}{quote(lookup, safe='')}/"
    sent = (
        data.draw(params({"version": values(world["draft"])})) if base == "/api/criteria/" else {}
    )
    check(world["client"].get(path, sent), path, sent)
