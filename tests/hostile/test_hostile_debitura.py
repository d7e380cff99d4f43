"""Debitura saying no, or saying it badly: unsigned agreements, KYC, a blocked creditor, no
partner, an unsupported currency, field errors; another company's case under our reference
(also in another letter case); two submits at once; answers lost after Debitura stored the
case; a click or Ctrl+C mid-run; an invoice that changes or is paid after a send nobody
confirmed. Every one ends with each invoice exactly once at Debitura (or not at all, with the
reason), and the ledger agreeing."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import cli_commands
from debitura import DebituraClient
from kashflow import Credentials, KashFlowClient
from mapping import Policy
from store import SubmissionLedger, open_database
from tests.hostile.support import (
    API_KEY,
    AS_OF,
    AS_OF_ARG,
    HOSTILE_RETRY,
    MEMORABLE_WORD,
    OTHER_API_KEY,
    PASSWORD,
    USERNAME,
    CliRun,
    check_ledger,
    cli_env,
    debitura_server,
    expected_cases,
    kashflow_server,
    review_rows,
    run_cli,
    sendable,
)
from workflow.debitura_target import DebituraTarget
from workflow.importing import import_open_invoices
from workflow.submit import submit_cases

SENT = 3


@dataclass
class World:
    kashflow: object
    debitura: object
    data_dir: Path
    rows: list[dict]
    numbers: list[str]

    def env(self, **extra: str) -> dict[str, str]:
        return cli_env(self.kashflow, self.debitura, self.data_dir, **extra)

    def submit(self, *args: str, numbers: list[str] | None = None) -> CliRun:
        return run_cli(
            "submit", *AS_OF_ARG, "--invoice", *(numbers or self.numbers), *args, env=self.env()
        )

    def check(self, **options):
        return check_ledger(self.data_dir, self.debitura, expected_cases(self.rows), **options)

    def create_calls(self) -> int:
        return self.debitura.stats_snapshot()["cases"]["create_calls"]

    def body(self, number: str) -> dict:
        """The exact POST /cases body this invoice is sent with (from a dry run)."""
        run = self.submit("--dry-run", numbers=[number])
        bodies = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("  {")]
        (body,) = bodies
        return body

    def plant(self, body: dict, *, api_key: str = API_KEY) -> str:
        """A case another company sent: its id."""
        with DebituraClient(api_key, base_url=self.debitura.url, retry=HOSTILE_RETRY) as client:
            return client.create_case(body, idempotency_key="another-company").id


@pytest.fixture
def start(tmp_path):
    started = []

    def make(**debitura_config) -> World:
        kashflow = kashflow_server(invoices=30, customers=6).start()
        debitura = debitura_server(**debitura_config).start()
        started.extend([kashflow, debitura])
        rows = review_rows(kashflow, tmp_path / "baseline")
        return World(kashflow, debitura, tmp_path / "data", rows, sendable(rows, SENT))

    yield make
    for server in started:
        server.stop()


def outcome_text(run: CliRun) -> str:
    return "\n".join(f"{n}  {s}  {d}" for n, (s, d) in run.lines().items()) or run.stderr


def record(tally, world: World, runs: list[CliRun], judged: CliRun, *, action: bool, **check):
    consistency = world.check(**check)
    tally.traceback = any(run.traceback for run in runs)
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    tally.judge(outcome_text(judged), action=action)
    assert not tally.traceback, [run.stderr for run in runs]
    assert tally.message_problems == [], (tally.message_problems, tally.message)
    assert not consistency, consistency
    return consistency


def statuses(run: CliRun) -> list[str]:
    return [status for status, _ in run.lines().values()]


# --- refusals of the creditor's account ------------------------------------------------------


# An unsigned agreement is found before anything is sent (workflow.contract): submit refuses
# with 33 and says where to sign; the other refusals come from Debitura per case.
@pytest.mark.parametrize(
    ("knob", "says", "stops"),
    [
        ("missing_contract", "sign", "before sending"),
        ("missing_power_of_attorney", "sign", False),
        ("missing_kyc", "verif", False),
        ("creditor_blocked", "blocked", True),
    ],
    ids=["unsigned-agreement", "no-power-of-attorney", "no-kyc", "creditor-blocked"],
)
def test_an_account_refusal_is_explained_and_a_plain_rerun_sends_once_fixed(
    start, knob, says, stops, tally
):
    world = start()
    world.debitura.faults.update(**{knob: True})
    refused = world.submit()
    world.debitura.faults.reset()
    again = world.submit()
    record(tally, world, [refused, again], refused, action=True)
    if stops == "before sending":
        assert refused.code == 33 and statuses(refused) == [] and says in refused.stderr.lower()
        assert again.code == 0 and statuses(again) == ["created"] * SENT
        return
    assert refused.code == 40
    assert statuses(refused)[0] == "failed" and says in outcome_text(refused).lower()
    if stops:  # the same refusal meets every case: none waiting is sent (the rest ran at once)
        assert set(statuses(refused)) <= {"failed", "not sent"}
    assert again.code == 0 and statuses(again) == ["created"] * SENT


# --- refusals of the case ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ({"minimum_usd": Decimal(10**9)}, "partner"),
        ({"no_partner_countries": frozenset({"GB"})}, "partner"),
        ({"usd_rates": {"USD": Decimal(1)}}, "currency"),
        (
            {
                "required_debtor_fields": ("address", "city", "zipCode", "phone", "email"),
                "validation_error_shape": "api_error",
            },
            "",
        ),
    ],
    ids=[
        "no-partner-for-the-amount",
        "no-partner-in-the-country",
        "unsupported-currency",
        "field-errors",
    ],
)
def test_a_refused_case_is_not_sent_again_unchanged_but_can_be_retried(start, config, says, tally):
    world = start(**config)
    refused = world.submit()
    calls = world.create_calls()
    unchanged = world.submit()
    unchanged_calls = world.create_calls() - calls
    retried = world.submit("--retry-failed")
    record(tally, world, [refused, unchanged, retried], refused, action=True)
    failed = [n for n, (status, _) in refused.lines().items() if status == "failed"]
    assert refused.code == 40 and failed
    assert says in outcome_text(refused).lower()
    assert unchanged_calls == 0  # Debitura's judgement is remembered while nothing changed
    assert [unchanged.lines()[n][0] for n in failed] == ["failed"] * len(failed)
    assert "refused it before" in outcome_text(unchanged)
    assert world.create_calls() - calls == len(failed)  # --retry-failed asks again
    assert world.debitura.cases() == [] or len(failed) < SENT


# --- another company's case under our reference -------------------------------------------------


def test_another_companys_case_under_the_same_reference_is_not_claimed(start, tally):
    world = start()
    number = world.numbers[0]
    body = world.body(number)
    foreign = world.plant(
        {
            **body,
            "amountToRecover": 99999.0,
            "debtor": {**body["debtor"], "name": "Somebody Else Ltd"},
        }
    )
    collided = world.submit(numbers=[number])
    saved = run_cli("connect", "--save", "--reference-prefix", "HF-", env=world.env())
    prefixed = world.submit(numbers=[number])
    record(
        tally,
        world,
        [collided, saved, prefixed],
        collided,
        action=True,
        foreign=[foreign],
        prefixes=("HF-", ""),
    )
    status, detail = collided.lines()[number]
    assert collided.code == 40 and status == "reference in use"
    assert "Somebody Else Ltd" in detail and "prefix" in detail
    assert saved.code == 0 and prefixed.code == 0
    assert prefixed.lines()[number][0] == "created"
    assert {c["creditorReference"] for c in world.debitura.cases()} == {number, f"HF-{number}"}


def test_a_case_whose_reference_differs_only_in_letter_case_is_not_claimed(start, tally):
    world = start()
    number = world.numbers[0]
    assert run_cli("connect", "--save", "--reference-prefix", "hf-", env=world.env()).code == 0
    body = world.body(number)
    assert body["creditorReference"] == f"hf-{number}"
    foreign = world.plant({**body, "creditorReference": f"HF-{number}"})  # same details
    collided = world.submit(numbers=[number])
    record(tally, world, [collided], collided, action=True, foreign=[foreign], prefixes=("hf-",))
    status, detail = collided.lines()[number]
    assert collided.code == 40 and status == "reference in use"
    assert f"HF-{number}" in detail and f"hf-{number}" in detail


def test_the_same_reference_at_another_creditor_does_not_matter(start, tally):
    world = start()
    number = world.numbers[0]
    world.plant(world.body(number), api_key=OTHER_API_KEY)
    run = world.submit()
    record(tally, world, [run], run, action=False)
    assert run.code == 0 and statuses(run) == ["created"] * SENT
    assert world.debitura.case_by_reference(number, API_KEY) is not None


# --- lost answers, retries, two runs, interruptions ------------------------------------------


@pytest.mark.parametrize(
    "knobs",
    [
        {"drop_after_store_every": 1},
        {"drop_after_store_every": 2},
        {"fail_next_creates": 2},
        {"drop_connection_every": 2, "drop_after_handler": True, "faults_only_on": ["POST /cases"]},
    ],
    ids=[
        "every-answer-lost-after-storing",
        "every-second-answer-lost-after-storing",
        "two-503s-before-storing",
        "every-second-connection-dropped-after-storing",
    ],
)
def test_a_lost_or_failed_answer_becomes_exactly_one_case(start, knobs, tally):
    world = start()
    world.debitura.faults.update(**knobs)
    run = world.submit()
    world.debitura.faults.reset()
    settle = world.submit()
    record(tally, world, [run, settle], run, action=run.code != 0)
    assert run.code in (0, 41)
    assert settle.code == 0
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(world.numbers)


def test_two_submits_at_once_take_turns_and_make_each_case_once(start, tally):
    world = start()
    world.debitura.faults.update(latency_ms=200, faults_only_on=["POST /cases"])
    client = KashFlowClient(
        Credentials(USERNAME, PASSWORD, MEMORABLE_WORD),
        base_url=world.kashflow.url,
        retry=HOSTILE_RETRY,
    )
    result = import_open_invoices(client, policy=Policy(as_of=AS_OF))
    rows = [row for row in result.rows if row.invoice_number in world.numbers]
    reports, errors, waited = {}, [], []
    open_database(world.data_dir)  # an existing data folder (a fresh one: see test_hostile_storage)
    together = threading.Barrier(2)

    def one_run(name: str) -> None:
        try:
            together.wait(10)
            target = DebituraTarget(
                DebituraClient(API_KEY, base_url=world.debitura.url, retry=HOSTILE_RETRY),
                "hostile-target",
                False,
                False,
                "Debitura under test",
            )
            ledger = SubmissionLedger(open_database(world.data_dir))
            reports[name] = submit_cases(
                rows,
                target=target,
                ledger=ledger,
                account="hostile",
                on_wait=lambda: waited.append(name),
            )
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    runs = [threading.Thread(target=one_run, args=(name,)) for name in ("first", "second")]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    consistency = world.check()
    tally.traceback = bool(errors)
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    summaries = [report.summary() for report in reports.values()]
    tally.judge("; ".join(summaries), action=False)
    assert errors == [] and not consistency, (errors, consistency)
    assert sorted(summaries) == [f"{SENT} already sent", f"{SENT} created"]
    assert waited and world.create_calls() == SENT


def test_a_click_mid_run_stops_it_and_the_next_run_sends_nothing_twice(start, tally):
    world = start()
    world.debitura.faults.update(latency_ms=60, faults_only_on=["POST /cases"])
    client = KashFlowClient(
        Credentials(USERNAME, PASSWORD, MEMORABLE_WORD),
        base_url=world.kashflow.url,
        retry=HOSTILE_RETRY,
    )
    rows = [
        r
        for r in import_open_invoices(client, policy=Policy(as_of=AS_OF)).rows
        if r.invoice_number in world.numbers
    ]
    target = DebituraTarget(
        DebituraClient(API_KEY, base_url=world.debitura.url, retry=HOSTILE_RETRY),
        "sandbox",
        False,
        False,
        "Debitura under test",
    )

    def clicked(outcome) -> None:  # Streamlit stops the script run: an exception in the callback
        raise RuntimeError("the page was rerun by a click")

    with pytest.raises(RuntimeError):
        submit_cases(
            rows,
            target=target,
            ledger=SubmissionLedger(open_database(world.data_dir)),
            account="hostile",
            on_result=clicked,
        )
    world.debitura.faults.reset()
    settle = world.submit()
    record(tally, world, [settle], settle, action=False)
    assert settle.code == 0
    assert set(statuses(settle)) <= {"created", "reconciled"}
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(world.numbers)


def test_ctrl_c_mid_run_exits_130_and_the_next_run_finishes(start, tally, monkeypatch):
    world = start()
    world.debitura.faults.update(latency_ms=60, faults_only_on=["POST /cases"])
    printed = []
    real_print = cli_commands._print_outcome

    def print_then_interrupt(outcome) -> None:
        real_print(outcome)
        printed.append(outcome)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_commands, "_print_outcome", print_then_interrupt)
    interrupted = world.submit()
    monkeypatch.setattr(cli_commands, "_print_outcome", real_print)
    world.debitura.faults.reset()
    settle = world.submit()
    record(tally, world, [interrupted, settle], interrupted, action=True)
    assert interrupted.code == 130 and "run the same command to finish" in interrupted.stderr
    assert len(printed) == 1
    assert settle.code == 0
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(world.numbers)


# --- the invoice changes after a send nobody confirmed ----------------------------------------


def lose_answers_then(world: World, *, stored: bool):
    """One submit whose POST /cases answers are all lost (after or before Debitura stored)."""
    world.debitura.faults.update(
        drop_connection_every=1, drop_after_handler=stored, faults_only_on=["POST /cases"]
    )
    run = world.submit(numbers=world.numbers[:1])
    world.debitura.faults.reset()
    return run


def part_pay(world: World, number: str, paid: str = "10.00") -> None:
    invoice = world.kashflow.dataset.invoice(int(number))
    world.kashflow.set_invoice(
        int(number),
        Status="OverduePartPaid",
        DueAmount=Decimal(str(invoice.due_amount)) - Decimal(paid),
    )
    world.rows = review_rows(world.kashflow, world.data_dir.parent / "after-payment")


def test_a_payment_after_an_unconfirmed_send_that_never_arrived_sends_the_new_amount(start, tally):
    world = start()
    number = world.numbers[0]
    lost = lose_answers_then(world, stored=False)
    part_pay(world, number)
    again = world.submit(numbers=[number])
    record(tally, world, [lost, again], again, action=False)
    assert lost.code == 41 and again.code == 0
    assert again.lines()[number][0] == "created"


def test_a_payment_after_an_unconfirmed_send_that_arrived_is_still_this_invoices_case(start, tally):
    world = start()
    number = world.numbers[0]
    lost = lose_answers_then(world, stored=True)
    part_pay(world, number)
    again = world.submit(numbers=[number])
    saved = run_cli("connect", "--save", "--reference-prefix", "HF-", env=world.env())
    advised = world.submit(numbers=[number])  # what the message advises
    consistency = world.check(prefixes=("HF-", ""))
    tally.traceback = any(r.traceback for r in (lost, again, saved, advised))
    tally.misrecorded = len([m for m in consistency.misrecorded if "amount" not in m])
    tally.duplicated = len(consistency.duplicated)
    tally.judge(outcome_text(again), action=True)
    assert again.lines()[number][0] in ("reconciled", "updated", "already sent"), again.stdout
    assert len([c for c in world.debitura.cases()]) == 1
    assert tally.misrecorded == 0 and tally.duplicated == 0


def test_a_payment_in_full_after_an_unconfirmed_send_that_arrived_is_reported(start, tally):
    world = start()
    number = world.numbers[0]
    lost = lose_answers_then(world, stored=True)
    world.kashflow.set_invoice(int(number), Status="Paid", DueAmount=Decimal("0.0000"))
    again = world.submit(numbers=[number])
    everything = run_cli("submit", *AS_OF_ARG, "--all-eligible", env=world.env())
    consistency = world.check()
    tally.traceback = any(r.traceback for r in (lost, again, everything))
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    status, detail = again.lines().get(number, ("", ""))
    tally.judge(f"{status}  {detail}", action=True)
    case = world.debitura.case_by_reference(number, API_KEY)
    assert case is not None  # the lost send did create it
    assert case["reference"] in detail  # the user learns a case exists for a paid invoice
    assert not consistency, consistency


def test_a_prefix_set_after_an_unconfirmed_send_finds_the_case_under_the_old_reference(
    start, tally
):
    world = start()
    number = world.numbers[0]
    lost = lose_answers_then(world, stored=True)
    saved = run_cli("connect", "--save", "--reference-prefix", "HF-", env=world.env())
    again = world.submit(numbers=[number])
    record(tally, world, [lost, saved, again], again, action=False, prefixes=("HF-", ""))
    assert again.code == 0 and again.lines()[number][0] == "reconciled"
    assert [c["creditorReference"] for c in world.debitura.cases()] == [number]


def test_a_prefix_set_after_a_confirmed_send_sends_nothing_again(start, tally):
    world = start()
    first = world.submit()
    saved = run_cli("connect", "--save", "--reference-prefix", "HF-", env=world.env())
    again = world.submit()
    record(tally, world, [first, saved, again], again, action=False, prefixes=("HF-", ""))
    assert again.code == 0 and statuses(again) == ["already sent"] * SENT
    assert len(world.debitura.cases()) == SENT
