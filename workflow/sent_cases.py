"""Sent cases: the ledger's submissions joined with what Debitura says about each case now.

The ledger knows which invoice became which case; Debitura knows the debtor, the amount and
where the case stands. One ``GET /cases`` listing (all pages) serves every row; a case the
listing lacks is fetched by id. What Debitura needs, the documents and the money recovered
are read per case by ``workflow.follow_through`` onto the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from debitura import Case, DebituraError, NotFound, Payment, lifecycle_label
from mapping.money import display_money, format_money, round_money
from mapping.rows import invoice_sort_key
from store.ledger import CREATED, FAILED, SENDING, Submission, SubmissionLedger
from workflow.case_stage import lifecycle_words
from workflow.debitura_target import DebituraTarget
from workflow.spreadsheet import (
    AMOUNT,
    INTEGER,
    TIME_UTC,
    Column,
    Table,
    table_csv,
    table_xlsx,
)

STATE_LABELS = {
    CREATED: "Sent",
    FAILED: "Refused by Debitura",
    SENDING: "Unconfirmed: checked before sending again",
}
EXPORT_COLUMNS = (
    Column("Invoice"), Column("Debtor"), Column("Amount", AMOUNT), Column("Currency"),
    Column("Case reference"), Column("Status"), Column("Sent at", TIME_UTC),
    Column("Sent by"), Column("Connection"), Column("Details"), Column("Where it stands"),
    Column("Needs from you"),
    Column("Documents attached", INTEGER), Column("Document names"), Column("Recovered", AMOUNT),
    Column("Recovered currency"),
)  # fmt: skip
LIST_SEPARATOR = "; "  # between tasks, items or file names in one cell


@dataclass(frozen=True)
class SentCase:
    """One submission as the sent-cases page and its CSV show it."""

    invoice_number: str
    state: str  # the ledger's: created | failed | sending
    debtor_name: str = ""  # from Debitura's case
    amount: Decimal | None = None  # the principal Debitura holds (grossAmount)
    currency: str = ""
    case_reference: str = ""
    case_id: str = ""
    lifecycle: str = ""  # Debitura's enum value, "" when unknown
    status: str = ""  # in words: the lifecycle label (with the close code), or the state
    sent_at: str = ""
    sent_by: str = ""  # who made the latest attempt: a signed-in email, or "local"
    connection: str = ""  # the saved connection's name, else the KashFlow company
    account: str = ""  # the ledger's key of the KashFlow company (ActiveConnection.account_key)
    message: str = ""  # why it failed, or what is unknown
    is_test: bool = False
    close_code: str = ""
    needs_info: bool = False  # Debitura's validation.needsInfo: it has items to ask about
    found_at_debitura: bool = False  # Debitura answered with this case just now
    # Read by workflow.follow_through (empty until then):
    open_tasks: tuple[str, ...] = ()  # GET /tasks for this case, in words
    validation_items: tuple[str, ...] = ()  # GET /cases/{id}/validation, in words
    documents: tuple[str, ...] = ()  # file names (GET /cases/{id}/files)
    payments: tuple[Payment, ...] = ()
    followed: bool = False  # all of the above were read

    @property
    def amount_text(self) -> str:
        return format_money(self.amount, self.currency) or ""

    @property
    def stage(self) -> str:
        """Where the case stands, in words ("" for a case Debitura has not got)."""
        if self.state != CREATED:
            return self.status
        return lifecycle_words(self.lifecycle, self.close_code)

    @property
    def needs_from_you(self) -> tuple[str, ...]:
        """Open tasks, then validation items: what Debitura waits for from the creditor."""
        return tuple(dict.fromkeys((*self.open_tasks, *self.validation_items)))

    @property
    def recovered_by_currency(self) -> dict[str, Decimal]:
        """Payments summed per currency (a payment without one is in the case's)."""
        sums: dict[str, Decimal] = {}
        for payment in self.payments:
            if payment.amount is not None:
                currency = payment.currency or self.currency
                sums[currency] = sums.get(currency, Decimal(0)) + payment.amount
        return sums

    @property
    def recovered_text(self) -> str:
        """``"GBP 322.10"``; "" when nothing was recovered."""
        return " · ".join(
            f"{currency} {display_money(amount, currency)}"
            for currency, amount in self.recovered_by_currency.items()
        )


def sent_cases(
    ledger: SubmissionLedger,
    target: DebituraTarget,
    *,
    account: str | None = None,
    fetch_status: bool = True,
) -> list[SentCase]:
    """Every submission to ``target`` (of one KashFlow company when ``account`` is given),
    ordered by invoice number, with Debitura's current view of each case.

    ``fetch_status=False`` shows the ledger alone (no request). Raises ``DebituraError`` when
    Debitura cannot be read; a single case Debitura no longer has is reported on its row.
    """
    submissions = ledger.list(account=account, target=target.key)
    submissions.sort(key=lambda s: invoice_sort_key(s.invoice_number))
    if not fetch_status or not submissions:
        return [_sent_case(submission, None) for submission in submissions]
    listing = target.client.list_cases()
    by_id = {case.id.lower(): case for case in listing if case.id}
    # Only an unconfirmed send is matched by reference, exactly: Debitura folds letter case,
    # and another company's case may carry the same number (see workflow.reconcile).
    by_reference = {case.creditor_reference: case for case in listing if case.creditor_reference}
    result = []
    for submission in submissions:
        case = None
        if submission.case_id:
            case = by_id.get(submission.case_id.lower())
        if case is None and submission.state == SENDING and not submission.case_id:
            case = by_reference.get(submission.creditor_reference)
        note = ""
        if case is None and submission.case_id:
            try:
                case = target.client.get_case(submission.case_id)
            except NotFound:
                note = _missing_note(target)
            except DebituraError as error:
                note = f"Debitura's view of this case could not be read: {error}"
        result.append(_sent_case(submission, case, note))
    return result


def _missing_note(target: DebituraTarget) -> str:
    if target.is_sandbox:
        return (
            "The Debitura sandbox no longer has this case: it forgets its cases when the app "
            "restarts."
        )
    return "Debitura no longer has this case (deleted, or a test case that was cleared)."


def _sent_case(submission: Submission, case: Case | None, note: str = "") -> SentCase:
    message = note
    if submission.state != CREATED:
        message = " ".join(part for part in (submission.error_message, note) if part)
    if case is not None:
        status = case.status_label
        if submission.state != CREATED:
            status = STATE_LABELS[submission.state]
        return SentCase(
            invoice_number=submission.invoice_number,
            state=submission.state,
            debtor_name=case.debtor_name,
            amount=case.amount,
            currency=case.currency,
            case_reference=case.reference or submission.case_reference,
            case_id=case.id,
            lifecycle=case.lifecycle,
            status=status,
            sent_at=submission.sent_at,
            sent_by=submission.sent_by,
            connection=_connection(submission),
            account=submission.kashflow_account,
            message=message,
            is_test=case.is_test,
            close_code=case.close_code,
            needs_info=case.needs_info,
            found_at_debitura=submission.state == CREATED,
        )
    status = STATE_LABELS.get(submission.state, submission.state)
    if submission.state == CREATED and submission.lifecycle:
        status = lifecycle_label(submission.lifecycle)  # as it was when sent
    return SentCase(
        invoice_number=submission.invoice_number,
        state=submission.state,
        case_reference=submission.case_reference,
        case_id=submission.case_id,
        lifecycle=submission.lifecycle if submission.state == CREATED else "",
        status=status,
        sent_at=submission.sent_at,
        sent_by=submission.sent_by,
        connection=_connection(submission),
        account=submission.kashflow_account,
        message=message,
        is_test=submission.test_mode,
    )


def _connection(submission: Submission) -> str:
    if submission.connection_name:
        return submission.connection_name
    # "<where>|<company>": the company is what a person recognises.
    return submission.kashflow_account.rsplit("|", 1)[-1]


def sent_cases_table(cases: Sequence[SentCase]) -> Table:
    """The sent cases as the page's downloads carry them: amounts with the currency's
    decimals, the sending time in UTC, the status in words."""
    records = [
        (
            case.invoice_number,
            case.debtor_name,
            round_money(case.amount, case.currency),
            case.currency,
            case.case_reference,
            case.status,
            _sent_time(case.sent_at),
            case.sent_by,
            case.connection,
            case.message,
            case.stage,
            LIST_SEPARATOR.join(case.needs_from_you),
            len(case.documents) if case.followed else None,
            LIST_SEPARATOR.join(case.documents),
            *_recovered_cells(case),
        )
        for case in cases
    ]
    return Table("Sent cases", EXPORT_COLUMNS, records)


def _recovered_cells(case: SentCase) -> tuple[Decimal | None, str]:
    """The "Recovered" amount and its currency; a case paid in two currencies keeps both
    in words, never one sum."""
    recovered = case.recovered_by_currency
    if len(recovered) == 1:
        [(currency, amount)] = recovered.items()
        return round_money(amount, currency), currency
    return None, case.recovered_text


def _sent_time(sent_at: str) -> datetime | None:
    """The ledger's ISO time (UTC, with its offset); ``None`` when not sent or unreadable."""
    try:
        return datetime.fromisoformat(sent_at) if sent_at else None
    except ValueError:
        return None


def sent_cases_csv(cases: Sequence[SentCase]) -> str:
    """The sent cases as CSV (``sent_cases_table``), every text cell safe to open in a
    spreadsheet."""
    return table_csv(sent_cases_table(cases), for_excel=True)


def sent_cases_xlsx(cases: Sequence[SentCase]) -> bytes:
    """The sent cases as an XLSX workbook (``sent_cases_table``)."""
    return table_xlsx(sent_cases_table(cases))
