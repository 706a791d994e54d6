"""The pledge workflow through its services: who may move a pledge where, what is recorded, what
is mailed, and that a refused step leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction

from pledges import services
from pledges.models import (
    ALLOWED_TRANSITIONS,
    ModerationState,
    Objective,
    Pledge,
    PledgeTransition,
    ProgressReport,
)
from pledges.selectors import pledge_public_history
from tests.declarations.factories import EventFactory
from tests.networks.factories import CityFactory
from tests.pledges.factories import LONG_DESCRIPTION, PledgeFactory, moderator, staff_of

pytestmark = pytest.mark.django_db

S = ModerationState


@pytest.fixture
def city():
    return CityFactory(name="Barcelona", slug="barcelona", country="ES")


@pytest.fixture
def staff(city):
    return staff_of(city, username="staff", email="staff@example.org")


@pytest.fixture
def mod():
    return moderator(username="mod", email="mod@example.org")


def gcm(n: int) -> Objective:
    return Objective.objects.get(framework="GCM", number=n)


def draft(staff, city, **fields) -> Pledge:
    fields.setdefault("title", "Welcome centre")
    fields.setdefault("description", LONG_DESCRIPTION)
    fields.setdefault("objectives", [gcm(15)])
    return services.pledge_create(user=staff, city=city, **fields)


def submitted(staff, city, **fields) -> Pledge:
    pledge = draft(staff, city, **fields)
    return services.pledge_submit(pledge=pledge, user=staff)


def snapshot() -> tuple:
    """Every row the workflow may write, to prove a refused step wrote nothing."""
    return (
        list(Pledge.objects.order_by("pk").values()),
        list(PledgeTransition.objects.order_by("pk").values()),
        list(ProgressReport.objects.order_by("pk").values()),
        list(Pledge.objectives.through.objects.order_by("pk").values()),
        list(Pledge.history.model.objects.order_by("pk").values_list("pk", flat=True)),
    )


# --- the state machine ------------------------------------------------------------------------


def test_the_whole_journey_is_recorded_step_by_step(staff, city, mod) -> None:
    pledge = draft(staff, city)
    assert pledge.moderation_state == S.DRAFT
    assert pledge.submitted_by == staff
    services.pledge_submit(pledge=pledge, user=staff)
    services.pledge_request_changes(pledge=pledge, moderator=mod, comment="Name the partners.")
    services.pledge_update(pledge=pledge, user=staff, submit=True, title="Welcome centre 2.0")
    services.pledge_approve(pledge=pledge, moderator=mod)
    pledge.refresh_from_db()
    assert pledge.moderation_state == S.PUBLISHED
    assert pledge.title == "Welcome centre 2.0"
    steps = list(pledge.transitions.order_by("created_at", "pk"))
    assert [(t.from_state, t.to_state, t.actor.username, t.comment) for t in steps] == [
        (S.DRAFT, S.SUBMITTED, "staff", ""),
        (S.SUBMITTED, S.CHANGES_REQUESTED, "mod", "Name the partners."),
        (S.CHANGES_REQUESTED, S.SUBMITTED, "staff", ""),
        (S.SUBMITTED, S.PUBLISHED, "mod", ""),
    ]
    assert all(t.created_at for t in steps)


def test_rejection_is_final(staff, city, mod) -> None:
    pledge = submitted(staff, city)
    services.pledge_reject(pledge=pledge, moderator=mod, comment="Not a city pledge.")
    pledge.refresh_from_db()
    assert pledge.moderation_state == S.REJECTED
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, user=staff, title="Try again")
    with pytest.raises(ValidationError):
        services.pledge_approve(pledge=pledge, moderator=mod)


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [pair for pair in itertools.product(S.values, S.values) if pair not in ALLOWED_TRANSITIONS],
)
def test_the_database_refuses_every_move_the_workflow_does_not_allow(
    city, from_state: str, to_state: str
) -> None:
    pledge = PledgeFactory(city=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeTransition.objects.create(
            pledge=pledge, from_state=from_state, to_state=to_state, comment="why"
        )


@pytest.mark.parametrize("to_state", [S.CHANGES_REQUESTED, S.REJECTED])
def test_the_database_wants_a_reason_for_sending_back_or_rejecting(city, to_state) -> None:
    pledge = PledgeFactory(city=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeTransition.objects.create(pledge=pledge, from_state=S.SUBMITTED, to_state=to_state)


def test_the_database_records_a_publication_once(city) -> None:
    pledge = PledgeFactory(city=city)
    PledgeTransition.objects.create(pledge=pledge, from_state=S.SUBMITTED, to_state=S.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeTransition.objects.create(pledge=pledge, from_state=S.SUBMITTED, to_state=S.PUBLISHED)


def test_a_submitted_pledge_is_complete_by_database_rule(city) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(city=city, moderation_state=S.SUBMITTED, description="Too short.")


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_a_decision_that_sends_back_needs_a_comment(staff, city, mod, decision) -> None:
    pledge = submitted(staff, city)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.pledge_decide(pledge=pledge, moderator=mod, decision=decision, comment="  ")
    assert "comment" in error.value.message_dict
    assert snapshot() == before


def test_only_moderators_decide(staff, city) -> None:
    pledge = submitted(staff, city)
    with pytest.raises(PermissionDenied):
        services.pledge_approve(pledge=pledge, moderator=staff)
    pledge.refresh_from_db()
    assert pledge.moderation_state == S.SUBMITTED


def test_a_draft_cannot_be_approved_without_being_submitted(staff, city, mod) -> None:
    pledge = draft(staff, city)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.pledge_approve(pledge=pledge, moderator=mod)
    assert snapshot() == before


def test_approving_twice_records_one_decision(staff, city, mod) -> None:
    pledge = submitted(staff, city)
    stale = Pledge.objects.get(pk=pledge.pk)  # a second moderator's tab, opened before
    services.pledge_approve(pledge=pledge, moderator=mod)
    with pytest.raises(services.TransitionConflict):
        services.pledge_approve(pledge=stale, moderator=moderator(username="mod2"))
    assert pledge.transitions.filter(to_state=S.PUBLISHED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_the_same_moment_record_one_decision(city) -> None:
    staff = staff_of(city, username="staff-race")
    pledge = submitted(staff, city)
    moderators = [moderator(username=f"racer{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user) -> None:
        try:
            barrier.wait()
            services.pledge_approve(pledge=Pledge.objects.get(pk=pledge.pk), moderator=user)
            outcomes.append("approved")
        except services.TransitionConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(m,)) for m in moderators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "conflict"]
    assert PledgeTransition.objects.filter(pledge=pledge, to_state=S.PUBLISHED).count() == 1
    assert connection.vendor == "postgresql"


# --- who may write ----------------------------------------------------------------------------


def test_staff_cannot_pledge_for_another_city(staff, city) -> None:
    other = CityFactory(name="Lyon", slug="lyon", country="FR")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        draft(staff, other)
    assert "city" in error.value.message_dict
    assert snapshot() == before


def test_users_without_a_city_cannot_pledge(city) -> None:
    outsider = moderator(username="only-mod")
    with pytest.raises(PermissionDenied):
        draft(outsider, city)


def test_staff_of_another_city_cannot_change_a_draft(staff, city) -> None:
    pledge = draft(staff, city)
    stranger = staff_of(CityFactory(slug="lyon"), username="lyon-staff")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, user=stranger, title="Hijacked")
    with pytest.raises(PermissionDenied):
        services.pledge_submit(pledge=pledge, user=stranger)
    assert snapshot() == before


@pytest.mark.parametrize("state", [S.SUBMITTED, S.PUBLISHED, S.REJECTED])
def test_pledges_out_of_the_city_hands_cannot_be_edited(staff, city, mod, state) -> None:
    pledge = submitted(staff, city)
    if state != S.SUBMITTED:
        services.pledge_decide(
            pledge=pledge,
            moderator=mod,
            decision="approve" if state == S.PUBLISHED else "reject",
            comment="reason",
        )
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, user=staff, title="Changed after the fact")
    assert snapshot() == before


# --- what a submission needs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "Too short to submit."}, "description"),
        ({"description": "x" * 3001}, "description"),
        ({"objectives": []}, "objectives"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"evidence_url": "not a url"}, "evidence_url"),
        ({"pledge_type": "bribe"}, "pledge_type"),
        ({"planned_start": dt.date(2027, 1, 1), "planned_end": dt.date(2026, 1, 1)}, "planned_end"),
    ],
)
def test_a_failed_submission_names_the_field_and_changes_nothing(
    staff, city, fields, field
) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        draft(staff, city, submit=True, **fields)
    assert field in error.value.message_dict
    assert snapshot() == before


def test_a_failed_resubmission_keeps_the_stored_draft(staff, city) -> None:
    pledge = draft(staff, city, description="Short draft.")
    before = snapshot()
    with pytest.raises(ValidationError):
        services.pledge_update(pledge=pledge, user=staff, submit=True, title="New title")
    assert snapshot() == before


def test_all_errors_come_at_once(staff, city) -> None:
    with pytest.raises(ValidationError) as error:
        draft(staff, city, submit=True, description="", objectives=[], evidence_url="nope")
    assert {"description", "objectives", "evidence_url"} <= set(error.value.message_dict)


def test_submitting_a_new_pledge_without_objectives_names_the_field(staff, city) -> None:
    with pytest.raises(ValidationError) as error:
        services.pledge_create(
            user=staff, city=city, title="T", description=LONG_DESCRIPTION, submit=True
        )
    assert "objectives" in error.value.message_dict


def test_a_draft_may_be_incomplete(staff, city) -> None:
    pledge = draft(staff, city, description="", objectives=[])
    assert pledge.moderation_state == S.DRAFT


def test_none_for_a_relation_means_none_chosen(staff, city) -> None:
    pledge = draft(staff, city, objectives=None, partner_cities=None, partner_networks=None)
    assert not pledge.objectives.exists()
    with pytest.raises(ValidationError) as error:
        services.pledge_update(pledge=pledge, user=staff, submit=True, objectives=None)
    assert "objectives" in error.value.message_dict


def test_the_pledging_city_is_not_its_own_partner(staff, city) -> None:
    with pytest.raises(ValidationError) as error:
        draft(staff, city, partner_cities=[city])
    assert "partner_cities" in error.value.message_dict


def test_publication_dates_a_pledge_from_its_event(staff, city, mod) -> None:
    grf = EventFactory(
        slug="grf-2019", start_date=dt.date(2019, 12, 16), start_date_precision="day"
    )
    pledge = submitted(staff, city, event=grf)
    services.pledge_approve(pledge=pledge, moderator=mod)
    pledge.refresh_from_db()
    assert (pledge.made_on, pledge.made_on_precision) == (dt.date(2019, 12, 16), "day")


def test_only_published_versions_reach_the_public_history(staff, city, mod) -> None:
    pledge = draft(staff, city, title="Draft wording")
    services.pledge_update(pledge=pledge, user=staff, submit=True, title="Final wording")
    services.pledge_approve(pledge=pledge, moderator=mod)
    versions = pledge_public_history(Pledge.objects.get(pk=pledge.pk))
    assert len(versions) == 1
    assert "Draft wording" not in str(versions[0].as_dict())


# --- e-mails ----------------------------------------------------------------------------------


def test_moderators_hear_of_submissions_and_staff_of_every_decision(
    staff, city, mod, django_capture_on_commit_callbacks
) -> None:
    colleague = staff_of(city, username="colleague", email="colleague@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pledge = submitted(staff, city)
    assert [m.to for m in mail.outbox] == [["mod@example.org"]]
    assert "Welcome centre" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_request_changes(pledge=pledge, moderator=mod, comment="Add dates.")
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.org", "staff@example.org"]
    assert all("Add dates." in m.body for m in mail.outbox)
    assert all(f"/pledges/{pledge.pk}/" in m.body for m in mail.outbox)
    assert colleague.email


def test_no_mail_leaves_for_a_refused_decision(
    staff, city, mod, django_capture_on_commit_callbacks
) -> None:
    pledge = submitted(staff, city)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.pledge_reject(pledge=pledge, moderator=mod, comment="")
    assert mail.outbox == []


# --- progress reports -------------------------------------------------------------------------


@pytest.fixture
def published(staff, city, mod) -> Pledge:
    pledge = submitted(staff, city)
    services.pledge_approve(pledge=pledge, moderator=mod)
    return Pledge.objects.get(pk=pledge.pk)


def report(pledge, user, day: str, status: str, narrative: str = "Done this and that."):
    return services.progress_report_create(
        pledge=pledge,
        user=user,
        reported_on=dt.date.fromisoformat(day),
        status=status,
        narrative=narrative,
    )


def test_the_newest_report_sets_the_status_and_the_history_stays(staff, published) -> None:
    report(published, staff, "2024-01-10", "in_progress")
    report(published, staff, "2025-06-01", "fulfilled")
    report(published, staff, "2023-03-01", "planning")  # a late entry for an earlier date
    published.refresh_from_db()
    assert published.status == "fulfilled"
    assert list(
        published.progress_reports.order_by("reported_on").values_list("status", flat=True)
    ) == ["planning", "in_progress", "fulfilled"]


def test_reports_only_on_published_pledges_of_ones_city(staff, city, published) -> None:
    with pytest.raises(PermissionDenied):
        report(draft(staff, city, title="Still a draft"), staff, "2025-01-01", "planning")
    stranger = staff_of(CityFactory(slug="lyon"), username="lyon")
    with pytest.raises(PermissionDenied):
        report(published, stranger, "2025-01-01", "planning")
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reported_on": dt.date(2999, 1, 1)}, "reported_on"),
        ({"reported_on": None}, "reported_on"),
        ({"status": "done"}, "status"),
        ({"narrative": ""}, "narrative"),
        ({"evidence_url": "ftp//broken"}, "evidence_url"),
    ],
)
def test_a_bad_report_names_the_field_and_changes_nothing(staff, published, fields, field) -> None:
    values = {
        "reported_on": dt.date(2025, 1, 1),
        "status": "in_progress",
        "narrative": "Opened the centre.",
    } | fields
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.progress_report_create(pledge=published, user=staff, **values)
    assert field in error.value.message_dict
    assert snapshot() == before
