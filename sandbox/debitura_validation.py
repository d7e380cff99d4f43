"""Field validation of Debitura request bodies: ``POST /cases`` and ``POST /cases/preview``.

One pass finds every error: each check reports through ``add(field, message)`` (the API's
``{field: [messages]}``) and returns the normalised value or None. Field names match
case-insensitively, as the API binds them; unknown names are errors
(``additionalProperties: false``). The field lists are ``reference/debitura/request_fields.json``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.debitura_cases import Buckets, Claim
from sandbox.debitura_config import DebituraSandboxConfig
from sandbox.debitura_data import COUNTRY_NAME_ALIASES, COUNTRY_NAMES, CURRENCY_CODES, US_STATES
from sandbox.http import HTTPError
from sandbox.reference_files import read_json

Add = Callable[[str, str], None]


def _by_lowercase(names: Iterable[str]) -> dict[str, str]:
    return {name.lower(): name for name in names}


_FIELDS = read_json("debitura/request_fields.json")
_CREATE_FIELDS = _by_lowercase(_FIELDS["create"])
_DEBTOR_FIELDS = _by_lowercase(_FIELDS["debtor"])
_PREVIEW_FIELDS = _by_lowercase(_FIELDS["preview"])
_PREVIEW_DEBTOR_FIELDS = _by_lowercase(_FIELDS["preview_debtor"])
_BUCKET_FIELDS = (
    "amountToRecoverOver6Months",
    "amountToRecoverOver12Months",
    "amountToRecoverOver24Months",
)
_COUNTRY_BY_NAME = {
    **{name.casefold(): code for code, name in COUNTRY_NAMES.items()},
    **{name.casefold(): code for name, code in COUNTRY_NAME_ALIASES.items()},
}
_US_STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CENT = Decimal("0.01")


class FieldErrors(dict[str, list[str]]):
    """``{field: [messages]}`` in the order found."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


@dataclass(frozen=True, slots=True)
class PreviewRequest:
    """A preview body that passed validation, normalised."""

    country: str
    state: str | None
    currency: str
    amount: Decimal
    due_date: date | None
    buckets: Buckets


# --- POST /cases ------------------------------------------------------------------------------


def validate_create(body: Any, config: DebituraSandboxConfig) -> tuple[FieldErrors, Claim | None]:
    """The field errors of a create body, and the claim when there are none."""
    errors = FieldErrors()
    add = errors.add
    if not isinstance(body, dict):
        add("", "The request body must be a JSON object.")
        return errors, None
    values = _known_fields(body, _CREATE_FIELDS, "", add)
    today = config.current_date()

    currency = _string(values, "currencyCode", add, required=True)
    if currency is not None:
        currency = currency.strip().upper()
        if currency not in CURRENCY_CODES:
            add("currencyCode", f"Invalid currency code: {values['currencyCode']}")

    amount = _number(values, "amountToRecover", add, required=True)
    if amount is not None and amount <= 0:
        add("amountToRecover", "AmountToRecover must be greater than 0.")
    buckets = _buckets(values, amount, add)

    invoice_date = _date(values, "date", add, required=True)
    due_date = _date(values, "dueDate", add, required=config.require_due_date)
    if invoice_date is not None and invoice_date > today:
        add("date", "Date cannot be in the future.")
    if due_date is not None:
        if due_date > today:
            add("dueDate", "DueDate cannot be in the future.")
        if invoice_date is not None and due_date < invoice_date:
            add("dueDate", "DueDate cannot be earlier than Date.")

    reference = _string(values, "creditorReference", add, max_length=50)
    if reference is not None and not reference.strip():
        reference = None
    claim_description = _string(values, "claimDescription", add, max_length=4000)
    comments = _string(values, "comments", add, max_length=4000)
    tag = _string(values, "tag", add, max_length=100)
    email = _string(values, "assignedUserEmail", add, max_length=320)
    if email and not _EMAIL.match(email):
        add("assignedUserEmail", "AssignedUserEmail is not a valid e-mail address.")
    _string(values, "returnUrl", add, max_length=2048)  # invalid URLs are dropped silently
    division = _uuid(values, "creditorDivisionId", add)
    _uuid(values, "collectionPartnerId", add)
    flags = {
        name: _flag(values, name, add)
        for name in (
            "isTest",
            "allowPendingContracts",
            "skipDebituraVerification",
            "skipCreationEmails",
        )
    }
    debtor, country, state = _validate_debtor(values.get("debtor"), "debtor" in values, add, config)
    if errors or None in (currency, amount, invoice_date, debtor, country):
        return errors, None
    return errors, Claim(
        currency=currency,
        amount=amount,
        date=invoice_date,
        due_date=due_date,
        creditor_reference=reference,
        debtor=debtor,
        country=country,
        state=state,
        buckets=buckets,
        claim_description=claim_description,
        comments=comments,
        is_test=flags["isTest"],
        tag=tag,
        allow_pending_contracts=flags["allowPendingContracts"],
        creditor_division_id=division,
        assigned_user_email=email,
    )


def _validate_debtor(
    raw: Any, present: bool, add: Add, config: DebituraSandboxConfig
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(the debtor as stored, its country, its US state) or Nones where invalid."""
    if not present or raw is None:
        add("debtor", "Debtor is required.")
        return None, None, None
    if not isinstance(raw, dict):
        add("debtor", "Debtor must be an object.")
        return None, None, None
    values = _known_fields(raw, _DEBTOR_FIELDS, "debtor.", add)
    texts = {name: _string(values, name, add, prefix="debtor.") for name in _DEBTOR_FIELDS.values()}
    debtor_type = (texts["type"] or "").strip()
    allowed = {"company": "Company", "private": "Private"}
    if config.accept_person_type:
        allowed["person"] = "Private"
    if not debtor_type:
        add("debtor.type", "Debtor type is required.")
    elif debtor_type.lower() not in allowed:
        add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
    if not (texts["name"] or "").strip():
        add("debtor.name", "Debtor name is required.")
    for name in config.required_debtor_fields:
        if not (texts.get(name) or "").strip():
            add(f"debtor.{name}", f"Debtor {_words(name)} is required.")
    email = (texts["email"] or "").strip()
    if email and not _EMAIL.match(email):
        add("debtor.email", "Debtor email is not a valid e-mail address.")

    country = None
    alpha2 = (texts["countryAlpha2"] or "").strip().upper()
    country_name = (texts["country"] or "").strip()
    if alpha2:  # alpha-2 wins when both are sent
        if alpha2 in COUNTRY_NAMES:
            country = alpha2
        else:
            add(
                "debtor.countryAlpha2",
                f"'{texts['countryAlpha2']}' is not a valid ISO 3166-1 alpha-2 country code.",
            )
    elif country_name:
        country = _COUNTRY_BY_NAME.get(country_name.strip().casefold())
        if country is None:
            add(
                "debtor.country",
                f"'{country_name}' is not a recognised country name. Use the official English "
                "name or send countryAlpha2.",
            )
    else:
        add("debtor.countryAlpha2", "CountryAlpha2 (or Country) is required.")

    state = None
    if country == "US":
        given = (texts["stateAlpha2"] or "").strip()
        state = _us_state(given) if given else _us_state((texts["state"] or "").strip())
        if given and state is None:
            add(
                "debtor.stateAlpha2",
                f"'{given}' is not a US state. Send 'CA', 'US-CA' or 'California'.",
            )
        elif state is None:
            add("debtor.stateAlpha2", "StateAlpha2 (or State) is required for US debtors.")
    if debtor_type.lower() not in allowed or country is None:
        return None, country, state
    debtor = {name: texts[name] for name in _DEBTOR_FIELDS.values()}
    debtor["type"] = allowed[debtor_type.lower()]
    debtor["countryAlpha2"] = country
    debtor["country"] = COUNTRY_NAMES[country]
    if state is not None:
        debtor["stateAlpha2"] = state
        debtor["state"] = texts["state"] or US_STATES[state]
    return debtor, country, state


# --- POST /cases/preview ----------------------------------------------------------------------


def validate_preview(
    body: Any, config: DebituraSandboxConfig
) -> tuple[FieldErrors, PreviewRequest | None]:
    """The field errors of a preview body, and the request when there are none."""
    errors = FieldErrors()
    add = errors.add
    if not isinstance(body, dict):
        raise HTTPError(400, "ValidationFailed", "The request body must be a JSON object.")
    values = _known_fields(body, _PREVIEW_FIELDS, "", add)
    currency = _string(values, "currencyCode", add, required=True)
    if currency is not None and currency.strip().upper() not in CURRENCY_CODES:
        add("currencyCode", f"Invalid currency code: {currency}")
    amount = _number(values, "amountToRecover", add, required=True)
    if amount is not None and amount < _CENT:
        add("amountToRecover", "AmountToRecover must be at least 0.01.")
    buckets = _buckets(values, amount, add)
    due_date = _date(values, "dueDate", add)
    if due_date is not None and due_date > config.current_date():
        add("dueDate", "DueDate cannot be in the future.")
    if due_date is not None and any(bucket is not None for bucket in buckets):
        add("dueDate", "DueDate and the age bucket amounts are mutually exclusive.")
    _string(values, "returnUrl", add, max_length=2048)
    country = state = None
    raw_debtor = values.get("debtor")
    if not isinstance(raw_debtor, dict):
        add("debtor", "Debtor (with type and countryAlpha2) is required.")
    else:
        debtor = _known_fields(raw_debtor, _PREVIEW_DEBTOR_FIELDS, "debtor.", add)
        debtor_type = (_string(debtor, "type", add, prefix="debtor.") or "").strip()
        if debtor_type.lower() not in ("company", "private"):
            add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
        alpha2 = (_string(debtor, "countryAlpha2", add, prefix="debtor.") or "").strip()
        if alpha2.upper() in COUNTRY_NAMES and len(alpha2) == 2:
            country = alpha2.upper()
        else:
            add("debtor.countryAlpha2", "CountryAlpha2 must be a valid ISO alpha-2 code.")
        given_state = (_string(debtor, "stateAlpha2", add, prefix="debtor.") or "").strip()
        if given_state and (len(given_state) != 2 or _us_state(given_state) is None):
            add("debtor.stateAlpha2", "StateAlpha2 must be a two-letter US state code.")
        if country == "US":
            state = _us_state(given_state) if len(given_state) == 2 else None
            if state is None and "debtor.stateAlpha2" not in errors:
                add("debtor.stateAlpha2", "StateAlpha2 is required for US cases.")
    if errors:
        return errors, None
    preview = PreviewRequest(country, state, currency.strip().upper(), amount, due_date, buckets)
    return errors, preview


# --- one field each (report through ``add``, return the value or None) ------------------------


def _known_fields(
    raw: dict[str, Any], known: Mapping[str, str], prefix: str, add: Add
) -> dict[str, Any]:
    """The object's fields under their canonical names; unknown names are errors."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = known.get(str(key).lower())
        if name is None:
            add(f"{prefix}{key}", f"'{key}' is not a known field. Remove it from the request.")
        else:
            values[name] = value
    return values


def _string(
    values: Mapping[str, Any],
    name: str,
    add: Add,
    *,
    required: bool = False,
    max_length: int | None = None,
    prefix: str = "",
) -> str | None:
    value = values.get(name)
    if value is None:
        if required:
            add(prefix + name, f"{_upper_first(name)} is required.")
        return None
    if not isinstance(value, str):
        add(prefix + name, f"{_upper_first(name)} must be a string.")
        return None
    if required and not value.strip():
        add(prefix + name, f"{_upper_first(name)} is required.")
        return None
    if max_length is not None and len(value) > max_length:
        add(prefix + name, f"{_upper_first(name)} must be at most {max_length} characters.")
        return None
    return value


def _number(values: Mapping[str, Any], name: str, add: Add, *, required=False) -> Decimal | None:
    value = values.get(name)
    if value is None:
        if required:
            add(name, f"{_upper_first(name)} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        add(name, f"{_upper_first(name)} must be a number.")
        return None
    return Decimal(value)


def _buckets(values: Mapping[str, Any], amount: Decimal | None, add: Add) -> Buckets:
    over6, over12, over24 = buckets = tuple(_number(values, name, add) for name in _BUCKET_FIELDS)
    for name, value in zip(_BUCKET_FIELDS, buckets, strict=True):
        if value is not None and value < 0:
            add(name, f"{_upper_first(name)} cannot be negative.")
    if (over12 is None) != (over24 is None):
        add(
            "amountToRecoverOver12Months",
            "AmountToRecoverOver12Months and AmountToRecoverOver24Months must be provided "
            "together.",
        )
    if over6 is not None and (over12 is None or over24 is None):
        add(
            "amountToRecoverOver6Months",
            "AmountToRecoverOver6Months can only be provided with AmountToRecoverOver12Months "
            "and AmountToRecoverOver24Months.",
        )
    if over12 is not None and over24 is not None and over24 > over12:
        add(
            "amountToRecoverOver24Months",
            "AmountToRecoverOver24Months must be ≤ AmountToRecoverOver12Months.",
        )
    if over6 is not None and over12 is not None and over12 > over6:
        add(
            "amountToRecoverOver6Months",
            "AmountToRecoverOver6Months must be ≥ AmountToRecoverOver12Months.",
        )
    if amount is not None:
        for name, value in zip(_BUCKET_FIELDS, buckets, strict=True):
            if value is not None and value > amount:
                add(name, f"{_upper_first(name)} must be ≤ AmountToRecover.")
    return over6, over12, over24


def _date(values: Mapping[str, Any], name: str, add: Add, *, required=False) -> date | None:
    value = values.get(name)
    if value is None:
        if required:
            add(name, f"{_upper_first(name)} is required.")
        return None
    if isinstance(value, str):
        parsed = _parse_day(value)
        if parsed is not None:
            return parsed
    add(name, f"{_upper_first(name)} must be a date (YYYY-MM-DD or an ISO 8601 date-time).")
    return None


def _parse_day(text: str) -> date | None:
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # fromisoformat takes at most microseconds
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _flag(values: Mapping[str, Any], name: str, add: Add) -> bool:
    value = values.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        add(name, f"{_upper_first(name)} must be true or false.")
        return False
    return value


def _uuid(values: Mapping[str, Any], name: str, add: Add) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        add(name, f"{_upper_first(name)} must be a GUID.")
        return None


def _us_state(value: str) -> str | None:
    """ "CA", "US-CA" or "California" → "CA"."""
    text = value.strip()
    upper = text.upper()
    if upper.startswith("US-"):
        upper = upper[3:]
    if upper in US_STATES:
        return upper
    return _US_STATE_BY_NAME.get(text.casefold())


def decimal_or_none(text: str) -> Decimal | None:
    """A finite number written as text, else None."""
    try:
        number = Decimal(text.strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def _words(name: str) -> str:
    return {"zipCode": "postcode (zipCode)"}.get(
        name, re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
    )
