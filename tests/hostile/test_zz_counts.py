"""The issue's bar over the whole hostile directory (named to run last in it): at least 97 bad
inputs tried, every one handled with a clear message, and no traceback, no credential at
another host, no invoice mis-recorded or silently dropped, no case duplicated.

Cases marked xfail show bugs reported and not fixed yet: they are counted in the artifact's
``totals`` (and its ``known_bugs``) but held to the bar only once fixed (strict xfail then
fails until the mark goes). Skipped when only part of the directory ran."""

from __future__ import annotations

import pytest

from tests.hostile import tally

MINIMUM_INPUTS = 97


def test_the_counts_hold_over_the_whole_directory():
    whole, why = tally.SELECTION
    if not whole:
        pytest.skip(f"the counts need the whole tests/hostile directory ({why})")
    records = tally.RECORDS
    clean = [record for record in records if not record.known_bug]
    totals = tally.totals(clean)
    print(tally.one_line(records))
    assert len(records) >= MINIMUM_INPUTS
    assert [r.nodeid for r in clean if not r.handled] == []
    assert totals["tracebacks"] == 0
    assert totals["credentials_seen_by_another_host"] == 0
    assert totals["secrets_printed"] == 0
    assert totals["invoices_misrecorded_or_silently_dropped"] == 0
    assert totals["cases_duplicated"] == 0
