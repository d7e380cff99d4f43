"""Only submitters send: the workflows themselves refuse a reviewer before any request leaves,
whatever button (or crafted rerun) led there; the CLI and the app without sign-in act as the
local user, who may."""

from __future__ import annotations

from decimal import Decimal

import pytest

from store import open_database
from store.payment_notices import PaymentNotices
from workflow.access import LOCAL_RIGHTS, AccessPolicy, NotASubmitter
from workflow.paid_directly import TOLD, case_created_on, find_paid_directly, tell_partners

POLICY = AccessPolicy.parse(True, "@acme.example", "sam@acme.example")
REVIEWER = POLICY.rights("Rita@Acme.example")
SUBMITTER = POLICY.rights("sam@acme.example")


def test_a_reviewer_cannot_create_cases_and_nothing_reaches_debitura(world):
    rows = world.eligible_rows()[:2]
    with pytest.raises(NotASubmitter) as refused:
        world.submit(rows, rights=REVIEWER)
    assert str(refused.value).startswith(
        "Nothing was sent: rita@acme.example may not create cases, only submitters can."
    )
    assert "Ask sam@acme.example" in str(refused.value)
    assert world.create_calls() == 0
    assert world.debitura.cases() == []
    assert world.ledger.submitted_invoice_numbers(world.account, world.target.key) == set()
    assert world.outcomes_seen == []


def test_retrying_failed_cases_is_refused_to_a_reviewer_too(world):
    with pytest.raises(NotASubmitter):
        world.submit(world.eligible_rows()[:1], rights=REVIEWER, retry_failed=True)
    assert world.create_calls() == 0


def test_a_submitter_and_the_local_user_send(world):
    first, second = world.eligible_rows()[:2]
    assert world.submit([first], rights=SUBMITTER).all_sent
    assert world.submit([second], rights=LOCAL_RIGHTS).all_sent
    assert world.create_calls() == 2


def test_a_reviewer_cannot_tell_the_partners_and_no_message_is_sent_or_recorded(world):
    (row,) = world.eligible_rows()[:1]
    world.submit([row])
    submission = world.ledger.get(world.account, world.target.key, row.invoice_number)
    world.kashflow.add_payment(row.invoice_number, Decimal("25.00"), case_created_on(submission))
    notices = PaymentNotices(open_database(world.data_dir))
    found = find_paid_directly(
        world.kashflow_client,
        world.ledger,
        notices,
        account=world.account,
        target_key=world.target.key,
    )
    assert len(found.to_tell) == 1

    def tell(rights):
        return tell_partners(
            found.payments,
            target=world.target,
            ledger=world.ledger,
            notices=notices,
            account=world.account,
            rights=rights,
        )

    with pytest.raises(NotASubmitter, match="may not send paid-directly messages"):
        tell(REVIEWER)
    assert world.debitura.stats_snapshot()["counters"].get("chat_posts", 0) == 0
    assert world.debitura.chats.chats(submission.case_id) == []
    assert [outcome.status for outcome in tell(SUBMITTER)] == [TOLD]
