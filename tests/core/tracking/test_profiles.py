"""The identify fold: unseen users' identify calls applied in order, as one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.tracking.profiles import Identify, new_people_fold, person_fields


def test_person_fields_split_a_name_and_cut_to_the_columns():
    assert person_fields({"name": "Ann Lee Smith"}) == {
        "first_name": "Ann",
        "last_name": "Lee Smith",
    }
    assert person_fields({"name": "Ann", "lastName": "X"}) == {"last_name": "X"}
    assert person_fields({"title": "t" * 300, "first_name": "  "}) == {"title": "t" * 200}


def test_the_first_user_to_give_an_email_keeps_it_and_a_move_frees_it():
    people = new_people_fold(
        [
            Identify("a", None, {"email": "x@acme.io"}),
            Identify("b", "anon-b", {"email": "X@ACME.IO", "name": "Bo"}),
            Identify("a", "anon-a", {"email": "y@acme.io"}),
            Identify("c", None, {"email": "x@acme.io"}),
            Identify("d", None, {"email": "held@acme.io"}),
        ],
        emails_taken={"held@acme.io"},
    )
    assert {uid: p.email for uid, p in people.items()} == {
        "a": "y@acme.io",
        "b": "",
        "c": "x@acme.io",
        "d": "",
    }
    assert people["b"].first_name == "Bo"
    assert people["b"].traits["email"] == "X@ACME.IO"
    assert people["a"].anonymous_ids == ["anon-a"]


emails = st.sampled_from(["", "a@x.io", "A@X.io", "b@x.io", "c@x.io"])
calls = st.lists(
    st.tuples(st.sampled_from("uvw"), emails, st.sampled_from(["", "Ann", "Bo Li"])),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(calls)
def test_no_email_ends_up_on_two_people(sequence):
    people = new_people_fold(
        [Identify(uid, None, {"email": e, "name": n}) for uid, e, n in sequence],
        emails_taken={"c@x.io"},
    )
    held = [p.email.lower() for p in people.values() if p.email]
    assert len(held) == len(set(held))
    assert "c@x.io" not in held
    for uid, person in people.items():
        last = [e for u, e, _ in sequence if u == uid and e]
        if person.email:  # a person holds an email they gave
            assert person.email in last
