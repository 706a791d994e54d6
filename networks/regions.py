"""World regions of cities, derived from their country code.

A city's region is not stored: it follows from the ISO 3166-1 alpha-2 country code via the
UN M49 standard ("Standard country or area codes for statistical use"), using its regions
and sub-regions. Deriving it keeps a single source of truth and avoids drift between a
stored region and the country.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


class SubRegion(models.TextChoices):
    NORTHERN_AFRICA = "northern_africa", _("Northern Africa")
    SUB_SAHARAN_AFRICA = "sub_saharan_africa", _("Sub-Saharan Africa")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")
    NORTHERN_AMERICA = "northern_america", _("Northern America")
    CENTRAL_ASIA = "central_asia", _("Central Asia")
    EASTERN_ASIA = "eastern_asia", _("Eastern Asia")
    SOUTH_EASTERN_ASIA = "south_eastern_asia", _("South-eastern Asia")
    SOUTHERN_ASIA = "southern_asia", _("Southern Asia")
    WESTERN_ASIA = "western_asia", _("Western Asia")
    EASTERN_EUROPE = "eastern_europe", _("Eastern Europe")
    NORTHERN_EUROPE = "northern_europe", _("Northern Europe")
    SOUTHERN_EUROPE = "southern_europe", _("Southern Europe")
    WESTERN_EUROPE = "western_europe", _("Western Europe")
    AUSTRALIA_NEW_ZEALAND = "australia_new_zealand", _("Australia and New Zealand")
    MELANESIA = "melanesia", _("Melanesia")
    MICRONESIA = "micronesia", _("Micronesia")
    POLYNESIA = "polynesia", _("Polynesia")


# ISO 3166-1 alpha-2 code -> (Region value, SubRegion value), per UN M49.
# fmt: off
M49: dict[str, tuple[str, str]] = {
    # Africa: Northern Africa
    "DZ": ("africa", "northern_africa"), "EG": ("africa", "northern_africa"),
    "EH": ("africa", "northern_africa"), "LY": ("africa", "northern_africa"),
    "MA": ("africa", "northern_africa"), "SD": ("africa", "northern_africa"),
    "TN": ("africa", "northern_africa"),
    # Africa: Sub-Saharan Africa -- Eastern Africa
    "BI": ("africa", "sub_saharan_africa"), "DJ": ("africa", "sub_saharan_africa"),
    "ER": ("africa", "sub_saharan_africa"), "ET": ("africa", "sub_saharan_africa"),
    "IO": ("africa", "sub_saharan_africa"), "KE": ("africa", "sub_saharan_africa"),
    "KM": ("africa", "sub_saharan_africa"), "MG": ("africa", "sub_saharan_africa"),
    "MU": ("africa", "sub_saharan_africa"), "MW": ("africa", "sub_saharan_africa"),
    "MZ": ("africa", "sub_saharan_africa"), "RE": ("africa", "sub_saharan_africa"),
    "RW": ("africa", "sub_saharan_africa"), "SC": ("africa", "sub_saharan_africa"),
    "SO": ("africa", "sub_saharan_africa"), "SS": ("africa", "sub_saharan_africa"),
    "TF": ("africa", "sub_saharan_africa"), "TZ": ("africa", "sub_saharan_africa"),
    "UG": ("africa", "sub_saharan_africa"), "YT": ("africa", "sub_saharan_africa"),
    "ZM": ("africa", "sub_saharan_africa"), "ZW": ("africa", "sub_saharan_africa"),
    # Africa: Sub-Saharan Africa -- Middle Africa
    "AO": ("africa", "sub_saharan_africa"), "CD": ("africa", "sub_saharan_africa"),
    "CF": ("africa", "sub_saharan_africa"), "CG": ("africa", "sub_saharan_africa"),
    "CM": ("africa", "sub_saharan_africa"), "GA": ("africa", "sub_saharan_africa"),
    "GQ": ("africa", "sub_saharan_africa"), "ST": ("africa", "sub_saharan_africa"),
    "TD": ("africa", "sub_saharan_africa"),
    # Africa: Sub-Saharan Africa -- Southern Africa
    "BW": ("africa", "sub_saharan_africa"), "LS": ("africa", "sub_saharan_africa"),
    "NA": ("africa", "sub_saharan_africa"), "SZ": ("africa", "sub_saharan_africa"),
    "ZA": ("africa", "sub_saharan_africa"),
    # Africa: Sub-Saharan Africa -- Western Africa
    "BF": ("africa", "sub_saharan_africa"), "BJ": ("africa", "sub_saharan_africa"),
    "CI": ("africa", "sub_saharan_africa"), "CV": ("africa", "sub_saharan_africa"),
    "GH": ("africa", "sub_saharan_africa"), "GM": ("africa", "sub_saharan_africa"),
    "GN": ("africa", "sub_saharan_africa"), "GW": ("africa", "sub_saharan_africa"),
    "LR": ("africa", "sub_saharan_africa"), "ML": ("africa", "sub_saharan_africa"),
    "MR": ("africa", "sub_saharan_africa"), "NE": ("africa", "sub_saharan_africa"),
    "NG": ("africa", "sub_saharan_africa"), "SH": ("africa", "sub_saharan_africa"),
    "SL": ("africa", "sub_saharan_africa"), "SN": ("africa", "sub_saharan_africa"),
    "TG": ("africa", "sub_saharan_africa"),
    # Americas: Latin America and the Caribbean -- Caribbean
    "AG": ("americas", "latin_america_caribbean"), "AI": ("americas", "latin_america_caribbean"),
    "AW": ("americas", "latin_america_caribbean"), "BB": ("americas", "latin_america_caribbean"),
    "BL": ("americas", "latin_america_caribbean"), "BQ": ("americas", "latin_america_caribbean"),
    "BS": ("americas", "latin_america_caribbean"), "CU": ("americas", "latin_america_caribbean"),
    "CW": ("americas", "latin_america_caribbean"), "DM": ("americas", "latin_america_caribbean"),
    "DO": ("americas", "latin_america_caribbean"), "GD": ("americas", "latin_america_caribbean"),
    "GP": ("americas", "latin_america_caribbean"), "HT": ("americas", "latin_america_caribbean"),
    "JM": ("americas", "latin_america_caribbean"), "KN": ("americas", "latin_america_caribbean"),
    "KY": ("americas", "latin_america_caribbean"), "LC": ("americas", "latin_america_caribbean"),
    "MF": ("americas", "latin_america_caribbean"), "MQ": ("americas", "latin_america_caribbean"),
    "MS": ("americas", "latin_america_caribbean"), "PR": ("americas", "latin_america_caribbean"),
    "SX": ("americas", "latin_america_caribbean"), "TC": ("americas", "latin_america_caribbean"),
    "TT": ("americas", "latin_america_caribbean"), "VC": ("americas", "latin_america_caribbean"),
    "VG": ("americas", "latin_america_caribbean"), "VI": ("americas", "latin_america_caribbean"),
    # Americas: Latin America and the Caribbean -- Central America
    "BZ": ("americas", "latin_america_caribbean"), "CR": ("americas", "latin_america_caribbean"),
    "GT": ("americas", "latin_america_caribbean"), "HN": ("americas", "latin_america_caribbean"),
    "MX": ("americas", "latin_america_caribbean"), "NI": ("americas", "latin_america_caribbean"),
    "PA": ("americas", "latin_america_caribbean"), "SV": ("americas", "latin_america_caribbean"),
    # Americas: Latin America and the Caribbean -- South America
    "AR": ("americas", "latin_america_caribbean"), "BO": ("americas", "latin_america_caribbean"),
    "BR": ("americas", "latin_america_caribbean"), "BV": ("americas", "latin_america_caribbean"),
    "CL": ("americas", "latin_america_caribbean"), "CO": ("americas", "latin_america_caribbean"),
    "EC": ("americas", "latin_america_caribbean"), "FK": ("americas", "latin_america_caribbean"),
    "GF": ("americas", "latin_america_caribbean"), "GS": ("americas", "latin_america_caribbean"),
    "GY": ("americas", "latin_america_caribbean"), "PE": ("americas", "latin_america_caribbean"),
    "PY": ("americas", "latin_america_caribbean"), "SR": ("americas", "latin_america_caribbean"),
    "UY": ("americas", "latin_america_caribbean"), "VE": ("americas", "latin_america_caribbean"),
    # Americas: Northern America
    "BM": ("americas", "northern_america"), "CA": ("americas", "northern_america"),
    "GL": ("americas", "northern_america"), "PM": ("americas", "northern_america"),
    "US": ("americas", "northern_america"),
    # Asia: Central Asia
    "KG": ("asia", "central_asia"), "KZ": ("asia", "central_asia"), "TJ": ("asia", "central_asia"),
    "TM": ("asia", "central_asia"), "UZ": ("asia", "central_asia"),
    # Asia: Eastern Asia (Taiwan is not listed separately by M49; placed here)
    "CN": ("asia", "eastern_asia"), "HK": ("asia", "eastern_asia"), "JP": ("asia", "eastern_asia"),
    "KP": ("asia", "eastern_asia"), "KR": ("asia", "eastern_asia"), "MN": ("asia", "eastern_asia"),
    "MO": ("asia", "eastern_asia"), "TW": ("asia", "eastern_asia"),
    # Asia: South-eastern Asia
    "BN": ("asia", "south_eastern_asia"), "ID": ("asia", "south_eastern_asia"),
    "KH": ("asia", "south_eastern_asia"), "LA": ("asia", "south_eastern_asia"),
    "MM": ("asia", "south_eastern_asia"), "MY": ("asia", "south_eastern_asia"),
    "PH": ("asia", "south_eastern_asia"), "SG": ("asia", "south_eastern_asia"),
    "TH": ("asia", "south_eastern_asia"), "TL": ("asia", "south_eastern_asia"),
    "VN": ("asia", "south_eastern_asia"),
    # Asia: Southern Asia
    "AF": ("asia", "southern_asia"), "BD": ("asia", "southern_asia"),
    "BT": ("asia", "southern_asia"), "IN": ("asia", "southern_asia"),
    "IR": ("asia", "southern_asia"), "LK": ("asia", "southern_asia"),
    "MV": ("asia", "southern_asia"), "NP": ("asia", "southern_asia"),
    "PK": ("asia", "southern_asia"),
    # Asia: Western Asia
    "AE": ("asia", "western_asia"), "AM": ("asia", "western_asia"), "AZ": ("asia", "western_asia"),
    "BH": ("asia", "western_asia"), "CY": ("asia", "western_asia"), "GE": ("asia", "western_asia"),
    "IL": ("asia", "western_asia"), "IQ": ("asia", "western_asia"), "JO": ("asia", "western_asia"),
    "KW": ("asia", "western_asia"), "LB": ("asia", "western_asia"), "OM": ("asia", "western_asia"),
    "PS": ("asia", "western_asia"), "QA": ("asia", "western_asia"), "SA": ("asia", "western_asia"),
    "SY": ("asia", "western_asia"), "TR": ("asia", "western_asia"), "YE": ("asia", "western_asia"),
    # Europe: Eastern Europe
    "BG": ("europe", "eastern_europe"), "BY": ("europe", "eastern_europe"),
    "CZ": ("europe", "eastern_europe"), "HU": ("europe", "eastern_europe"),
    "MD": ("europe", "eastern_europe"), "PL": ("europe", "eastern_europe"),
    "RO": ("europe", "eastern_europe"), "RU": ("europe", "eastern_europe"),
    "SK": ("europe", "eastern_europe"), "UA": ("europe", "eastern_europe"),
    # Europe: Northern Europe
    "AX": ("europe", "northern_europe"), "DK": ("europe", "northern_europe"),
    "EE": ("europe", "northern_europe"), "FI": ("europe", "northern_europe"),
    "FO": ("europe", "northern_europe"), "GB": ("europe", "northern_europe"),
    "GG": ("europe", "northern_europe"), "IE": ("europe", "northern_europe"),
    "IM": ("europe", "northern_europe"), "IS": ("europe", "northern_europe"),
    "JE": ("europe", "northern_europe"), "LT": ("europe", "northern_europe"),
    "LV": ("europe", "northern_europe"), "NO": ("europe", "northern_europe"),
    "SE": ("europe", "northern_europe"), "SJ": ("europe", "northern_europe"),
    # Europe: Southern Europe (Kosovo is not in M49; placed with Serbia)
    "AD": ("europe", "southern_europe"), "AL": ("europe", "southern_europe"),
    "BA": ("europe", "southern_europe"), "ES": ("europe", "southern_europe"),
    "GI": ("europe", "southern_europe"), "GR": ("europe", "southern_europe"),
    "HR": ("europe", "southern_europe"), "IT": ("europe", "southern_europe"),
    "ME": ("europe", "southern_europe"), "MK": ("europe", "southern_europe"),
    "MT": ("europe", "southern_europe"), "PT": ("europe", "southern_europe"),
    "RS": ("europe", "southern_europe"), "SI": ("europe", "southern_europe"),
    "SM": ("europe", "southern_europe"), "VA": ("europe", "southern_europe"),
    "XK": ("europe", "southern_europe"),
    # Europe: Western Europe
    "AT": ("europe", "western_europe"), "BE": ("europe", "western_europe"),
    "CH": ("europe", "western_europe"), "DE": ("europe", "western_europe"),
    "FR": ("europe", "western_europe"), "LI": ("europe", "western_europe"),
    "LU": ("europe", "western_europe"), "MC": ("europe", "western_europe"),
    "NL": ("europe", "western_europe"),
    # Oceania: Australia and New Zealand
    "AU": ("oceania", "australia_new_zealand"), "CC": ("oceania", "australia_new_zealand"),
    "CX": ("oceania", "australia_new_zealand"), "HM": ("oceania", "australia_new_zealand"),
    "NF": ("oceania", "australia_new_zealand"), "NZ": ("oceania", "australia_new_zealand"),
    # Oceania: Melanesia
    "FJ": ("oceania", "melanesia"), "NC": ("oceania", "melanesia"), "PG": ("oceania", "melanesia"),
    "SB": ("oceania", "melanesia"), "VU": ("oceania", "melanesia"),
    # Oceania: Micronesia
    "FM": ("oceania", "micronesia"), "GU": ("oceania", "micronesia"),
    "KI": ("oceania", "micronesia"), "MH": ("oceania", "micronesia"),
    "MP": ("oceania", "micronesia"), "NR": ("oceania", "micronesia"),
    "PW": ("oceania", "micronesia"), "UM": ("oceania", "micronesia"),
    # Oceania: Polynesia
    "AS": ("oceania", "polynesia"), "CK": ("oceania", "polynesia"), "NU": ("oceania", "polynesia"),
    "PF": ("oceania", "polynesia"), "PN": ("oceania", "polynesia"), "TK": ("oceania", "polynesia"),
    "TO": ("oceania", "polynesia"), "TV": ("oceania", "polynesia"), "WF": ("oceania", "polynesia"),
    "WS": ("oceania", "polynesia"),
    # No M49 region
    "AQ": ("", ""),
}
# fmt: on


def region_of(country_code: str) -> str:
    """Return the M49 region value for a country code, or "" if unknown or empty."""
    return M49.get((country_code or "").strip().upper(), ("", ""))[0]


def subregion_of(country_code: str) -> str:
    """Return the M49 sub-region value for a country code, or "" if unknown or empty."""
    return M49.get((country_code or "").strip().upper(), ("", ""))[1]


def countries_in(region: str) -> list[str]:
    """Return sorted country codes whose region or sub-region equals the given value."""
    if not region:
        return []
    return sorted(code for code, pair in M49.items() if region in pair)
