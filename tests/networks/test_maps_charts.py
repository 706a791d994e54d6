"""Server-rendered SVG: the world map from the vendored TopoJSON and the two small charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from networks.charts import bar_chart_svg, nice_scale, step_chart_svg
from networks.maps import MapPoint, country_paths, world_countries, world_map_svg

SVG = "{http://www.w3.org/2000/svg}"
BERLIN = MapPoint("Berlin", "/cities/berlin/", 52.52, 13.40)
PARIS = MapPoint("Paris", "/cities/paris/", 48.86, 2.35)
DECLARATIONS = [("2017", 2), ("2018", 0), ("2019", 7), ("2020", 3)]
MEMBERS = [(2012, 4), (2015, 9), (2016, 11), (2021, 23)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def viewbox(root: ET.Element) -> list[float]:
    return [float(part) for part in root.get("viewBox", "").split()]


def ids(svg: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', svg)


# --- decoding --------------------------------------------------------------------------------


def test_topojson_decodes_every_country() -> None:
    decoded = world_countries()
    assert len(decoded) == 177
    by_code = {country.code: country for country in decoded}
    assert by_code["DE"].name == "Germany"  # numeric 276
    assert by_code["XK"].name == "Kosovo"  # no id in the data, mapped by name
    assert "FR" in by_code
    assert all(country.rings for country in decoded)


def test_country_paths_are_complete() -> None:
    paths = country_paths()
    codes = [path.code for path in paths]
    assert len(codes) == len(set(codes))  # N. Cyprus and Somaliland merged into CY and SO
    assert len(paths) == 174  # 177 geometries, minus Antarctica and the two merged ones
    assert "AQ" not in codes
    assert all(path.d.startswith("M") and path.d.endswith("z") for path in paths)


def test_basemap_is_computed_once_per_process() -> None:
    first = country_paths()
    hits = country_paths.cache_info().hits
    assert country_paths() is first
    assert country_paths.cache_info().hits == hits + 1


def test_basemap_stays_small() -> None:
    assert len(world_map_svg([], title="World").encode()) < 80_000


# --- map -------------------------------------------------------------------------------------


def test_berlin_lands_in_germany() -> None:
    root = parse(world_map_svg([BERLIN], title="Cities"))
    circle = root.find(f".//{SVG}circle")
    assert circle is not None
    x, y = float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))
    min_x, min_y, max_x, max_y = next(path.bbox for path in country_paths() if path.code == "DE")
    assert min_x < x < max_x
    assert min_y < y < max_y
    germany = root.find(f".//{SVG}path[@data-country='DE']")
    assert germany is not None
    assert germany.get("class") == "country"


def test_map_structure_and_accessible_names() -> None:
    svg = world_map_svg([BERLIN], title="Member cities")
    root = parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Member cities"
    assert root.get("aria-labelledby") == title.get("id")
    link = root.find(f".//{SVG}g[@class='points']/{SVG}a")
    assert link is not None
    assert link.get("href") == "/cities/berlin/"
    assert link.get("aria-label") == "Berlin"
    assert link.find(f"{SVG}circle/{SVG}title").text == "Berlin"
    assert "style=" not in svg


def test_labels_and_urls_are_escaped() -> None:
    point = MapPoint('<script>alert("x")</script>', '/c/?a=1&b="2"', 10.0, 10.0)
    svg = world_map_svg([point], title="<b>Title</b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;Title&lt;/b&gt;" in svg
    assert 'href="/c/?a=1&amp;b=&quot;2&quot;"' in svg
    link = parse(svg).find(f".//{SVG}a")
    assert link is not None
    assert link.get("href") == '/c/?a=1&b="2"'


def test_point_without_safe_url_is_not_a_link() -> None:
    points = [
        MapPoint("No page", "", 10.0, 10.0),
        MapPoint("Script", "javascript:alert(1)", 20.0, 20.0),
    ]
    root = parse(world_map_svg(points, title="Cities"))
    assert root.findall(f".//{SVG}a") == []
    assert len(root.findall(f".//{SVG}circle")) == 2


def test_emphasised_point_is_larger_and_drawn_last() -> None:
    home = MapPoint("Home", "/h/", 41.0, 29.0, emphasis=True)
    root = parse(world_map_svg([home, BERLIN], title="Cities"))
    circles = root.findall(f".//{SVG}circle")
    assert [circle.get("class") for circle in circles] == ["point", "point point--emphasis"]
    assert float(circles[1].get("r", "0")) > float(circles[0].get("r", "0"))


def test_points_off_the_drawn_area_are_left_out() -> None:
    points = [MapPoint("Station", "/s/", -75.0, 0.0), MapPoint("Bad", "/b/", float("nan"), 0.0)]
    assert parse(world_map_svg(points, title="x")).findall(f".//{SVG}circle") == []


def test_highlighted_countries() -> None:
    root = parse(world_map_svg([], title="x", highlight_countries=["de", "XK"]))
    highlighted = {
        path.get("data-country")
        for path in root.iter(f"{SVG}path")
        if "country--highlight" in path.get("class", "")
    }
    assert highlighted == {"DE", "XK"}


def test_zoom_to_points_frames_the_cities() -> None:
    world = viewbox(parse(world_map_svg([BERLIN, PARIS], title="x")))
    zoomed_root = parse(world_map_svg([BERLIN, PARIS], title="x", zoom_to_points=True))
    min_x, min_y, width, height = viewbox(zoomed_root)
    assert world == [-180, -84, 360, 144]
    assert 40 <= width < 360
    assert width / height == pytest.approx(2)
    for point in (BERLIN, PARIS):
        assert min_x < point.longitude < min_x + width
        assert min_y < -point.latitude < min_y + height
    # points keep their on-screen size: the radius shrinks with the viewBox
    radius = float(zoomed_root.find(f".//{SVG}circle").get("r", "0"))
    assert radius == pytest.approx(1.2 * width / 360, abs=0.01)


def test_zoom_on_one_city_shows_its_surroundings() -> None:
    _, _, width, height = viewbox(parse(world_map_svg([BERLIN], title="x", zoom_to_points=True)))
    assert (width, height) == (40, 20)


def test_ids_are_unique_across_maps_and_charts() -> None:
    page = "".join(
        [
            world_map_svg([BERLIN], title="a"),
            world_map_svg([PARIS], title="b"),
            bar_chart_svg(DECLARATIONS, title="c", value_label="declarations"),
            bar_chart_svg(DECLARATIONS, title="c", value_label="declarations"),
            step_chart_svg(MEMBERS, title="d", value_label="members"),
            step_chart_svg(MEMBERS, title="d", value_label="members"),
        ]
    )
    found = ids(page)
    assert len(found) == 10  # one per map, two per chart
    assert len(set(found)) == len(found)


def test_a_thousand_points_all_render() -> None:
    # Speed is measured in bench/bench_map.py, not asserted here by the clock.
    points = [
        MapPoint(f"City {index}", f"/cities/{index}/", -50 + index % 130, -179 + index % 358)
        for index in range(1000)
    ]
    svg = str(world_map_svg(points, title="Cities", highlight_countries={"DE"}))
    assert svg.count("<circle") == 1000


# --- charts ----------------------------------------------------------------------------------


def test_bar_chart() -> None:
    svg = bar_chart_svg(DECLARATIONS, title="Declarations per year", value_label="declarations")
    root = parse(svg)
    assert root.get("role") == "img"
    bars = root.findall(f".//{SVG}rect[@class='chart-bar']")
    assert len(bars) == len(DECLARATIONS)
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2017: 2 declarations",
        "2018: 0 declarations",
        "2019: 7 declarations",
        "2020: 3 declarations",
    ]
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Declarations per year"
    assert desc.text == ("2017 to 2020. Highest: 7 declarations (2019). Total: 12 declarations.")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    values = [text.text for text in root.iter(f"{SVG}text") if "chart-value" in text.get("class")]
    assert values == ["2", "0", "7", "3"]
    labels = {text.text for text in root.iter(f"{SVG}text")}
    assert {"2017", "2018", "2019", "2020"} <= labels
    assert "style=" not in svg


def test_bar_chart_escapes_labels() -> None:
    svg = bar_chart_svg([("<i>Eurocities</i> & co", 3)], title="<t>", value_label="<v>")
    assert "<i>" not in svg
    assert "&lt;i&gt;Eurocities&lt;/i&gt; &amp; co" in svg
    parse(svg)


def test_bar_chart_with_many_bars_thins_or_rotates_labels() -> None:
    years = [(str(year), year % 7) for year in range(1980, 2025)]
    root = parse(bar_chart_svg(years, title="x", value_label="y"))
    assert len(root.findall(f".//{SVG}rect[@class='chart-bar']")) == len(years)
    shown = [text for text in root.iter(f"{SVG}text") if text.get("class") == "chart-label"]
    assert len([text for text in shown if text.text in dict(years)]) < len(years)
    names = [(f"A rather long network name {index}", index) for index in range(12)]
    root = parse(bar_chart_svg(names, title="x", value_label="y"))
    assert any(text.get("transform") for text in root.iter(f"{SVG}text"))


def test_step_chart() -> None:
    svg = step_chart_svg(MEMBERS, title="Members over time", value_label="members")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Members over time"
    desc = root.find(f"{SVG}desc").text
    assert desc == (
        "From 2012 to 2021: 4 members at the start, 23 members at the end; highest 23 in 2021."
    )
    classes = {element.get("class") for element in root.iter()}
    assert {"chart-area", "chart-line", "chart-axis", "chart-label"} <= classes
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {"2012", "2021", "23", "0"} <= texts
    line = root.find(f".//{SVG}path[@class='chart-line']").get("d")
    assert line.count("V") == len(MEMBERS) - 1  # one rise or fall per later year


@pytest.mark.parametrize("chart", [bar_chart_svg, step_chart_svg])
def test_empty_chart_is_empty_string(chart) -> None:
    assert chart([], title="x", value_label="y") == ""


@pytest.mark.parametrize(
    ("value", "expected"), [(0, (1, 1)), (3, (3, 1)), (7, (8, 2)), (12, (15, 5)), (57, (60, 20))]
)
def test_nice_scale(value: int, expected: tuple[int, int]) -> None:
    assert nice_scale(value) == expected


def _absolute_points(d: str) -> list[tuple[float, float]]:
    """Replay compact path data (M, l, h, v, z; numbers like "-.5" or "1.2.3") to points."""
    points: list[tuple[float, float]] = []
    x = y = 0.0
    for command, args in re.findall(r"([MlhvZz])([^MlhvZz]*)", d):
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", args)]
        if command == "M":
            x, y = numbers[0], numbers[1]
            points.append((x, y))
        elif command == "l":
            for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = x + dx, y + dy
                points.append((x, y))
        elif command in "hv":
            for delta in numbers:
                x, y = (x + delta, y) if command == "h" else (x, y + delta)
                points.append((x, y))
    return points


def test_path_text_round_trips_to_the_outline() -> None:
    """Relative, separator-free path text must not drift from the decoded coordinates."""
    germany = next(country for country in world_countries() if country.code == "DE")
    source = [(lon, -lat) for ring in germany.rings for lon, lat in ring]
    drawn = _absolute_points(next(path.d for path in country_paths() if path.code == "DE"))
    assert len(drawn) > 20
    for x, y in drawn:
        assert min(abs(x - sx) + abs(y - sy) for sx, sy in source) < 0.11


def test_a_callable_value_label_can_pluralise() -> None:
    def label(n: int) -> str:
        return f"{n} declaration" if n == 1 else f"{n} declarations"

    svg = str(bar_chart_svg([("2018", 1), ("2019", 2)], title="t", value_label=label))
    assert "2018: 1 declaration<" in svg
    assert "2019: 2 declarations<" in svg
