"""The API's JSON renderer (its own module: DRF's settings import it before DRF's views exist)."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder


class JSONRenderer(renderers.JSONRenderer):
    """DRF's compact UTF-8 JSON, encoded by orjson: several times faster than ``json.dumps``
    on a page of rows. Types orjson does not know (lazy translations, Decimal, datetimes, so
    they keep DRF's format) go through DRF's own encoder."""

    _fallback = DRFJSONEncoder().default

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if data is None:
            return b""
        if accepted_media_type and "indent" in accepted_media_type:
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=self._fallback, option=orjson.OPT_PASSTHROUGH_DATETIME)
