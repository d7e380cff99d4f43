"""Pausing Python's cyclic garbage collector while a large batch of review rows is built.

Building 50,000 rows makes a few hundred thousand long-lived objects (rows, debtors, problem
tuples). Each allocation counts towards the collector's next pass, and the full passes walk
every object alive, so a third of the build went to passes that find nothing: these objects
hold no reference cycles (frozen dataclasses of strings, dates, Decimals and tuples). Reference
counting still frees everything as usual; only the cycle search waits until the batch is done.
Python has one collector per process, so other threads go without cycle collection for the
second or so a batch takes, and get it back as soon as the last batch ends.

When it ends, the objects made meanwhile go straight to the oldest generation, where the
collector only looks on its full passes. Left in the youngest, the first young pass would walk
all of them (a sixth of the build) and the next one again, to find nothing: they are kept for
the whole review. Every other young object of the process goes with them (the collector moves
generations whole); a cycle among those is still found, on the next full pass instead of a
young one.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # batches under way (threads may build at the same time)
_was_enabled = False  # the collector's state when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after it,
    even on error, once the last block running (in any thread) ends, and what the blocks
    made is moved to the oldest generation.

    >>> enabled = gc.isenabled()
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled() == enabled
    True
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                to_oldest_generation()
                gc.enable()


def to_oldest_generation() -> None:
    """Move every object the collector tracks to its oldest generation, without a pass over
    them: ``gc.freeze`` puts them aside, ``gc.unfreeze`` puts them back there. Not done while
    something else keeps objects frozen (they would be let go with ours).

    >>> made = [None]  # a list: the collector tracks it
    >>> to_oldest_generation()
    >>> any(tracked is made for tracked in gc.get_objects(generation=2)), gc.get_freeze_count()
    (True, 0)
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
