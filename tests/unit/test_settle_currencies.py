"""Open invoices whose list row says no currency: the customer's record, else the invoice's
detail, else blocked; never the home currency for a foreign invoice."""

from __future__ import annotations

from concurrent.futures import Future
from decimal import Decimal

from kashflow import Customer, Invoice, NotFound
from workflow.currencies import settle_currencies


def list_row(number, customer="ACME01", *, gross="100.00", home_gross="86.21", status="Overdue"):
    return Invoice.from_api({
        "Number": number, "CustomerCode": customer, "Status": status, "Currency": None,
        "GrossAmount": gross, "HomeCurrencyGrossAmount": home_gross,
    })  # fmt: skip


class Details:
    """``read_detail`` over a dict of answers; records what was asked."""

    def __init__(self, answers):
        self.answers, self.asked = answers, []

    def __call__(self, number):
        self.asked.append(number)
        future = Future()
        answer = self.answers[number]
        if isinstance(answer, Exception):
            future.set_exception(answer)
        else:
            future.set_result(answer)
        return future


def test_the_customers_currency_settles_a_foreign_invoice_without_a_request():
    details = Details({})
    customers = {"ACME01": Customer("ACME01", currency_code="EUR")}
    settled = settle_currencies([list_row("7")], customers, "GBP", details)
    assert settled.invoices[0].currency_code == "EUR"
    assert (settled.unknown, details.asked) == (frozenset(), [])


def test_home_amounts_mean_the_home_currency():
    settled = settle_currencies([list_row("7", home_gross="100.00")], {}, "GBP", Details({}))
    assert settled.invoices[0].currency_code == "GBP"


def test_otherwise_the_detail_is_read_and_its_currency_and_rate_used():
    detail = Invoice.from_api({"Number": 7, "Currency": {"Code": "EUR", "ExchangeRate": 1.16}})
    details = Details({"7": detail})
    customers = {"ACME01": Customer("ACME01", currency_code="GBP")}  # says home; amounts don't
    settled = settle_currencies([list_row("7")], customers, "GBP", details)
    assert details.asked == ["7"] and settled.details_read == 1
    assert settled.invoices[0].currency_code == "EUR"
    assert settled.invoices[0].exchange_rate == Decimal("1.16")


def test_an_invoice_nobody_can_place_is_unknown_not_home():
    details = Details({"7": NotFound("gone"), "8": Invoice.from_api({"Number": 8})})
    invoices = [list_row("7"), list_row("8", home_gross=None)]
    settled = settle_currencies(invoices, {}, "GBP", details)
    assert settled.unknown == {"7", "8"}
    assert [i.currency_code for i in settled.invoices] == ["", ""]


def test_closed_invoices_and_rows_with_a_currency_are_left_alone():
    paid = list_row("1", status="Paid")
    eur = Invoice.from_api({"Number": 2, "Status": "Overdue", "Currency": {"Code": "EUR"}})
    details = Details({})
    settled = settle_currencies([paid, eur], {}, "GBP", details)
    assert settled.invoices == (paid, eur) and details.asked == []
