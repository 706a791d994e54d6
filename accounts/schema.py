"""How the OpenAPI schema describes partner tokens (drf-spectacular finds this by import).

Not ``http``/``bearer``: that scheme makes clients send ``Bearer <key>`` only, while the
documented form is ``Token <key>``. An API key in the Authorization header says it exactly.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, object]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                "Reading needs no key: partners send “Token <key>” (or “Bearer <key>”) in the "
                "Authorization header for a higher rate limit. Writing (pledges and progress "
                "reports) needs the key of a city staff account. Ask us for a key; an invalid "
                "or revoked key is answered with 401, not served anonymously."
            ),
        }
