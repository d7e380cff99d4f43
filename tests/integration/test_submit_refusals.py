"""Refused cases are recorded with Debitura's reason in words and never resent on their own;
rows with errors are never sent at all."""

from __future__ import annotations

from mapping import apply_overrides
from store.ledger import FAILED as LEDGER_FAILED
from tests.integration.submit_support import debitura_target
from workflow.eligibility import retry_candidates
from workflow.submit import BLOCKED, CREATED, FAILED, SKIPPED, recheck_selection


def test_a_validation_failure_is_recorded_in_plain_words_and_not_resent(world):
    rows = world.eligible_rows()[:2]
    bad = apply_overrides(rows[0], {"email": "accounts at acme"}, world.policy)
    assert bad.eligible and bad.debtor.email == "accounts at acme"
    report = world.submit([bad, rows[1]])
    assert [o.status for o in report.outcomes] == [FAILED, CREATED]
    message = report.outcomes[0].message
    assert "nothing was created" in message and "debtor email" in message
    recorded = world.ledger.get(world.account, world.target.key, bad.invoice_number)
    assert (recorded.state, recorded.error_kind) == (LEDGER_FAILED, "ValidationFailed")
    assert recorded.error_message == message

    calls = world.create_calls()
    again = world.submit([bad])
    assert again.outcomes[0].status == FAILED
    assert again.outcomes[0].message.startswith("Not sent again")
    assert world.create_calls() == calls  # not resent automatically

    fixed = apply_overrides(bad, {"email": "accounts@acme.example"}, world.policy)
    assert world.submit([fixed]).outcomes[0].status == CREATED  # changed details: sent
    assert world.case_count(bad.invoice_number) == 1


def test_a_business_rule_refusal_is_kept_until_an_explicit_resend(world):
    row = apply_overrides(world.eligible_rows()[0], {"country": "RU"}, world.policy)
    assert row.eligible
    first = world.submit([row])
    assert first.outcomes[0].status == FAILED
    assert "no collection partner" in first.outcomes[0].message
    recorded = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert recorded.error_kind == "NoPartnerAvailable"

    calls = world.create_calls()
    assert world.submit([row]).outcomes[0].status == FAILED
    assert world.create_calls() == calls
    assert world.submit([row], retry_failed=True).outcomes[0].status == FAILED
    assert world.create_calls() == calls + 1  # asked for explicitly: sent again
    assert world.debitura.cases() == []


def test_an_unsigned_agreement_stops_the_run_until_it_is_signed(world):
    from sandbox.debitura_server import DebituraFaults

    assert isinstance(world.debitura.faults, DebituraFaults)
    world.debitura.faults.update(missing_contract=True)
    rows = world.eligible_rows()
    report = world.submit(rows, concurrency=1)
    assert report.outcomes[0].status == FAILED
    assert "Standard Debt Collection Agreement" in report.outcomes[0].message
    assert "/sign/debt-collection-agreement" in report.outcomes[0].message
    assert {o.status for o in report.outcomes[1:]} == {SKIPPED}
    assert world.create_calls() == 1

    world.debitura.faults.update(missing_contract=False)  # signed
    again = world.submit(rows, retry_failed=True)
    assert {o.status for o in again.outcomes} == {CREATED}
    assert len(world.debitura.cases()) == len(rows)


def test_a_refused_api_key_stops_the_run(world):
    target = debitura_target(world.debitura, api_key="not-the-key")
    report = world.submit(world.eligible_rows(), target=target, concurrency=1)
    assert report.outcomes[0].status == FAILED
    assert "DEBITURA_API_KEY" in report.outcomes[0].message
    assert {o.status for o in report.outcomes[1:]} == {SKIPPED}
    assert "refused" in report.outcomes[1].message


def test_rows_with_errors_are_never_sent(world):
    rows = list(world.import_rows())
    eligible = [row for row in rows if row.eligible]
    # An edit that clears a required field blocks an otherwise eligible row too.
    emptied = apply_overrides(eligible[0], {"city": ""}, world.policy)
    rows[rows.index(eligible[0])] = emptied
    blocked = [row for row in rows if not row.eligible]
    assert emptied in blocked and len(blocked) > 1

    report = world.submit(rows)
    by_number = {o.invoice_number: o for o in report.outcomes}
    for row in blocked:
        outcome = by_number[row.invoice_number]
        assert outcome.status == BLOCKED
        first_error = next(p for p in row.problems if p.severity == "error")
        assert outcome.message.startswith(first_error.message)  # in words, no internal code
        assert world.case_count(row.invoice_number) == 0
        assert world.ledger.get(world.account, world.target.key, row.invoice_number) is None
    assert "No city" in by_number[emptied.invoice_number].message
    assert report.counts[BLOCKED] == len(blocked)
    assert report.counts[CREATED] == world.create_calls() == len(rows) - len(blocked)


def test_after_a_refused_api_key_is_fixed_a_plain_rerun_sends(world):
    rows = world.eligible_rows()[:2]
    wrong = debitura_target(world.debitura, api_key="not-the-key")
    refused = world.submit(rows, target=wrong, concurrency=1)
    assert [o.status for o in refused.outcomes] == [FAILED, SKIPPED]

    again = world.submit(rows)  # the right key, no retry_failed
    assert [o.status for o in again.outcomes] == [CREATED, CREATED]
    assert all(world.case_count(row.invoice_number) == 1 for row in rows)


def test_sent_cases_offers_a_refused_invoice_again_only_once_it_changed(world):
    """The send was built from the invoice's detail (what was sold, payments), the review's
    rows are not: the detail is read before comparing, so an unchanged refusal stays put."""
    row = apply_overrides(world.eligible_rows()[0], {"country": "RU"}, world.policy)
    overrides = {row.invoice_number: {"country": "RU"}}
    recheck = recheck_selection(world.kashflow_client, [row], world.policy, overrides)
    assert recheck.kept[0].detail.line_items  # the body carries what was sold
    assert world.submit(recheck.kept).outcomes[0].status == FAILED

    def offered(rows):
        return retry_candidates(
            rows,
            target=world.target,
            ledger=world.ledger,
            account=world.account,
            client=world.kashflow_client,
        )

    assert offered([row]) == []
    changed = apply_overrides(row, {"country": "DE"}, world.policy)
    assert offered([changed]) == [row.invoice_number]
