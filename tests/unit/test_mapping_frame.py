"""Rows to a typed DataFrame for the grid, and the grid's edits back to overrides."""

from __future__ import annotations

import math
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kashflow.models import Customer, Invoice
from mapping import Policy, apply_overrides, map_invoices
from mapping.frame import COLUMNS, frame_edits, rows_to_frame

POLICY = Policy(as_of=date(2026, 11, 21))
CUSTOMERS = {
    "ACME": Customer.from_api({"Code": "ACME", "Name": "Acme Ltd", "Email": "ap@acme.example",
                               "Addresses": [{"Line1": "1 High St", "Line2": "Leeds",
                                              "PostCode": "LS1 4AB", "CountryCode": "GB"}]}),
}  # fmt: skip


def rows(count=3):
    invoices = [
        Invoice.from_api(
            {
                "Number": n,
                "CustomerCode": "ACME",
                "Status": "Overdue",
                "IssuedDate": "2026-01-01 12:00:00",
                "DueDate": f"2026-{(n % 10) + 1:02d}-01 12:00:00",
                "GrossAmount": f"{100 + n}.5050",
                "DueAmount": f"{100 + n}.5050",
                "Currency": {"Code": "JPY" if n % 2 else "GBP"},
            }
        )
        for n in range(1, count + 1)
    ]
    return map_invoices(invoices, CUSTOMERS, POLICY).rows


def test_the_frame_has_the_review_columns_with_their_types():
    frame = rows_to_frame(rows())
    assert tuple(frame.columns) == COLUMNS
    assert str(frame["invoice_number"].dtype) == "str"
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)
    assert str(frame["issued_date"].dtype) == "datetime64[us]"
    assert str(frame["due_date"].dtype) == "datetime64[us]"
    assert frame["gross_amount"].dtype == np.float64
    assert frame["amount_to_recover"].dtype == np.float64
    assert frame["days_overdue"].dtype == np.int64
    assert frame["eligible"].dtype == np.bool_
    assert frame["ageing_bucket"].cat.ordered


def test_values_match_the_rows_and_money_text_is_exact():
    data = rows()
    frame = rows_to_frame(data)
    first = frame.iloc[0]
    assert first["invoice_number"] == "1"
    assert first["currency"] == "JPY"
    assert first["amount_to_recover_text"] == "102"  # JPY: no decimals
    assert frame.iloc[1]["amount_to_recover_text"] == "102.51"  # GBP, half-up
    assert first["due_date"] == pd.Timestamp("2026-02-01")
    assert first["days_overdue"] == data[0].days_overdue
    assert first["ageing_bucket"] == "181–365"
    assert first["debtor_city"] == "Leeds"
    assert first["problem_codes"] == ", ".join(p.code for p in data[0].problems)
    assert first["problem_messages"] == "\n".join(p.message for p in data[0].problems)


def test_unknown_amounts_and_dates_are_missing_values():
    invoice = Invoice.from_api({"Number": 9, "Status": "Unpaid"})
    frame = rows_to_frame(map_invoices([invoice], {}, POLICY).rows)
    assert math.isnan(frame.loc[0, "amount_to_recover"])
    assert pd.isna(frame.loc[0, "amount_to_recover_text"])
    assert pd.isna(frame.loc[0, "due_date"])


def test_empty_rows_give_an_empty_frame_with_the_columns():
    frame = rows_to_frame([])
    assert tuple(frame.columns) == COLUMNS and len(frame) == 0


def test_frame_edits_match_rows_by_invoice_number_not_position():
    original = rows_to_frame(rows(4))
    edited = original.sort_values("due_date", ascending=False).iloc[:3].copy()
    number = edited.iloc[0]["invoice_number"]
    edited.loc[edited["invoice_number"] == number, "debtor_city"] = "York"
    edited.loc[edited["invoice_number"] == number, "debtor_type"] = "Private"
    assert frame_edits(original, edited) == {number: {"city": "York", "type": "Private"}}


@pytest.mark.parametrize("cleared", [None, "", float("nan"), "  "])
def test_a_cleared_cell_is_an_empty_override(cleared):
    original = rows_to_frame(rows(2))
    edited = original.copy()
    edited["debtor_email"] = edited["debtor_email"].astype(object)
    edited.loc[1, "debtor_email"] = cleared
    assert frame_edits(original, edited) == {"2": {"email": ""}}


def test_unchanged_frames_have_no_edits():
    original = rows_to_frame(rows(5))
    assert frame_edits(original, original.copy()) == {}


def test_edits_round_trip_through_apply_overrides():
    data = rows(2)
    original = rows_to_frame(data)
    edited = original.copy()
    edited.loc[0, "debtor_city"] = "York"
    edits = frame_edits(original, edited)
    updated = [apply_overrides(row, edits.get(row.invoice_number, {}), POLICY) for row in data]
    assert rows_to_frame(updated)["debtor_city"].tolist() == ["York", "Leeds"]


def test_twenty_thousand_rows_build_quickly():
    many = rows(1) * 20_000
    started = time.perf_counter()
    frame = rows_to_frame(many)
    assert len(frame) == 20_000
    assert time.perf_counter() - started < 2.0  # about 0.15 s on one core
