"""What the sent cases say about follow-through, without a server: every lifecycle in words,
money recovered per currency (never one sum across currencies), in the exports too."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from debitura import LIFECYCLES, Payment
from workflow.case_stage import lifecycle_words
from workflow.follow_through import recovered_totals
from workflow.sent_cases import SentCase, sent_cases_csv


def test_every_debitura_lifecycle_has_words_an_analyst_reads():
    for lifecycle in set(LIFECYCLES) - {"Closed"}:  # closed: said with its close code
        words = lifecycle_words(lifecycle)
        assert words != lifecycle and " " in words  # a phrase, not an enum value
    assert lifecycle_words("Closed", "Partially paid") == "Closed: partly paid"


def test_a_case_paid_in_two_currencies_is_never_one_sum():
    case = SentCase(
        "1042",
        "created",
        currency="GBP",
        lifecycle="Active",
        followed=True,
        payments=(
            Payment(amount=Decimal("100.00"), currency="GBP"),
            Payment(amount=Decimal("50.00"), currency="EUR"),
            Payment(amount=Decimal("25.50")),  # no currency: the case's
        ),
    )
    assert case.recovered_by_currency == {"GBP": Decimal("125.50"), "EUR": Decimal("50.00")}
    assert recovered_totals([case, case]) == {"EUR": Decimal("100.00"), "GBP": Decimal("251.00")}
    [record] = csv.DictReader(io.StringIO(sent_cases_csv([case]).removeprefix("\ufeff")))
    assert record["Recovered"] == ""
    assert record["Recovered currency"] == "GBP 125.50 · EUR 50.00"
    assert record["Where it stands"] == "The collection partner is collecting"
    assert record["Documents attached"] == "0"


def test_a_case_in_one_currency_exports_its_amount_as_a_number():
    case = SentCase(
        "7",
        "created",
        currency="JPY",
        lifecycle="Closed",
        close_code="Paid",
        documents=("invoice-7.pdf",),
        followed=True,
        open_tasks=("Answer the partner",),
        validation_items=("Documents: Upload the invoice",),
        payments=(Payment(amount=Decimal("150000"), currency="JPY"),),
    )
    [record] = csv.DictReader(io.StringIO(sent_cases_csv([case]).removeprefix("\ufeff")))
    assert (record["Recovered"], record["Recovered currency"]) == ("150000", "JPY")
    assert record["Where it stands"] == "Closed: paid in full"
    assert record["Needs from you"] == "Answer the partner; Documents: Upload the invoice"
    assert (record["Documents attached"], record["Document names"]) == ("1", "invoice-7.pdf")


def test_documents_not_read_are_blank_not_zero():
    [record] = csv.DictReader(
        io.StringIO(sent_cases_csv([SentCase("9", "created")]).removeprefix("\ufeff"))
    )
    assert record["Documents attached"] == ""
