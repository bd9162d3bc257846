"""What a long-running web process does once, after the app is built."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Move everything alive now (modules, models, routes, the admin's views) out of the
    garbage collector's sight. Those objects live as long as the process, yet every full
    collection walked all of them: a 100-200 ms pause in the middle of some request, now and
    then, was the slowest part of the slowest pages (bench/pages.py). Not for tests, which
    build many apps in one process and must let the old ones go."""
    gc.collect()
    gc.freeze()
