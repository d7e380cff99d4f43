"""Loaded by every Python process of a ``tests/run_with_clock_ahead.sh`` run (via PYTHONPATH).

libfaketime 0.9.10 (Debian 12) moves the wall clock but breaks ``time.sleep`` on Python 3.11+:
with the monotonic clock left alone, its ``clock_nanosleep`` wrapper shifts the absolute
monotonic deadline Python passes by the fake offset and the call fails with EINVAL; with the
monotonic clock faked too, lock and event timeouts (``sem_clockwait``) wait for a year instead.
So the run keeps the monotonic clock real and sleeps here with ``select``'s relative timeout.
Nothing changes outside a libfaketime run.
"""

import os

if os.environ.get("FAKETIME") and "faketime" in os.environ.get("LD_PRELOAD", ""):
    import select
    import time

    if getattr(time.sleep, "__module__", None) != __name__:

        def sleep(seconds: float) -> None:
            """``time.sleep`` with a relative timeout, which libfaketime leaves alone."""
            if seconds < 0:
                raise ValueError("sleep length must be non-negative")
            select.select([], [], [], seconds)

        time.sleep = sleep
