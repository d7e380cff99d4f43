"""Pure mapping from KashFlow invoices and customers to Debitura review rows.

No I/O and no Streamlit here; pandas only in ``mapping.frame`` (import it from there, so the
rest stays usable without pandas loaded).

>>> from datetime import date
>>> from kashflow.models import Invoice
>>> policy = Policy(as_of=date(2026, 11, 21))
>>> result = map_invoices([Invoice.from_api({"Number": 1, "Status": "Unpaid",
...     "DueAmount": 1000})], {}, policy)
>>> row = result.rows[0]
>>> row.to_dict()["amount_to_recover"], row.eligible, [p.code for p in row.problems][:2]
('1000.00', False, ['missing_date', 'customer_unavailable'])
"""

from __future__ import annotations

from mapping.address import AddressSplit, is_uk_county, split_address, us_state_code
from mapping.contacts import chosen_contact, pick_email, pick_phone
from mapping.country import CountryChoice, country_from_text, resolve_country
from mapping.currency import invoice_currency, is_valid_currency
from mapping.dates import days_overdue, london_today
from mapping.debtor import DEBTOR_FIELDS, Debtor, DebtorDraft, map_debtor, override_debtor
from mapping.debtor_type import COMPANY, PRIVATE, DebtorTypeGuess, infer_debtor_type
from mapping.money import format_money, minor_units, outstanding_balance, round_money
from mapping.phone import PhoneResult, format_phone
from mapping.policy import DEFAULT_USD_RATES, Policy
from mapping.problems import ERROR, ERROR_CODES, WARNING, WARNING_CODES, Problem
from mapping.rows import MappingResult, ReviewRow, apply_overrides, build_row, map_invoices
from mapping.status import CLOSED_STATUSES, OPEN_STATUSES, canonical_status, is_open_status
from mapping.summary import AGEING_BUCKETS, ageing_bucket, totals_by_currency

__all__ = [
    "AGEING_BUCKETS", "CLOSED_STATUSES", "COMPANY", "DEBTOR_FIELDS", "DEFAULT_USD_RATES",
    "ERROR", "ERROR_CODES", "OPEN_STATUSES", "PRIVATE", "WARNING", "WARNING_CODES",
    "AddressSplit", "CountryChoice", "Debtor", "DebtorDraft", "DebtorTypeGuess",
    "MappingResult", "PhoneResult", "Policy", "Problem", "ReviewRow",
    "ageing_bucket", "apply_overrides", "build_row", "canonical_status", "chosen_contact",
    "country_from_text", "days_overdue", "format_money", "format_phone", "infer_debtor_type",
    "invoice_currency", "is_open_status", "is_uk_county", "is_valid_currency", "london_today",
    "map_debtor", "map_invoices", "minor_units", "outstanding_balance", "override_debtor",
    "pick_email", "pick_phone", "resolve_country", "round_money", "split_address",
    "totals_by_currency", "us_state_code",
]  # fmt: skip
