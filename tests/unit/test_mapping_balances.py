"""Each customer's own balance against its open invoices: short lists and credits show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kashflow.models import Customer, Invoice
from mapping import Policy, apply_overrides, map_invoices
from mapping.balances import check_balances, home_outstanding

POLICY = Policy(as_of=date(2026, 11, 21))  # only codes are checked here, never dates


def invoice(number, due, *, customer="ACME01", currency="GBP", rate=None, status="Overdue"):
    currency_json = {"Code": currency, **({"ExchangeRate": rate} if rate else {})}
    return Invoice.from_api({"Number": number, "CustomerCode": customer, "Status": status,
                             "DueAmount": due, "Currency": currency_json})  # fmt: skip


def test_a_customer_owing_more_than_its_open_invoices_means_the_list_is_short():
    customers = {"ACME01": Customer("ACME01", outstanding_balance=Decimal("300.00"))}
    check = check_balances([invoice(1, 100), invoice(2, 150)], customers, "GBP")
    assert check.owing_more == ("ACME01",) and check.credit_problems == {}


def test_a_customer_in_credit_gets_a_warning_with_the_amount_on_every_invoice():
    customers = {"ACME01": Customer("ACME01", name="Acme Ltd", outstanding_balance=Decimal(200))}
    invoices = [invoice(1, 100), invoice(2, 150), invoice(3, 40, customer="BOLT02")]
    check = check_balances(invoices, customers, "GBP")
    [warning] = check.credit_problems["ACME01"]
    assert warning.code == "customer_has_credit" and not warning.is_error
    assert "£50.00 less than its open invoices" in warning.message
    rows = map_invoices(invoices, customers, POLICY, customer_problems=check.credit_problems).rows
    codes = {row.invoice_number: {p.code for p in row.problems} for row in rows}
    assert "customer_has_credit" in codes["1"] and "customer_has_credit" in codes["2"]
    assert "customer_has_credit" not in codes["3"]
    edited = apply_overrides(rows[0], {"city": "York"}, POLICY)
    assert "customer_has_credit" in {p.code for p in edited.problems}


def test_pennies_of_rounding_and_closed_invoices_are_no_difference():
    customers = {"ACME01": Customer("ACME01", outstanding_balance=Decimal("250.01"))}
    invoices = [invoice(1, 100), invoice(2, 150), invoice(3, 999, status="Paid")]
    assert check_balances(invoices, customers, "GBP") == check_balances([], {}, "GBP")


def test_foreign_invoices_count_in_the_home_currency_and_unknown_rates_skip_the_check():
    assert home_outstanding(invoice(1, 116, currency="EUR", rate="1.16"), "GBP") == 100
    customers = {"ACME01": Customer("ACME01", outstanding_balance=Decimal(1))}
    no_rate = check_balances([invoice(1, 116, currency="EUR")], customers, "GBP")
    assert no_rate.owing_more == () and no_rate.credit_problems == {}
