"""The hostile suite's tally (one record per bad input) and the fixtures its modules share.

``tally`` is a case's record: the case measures, records, then asserts. At the end of the
session the records go to ``test-artifacts/hostile-counts.json`` with a one-line summary;
``test_zz_counts.py`` holds the totals to the issue's bar when the whole directory ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import tally as tallies
from tests.hostile.support import OtherHost, other_host

HERE = Path(__file__).resolve().parent
_deselected: list[str] = []


def _is_hostile(item: pytest.Item) -> bool:
    return HERE in Path(str(item.fspath)).resolve().parents


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"hostile_rep_{report.when}", report)


def pytest_deselected(items) -> None:
    _deselected.extend(item.nodeid for item in items if _is_hostile(item))


def pytest_collection_finish(session: pytest.Session) -> None:
    tallies.SELECTION = _selection(session)


def _selection(session: pytest.Session) -> tuple[bool, str]:
    """Whether every case of this directory was selected (the counts mean something then)."""
    items = [item for item in session.items if _is_hostile(item)]
    if not items:
        return False, "no hostile case selected"
    if _deselected:
        return False, f"{len(_deselected)} hostile cases deselected"
    start = Path(session.config.invocation_params.dir)
    for arg in session.config.args:
        where, _, node = str(arg).partition("::")
        path = (start / where).resolve()
        inside = path == HERE or HERE in path.parents
        if inside and (node or path != HERE):
            return False, f"only {arg} selected"
    modules = {Path(str(item.fspath)).name for item in items}
    expected = {path.name for path in HERE.glob("test_*.py")}
    if modules != expected:
        return False, f"modules not selected: {sorted(expected - modules)}"
    return True, ""


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[tallies.Record]:
    """This case's record in the session tally; finished with the test's result."""
    family = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_hostile_")
    callspec = getattr(request.node, "callspec", None)
    case = callspec.id if callspec is not None else request.node.name
    record = tallies.Record(family=family, case=case, nodeid=request.node.nodeid)
    xfail = request.node.get_closest_marker("xfail")
    if xfail is not None:
        record.known_bug = str(xfail.kwargs.get("reason", "xfail"))
    tallies.RECORDS.append(record)
    yield record
    setup = getattr(request.node, "hostile_rep_setup", None)
    call = getattr(request.node, "hostile_rep_call", None)
    record.passed = bool(setup and setup.passed and call is not None and call.passed)
    if record.passed and not record.handled:  # every case ends with a clear message
        problems = record.message_problems if record.judged else ["no message judged"]
        pytest.fail(
            f"the case passed but was not handled with a clear message: {problems}: "
            f"{record.message[:300]!r}"
        )


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[OtherHost]:
    """Another host (where hostile redirects point), recording everything sent to it."""
    with other_host() as host:
        yield host


def pytest_sessionfinish(session: pytest.Session) -> None:
    if tallies.RECORDS:
        tallies.write(tallies.RECORDS)


def pytest_terminal_summary(terminalreporter) -> None:
    if tallies.RECORDS:
        where = tallies.ARTIFACT.relative_to(HERE.parents[1])
        terminalreporter.write_line(f"{tallies.one_line(tallies.RECORDS)} -> {where}")
