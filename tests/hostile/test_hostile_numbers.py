"""Odd invoice numbers from KashFlow (``²``, ``1/2``, ``.``, ``..``, `` 12 ``, 5,000 digits, one
number on two invoices) and an invoice whose list row has no currency, through the import, the
dry run and two real submit runs each: every one is listed, none turns into another address,
none is dropped or sent under a wrong amount, none becomes two cases."""

from __future__ import annotations

import pytest

from tests.hostile.support import (
    AS_OF_ARG,
    check_ledger,
    cli_env,
    debitura_server,
    expected_cases,
    kashflow_server,
    missing_open_invoices,
    run_cli,
)

SHARED = "1047"  # the number two open invoices of the hostile books share
ODD = {
    "superscript-two": "²",
    "slash": "1/2",
    "dot": ".",
    "dot-dot": "..",
    "spaces-around": " 12 ",
    "5000-digits": "1234567890" * 500,
    "shared-by-two-invoices": SHARED,
    "no-currency-on-the-list-row": None,  # the EUR invoice: found in the books
}
BUGS: dict = {}


def cases(*, bugs: dict = BUGS):
    return [pytest.param(key, id=key, marks=bugs.get(key, ())) for key in ODD]


@pytest.fixture(scope="module")
def books():
    server = kashflow_server(invoices=40, customers=12, hostile=True).start()
    yield server
    server.stop()


@pytest.fixture
def kashflow(books):
    books.faults.reset()
    books.stats.reset()
    return books


def the_number(server, key: str) -> str:
    if ODD[key] is not None:
        return ODD[key]
    (euro,) = [i for i in server.dataset.invoices if i.summary.get("Currency", 0) is None]
    return str(euro.number)


def open_with(server, number: str) -> list:
    return [i for i in server.dataset.invoices if i.is_open and str(i.number) == number]


def strays(server) -> list[str]:
    """Requests that reached no route: an invoice number that became another address."""
    routes = server.stats_snapshot()["routes"]
    return [route for route in routes if "<unmatched>" in route]


@pytest.mark.parametrize("key", cases(bugs={}))
def test_the_import_lists_every_invoice_under_its_number(kashflow, key, tally, tmp_path):
    number = the_number(kashflow, key)
    run = run_cli("invoices", *AS_OF_ARG, env=cli_env(kashflow, None, tmp_path / "data"))
    rows = run.rows() if run.code == 0 else []
    mine = [r for r in rows if r["invoice_number"] in (number, number.strip())]
    missing = [n for n in missing_open_invoices(kashflow, rows) if n == number]
    tally.traceback = run.traceback
    tally.dropped = len(missing)
    tally.judge(
        "\n".join(
            f"{r['invoice_number'][:20]} {r['status']} {r['currency']} "
            f"{[p['code'] for p in r['problems']]}"
            for r in mine
        ),
        action=False,
    )
    assert run.code == 0 and not run.traceback, run.stderr
    assert missing == []
    assert mine, f"no row for {number[:20]!r}"
    invoices = open_with(kashflow, number)
    if len(invoices) > 1:
        (row,) = mine
        problem = next(p for p in row["problems"] if p["code"] == "duplicate_invoice_number")
        assert "Renumber" in problem["message"] and not row["eligible"]
    if key == "no-currency-on-the-list-row":
        assert [r["currency"] for r in mine] == ["EUR"]
    if key == "5000-digits":
        assert "reference_too_long" in {p["code"] for p in mine[0]["problems"]}


@pytest.mark.parametrize("key", cases())
def test_the_dry_run_says_what_it_would_do_with_the_number(kashflow, key, tally, tmp_path):
    number = the_number(kashflow, key)
    debitura = debitura_server().start()
    try:
        env = cli_env(kashflow, debitura, tmp_path / "data")
        run = run_cli("submit", *AS_OF_ARG, "--dry-run", "--invoice", number, env=env)
    finally:
        debitura.stop()
    verdicts = run.lines()
    status, detail = verdicts.get(number.strip(), verdicts.get(number, ("", "")))
    tally.traceback = run.traceback
    tally.dropped = int(status == "dropped" and bool(open_with(kashflow, number)))
    # A row blocked by its own data says why; one that could not be checked, what to do.
    tally.judge(f"{status}  {detail}", action=status not in ("would send", "blocked"))
    assert run.code == 0 and not run.traceback, run.stderr
    assert strays(kashflow) == []
    assert status in ("would send", "blocked", "would fail"), (status, detail)
    if len(open_with(kashflow, number)) > 1:
        assert status == "blocked" and "more than one open invoice numbered" in detail
    assert debitura.cases() == []


@pytest.mark.parametrize("key", cases())
def test_two_submits_make_at_most_one_case_with_the_invoices_own_details(
    kashflow, key, tally, tmp_path
):
    number = the_number(kashflow, key)
    data_dir = tmp_path / "data"
    debitura = debitura_server().start()
    try:
        env = cli_env(kashflow, debitura, data_dir)
        rows = run_cli("invoices", *AS_OF_ARG, env=env).rows()
        first = run_cli("submit", *AS_OF_ARG, "--invoice", number, env=env)
        calls = debitura.stats_snapshot()["cases"]["create_calls"]
        second = run_cli("submit", *AS_OF_ARG, "--invoice", number, env=env)
        again = debitura.stats_snapshot()["cases"]["create_calls"] - calls
        consistency = check_ledger(data_dir, debitura, expected_cases(rows))
        cases_made = debitura.cases()
    finally:
        debitura.stop()
    shown = number.strip()
    status, detail = first.lines().get(shown, first.lines().get(number, ("", "")))
    later, _ = second.lines().get(shown, second.lines().get(number, ("", "")))
    tally.traceback = first.traceback or second.traceback
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    tally.dropped = int(status == "dropped" and bool(open_with(kashflow, number)))
    tally.judge(f"{status}  {detail}", action=status not in ("created", "blocked"))
    assert not tally.traceback, first.stderr + second.stderr
    assert strays(kashflow) == []
    assert not consistency, consistency
    assert status in ("created", "blocked"), (status, detail)
    if status == "created":
        assert first.code == 0 and second.code == 0
        assert later == "already sent" and again == 0
        assert [c["creditorReference"] for c in cases_made] == [shown]
    else:
        assert first.code == second.code == 40 and later == "blocked"
        assert cases_made == []
    if key == "no-currency-on-the-list-row":
        assert [c["currency"] for c in cases_made] == ["EUR"]
