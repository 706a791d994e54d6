"""schema.org JSON-LD for detail pages, escaped so no text can close the script element."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld_script(data: dict[str, Any] | None) -> SafeString | str:
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))
