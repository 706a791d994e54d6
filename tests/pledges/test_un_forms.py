"""A pledge laid out as the GCM pledging form and the GRF pledge ask for it (pledges/un_forms.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from pledges.models import Objective, Pledge, ProgressReport
from pledges.un_forms import UN_FORMS, FormRow, UnForm, as_text, gcm_form, grf_form
from tests.accounts.factories import UserFactory
from tests.declarations.factories import EventFactory
from tests.networks.factories import CityFactory, NetworkFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

GOOD_DESCRIPTION = (
    "The city opens its service points to every resident, whatever their status. " * 5
)


def objective(framework: str, number: int) -> Objective:
    return Objective.objects.get(framework=framework, number=number)


def loaded(pledge: Pledge) -> Pledge:
    """The pledge as the view gets it: every relation the builders read already fetched."""
    return Pledge.objects.with_profile_joins().get(pk=pledge.pk)


def row(form: UnForm, label: str) -> FormRow:
    [found] = [r for r in form.rows if str(r.label) == label]
    return found


def labels(form: UnForm) -> list[str]:
    return [str(r.label) for r in form.rows]


@pytest.fixture
def full_pledge() -> Pledge:
    """A pledge recording everything citydiplo can: objectives of all three frameworks,
    partners, a GRF event, a timeframe and two progress reports."""
    city = CityFactory(name="Barcelona", country="ES")
    grf = EventFactory(name="Global Refugee Forum 2023", slug="grf-2023")
    pledge = PledgeFactory(
        city=city,
        title="Open service points",
        description=GOOD_DESCRIPTION,
        pledge_type="policy",
        event=grf,
        planned_start=dt.date(2024, 1, 1),
        planned_end=dt.date(2026, 12, 31),
        status="in_progress",
        evidence_url="https://example.org/council-decision.pdf",
    )
    pledge.objectives.add(
        objective("GCM", 15), objective("GCM", 5), objective("GCR", 2), objective("SDG", 11)
    )
    pledge.partner_cities.add(CityFactory(name="Milan", country="IT"))
    pledge.partner_networks.add(NetworkFactory(name="Eurocities", acronym=""))
    ProgressReport.objects.create(
        pledge=pledge,
        reported_on=dt.date(2024, 6, 1),
        status="planning",
        narrative="Premises found.",
    )
    ProgressReport.objects.create(
        pledge=pledge,
        reported_on=dt.date(2025, 3, 1),
        status="in_progress",
        narrative="Three service points are open.",
        review=grf,
    )
    return loaded(pledge)


def test_registry_lists_both_forms() -> None:
    assert {"gcm": gcm_form, "grf": grf_form} == UN_FORMS


def test_gcm_form_lists_gcm_objectives_only(full_pledge: Pledge) -> None:
    form = gcm_form(full_pledge)
    assert form.key == "gcm"
    objectives = row(form, "GCM objectives")
    gcm_5, gcm_15 = objective("GCM", 5), objective("GCM", 15)
    assert objectives.value == f"Objective 5: {gcm_5.title}\nObjective 15: {gcm_15.title}"
    assert objectives.multiline
    gcr_2 = objective("GCR", 2)
    assert not any(gcr_2.title in r.value for r in form.rows)
    assert "GCR objectives" not in labels(form)
    sdgs = row(form, "Sustainable Development Goals")
    assert "SDG 11" in sdgs.value
    assert "context" in sdgs.note
    assert form.warnings == []


def test_grf_form_lists_gcr_objectives_only(full_pledge: Pledge) -> None:
    form = grf_form(full_pledge)
    assert form.key == "grf"
    gcr_2 = objective("GCR", 2)
    assert row(form, "GCR objectives").value == f"Objective 2: {gcr_2.title}"
    assert "GCM objectives" not in labels(form)
    assert not any(objective("GCM", 15).title in r.value for r in form.rows)
    assert form.warnings == []


def test_grf_form_rows(full_pledge: Pledge) -> None:
    form = grf_form(full_pledge)
    assert row(form, "Submitting entity").value == "Barcelona (Spain)"
    assert row(form, "Type of submitting entity").value == "Local government"
    assert row(form, "Pledge title").value == "Open service points"
    assert row(form, "Timeframe").value == "2024-01-01 – 2026-12-31"
    assert row(form, "Forum").value == "Global Refugee Forum 2023"
    status = row(form, "Status of the pledge (planning stage, in progress, fulfilled)")
    assert status.value == "In progress"
    narrative = row(form, "Progress narrative (optional)")
    assert narrative.value == "Three service points are open."
    assert "2025-03-01" in narrative.note
    assert "Global Refugee Forum 2023" in narrative.note
    assert "Contact person" not in labels(form)


def test_grf_status_follows_the_three_stages() -> None:
    for status, expected in [
        ("planning", "Planning stage"),
        ("in_progress", "In progress"),
        ("fulfilled", "Fulfilled"),
    ]:
        form = grf_form(loaded(PledgeFactory(status=status)))
        label = "Status of the pledge (planning stage, in progress, fulfilled)"
        assert row(form, label).value == expected


def test_grf_needs_a_gcr_objective() -> None:
    pledge = PledgeFactory()
    pledge.objectives.add(objective("GCM", 15))
    form = grf_form(loaded(pledge))
    assert row(form, "GCR objectives").value == ""
    assert any("no GCR objective" in w and "refugee pledges only" in w for w in form.warnings)


def test_refugee_only_pledge_is_sent_to_the_gcr() -> None:
    pledge = PledgeFactory(description=GOOD_DESCRIPTION)
    pledge.objectives.add(objective("GCR", 1))
    form = gcm_form(loaded(pledge))
    assert row(form, "GCM objectives").value == ""
    [warning] = form.warnings
    assert "GCR objectives only" in warning
    assert "Global Compact on Refugees" in warning


@pytest.mark.parametrize(
    ("pledge_type", "value"), [("policy", "Policy-oriented"), ("financial", "Financial")]
)
def test_gcm_type_with_a_match(pledge_type: str, value: str) -> None:
    form = gcm_form(loaded(PledgeFactory(pledge_type=pledge_type)))
    assert row(form, "Pledge type") == FormRow("Pledge type", value)


@pytest.mark.parametrize("pledge_type", ["programme", "capacity"])
def test_gcm_type_without_a_match_is_left_to_the_city(pledge_type: str) -> None:
    type_row = row(gcm_form(loaded(PledgeFactory(pledge_type=pledge_type))), "Pledge type")
    assert type_row.value == ""
    assert "Choose on the form" in type_row.note
    assert f"“{pledge_type}”" in type_row.note
    assert "no exact match" in type_row.note


def test_gcm_type_not_recorded() -> None:
    type_row = row(gcm_form(loaded(PledgeFactory(pledge_type=""))), "Pledge type")
    assert type_row.value == ""
    assert "fill in on the UN form" in type_row.note


def test_description_length_inside_the_range() -> None:
    description = "x" * 1234
    form = gcm_form(loaded(PledgeFactory(description=description)))
    desc = row(form, "Description")
    assert desc.value == description
    assert desc.multiline
    assert desc.note == "1,234 characters (the form takes 300–3,000)"
    assert not any("description" in w for w in form.warnings)


@pytest.mark.parametrize(("length", "shown"), [(299, "299"), (3001, "3,001"), (0, "0")])
def test_description_length_outside_the_range_warns(length: int, shown: str) -> None:
    form = gcm_form(loaded(PledgeFactory(description="y" * length)))
    [warning] = [w for w in form.warnings if "description" in w]
    assert f"{shown} characters" in warning
    assert "300 to 3,000" in warning
    if length:
        assert row(form, "Description").note.startswith(f"{shown} characters")
    else:
        assert row(form, "Description").value == ""
        assert "fill in on the UN form" in row(form, "Description").note


def test_partners_listed_in_both_forms(full_pledge: Pledge) -> None:
    gcm_partners = row(gcm_form(full_pledge), "Common pledge / pledge in partnership: co-pledgers")
    grf_partners = row(grf_form(full_pledge), "Joint pledge: partners")
    assert gcm_partners.value == "Milan (Italy)\nEurocities"
    assert grf_partners.value == gcm_partners.value
    assert gcm_partners.multiline


def test_unknowns_stay_empty_with_a_note() -> None:
    bare = loaded(PledgeFactory(title="Bare", description=""))
    gcm = gcm_form(bare)
    grf = grf_form(bare)
    for form, label in [
        (gcm, "Matching pledge: ID of the matched pledge"),
        (gcm, "Attachment"),
        (gcm, "Common pledge / pledge in partnership: co-pledgers"),
        (gcm, "GCM objectives"),
        (grf, "GRF areas of focus / key outcomes"),
        (grf, "Joint pledge: partners"),
        (grf, "Timeframe"),
        (grf, "Forum"),
        (grf, "Progress narrative (optional)"),
    ]:
        empty = row(form, label)
        assert empty.value == "", label
        assert empty.note, label
    assert "fill in on the UN form" in row(gcm, "Matching pledge: ID of the matched pledge").note
    assert "fill in on the UN form" in row(grf, "GRF areas of focus / key outcomes").note
    assert "Sustainable Development Goals" not in labels(gcm)


def test_attachment_points_to_the_evidence(full_pledge: Pledge) -> None:
    attachment = row(gcm_form(full_pledge), "Attachment")
    assert attachment.value == ""
    assert "https://example.org/council-decision.pdf" in attachment.note


def test_forum_is_left_empty_for_another_event() -> None:
    pledge = PledgeFactory(event=EventFactory(name="IMRF 2022", slug="imrf-2022"))
    forum = row(grf_form(loaded(pledge)), "Forum")
    assert forum.value == ""
    assert "IMRF 2022" in forum.note


def test_open_ended_timeframe_says_what_is_missing() -> None:
    pledge = PledgeFactory(planned_start=dt.date(2024, 1, 1))
    timeframe = row(grf_form(loaded(pledge)), "Timeframe")
    assert timeframe.value == "2024-01-01 –"
    assert "planned end" in timeframe.note


def test_network_pledge_names_the_network() -> None:
    network = NetworkFactory(name="Mayors Migration Council", acronym="MMC")
    form = grf_form(loaded(PledgeFactory(city=None, network=network)))
    assert row(form, "Submitting entity").value == "Mayors Migration Council (MMC)"
    assert row(form, "Type of submitting entity").value == ""
    gcm = gcm_form(loaded(PledgeFactory(city=None, network=network)))
    assert row(gcm, "Pledging entity").value == "Mayors Migration Council (MMC)"


def test_contact_row_from_the_signed_in_user(full_pledge: Pledge) -> None:
    user = UserFactory(username="ana", first_name="Ana", last_name="Ruiz", email="ana@example.org")
    contact = row(gcm_form(full_pledge, contact=user), "Contact person")
    assert contact.value == "Ana Ruiz, ana@example.org"
    assert contact.note


def test_contact_row_empty_without_a_user(full_pledge: Pledge) -> None:
    contact = row(gcm_form(full_pledge), "Contact person")
    assert contact.value == ""
    assert "the city's contact person" in contact.note


def test_as_text_holds_every_label_and_value(full_pledge: Pledge) -> None:
    user = UserFactory(username="ana", first_name="Ana", last_name="Ruiz")
    for build in UN_FORMS.values():
        form = build(full_pledge, contact=user)
        text = as_text(form, full_pledge)
        assert text.startswith(f"{form.title}\n")
        assert str(form.how_to) in text
        for r in form.rows:
            assert f"{r.label}:\n{r.value}\n" in text
            if r.note:
                assert f"({r.note})" in text
        for warning in form.warnings:
            assert warning in text
        assert text.rstrip("\n").splitlines()[-1].endswith(full_pledge.get_absolute_url())
        text.encode("utf-8")


def test_as_text_lists_warnings() -> None:
    pledge = loaded(PledgeFactory(description="short"))
    form = gcm_form(pledge)
    assert form.warnings
    text = as_text(form, pledge)
    assert "Warnings:" in text
    assert all(f"- {w}" in text for w in form.warnings)


def test_no_query_on_a_pledge_with_its_profile_joins(
    full_pledge: Pledge, django_assert_num_queries
) -> None:
    user = UserFactory(first_name="Ana", last_name="Ruiz")
    pledge = Pledge.objects.with_profile_joins().get(pk=full_pledge.pk)
    with django_assert_num_queries(0):
        for build in UN_FORMS.values():
            as_text(build(pledge, contact=user), pledge)
            as_text(build(pledge), pledge)
