"""Pages for pledges: the public listing and profile, and the city staff's and moderators' forms.

Access, in one line per page (tests/pledges/test_permissions.py walks the whole matrix):
a pledge that is not published does not exist (404) for anyone but its city's staff and, once
submitted, the moderators; a visible pledge the user may not change answers 403; pages for
signed-in roles send anonymous visitors to the login page.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.listing import FilteredListView, KeysFirstPaginator, table_page
from pledges import access, selectors, services
from pledges.filters import PledgeFilter
from pledges.forms import ModerationForm, PledgeForm, ProgressReportForm
from pledges.models import (
    EDITABLE_STATES,
    ImplementationStatus,
    ModerationState,
    Pledge,
    PledgeTransition,
)
from pledges.un_forms import UN_FORMS, as_text


class PledgeListView(FilteredListView):
    template_name = "pledges/pledge_list.html"
    context_object_name = "pledges"
    filterset_class = PledgeFilter
    # Pledges are the many records: a deep page sorts keys only, then reads its 50 rows.
    paginator_class = KeysFirstPaginator

    def get_base_queryset(self):
        return selectors.pledge_list()


def _visible_pledge(request: HttpRequest, pk: int) -> Pledge:
    return get_object_or_404(selectors.pledge_profile_for(request.user), pk=pk)


def _rendered(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    """A form page; re-shown with the user's input and a 400 when it has errors."""
    return render(request, template, context, status=400 if form.errors else 200)


def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _visible_pledge(request, pk)
    user = request.user
    private = access.can_see_moderation(user, pledge)
    return render(
        request,
        "pledges/pledge_detail.html",
        {
            "pledge": pledge,
            "steps": selectors.pledge_moderation_history(pledge) if private else None,
            "can_edit": access.can_edit(user, pledge),
            "can_report": access.can_report(user, pledge),
            "can_moderate": access.can_moderate(user, pledge),
            "un_forms": UN_FORMS if access.is_city_staff(user, pledge.city_id) else None,
        },
    )


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    if not access.is_city_staff(request.user):
        raise PermissionDenied(_("Only city staff can enter pledges."))
    return _pledge_form_page(request, pledge=None, initial=None)


@login_required
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _visible_pledge(request, pk)
    if not access.can_edit(request.user, pledge):
        raise PermissionDenied(_("This pledge cannot be changed by you now."))
    # the form's fields are the service's: start from what the pledge holds in each
    initial = {name: getattr(pledge, name) for name in services.PLEDGE_FIELDS}
    initial |= {name: list(getattr(pledge, name).all()) for name in services.PLEDGE_RELATIONS}
    return _pledge_form_page(request, pledge=pledge, initial=initial)


def _pledge_form_page(
    request: HttpRequest, *, pledge: Pledge | None, initial: dict[str, Any] | None
) -> HttpResponse:
    """The pledge form, new or edited: saved as a draft or submitted through the one service."""
    user = request.user
    form = PledgeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            if pledge is None:
                pledge = services.pledge_create(user=user, submit=submit, **form.cleaned_data)
            else:
                services.pledge_update(pledge=pledge, user=user, submit=submit, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _submitted_message(submit))
            return redirect(pledge)
    context = {
        "form": form,
        "pledge": pledge,
        "steps": selectors.pledge_moderation_history(pledge) if pledge else None,
    }
    return _rendered(request, "pledges/pledge_form.html", context, form)


def _submitted_message(submit: bool) -> str:
    if submit:
        return _("Submitted for review. You will get an e-mail when the moderators decide.")
    return _("Saved as a draft. Only your city's staff can see it until you submit it.")


@login_required
def progress_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = _visible_pledge(request, pk)
    user = request.user
    if not access.can_report(user, pledge):
        raise PermissionDenied(_("Only the city's staff report on a published pledge."))
    form = ProgressReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.progress_report_create(pledge=pledge, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Progress report added."))
            return redirect(report)
    context = {"form": form, "pledge": pledge}
    return _rendered(request, "pledges/progress_report_form.html", context, form)


@login_required
def pledge_export(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The pledge laid out as a UN platform's form asks for it, for the city to copy over."""
    if key not in UN_FORMS:
        raise Http404
    pledge = _visible_pledge(request, pk)
    if not access.is_city_staff(request.user, pledge.city_id):
        raise PermissionDenied(_("The UN forms are prepared for the pledge's city staff."))
    un_form = UN_FORMS[key](pledge, contact=request.user)
    if request.GET.get("download") == "txt":
        response = HttpResponse(as_text(un_form, pledge), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pledge-{pledge.pk}-{key}.txt"'
        return response
    context = {
        "pledge": pledge,
        "un_form": un_form,
        "forms": UN_FORMS,
        "download_url": f"{request.path}?download=txt",
    }
    return render(request, "pledges/pledge_export.html", context)


# --- moderators -------------------------------------------------------------------------------


def _require_moderator(request: HttpRequest) -> None:
    if not access.is_moderator(request.user):
        raise PermissionDenied(_("Only moderators review pledges."))


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    # A backlog can be long: the queue is shown 50 at a time, oldest submission first.
    page = table_page(request, selectors.moderation_queue())
    return render(
        request,
        "pledges/moderation_queue.html",
        {
            **page,
            "queue": list(page["page_obj"].object_list),
            "decisions": selectors.recent_decisions(),
        },
    )


@login_required
def moderation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    pledge = _visible_pledge(request, pk)
    # Bound on every POST, even an empty one: add_error() below needs a bound form (an unbound
    # one has no cleaned_data, an AttributeError, a 500). Found by tests/pledges/test_properties.py.
    form = ModerationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if pledge.moderation_state != ModerationState.SUBMITTED:
            form.add_error(None, _("This pledge is not awaiting moderation any more."))
            status = 409
        elif form.is_valid():
            try:
                step = services.pledge_decide(
                    pledge=pledge,
                    moderator=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except services.TransitionConflict as exc:
                form.add_service_errors(exc)
                status = 409
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("“%(title)s”: %(state)s. The city's staff have been e-mailed.")
                    % {"title": pledge.title, "state": step.get_to_state_display()},
                )
                return redirect("pledges:moderation-queue")
        if form.errors and status == 200:
            status = 400
    context = {
        "pledge": pledge,
        "form": form,
        "steps": selectors.pledge_moderation_history(pledge),
        "can_moderate": access.can_moderate(request.user, pledge),
    }
    return render(request, "pledges/moderation_decide.html", context, status=status)


# --- the city staff's dashboard ----------------------------------------------------------------

# A published pledge should hear from its city at least once a year (the GRF and the IMRF ask
# for updates between their cycles); the dashboard warns a month ahead.
REPORT_EVERY = datetime.timedelta(days=365)
REPORT_WARN_AHEAD = datetime.timedelta(days=30)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    city_ids = access.staff_city_ids(user)
    if not city_ids and access.is_moderator(user):
        return redirect("pledges:moderation-queue")
    pledges = list(
        Pledge.objects.filter(city_id__in=city_ids)
        .with_listing_joins()
        .prefetch_related(
            Prefetch("transitions", PledgeTransition.objects.for_history(), to_attr="steps")
        )
        .annotate(
            last_report=Max("progress_reports__reported_on"),
            published_at=Max(
                "transitions__created_at",
                filter=Q(transitions__to_state=ModerationState.PUBLISHED),
            ),
        )
        .order_by("-updated_at", "pk")
    )
    today = timezone.localdate()
    by_state: dict[str, list[Pledge]] = {state: [] for state in ModerationState.values}
    due: list[tuple[Pledge, datetime.date]] = []
    for pledge in pledges:
        by_state[pledge.moderation_state].append(pledge)
        if (
            pledge.moderation_state == ModerationState.PUBLISHED
            and pledge.status != ImplementationStatus.FULFILLED
        ):
            since = pledge.last_report or (
                pledge.published_at.date() if pledge.published_at else None
            )
            since = since or pledge.made_on or pledge.created_at.date()
            due_on = since + REPORT_EVERY
            if due_on <= today + REPORT_WARN_AHEAD:
                due.append((pledge, due_on))
    due.sort(key=lambda item: item[1])
    states = [(ModerationState(state), by_state[state]) for state in ModerationState.values]
    return render(
        request,
        "pledges/dashboard.html",
        {
            "cities": user.city_staff.select_related("city").order_by("city__name"),
            "states": states,
            "awaiting": [p for p in pledges if p.moderation_state in EDITABLE_STATES],
            "due": due,
            "today": today,
            "is_moderator": access.is_moderator(user),
            "queue_size": selectors.moderation_queue().count() if access.is_moderator(user) else 0,
        },
    )
