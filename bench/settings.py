"""Benchmark serving: the production settings as they are, plus the baseline's URLs.

Nothing here makes the app faster or slower than in production: only ROOT_URLCONF changes, to
add ``/_baseline/<name>`` beside the site's own URLs (see ``bench/baseline.py``).
"""

from citydiplo.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
