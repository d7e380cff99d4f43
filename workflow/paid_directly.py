"""Paid directly: money (or a credit) KashFlow recorded on an invoice after it became a case.

A debtor chased for money already paid is the worst thing a collection tool can do, so each
such payment is told to the case's partner through the case chat, exactly once:

- ``find_paid_directly`` reads the invoice behind every created case (``GET /invoices/{n}``,
  a few at a time) and returns each payment dated on or after the day the case was created,
  with the notice already recorded for it, if any. A payment KashFlow gives no id is known by
  its date and amount.
- ``tell_partners`` sends what is not told yet (``POST /cases/{id}/chats``), recording each
  notice in ``store.payment_notices`` before the request leaves. A notice whose earlier answer
  was lost is settled by reading the case's chats back (the message carries the notice's
  reference) before anything is sent again; a refused one is sent again on the next run.

The Sent cases page and ``cli.py cases --notify-paid`` both call these two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from debitura import DebituraError, DebituraUnavailable
from debitura.chats import Chat
from kashflow import KashFlowClient, KashFlowError
from kashflow.models import Invoice, PaymentLine
from mapping.currency import invoice_currency
from mapping.dates import uk_date
from mapping.money import display_money
from mapping.outside_text import terminal_text
from mapping.rows import invoice_outstanding
from store.ledger import CREATED, Submission, SubmissionLedger
from store.payment_notices import SENDING, SENT, PaymentNotice, PaymentNoticeError, PaymentNotices
from workflow.access import LOCAL_RIGHTS, Rights
from workflow.debitura_target import DebituraTarget

DEFAULT_CONCURRENCY = 4  # KashFlow's guidance: keep concurrency low
_LONDON = ZoneInfo("Europe/London")  # where KashFlow companies date their books

PAID, PART_PAID, CREDITED = "paid", "part-paid", "credited"

# What telling one payment came to.
TOLD = "told"  # sent now, Debitura confirmed
FOUND = "found"  # an earlier send whose answer was lost had arrived: recorded, not resent
ALREADY_TOLD = "already told"
UNKNOWN = "unconfirmed"  # no answer: checked in the case's chats before any resend
FAILED = "failed"  # refused or not sent: sent again on the next run


@dataclass(frozen=True)
class PaidDirectly:
    """One payment on the invoice behind a case, made after the case was created."""

    invoice_number: str
    case_id: str
    case_reference: str
    creditor_reference: str
    payment: PaymentLine
    payment_key: str  # KashFlow's payment id, else "date|amount"
    currency: str
    balance_now: Decimal | None  # what KashFlow says is still owed on the invoice
    notice: PaymentNotice | None = None  # what was recorded about telling the partner

    @property
    def kind(self) -> str:
        if self.payment.is_credit_note:
            return CREDITED
        return PAID if self.balance_now is not None and self.balance_now <= 0 else PART_PAID

    @property
    def told(self) -> bool:
        return self.notice is not None and self.notice.state == SENT

    @property
    def summary(self) -> str:
        """One line for the page and the CLI: "paid in KashFlow on 12 Nov 2026: GBP 500.00"."""
        verb = "credited" if self.kind == CREDITED else "paid"
        line = f"{verb} in KashFlow on {_day(self.payment.date)}: {self.money(self.payment.amount)}"
        if self.kind != PAID:
            line += f"; balance now {self.money(self.balance_now) or 'unknown'}"
        return line

    def money(self, amount: Decimal | None) -> str:
        shown = display_money(amount, self.currency)
        return f"{self.currency} {shown}" if shown else ""


@dataclass(frozen=True)
class PaidDirectlyCheck:
    """What ``find_paid_directly`` found, and the invoices it could not read (with why)."""

    payments: tuple[PaidDirectly, ...] = ()
    unreadable: dict[str, str] = field(default_factory=dict)  # invoice number -> the error

    @property
    def to_tell(self) -> list[PaidDirectly]:
        return [payment for payment in self.payments if not payment.told]


@dataclass(frozen=True)
class NoticeOutcome:
    payment: PaidDirectly
    status: str  # TOLD, FOUND, ALREADY_TOLD, UNKNOWN or FAILED
    message: str = ""
    notice: PaymentNotice | None = None

    @property
    def told(self) -> bool:
        return self.status in (TOLD, FOUND, ALREADY_TOLD)


def find_paid_directly(
    kashflow: KashFlowClient,
    ledger: SubmissionLedger,
    notices: PaymentNotices,
    *,
    account: str,
    target_key: str,
    home_currency: str = "GBP",
    concurrency: int = DEFAULT_CONCURRENCY,
) -> PaidDirectlyCheck:
    """Every payment dated on or after its case's creation day, on the invoices behind this
    company's created cases at ``target_key``, newest case first. An invoice KashFlow cannot
    give now is listed in ``unreadable``, never skipped silently."""
    submissions = [s for s in ledger.list(account=account, target=target_key) if s.state == CREATED]
    recorded = {
        (notice.invoice_number, notice.payment_key): notice
        for notice in notices.of_account(account, target_key)
    }

    def read(submission: Submission) -> Invoice | KashFlowError:
        try:
            return kashflow.get_invoice(submission.invoice_number)
        except KashFlowError as error:
            return error

    payments: list[PaidDirectly] = []
    unreadable: dict[str, str] = {}
    with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="paid-directly") as pool:
        for submission, invoice in zip(submissions, pool.map(read, submissions), strict=True):
            if isinstance(invoice, KashFlowError):
                unreadable[submission.invoice_number] = str(invoice)
                continue
            for found in payments_after_case(invoice, submission, home_currency):
                notice = recorded.get((found.invoice_number, found.payment_key))
                payments.append(_with_notice(found, notice))
    return PaidDirectlyCheck(tuple(payments), unreadable)


def payments_after_case(
    invoice: Invoice, submission: Submission, home_currency: str = "GBP"
) -> list[PaidDirectly]:
    """The payments (and credits) on ``invoice`` dated on or after the day its case was
    created. A payment on that very day is included: it may have come after the case left,
    and telling the partner once too often costs far less than chasing a paid debt."""
    created_on = case_created_on(submission)
    if created_on is None:
        return []
    currency, _ = invoice_currency(invoice.currency_code, home_currency)
    balance = invoice_outstanding(invoice, currency, home_currency)
    found = []
    for line in invoice.detail.payment_lines:
        if line.date is None or line.amount is None or line.amount <= 0:
            continue  # a refund or a line without a date or amount is nothing to tell
        if line.date < created_on:
            continue  # known when the case was made: the amount sent already left it out
        found.append(
            PaidDirectly(
                invoice_number=submission.invoice_number,
                case_id=submission.case_id,
                case_reference=submission.case_reference,
                creditor_reference=submission.creditor_reference,
                payment=line,
                payment_key=payment_key(line),
                currency=currency,
                balance_now=balance,
            )
        )
    return found


def case_created_on(submission: Submission) -> date | None:
    """The London day the case was created (the ledger records UTC)."""
    stamp = submission.sent_at or submission.updated_at
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(_LONDON).date()


def payment_key(line: PaymentLine) -> str:
    """KashFlow's payment id, else the date and amount (one payment a day of one amount).

    >>> from kashflow.models import PaymentLine
    >>> payment_key(PaymentLine(payment_id="77")), payment_key(
    ...     PaymentLine(date=date(2026, 11, 12), amount=Decimal("500.0000")))
    ('id:77', '2026-11-12|500')
    """
    if line.payment_id.strip():
        return f"id:{line.payment_id.strip()}"
    amount = line.amount.normalize() if line.amount is not None else ""
    return f"{line.date.isoformat() if line.date else ''}|{amount:f}"


def notice_message(payment: PaidDirectly, notice_ref: str) -> str:
    """The chat message to the partner: what came in, when, how much is owed now, and the
    notice's reference (how an unconfirmed send is found again in the case's chats)."""
    line = payment.payment
    day = _day(line.date)
    amount = payment.money(line.amount)
    invoice = f"invoice {terminal_text(payment.creditor_reference or payment.invoice_number)}"
    if payment.kind == CREDITED:
        opening = f"A credit note of {amount} was applied to {invoice} on {day}."
    else:
        opening = f"The debtor paid {amount} directly to us on {day} against {invoice}."
    lines = [f"Paid directly to the creditor. {opening}"]
    details = [terminal_text(text) for text in (line.reference, line.note) if text.strip()]
    if details:
        lines.append("Payment reference in our books: " + "; ".join(details) + ".")
    if payment.balance_now is None:
        lines.append("Please check the outstanding balance with us before contacting the debtor.")
    elif payment.balance_now <= 0:
        lines.append(
            f"Outstanding balance now: {payment.money(Decimal(0))}. The invoice is settled: "
            "please stop collecting it."
        )
    else:
        lines.append(
            f"Outstanding balance now: {payment.money(payment.balance_now)}. Please collect "
            "only this amount."
        )
    lines.append(f"(Notice {notice_ref} from our accounts in KashFlow.)")
    return "\n".join(lines)


def tell_partners(
    payments: Iterable[PaidDirectly],
    *,
    target: DebituraTarget,
    ledger: SubmissionLedger,
    notices: PaymentNotices,
    account: str,
    on_result: Callable[[NoticeOutcome], None] | None = None,
    rights: Rights = LOCAL_RIGHTS,
) -> list[NoticeOutcome]:
    """Tell each partner about each payment not yet told, exactly once (see the module).

    Runs under the data folder's submit lock, so two runs (a page and the CLI) take turns
    instead of both sending. Raises ``DebituraError`` only when the team member to send as
    cannot be learnt (then nothing was sent or recorded), and ``NotASubmitter`` when
    ``rights`` (the acting user's; the CLI acts as the local user) do not allow sending.
    """
    rights.require_submitter("send paid-directly messages")
    pending = [payment for payment in payments if not payment.told]
    if not pending:
        return []
    outcomes: list[NoticeOutcome] = []
    with ledger.submit_lock():
        sender = _sender(target)
        for payment in pending:
            outcome = _tell_one(payment, target, notices, account, sender)
            outcomes.append(outcome)
            if on_result is not None:
                on_result(outcome)
    return outcomes


def _sender(target: DebituraTarget) -> str:
    """The team member the message goes out as (the API requires one)."""
    for member in target.client.team_members():
        if member.email:
            return member.email
    raise DebituraError(
        "Debitura lists no member of your team to send the message as: add one in Debitura "
        "(Settings, Team), then try again. Nothing was sent."
    )


def _tell_one(
    payment: PaidDirectly,
    target: DebituraTarget,
    notices: PaymentNotices,
    account: str,
    sender: str,
) -> NoticeOutcome:
    key = dict(
        account=account,
        target=target.key,
        invoice_number=payment.invoice_number,
        payment_key=payment.payment_key,
    )
    earlier = notices.get(key["account"], key["target"], key["invoice_number"], key["payment_key"])
    try:
        notice = notices.begin(**key, case_id=payment.case_id)
    except PaymentNoticeError:
        return NoticeOutcome(payment, ALREADY_TOLD, notice=earlier)
    if earlier is not None and earlier.state == SENDING:
        # An earlier send got no answer: look for it before sending anything.
        try:
            arrived = _find_in_chats(target, notice)
        except DebituraError as error:
            return _unknown(payment, notices, notice, f"Its chat could not be read: {error}")
        if arrived is not None:
            notice = notices.mark_sent(notice, chat_id=arrived.id)
            return NoticeOutcome(payment, FOUND, "It had arrived at Debitura.", notice)
    message = notice_message(payment, notice.notice_ref)
    try:
        chat = target.client.post_case_chat(
            payment.case_id,
            message,
            idempotency_key=notice.idempotency_key,
            user_email=sender,
        )
    except DebituraUnavailable as error:
        notices.mark_unknown(notice, error_message=str(error))
        try:  # the message may have been stored: look now rather than on the next run
            arrived = _find_in_chats(target, notice)
        except DebituraError:
            arrived = None
        if arrived is not None:
            notice = notices.mark_sent(notice, chat_id=arrived.id)
            return NoticeOutcome(payment, FOUND, "Debitura's answer was lost; it arrived.", notice)
        return _unknown(payment, notices, notice, str(error))
    except DebituraError as error:
        notice = notices.mark_failed(notice, error_message=str(error))
        return NoticeOutcome(payment, FAILED, f"{error} It is sent again on the next run.", notice)
    notice = notices.mark_sent(notice, chat_id=chat.id)
    return NoticeOutcome(payment, TOLD, notice=notice)


def _unknown(
    payment: PaidDirectly, notices: PaymentNotices, notice: PaymentNotice, why: str
) -> NoticeOutcome:
    notice = notices.mark_unknown(notice, error_message=why)
    message = (
        f"Debitura did not confirm the message ({why}). The case's chat is checked before "
        "it is sent again."
    )
    return NoticeOutcome(payment, UNKNOWN, message, notice)


def _find_in_chats(target: DebituraTarget, notice: PaymentNotice) -> Chat | None:
    for chat in target.client.case_chats(notice.case_id):
        if notice.notice_ref in chat.message:
            return chat
    return None


def _with_notice(payment: PaidDirectly, notice: PaymentNotice | None) -> PaidDirectly:
    if notice is None:
        return payment
    return replace(payment, notice=notice)


def _day(day: date | None) -> str:
    return uk_date(day) if day is not None else "an unknown day"


def outcome_counts(outcomes: Sequence[NoticeOutcome]) -> dict[str, int]:
    """How many outcomes of each status, for a one-line summary."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return counts
