"""A pledge laid out as the two UN platforms ask for it: submit once in citydiplo, paste many times.

Two layouts, each a list of rows in the UN form's order, built from what the reference on the UN
platforms (``shared/reference/anchors_mission.md``, sections A and B and gap item 4) says those
forms ask for:

* the GCM pledging form of the UN Network on Migration (webform ``pledges_submission_form``);
* a Global Refugee Forum pledge for UNHCR (online form or e-mailed template), with the three-stage
  follow-up status.

Nothing is guessed: where a form asks for something citydiplo does not record (the matching
pledge's ID, the attachment, the GRF key outcomes...), or where citydiplo's value has no exact
counterpart among the form's options, the row's value is empty and its note says so.

The builders read only what ``Pledge.objects.with_profile_joins()`` loads (the prefetched
objectives, partners and progress reports; the selected city, network and event), so on such a
pledge they run no query at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pledges.models import (
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    ImplementationStatus,
    Objective,
    Pledge,
    PledgeType,
    ProgressReport,
)


@dataclass(frozen=True)
class FormRow:
    """One question of a UN form and what to answer from citydiplo's record."""

    label: str  # the UN form's question, in the form's words (lazy: translated when shown)
    value: str  # what to paste; "" when citydiplo does not know
    note: str = ""
    multiline: bool = False


@dataclass(frozen=True)
class UnForm:
    key: str
    title: str
    how_to: str
    rows: list[FormRow]
    warnings: list[str]


# Option words as the UN forms spell them. They are pasted into the (English) UN forms verbatim,
# so they are deliberately not translated.
GCM_PLEDGE_TYPES = {
    PledgeType.POLICY: "Policy-oriented",
    PledgeType.FINANCIAL: "Financial",
    # programme and capacity: no exact match among financial, human-resource, process-oriented
    # and policy-oriented; the city chooses on the form.
}
GRF_STATUSES = {
    ImplementationStatus.PLANNING: "Planning stage",
    ImplementationStatus.IN_PROGRESS: "In progress",
    ImplementationStatus.FULFILLED: "Fulfilled",
}
GRF_ENTITY_TYPE_CITY = "Local government"


# --- reading the pledge (prefetched relations only, filtered in Python) --------------------------


def _objectives(pledge: Pledge, framework: str) -> list[Objective]:
    found = [o for o in pledge.objectives.all() if o.framework_id == framework]
    return sorted(found, key=lambda o: o.number)


def _objective_lines(objectives: Iterable[Objective]) -> str:
    return "\n".join(f"Objective {o.number}: {o.title}" for o in objectives)


def _sdg_lines(objectives: Iterable[Objective]) -> str:
    return "\n".join(f"SDG {o.number}: {o.title}" for o in objectives)


def _city_name(city: Any) -> str:
    country = city.country.name if city.country else ""
    return f"{city.name} ({country})" if country else city.name


def _entity(pledge: Pledge) -> str:
    if pledge.city is not None:
        return _city_name(pledge.city)
    if pledge.network is not None:
        return str(pledge.network)
    return ""


def _entity_note(pledge: Pledge) -> str:
    if pledge.actor_text and pledge.actor_text != _entity(pledge):
        return gettext("Named in the source as “%(name)s”.") % {"name": pledge.actor_text}
    return ""


def _partners(pledge: Pledge) -> list[str]:
    cities = [_city_name(c) for c in pledge.partner_cities.all()]
    networks = [str(n) for n in pledge.partner_networks.all()]
    return cities + networks


def _latest_report(pledge: Pledge) -> ProgressReport | None:
    reports = list(pledge.progress_reports.all())
    if not reports:
        return None
    return max(reports, key=lambda r: (r.reported_on, r.created_at, r.pk))


def _is_grf(event: Any) -> bool:
    return event.slug.startswith("grf") or "global refugee forum" in event.name.lower()


def _count(n: int) -> str:
    return ngettext("%(n)s character", "%(n)s characters", n) % {
        "n": number_format(n, force_grouping=True)
    }


def _fill_in(what: str = "") -> str:
    if what:
        return gettext("Not recorded in citydiplo (%(what)s): fill in on the UN form.") % {
            "what": what
        }
    return gettext("Not recorded in citydiplo: fill in on the UN form.")


# --- rows shared by both forms ------------------------------------------------------------------


def _contact_row(contact: Any | None) -> FormRow:
    label = _("Contact person")
    if contact is None:
        return FormRow(label, "", _fill_in(gettext("the city's contact person")))
    name = (contact.get_full_name() or "").strip()
    email = (getattr(contact, "email", "") or "").strip()
    value = ", ".join(part for part in (name, email) if part)
    if not value:
        return FormRow(label, "", _fill_in(gettext("the city's contact person")))
    return FormRow(
        label,
        value,
        gettext("Your account's name and e-mail: change them if someone else is the contact."),
    )


def _partners_row(pledge: Pledge, label: str) -> FormRow:
    partners = _partners(pledge)
    if not partners:
        return FormRow(
            label,
            "",
            gettext(
                "citydiplo records no partner: fill in on the UN form if the pledge is made"
                " with others."
            ),
            multiline=True,
        )
    return FormRow(label, "\n".join(partners), multiline=True)


def _sdg_row(pledge: Pledge) -> list[FormRow]:
    sdgs = _objectives(pledge, "SDG")
    if not sdgs:
        return []
    return [
        FormRow(
            _("Sustainable Development Goals"),
            _sdg_lines(sdgs),
            gettext(
                "For context: citydiplo maps the pledge to these SDGs; use them where the form has room."
            ),
            multiline=True,
        )
    ]


def _timeframe(pledge: Pledge) -> FormRow:
    label = _("Timeframe")
    start, end = pledge.planned_start, pledge.planned_end
    if start is None and end is None:
        return FormRow(label, "", _fill_in(gettext("the planned start and end")))
    value = f"{start.isoformat() if start else ''} – {end.isoformat() if end else ''}".strip()
    if start is None:
        return FormRow(label, value, _fill_in(gettext("the planned start")))
    if end is None:
        return FormRow(label, value, _fill_in(gettext("the planned end")))
    return FormRow(label, value)


# --- the GCM pledging form ----------------------------------------------------------------------


def gcm_form(pledge: Pledge, *, contact: Any | None = None) -> UnForm:
    """The pledge as the UN Network on Migration's GCM pledging form asks for it."""
    warnings: list[str] = []
    gcm = _objectives(pledge, "GCM")
    gcr = _objectives(pledge, "GCR")

    if pledge.pledge_type in GCM_PLEDGE_TYPES:
        type_row = FormRow(_("Pledge type"), GCM_PLEDGE_TYPES[pledge.pledge_type])
    elif pledge.pledge_type:
        type_row = FormRow(
            _("Pledge type"),
            "",
            gettext(
                "Choose on the form (financial, human-resource, process-oriented or"
                " policy-oriented): citydiplo's type “%(type)s” has no exact match."
            )
            % {"type": pledge.get_pledge_type_display()},
        )
    else:
        type_row = FormRow(_("Pledge type"), "", _fill_in(gettext("the pledge type")))

    description = pledge.description
    n = len(description)
    if description:
        length_note = gettext("%(count)s (the form takes %(min)s–%(max)s)") % {
            "count": _count(n),
            "min": number_format(SUBMIT_DESCRIPTION_MIN, force_grouping=True),
            "max": number_format(SUBMIT_DESCRIPTION_MAX, force_grouping=True),
        }
    else:
        length_note = _fill_in(gettext("the description"))
    if not SUBMIT_DESCRIPTION_MIN <= n <= SUBMIT_DESCRIPTION_MAX:
        warnings.append(
            gettext(
                "The description has %(count)s: the GCM pledging form takes %(min)s to"
                " %(max)s. Shorten or complete it before submitting."
            )
            % {
                "count": _count(n),
                "min": number_format(SUBMIT_DESCRIPTION_MIN, force_grouping=True),
                "max": number_format(SUBMIT_DESCRIPTION_MAX, force_grouping=True),
            }
        )

    if gcm:
        objectives_row = FormRow(_("GCM objectives"), _objective_lines(gcm), multiline=True)
    else:
        objectives_row = FormRow(
            _("GCM objectives"),
            "",
            _fill_in(gettext("the GCM objectives")),
            multiline=True,
        )
        if gcr:
            warnings.append(
                gettext(
                    "The pledge names GCR objectives only: the UN Network on Migration does not"
                    " take refugee pledges, which belong to the Global Compact on Refugees."
                    " Use the GRF pledge instead."
                )
            )
        else:
            warnings.append(gettext("The pledge names no GCM objective."))

    if pledge.evidence_url:
        attachment_note = gettext(
            "citydiplo keeps no files: attach one document (up to 25 MB) on the UN form."
            " The pledge's evidence is at %(url)s"
        ) % {"url": pledge.evidence_url}
    else:
        attachment_note = gettext(
            "citydiplo keeps no files: attach one document (up to 25 MB) on the UN form."
        )

    rows = [
        _contact_row(contact),
        FormRow(_("Pledging entity"), _entity(pledge), _entity_note(pledge)),
        type_row,
        _partners_row(pledge, _("Common pledge / pledge in partnership: co-pledgers")),
        FormRow(
            _("Matching pledge: ID of the matched pledge"),
            "",
            _fill_in(gettext("the ID of a pledge this one matches")),
        ),
        FormRow(_("Description"), description, length_note, multiline=True),
        objectives_row,
        *_sdg_row(pledge),
        FormRow(_("Attachment"), "", attachment_note),
    ]
    return UnForm(
        key="gcm",
        title=_("GCM pledging form (UN Network on Migration)"),
        how_to=_(
            "The UN Network on Migration takes pledges to the Global Compact for Migration"
            " through its online pledging form (webform “pledges_submission_form” on"
            " migrationnetwork.un.org), where they are recorded, visible and tracked. Paste each"
            " value into the matching field; pledges for refugees only belong to the GCR."
        ),
        rows=rows,
        warnings=warnings,
    )


# --- the GRF pledge ------------------------------------------------------------------------------


def grf_form(pledge: Pledge, *, contact: Any | None = None) -> UnForm:
    """The pledge as a Global Refugee Forum pledge to UNHCR, with its follow-up status.

    ``contact`` is accepted so both builders are called alike; the reference lists no contact
    field for the GRF pledge, so no row shows it.
    """
    warnings: list[str] = []
    gcr = _objectives(pledge, "GCR")

    if pledge.city is not None:
        entity_type = FormRow(_("Type of submitting entity"), GRF_ENTITY_TYPE_CITY)
    else:
        entity_type = FormRow(
            _("Type of submitting entity"),
            "",
            gettext(
                "citydiplo records a network as the pledging actor: choose its type on the form."
            ),
        )

    if gcr:
        objectives_row = FormRow(_("GCR objectives"), _objective_lines(gcr), multiline=True)
    else:
        objectives_row = FormRow(
            _("GCR objectives"), "", _fill_in(gettext("the GCR objectives")), multiline=True
        )
        warnings.append(
            gettext("The pledge names no GCR objective: the GRF takes refugee pledges only.")
        )

    description = pledge.description
    if not description:
        warnings.append(gettext("The pledge has no description."))

    event = pledge.event
    if event is None:
        forum = FormRow(_("Forum"), "", _fill_in(gettext("the forum, e.g. GRF 2019 or GRF 2023")))
    elif _is_grf(event):
        forum = FormRow(_("Forum"), event.name)
    else:
        forum = FormRow(
            _("Forum"),
            "",
            gettext(
                "citydiplo records the pledge as made at “%(event)s”, not at a Global Refugee"
                " Forum: choose the forum on the UN form."
            )
            % {"event": event.name},
        )

    report = _latest_report(pledge)
    status_note = gettext("citydiplo's current implementation status.")
    if report is not None and report.status != pledge.status:
        status_note += " " + gettext("The latest progress report (%(date)s) says “%(status)s”.") % {
            "date": report.reported_on.isoformat(),
            "status": GRF_STATUSES[report.status],
        }
    status_row = FormRow(
        _("Status of the pledge (planning stage, in progress, fulfilled)"),
        GRF_STATUSES.get(pledge.status, ""),
        status_note,
    )
    if report is None:
        narrative_row = FormRow(
            _("Progress narrative (optional)"),
            "",
            gettext("No progress report in citydiplo yet."),
            multiline=True,
        )
    else:
        narrative_note = gettext("From the progress report of %(date)s") % {
            "date": report.reported_on.isoformat()
        }
        if report.review is not None:
            narrative_note += " " + gettext("(for %(review)s)") % {"review": report.review.name}
        if report.evidence_url:
            narrative_note += "; " + gettext("evidence: %(url)s") % {"url": report.evidence_url}
        narrative_row = FormRow(
            _("Progress narrative (optional)"),
            report.narrative.strip(),
            narrative_note + ".",
            multiline=True,
        )

    rows = [
        FormRow(_("Submitting entity"), _entity(pledge), _entity_note(pledge)),
        entity_type,
        _partners_row(pledge, _("Joint pledge: partners")),
        FormRow(_("Pledge title"), pledge.title),
        FormRow(
            _("Description"),
            description,
            _count(len(description)) if description else _fill_in(gettext("the description")),
            multiline=True,
        ),
        objectives_row,
        FormRow(
            _("GRF areas of focus / key outcomes"),
            "",
            _fill_in(gettext("the GRF key outcomes the pledge is aimed at")),
        ),
        *_sdg_row(pledge),
        _timeframe(pledge),
        forum,
        status_row,
        narrative_row,
    ]
    return UnForm(
        key="grf",
        title=_("GRF pledge (UNHCR, Global Refugee Forum)"),
        how_to=_(
            "UNHCR takes Global Refugee Forum pledges through an online form or a template"
            " e-mailed to UNHCR, and shows them on the GCR Digital Platform"
            " (globalcompactrefugees.org). Follow-up is one update per pledge on UNHCR's update"
            " form: a status (planning stage, in progress or fulfilled) and an optional"
            " narrative, which the submitting entity gives on behalf of joint partners."
        ),
        rows=rows,
        warnings=warnings,
    )


UN_FORMS: dict[str, Callable[..., UnForm]] = {"gcm": gcm_form, "grf": grf_form}


def as_text(form: UnForm, pledge: Pledge) -> str:
    """The form as plain text (UTF-8 when encoded) for download: one block per row."""
    title = str(form.title)
    lines = [title, "=" * len(title), "", pledge.title, "", str(form.how_to), ""]
    for row in form.rows:
        lines.append(f"{row.label}:")
        lines.append(row.value)
        if row.note:
            lines.append(f"({row.note})")
        lines.append("")
    if form.warnings:
        lines.append(gettext("Warnings:"))
        lines.extend(f"- {w}" for w in form.warnings)
        lines.append("")
    lines.append(
        gettext("From the citydiplo pledge at %(path)s") % {"path": pledge.get_absolute_url()}
    )
    return "\n".join(lines) + "\n"
