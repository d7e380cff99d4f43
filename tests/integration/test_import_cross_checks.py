"""The import checks KashFlow against itself: a status filter read differently, a customer in
credit and list rows without a currency are caught with what is fetched anyway."""

from __future__ import annotations

from tests.integration.test_import_pipeline import open_numbers, run_import
from workflow.importing import import_summary


def test_a_filter_that_leaves_out_overdue_invoices_is_caught_and_the_list_read_again(
    start_kashflow_sandbox,
):
    server = start_kashflow_sandbox(statusfilter_mode="drop_overdue")
    _, result = run_import(server)
    assert sorted(row.invoice_number for row in result.rows) == sorted(open_numbers(server))
    assert {row.status for row in result.rows} >= {"Overdue", "OverduePartPaid"}
    [note] = result.notes
    assert "looked short" in note and "Every invoice was listed instead" in note
    assert note in import_summary(result)


def test_an_honest_filter_costs_no_second_listing(kashflow_sandbox):
    _, result = run_import(kashflow_sandbox)
    assert result.notes == ()


def test_a_customer_in_credit_warns_on_each_of_its_invoices(start_kashflow_sandbox):
    server = start_kashflow_sandbox(credit_customer=True)
    _, result = run_import(server)
    warned = [row for row in result.rows if "customer_has_credit" in {p.code for p in row.problems}]
    assert warned and len({row.customer_code for row in warned}) == 1
    message = next(p.message for p in warned[0].problems if p.code == "customer_has_credit")
    assert "less than its open invoices here" in message


def test_a_list_row_without_a_currency_is_never_taken_for_the_home_currency(
    start_kashflow_sandbox,
):
    server = start_kashflow_sandbox(hostile=True)
    _, result = run_import(server)
    euro_rows = [row for row in result.rows if row.currency == "EUR"]
    null_currency = [
        invoice for invoice in server.dataset.invoices
        if invoice.is_open and invoice.summary.get("Currency") is None
    ]  # fmt: skip
    assert null_currency, "the hostile books carry an EUR invoice without a list currency"
    for invoice in null_currency:
        assert str(invoice.number).strip() in {row.invoice_number.strip() for row in euro_rows}


def test_two_invoices_under_one_number_both_arrive_and_are_blocked(start_kashflow_sandbox):
    server = start_kashflow_sandbox(hostile=True)
    _, result = run_import(server)
    assert result.listing_complete  # the second invoice is not taken for a paging repeat
    shared = [
        row for row in result.rows
        if "duplicate_invoice_number" in {p.code for p in row.problems}
    ]  # fmt: skip
    assert len(shared) == 1 and not shared[0].eligible
    numbers = {row.invoice_number.strip() for row in result.rows}
    assert {"²", "1/2", ".", "..", "12"} <= numbers  # none of them broke the import
    assert any(len(number) == 5000 for number in numbers)
