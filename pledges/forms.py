"""Forms city staff and moderators fill in. They check types and shapes only: the rules (whose
city, what a submission needs, which moves are allowed) live in ``pledges.services`` so the form
and the write API cannot drift apart. ``add_service_errors`` puts the service's messages back next
to the fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from declarations.models import Event
from networks.models import City, Network
from pledges.models import (
    COMMENT_MAX,
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    Framework,
    ImplementationStatus,
    Objective,
    PledgeType,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the form: by field where the form has it."""
        for field, messages in exc.update_error_dict({}).items():
            target = field if field in self.fields and field != NON_FIELD_ERRORS else None  # type: ignore[attr-defined]
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return obj.name


# The range of the id columns (BigAutoField, a 64-bit integer on every database).
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id, where an id beyond the column's range is an invalid choice.

    Django checks the ids with one ``id IN (...)`` query, which it does not guard against
    overflow (its single-value lookups are guarded): SQLite's driver raises OverflowError for
    ``objectives=99999999999999999999``, a 500. Found by tests/pledges/test_properties.py.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number at all: Django's own check names it
            if not ID_MIN <= number <= ID_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class PledgeForm(ServiceErrorsMixin, forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=SUBMIT_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    objectives = RecordsChoiceField(
        label=_("Objectives"),
        required=False,
        queryset=Objective.objects.order_by("framework", "number"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one to submit. Choose from the GCM, the GCR and the SDGs."),
    )
    pledge_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "—"), *PledgeType.choices]
    )
    partner_cities = RecordsChoiceField(
        label=_("Partner cities"),
        required=False,
        queryset=City.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("For a pledge made together with other cities (hold Ctrl to pick several)."),
    )
    partner_networks = RecordsChoiceField(
        label=_("Partner networks"),
        required=False,
        queryset=Network.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    event = EventChoiceField(
        label=_("Made at"),
        required=False,
        queryset=Event.objects.order_by("-start_date", "name"),
        help_text=_("The event where the pledge was made, e.g. the Global Refugee Forum 2019."),
    )
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE_WIDGET)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE_WIDGET)
    evidence_url = forms.URLField(
        label=_("Evidence URL"),
        required=False,
        max_length=500,
        help_text=_("A council decision, a press release or a programme page."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(staff__user=user).order_by("name")
        description = self.fields["description"]
        description.widget.attrs["maxlength"] = SUBMIT_DESCRIPTION_MAX
        # formatted per request: in the visitor's language, with its digit grouping
        description.help_text = gettext(
            "Up to %(max)s characters. To submit, at least %(min)s: the GCM pledging form takes "
            "%(min)s to %(max)s, so the pledge fits it as written."
        ) % {
            "min": SUBMIT_DESCRIPTION_MIN,
            "max": number_format(SUBMIT_DESCRIPTION_MAX, force_grouping=True),
        }

    def objective_groups(self) -> Iterator[tuple[str, list[Any], bool]]:
        """The objective checkboxes under one heading per framework (GCM, GCR, SDG), and whether
        any of them is ticked (that group is shown open)."""
        names = dict(Framework.objects.values_list("code", "name"))
        groups: dict[str, list[Any]] = {}
        for checkbox in self["objectives"]:
            objective = checkbox.data["value"].instance
            groups.setdefault(objective.framework_id, []).append(checkbox)
        for code, boxes in groups.items():
            ticked = any(box.data["selected"] for box in boxes)
            yield f"{code} – {names.get(code, code)}", boxes, ticked


class ProgressReportForm(ServiceErrorsMixin, forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ImplementationStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("The three stages of the UN's pledge follow-up."),
    )
    narrative = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to 5,000 characters."),
    )
    evidence_url = forms.URLField(label=_("Evidence URL"), required=False, max_length=500)
    review = EventChoiceField(
        label=_("Review cycle"),
        required=False,
        queryset=Event.objects.order_by("-start_date", "name"),
        help_text=_("If the report is made for a UN review, e.g. GRF 2023 or IMRF 2022."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("reported_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ModerationForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve and publish")),
            ("request_changes", _("Request changes")),
            ("reject", _("Reject")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment to the city"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required when requesting changes or rejecting; the city's staff get it by e-mail."
        ),
    )
