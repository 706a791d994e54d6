"""Server-rendered world map as inline SVG.

The site must work offline, under a strict CSP and without JavaScript, so the map is drawn on
the server from the vendored Natural Earth countries (world-atlas TopoJSON, 1:110m). The
TopoJSON is decoded here (it is a small format) rather than adding a GIS dependency, and the
country outlines are turned into SVG path text once per process; a request only adds points.

Projection is equirectangular (x = longitude, y = -latitude, in degrees), cropped to
latitudes 84 N to 60 S: Antarctica is dropped so the map is not mostly ice.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

TOPOJSON_PATH = "static/vendor/world-atlas-2.0.2/countries-110m.json"

# Visible world in projected units: x from -180 to 180, y (= -latitude) from -84 to 60.
NORTH, SOUTH = 84.0, -60.0
WORLD_VIEWBOX = (-180.0, -NORTH, 360.0, NORTH - SOUTH)
# A zoomed map is at least this wide (degrees), so a single city shows its surroundings.
MIN_ZOOM_WIDTH = 40.0
ZOOM_ASPECT = 2.0
# Point radius on the whole-world map, in degrees; scaled with the viewBox width when zoomed.
POINT_RADIUS = 1.2
EMPHASIS_FACTOR = 1.6

# Geometries without an ISO 3166-1 numeric id carry only a name. Kosovo has the user-assigned
# code XK (also used by this project's COUNTRIES_OVERRIDE); the other two lie within ISO
# countries, so they are drawn and highlighted with them, as in the UN M49 regions.
UNNUMBERED_CODES = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
DROPPED_CODES = frozenset({"AQ"})

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapPoint:
    """A city on the map; callers build these from their querysets (no DB access here)."""

    label: str  # shown in the <title> tooltip and as the link's accessible name
    url: str  # link target (may be "")
    latitude: float
    longitude: float
    emphasis: bool = False  # drawn larger/in the accent colour (e.g. the profile's own city)


@dataclass(frozen=True)
class Country:
    """One country as decoded from the TopoJSON: rings in (longitude, latitude) degrees."""

    code: str  # ISO 3166-1 alpha-2 ("" if unknown)
    name: str  # English name from Natural Earth (not for display: untranslated)
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class CountryPath:
    """A country's outline as SVG path data in projected units, with its bounding box."""

    code: str
    d: str
    bbox: tuple[float, float, float, float]  # min_x, min_y, max_x, max_y in SVG units


# ---------------------------------------------------------------------------------------------
# TopoJSON decoding


def _decode_arcs(topology: dict) -> list[Ring]:
    """Undo the delta encoding and quantization of the shared arcs."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indices: Iterable[int]) -> Ring:
    """Join arcs into a closed ring; ``~i`` means arc i walked backwards."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # consecutive arcs share their junction point: keep it once
        ring.extend(arc[1:] if ring else arc)
    return ring


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []  # null geometries and anything unexpected draw nothing


def _alpha2(geometry: dict) -> str:
    numeric = geometry.get("id")
    if numeric:
        return countries.alpha2(numeric)
    return UNNUMBERED_CODES.get(geometry.get("properties", {}).get("name", ""), "")


@functools.cache
def world_countries() -> tuple[Country, ...]:
    """All countries of the vendored TopoJSON, decoded once per process."""
    with open(settings.BASE_DIR / TOPOJSON_PATH, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = _decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = tuple(
            tuple(_ring(arcs, ring)) for polygon in _polygons(geometry) for ring in polygon
        )
        name = geometry.get("properties", {}).get("name", "")
        result.append(Country(code=_alpha2(geometry), name=name, rings=rings))
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Projection and path text


def _unwrap(ring: Sequence[tuple[float, float]]) -> list[tuple[float, float]] | None:
    """Make longitudes continuous where a ring crosses the antimeridian (Fiji, Chukotka).

    Returns None for a ring that goes round a pole, which no copy can draw on a flat map.
    """
    out = [ring[0]]
    offset = 0.0
    for (lon0, _), (lon1, lat1) in itertools.pairwise(ring):
        step = lon1 - lon0
        if step > 180:
            offset -= 360
        elif step < -180:
            offset += 360
        out.append((lon1 + offset, lat1))
    return None if offset else out


def _tenths(ring: Iterable[tuple[float, float]], shift: float) -> list[tuple[int, int]]:
    """Project to integer tenths of a degree and drop points that round onto the previous one.

    Working in integers makes relative path commands exact (no accumulated rounding error).
    """
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        point = (round((lon + shift) * 10), round(-lat * 10))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # "z" closes the ring
    return points


def _number(tenths: int) -> str:
    """Shortest decimal text of a value in tenths: 120 -> "12", -5 -> "-.5", 123 -> "12.3"."""
    whole, frac = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{frac}"


def _serialise(tokens: Iterable[str]) -> str:
    """Concatenate command letters and numbers, with a space only where the grammar needs one.

    A number needs no separator after a letter, before a minus sign, or when it starts with
    "." and the previous number already has its decimal point ("1.5.5" reads as 1.5 and .5).
    """
    out: list[str] = []
    previous = ""
    for token in tokens:
        if token[0].isalpha():
            previous = ""
        else:
            if previous and not (token[0] == "-" or (token[0] == "." and "." in previous)):
                out.append(" ")
            previous = token
        out.append(token)
    return "".join(out)


def _ring_path(points: list[tuple[int, int]]) -> str:
    """Path data for one ring: absolute move, then relative l/h/v commands, then close."""
    x, y = points[0]
    tokens = ["M", _number(x), _number(y)]
    command = ""
    for px, py in points[1:]:
        dx, dy = px - x, py - y
        x, y = px, py
        if dy == 0:
            letter, numbers = "h", [_number(dx)]
        elif dx == 0:
            letter, numbers = "v", [_number(dy)]
        else:
            letter, numbers = "l", [_number(dx), _number(dy)]
        if letter != command:
            tokens.append(letter)  # a repeated command letter may be left out
            command = letter
        tokens.extend(numbers)
    tokens.append("z")
    return _serialise(tokens)


@functools.cache
def country_paths() -> tuple[CountryPath, ...]:
    """SVG path data of every country (Antarctica dropped), computed once per process.

    Geometries sharing a code (Cyprus and N. Cyprus, Somalia and Somaliland) become one path,
    so highlighting a country colours all of it.
    """
    paths: dict[str, list[str]] = {}
    boxes: dict[str, list[float]] = {}
    for country in world_countries():
        if not country.code or country.code in DROPPED_CODES:
            continue
        for ring in country.rings:
            unwrapped = _unwrap(ring) if ring else None
            if not unwrapped:
                continue
            lons = [lon for lon, _ in unwrapped]
            # a ring pushed past the antimeridian is drawn twice; the viewBox clips each copy
            shifts = [0.0]
            if min(lons) < -180:
                shifts.append(360.0)
            if max(lons) > 180:
                shifts.append(-360.0)
            for shift in shifts:
                points = _tenths(unwrapped, shift)
                if len(points) < 3:
                    continue  # an islet smaller than the rounding: invisible anyway
                paths.setdefault(country.code, []).append(_ring_path(points))
                xs = [x / 10 for x, _ in points]
                ys = [y / 10 for _, y in points]
                box = boxes.setdefault(country.code, [math.inf, math.inf, -math.inf, -math.inf])
                box[:] = [min(box[0], *xs), min(box[1], *ys), max(box[2], *xs), max(box[3], *ys)]
    return tuple(
        CountryPath(code=code, d="".join(rings), bbox=tuple(boxes[code]))
        for code, rings in paths.items()
    )


@functools.cache
def _country_elements() -> tuple[tuple[str, str, str], ...]:
    """Pre-rendered <path> elements per country: (code, plain, highlighted)."""
    template = '<path class="{cls}" data-country="{code}" d="{d}"/>'
    return tuple(
        (
            path.code,
            template.format(cls="country", code=escape(path.code), d=path.d),
            template.format(cls="country country--highlight", code=escape(path.code), d=path.d),
        )
        for path in country_paths()
    )


# ---------------------------------------------------------------------------------------------
# Map assembly


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """SVG coordinates of a geographic position (equirectangular, y pointing down)."""
    return longitude, -latitude


def _placeable(point: MapPoint) -> bool:
    return (
        math.isfinite(point.latitude)
        and math.isfinite(point.longitude)
        and SOUTH <= point.latitude <= NORTH
        and -180 <= point.longitude <= 180
    )


def _viewbox(points: Sequence[MapPoint], zoom: bool) -> tuple[float, float, float, float]:
    """The whole world, or the points' bounding box with a margin at about 2:1."""
    if not zoom or not points:
        return WORLD_VIEWBOX
    xs = [point.longitude for point in points]
    ys = [-point.latitude for point in points]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    margin = max(3.0, 0.15 * max(span_x, span_y))
    width = max(span_x + 2 * margin, (span_y + 2 * margin) * ZOOM_ASPECT, MIN_ZOOM_WIDTH)
    height = width / ZOOM_ASPECT
    world_x, world_y, world_width, world_height = WORLD_VIEWBOX
    if width >= world_width or height >= world_height:
        return WORLD_VIEWBOX
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    # keep the window on the map rather than showing empty space beyond its edges
    x = min(max(centre_x - width / 2, world_x), world_x + world_width - width)
    y = min(max(centre_y - height / 2, world_y), world_y + world_height - height)
    return x, y, width, height


def _fmt(value: float) -> str:
    """Compact coordinate text: two decimals (about 1 km) without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _safe_url(url: str) -> str:
    """Only site-relative, fragment and http(s) links: a label-derived javascript: URL or
    similar must never become clickable, whatever the caller passes."""
    lowered = url.strip().lower()
    if lowered.startswith(("/", "#", "?", "http://", "https://")) and not lowered.startswith("//"):
        return url.strip()
    return ""


def world_map_svg(
    points: Sequence[MapPoint],
    *,
    title: str,
    highlight_countries: Collection[str] = (),
    zoom_to_points: bool = False,
) -> SafeString:
    """A complete inline <svg> world map with linked city points.

    Points outside the drawn latitudes (north of 84 N, south of 60 S) or with invalid
    coordinates are left out: an invisible link would still take keyboard focus.
    """
    placeable = [point for point in points if _placeable(point)]
    min_x, min_y, width, height = _viewbox(placeable, zoom_to_points)
    radius = POINT_RADIUS * width / WORLD_VIEWBOX[2]
    plain_radius, big_radius = _fmt(radius), _fmt(radius * EMPHASIS_FACTOR)
    title_id = f"map-{uuid.uuid4().hex[:12]}-title"
    highlighted = {code.upper() for code in highlight_countries}

    parts = [
        f'<svg viewBox="{_fmt(min_x)} {_fmt(min_y)} {_fmt(width)} {_fmt(height)}" '
        f'class="world-map{" world-map--zoomed" if width < WORLD_VIEWBOX[2] else ""}" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<rect class="map-sea" x="{_fmt(min_x)}" y="{_fmt(min_y)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}"/>',
        '<g class="countries" fill-rule="evenodd">',
    ]
    parts.extend(
        highlight if code in highlighted else plain
        for code, plain, highlight in _country_elements()
    )
    parts.append('</g><g class="points">')
    # emphasised points last, so they are drawn on top and reached last by keyboard
    for point in sorted(placeable, key=lambda point: point.emphasis):
        label = escape(point.label)
        css = "point point--emphasis" if point.emphasis else "point"
        circle = (
            f'<circle class="{css}" cx="{_fmt(point.longitude)}" cy="{_fmt(-point.latitude)}" '
            f'r="{big_radius if point.emphasis else plain_radius}"><title>{label}</title></circle>'
        )
        url = _safe_url(point.url)
        if url:
            parts.append(f'<a href="{escape(url)}" aria-label="{label}">{circle}</a>')
        else:
            parts.append(circle)
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every interpolated text is escaped above
