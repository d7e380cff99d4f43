"""Listing every invoice across pages, whatever shape and misbehaviour the server has."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from kashflow import Invoice, UnexpectedResponse
from tests.unit.kashflow_fakes import BASE, add_login, calls_to, make_client


class FakeInvoiceList:
    """A server-side invoice list with the quirks real KashFlow has been seen to show."""

    def __init__(
        self,
        numbers,
        *,
        cap=100,
        shape="envelope",
        next_url="normal",
        drift_passes=0,
        reject_filter=False,
    ):
        self.numbers = list(numbers)
        self.cap = cap
        self.shape = shape
        self.next_url = next_url
        self.drift_passes = drift_passes  # how many first-page requests hide a row
        self.reject_filter = reject_filter
        self.first_pages_served = 0
        self.queries: list[dict] = []

    def __call__(self, request):
        query = {key: values[0] for key, values in parse_qs(urlparse(request.url).query).items()}
        self.queries.append(query)
        if self.reject_filter and "statusfilter" in query:
            return 400, {}, json.dumps({"Error": "InvalidFilter", "Message": "Bad filter"})
        page, size = int(query["page"]), min(int(query["perpage"]), self.cap)
        if page == 1:
            self.first_pages_served += 1
        visible = list(self.numbers)
        if page > 1 and self.first_pages_served <= self.drift_passes:
            visible.pop(0)  # a row before the window vanished: everything shifts up by one
        rows = [{"Number": n, "Status": "Unpaid"} for n in visible[(page - 1) * size : page * size]]
        if self.shape == "bare":
            return 200, {}, json.dumps(rows)
        last = (page * size) >= len(self.numbers)
        meta = {"TotalRecords": len(self.numbers)}
        if self.next_url == "normal":
            meta["NextPageUrl"] = None if last else f"/v2/invoices?page={page + 1}"
        return 200, {}, json.dumps({"MetaData": meta, "Data": rows})


def serve(fake: FakeInvoiceList) -> None:
    add_login(responses.mock)
    responses.add_callback(
        responses.GET, f"{BASE}/invoices", callback=fake, content_type="application/json"
    )


def listed_numbers(listing) -> list[int]:
    return [int(invoice.number) for invoice in listing.invoices]


@responses.activate
def test_pages_are_requested_sorted_by_number_with_the_open_status_filter():
    fake = FakeInvoiceList(range(1, 251))
    serve(fake)
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == list(range(1, 251))
    assert fake.queries[0] == {
        "page": "1",
        "perpage": "100",
        "sortby": "Number",
        "order": "asc",
        "statusfilter": "NotFullyPaid",
    }
    assert [q["page"] for q in fake.queries] == ["1", "2", "3"]
    assert listing.complete and listing.total_records == 250 and listing.passes == 1


@responses.activate
def test_silently_capped_page_size_still_lists_everything():
    fake = FakeInvoiceList(range(1, 96), cap=20)
    serve(fake)
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == list(range(1, 96))
    assert len(fake.queries) == 5  # 95 rows at 20 a page


@responses.activate
def test_missing_next_page_url_is_tolerated():
    fake = FakeInvoiceList(range(1, 151), next_url="absent")
    serve(fake)
    assert listed_numbers(make_client().list_invoices()) == list(range(1, 151))


@responses.activate
def test_a_bare_array_is_paged_until_an_empty_page():
    fake = FakeInvoiceList(range(1, 131), shape="bare", cap=50)
    serve(fake)
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == list(range(1, 131))
    assert [q["page"] for q in fake.queries] == ["1", "2", "3", "4"]
    assert listing.total_records is None and listing.complete


@responses.activate
def test_rows_slipping_between_pages_trigger_another_pass_and_are_deduplicated():
    fake = FakeInvoiceList(range(1, 301), drift_passes=1)
    serve(fake)
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == list(range(1, 301))  # each once, none missing
    assert listing.passes == 2 and listing.complete


@responses.activate
def test_a_listing_that_stays_short_is_reported_incomplete():
    fake = FakeInvoiceList(range(1, 301), drift_passes=99)
    serve(fake)
    listing = make_client().list_invoices()
    assert not listing.complete
    assert listing.passes == 3
    assert len(listing.invoices) < 300


@responses.activate
def test_a_rejected_status_filter_falls_back_to_the_full_list():
    fake = FakeInvoiceList(range(1, 11), reject_filter=True)
    serve(fake)
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == list(range(1, 11))
    assert listing.status_filter is None
    assert "statusfilter" not in fake.queries[-1]


@responses.activate
def test_known_pages_are_fetched_concurrently_and_reported_as_they_arrive():
    fake = FakeInvoiceList(range(1, 1001))
    serve(fake)
    seen: list[int] = []
    progress = []

    def on_rows(invoices, state):
        seen.extend(int(invoice.number) for invoice in invoices)
        progress.append((state.pages_fetched, state.pages_expected))

    with ThreadPoolExecutor(8) as pool:
        listing = make_client().list_invoices(submit=pool.submit, on_rows=on_rows)
    assert sorted(seen) == list(range(1, 1001))
    assert listed_numbers(listing) == list(range(1, 1001))
    assert progress[-1] == (10, 10)


@responses.activate
def test_each_invoice_is_parsed_once_and_delivered_as_the_object_listed(monkeypatch):
    fake = FakeInvoiceList(range(1, 251))
    serve(fake)
    parse = Invoice.from_api
    parsed: list[str] = []

    def counting_parse(raw):
        parsed.append(str(raw["Number"]))
        return parse(raw)

    monkeypatch.setattr(Invoice, "from_api", counting_parse)
    delivered = []
    listing = make_client().list_invoices(on_rows=lambda invoices, _: delivered.extend(invoices))

    assert sorted(parsed, key=int) == [str(n) for n in range(1, 251)]  # once each
    by_number = {invoice.number: invoice for invoice in delivered}
    assert all(by_number[invoice.number] is invoice for invoice in listing.invoices)


@responses.activate
def test_rows_without_a_number_are_counted_not_listed():
    add_login(responses.mock)
    responses.add(
        responses.GET,
        f"{BASE}/invoices",
        json={"MetaData": {"TotalRecords": 2}, "Data": [{"Number": 5}, {"Status": "Unpaid"}]},
    )
    responses.add(responses.GET, f"{BASE}/invoices", json={"MetaData": {}, "Data": []})
    listing = make_client().list_invoices()
    assert listed_numbers(listing) == [5]
    assert listing.rows_without_number == 1


@pytest.mark.parametrize("body", ['{"Data": "nope"}', '"just a string"', '{"Something": 1}'])
@responses.activate
def test_a_page_in_an_unknown_shape_is_an_unexpected_response(body):
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/invoices", body=body)
    with pytest.raises(UnexpectedResponse):
        make_client().list_invoices()
    assert len(calls_to(responses.mock, "GET", "invoices")) == 1
