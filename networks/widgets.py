"""Select widgets that render their options in Python instead of through templates.

Django renders every ``<option>`` through two template includes. The listings' country select
has 251 options, which made it the costliest part of a listing page: ~10 ms of the ~50 ms that
``/pledges/`` took, and ~35 ms of ``/cities/`` (measured on 20,000 pledges). These widgets
write the same HTML as Django's templates, byte for byte (tests/networks/test_widgets.py
compares them), so nothing changes for a browser, a screen reader or a test.

Only the listings' filter forms use them (``ListingFilterSet``). A project that overrides
Django's widget templates would not see those overrides here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _text(value: Any) -> str:
    """What ``{{ value }}`` prints in a template: localized, then escaped unless already safe."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """What django/forms/widgets/attrs.html prints: ``True`` is a bare name, ``False`` is left
    out, anything else is ``name="value"``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{conditional_escape(value)}"')
    return "".join(parts)


class PythonRenderedSelectMixin:
    """Renders a ``ChoiceWidget``'s context (``get_context`` stays Django's) without templates."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"'
                    f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every piece above is escaped


class PythonRenderedSelect(PythonRenderedSelectMixin, forms.Select):
    pass


class PythonRenderedSelectMultiple(PythonRenderedSelectMixin, forms.SelectMultiple):
    pass


# Django's widget -> its Python-rendered twin, for fields that use the default widget.
TWINS: dict[type[forms.Widget], type[forms.Widget]] = {
    forms.Select: PythonRenderedSelect,
    forms.SelectMultiple: PythonRenderedSelectMultiple,
}
