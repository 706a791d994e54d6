"""How long a world map with many city points takes to assemble, against plain string joining.

Run: .venv/bin/python bench/bench_map.py  (prints medians and the ratio; asserts nothing)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydiplo.settings.dev")

import django

django.setup()

from networks.maps import MapPoint, world_map_svg  # noqa: E402


def median_ms(fn, runs: int = 30) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    for n in (10, 1000, 10000):
        points = [
            MapPoint(f"City {i}", f"/cities/c{i}/", -50 + i % 130, -179 + i % 358) for i in range(n)
        ]
        world_map_svg(points, title="warm-up")
        ours = median_ms(lambda points=points: world_map_svg(points, title="Cities"))
        # Baseline: the least any renderer must do, one formatted circle per point.
        base = median_ms(
            lambda points=points: "".join(
                f'<circle cx="{p.longitude}" cy="{-p.latitude}" r="1"/>' for p in points
            )
        )
        print(
            f"{n:>6} points: map {ours:7.2f} ms, bare circles {base:7.2f} ms, ratio {ours / base:5.1f}"
        )


if __name__ == "__main__":
    main()
