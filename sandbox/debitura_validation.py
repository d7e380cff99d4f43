"""Field validation of Debitura request bodies: ``POST /cases`` and ``POST /cases/preview``.

One pass finds every error: each is reported through ``add(field, message)`` (the API's
``{field: [messages]}``). Every field a body may carry has a rule in
``reference/debitura/request_fields.json`` (its kind, whether it is required, its maximum
length), applied by ``_reader``; names match case-insensitively, as the API binds them, and
unknown names are errors (``additionalProperties: false``). The rules between fields are below.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sandbox.debitura_cases import Buckets, Claim
from sandbox.debitura_config import DebituraSandboxConfig
from sandbox.debitura_data import COUNTRY_NAME_ALIASES, COUNTRY_NAMES, CURRENCY_CODES, US_STATES
from sandbox.http import HTTPError
from sandbox.reference_files import read_json

Add = Callable[[str, str], None]

_RULES: dict[str, dict[str, list[Any]]] = read_json("debitura/request_fields.json")
_BUCKET_FIELDS = tuple(f"amountToRecoverOver{months}Months" for months in (6, 12, 24))
_COUNTRY_BY_NAME = {
    **{name.casefold(): code for code, name in COUNTRY_NAMES.items()},
    **{name.casefold(): code for name, code in COUNTRY_NAME_ALIASES.items()},
}
_US_STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CENT = Decimal("0.01")


def _parse_day(value: Any) -> date | None:
    """A date, or the date of an ISO 8601 date-time; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # fromisoformat takes at most microseconds
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _parse_guid(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


# Each kind of field: how a given value is read (None: invalid) and what an invalid one "must be".
_KINDS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "text": (lambda v: v if isinstance(v, str) else None, "must be a string."),
    "number": (lambda v: Decimal(v) if type(v) in (int, Decimal) else None, "must be a number."),
    "date": (_parse_day, "must be a date (YYYY-MM-DD or an ISO 8601 date-time)."),
    "guid": (_parse_guid, "must be a GUID."),
    "flag": (lambda v: v if isinstance(v, bool) else None, "must be true or false."),
    "object": (lambda v: v if isinstance(v, dict) else None, "must be an object."),
    "any": (lambda v: v, ""),
}


class FieldErrors(dict[str, list[str]]):
    """``{field: [messages]}`` in the order found."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def _reader(raw: dict[str, Any], rules: dict[str, list[Any]], add: Add, prefix: str = ""):
    """``read(name)``: that field of ``raw`` checked by its rule, or None when absent or invalid
    (the error reported through ``add``). Unknown names are reported at once."""
    names = {name.lower(): name for name in rules}
    given: dict[str, Any] = {}
    for key, value in raw.items():
        if str(key).lower() in names:
            given[names[str(key).lower()]] = value
        else:
            add(f"{prefix}{key}", f"'{key}' is not a known field. Remove it from the request.")

    def read(name: str, required: bool | None = None) -> Any:
        kind, *limits = rules[name]
        required = "required" in limits if required is None else required
        value, label, title = given.get(name), prefix + name, name[:1].upper() + name[1:]
        if value is None or (required and kind == "text" and not str(value).strip()):
            if required:
                add(label, f"{title} is required.")
            return None
        parse, must_be = _KINDS[kind]
        parsed = parse(value)
        too_long = next((limit for limit in limits if isinstance(limit, int)), None)
        if parsed is None:
            add(label, f"{title} {must_be}")
        elif too_long is not None and len(parsed) > too_long:
            add(label, f"{title} must be at most {too_long} characters.")
            return None
        return parsed

    return read


class PreviewRequest(NamedTuple):
    """A preview body that passed validation, normalised."""

    country: str
    state: str | None
    currency: str
    amount: Decimal
    due_date: date | None
    buckets: Buckets


def validate_create(body: Any, config: DebituraSandboxConfig) -> tuple[FieldErrors, Claim | None]:
    """The field errors of a create body, and the claim when there are none."""
    errors = FieldErrors()
    add = errors.add
    if not isinstance(body, dict):
        add("", "The request body must be a JSON object.")
        return errors, None
    read = _reader(body, _RULES["create"], add)
    today = config.current_date()

    currency = given_currency = read("currencyCode")
    if given_currency is not None:
        currency = given_currency.strip().upper()
        if currency not in CURRENCY_CODES:
            add("currencyCode", f"Invalid currency code: {given_currency}")

    amount = read("amountToRecover")
    if amount is not None and amount <= 0:
        add("amountToRecover", "AmountToRecover must be greater than 0.")
    buckets = _buckets(read, amount, add)

    invoice_date = read("date")
    due_date = read("dueDate", required=config.require_due_date)
    if invoice_date is not None and invoice_date > today:
        add("date", "Date cannot be in the future.")
    if due_date is not None:
        if due_date > today:
            add("dueDate", "DueDate cannot be in the future.")
        if invoice_date is not None and due_date < invoice_date:
            add("dueDate", "DueDate cannot be earlier than Date.")

    reference = read("creditorReference")
    claim_description, comments, tag = read("claimDescription"), read("comments"), read("tag")
    email = read("assignedUserEmail")
    if email and not _EMAIL.match(email):
        add("assignedUserEmail", "AssignedUserEmail is not a valid e-mail address.")
    read("returnUrl")  # invalid URLs are dropped silently
    division = read("creditorDivisionId")
    read("collectionPartnerId")
    flags = ("isTest", "allowPendingContracts", "skipDebituraVerification", "skipCreationEmails")
    is_test, allow_pending, *_ = (read(name) is True for name in flags)
    debtor, country, state = _validate_debtor(read("debtor"), add, config)
    if errors or None in (currency, amount, invoice_date, debtor, country):
        return errors, None
    return errors, Claim(
        currency=currency,
        amount=amount,
        date=invoice_date,
        due_date=due_date,
        creditor_reference=reference if reference and reference.strip() else None,
        debtor=debtor,
        country=country,
        state=state,
        buckets=buckets,
        claim_description=claim_description,
        comments=comments,
        is_test=is_test,
        tag=tag,
        allow_pending_contracts=allow_pending,
        creditor_division_id=division,
        assigned_user_email=email,
    )


def _validate_debtor(
    raw: dict[str, Any] | None, add: Add, config: DebituraSandboxConfig
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(the debtor as stored, its country, its US state) or Nones where invalid."""
    if raw is None:  # missing or not an object: reported by its rule
        return None, None, None
    read = _reader(raw, _RULES["debtor"], add, "debtor.")
    texts = {name: read(name) for name in _RULES["debtor"]}
    given = {name: (text or "").strip() for name, text in texts.items()}
    debtor_type = given["type"]
    allowed = {"company": "Company", "private": "Private"}
    if config.accept_person_type:
        allowed["person"] = "Private"
    if not debtor_type:
        add("debtor.type", "Debtor type is required.")
    elif debtor_type.lower() not in allowed:
        add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
    if not given["name"]:
        add("debtor.name", "Debtor name is required.")
    for name in config.required_debtor_fields:
        if not given.get(name):
            add(f"debtor.{name}", f"Debtor {_words(name)} is required.")
    if given["email"] and not _EMAIL.match(given["email"]):
        add("debtor.email", "Debtor email is not a valid e-mail address.")

    country = None
    alpha2, country_name = given["countryAlpha2"].upper(), given["country"]
    if alpha2:  # alpha-2 wins when both are sent
        if alpha2 in COUNTRY_NAMES:
            country = alpha2
        else:
            message = f"'{texts['countryAlpha2']}' is not a valid ISO 3166-1 alpha-2 country code."
            add("debtor.countryAlpha2", message)
    elif country_name:
        country = _COUNTRY_BY_NAME.get(country_name.casefold())
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
        state_code = given["stateAlpha2"]
        state = _us_state(state_code or given["state"])
        if state_code and state is None:
            message = f"'{state_code}' is not a US state. Send 'CA', 'US-CA' or 'California'."
            add("debtor.stateAlpha2", message)
        elif state is None:
            add("debtor.stateAlpha2", "StateAlpha2 (or State) is required for US debtors.")
    if debtor_type.lower() not in allowed or country is None:
        return None, country, state
    debtor = {**texts, "type": allowed[debtor_type.lower()], "countryAlpha2": country}
    debtor["country"] = COUNTRY_NAMES[country]
    if state is not None:
        debtor["stateAlpha2"] = state
        debtor["state"] = texts["state"] or US_STATES[state]
    return debtor, country, state


def validate_preview(
    body: Any, config: DebituraSandboxConfig
) -> tuple[FieldErrors, PreviewRequest | None]:
    """The field errors of a preview body, and the request when there are none."""
    errors = FieldErrors()
    add = errors.add
    if not isinstance(body, dict):
        raise HTTPError(400, "ValidationFailed", "The request body must be a JSON object.")
    read = _reader(body, _RULES["preview"], add)
    currency = read("currencyCode")
    if currency is not None and currency.strip().upper() not in CURRENCY_CODES:
        add("currencyCode", f"Invalid currency code: {currency}")
    amount = read("amountToRecover")
    if amount is not None and amount < _CENT:
        add("amountToRecover", "AmountToRecover must be at least 0.01.")
    buckets = _buckets(read, amount, add)
    due_date = read("dueDate")
    if due_date is not None and due_date > config.current_date():
        add("dueDate", "DueDate cannot be in the future.")
    if due_date is not None and any(bucket is not None for bucket in buckets):
        add("dueDate", "DueDate and the age bucket amounts are mutually exclusive.")
    read("returnUrl")
    country = state = None
    raw_debtor = read("debtor")
    if not isinstance(raw_debtor, dict):
        add("debtor", "Debtor (with type and countryAlpha2) is required.")
    else:
        debtor = _reader(raw_debtor, _RULES["preview_debtor"], add, "debtor.")
        debtor_type = (debtor("type") or "").strip()
        if debtor_type.lower() not in ("company", "private"):
            add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
        alpha2 = (debtor("countryAlpha2") or "").strip()
        if alpha2.upper() in COUNTRY_NAMES and len(alpha2) == 2:
            country = alpha2.upper()
        else:
            add("debtor.countryAlpha2", "CountryAlpha2 must be a valid ISO alpha-2 code.")
        given_state = (debtor("stateAlpha2") or "").strip()
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


def _buckets(read: Callable[[str], Any], amount: Decimal | None, add: Add) -> Buckets:
    over6, over12, over24 = buckets = tuple(read(name) for name in _BUCKET_FIELDS)
    six, twelve, twenty_four = _BUCKET_FIELDS
    title6, title12, title24 = (name[:1].upper() + name[1:] for name in _BUCKET_FIELDS)
    for name, value in zip(_BUCKET_FIELDS, buckets, strict=True):
        if value is not None and value < 0:
            add(name, f"{name[:1].upper()}{name[1:]} cannot be negative.")
    if (over12 is None) != (over24 is None):
        add(twelve, f"{title12} and {title24} must be provided together.")
    if over6 is not None and (over12 is None or over24 is None):
        add(six, f"{title6} can only be provided with {title12} and {title24}.")
    if over12 is not None and over24 is not None and over24 > over12:
        add(twenty_four, f"{title24} must be ≤ {title12}.")
    if over6 is not None and over12 is not None and over12 > over6:
        add(six, f"{title6} must be ≥ {title12}.")
    if amount is not None:
        for name, value in zip(_BUCKET_FIELDS, buckets, strict=True):
            if value is not None and value > amount:
                add(name, f"{name[:1].upper()}{name[1:]} must be ≤ AmountToRecover.")
    return over6, over12, over24


def _us_state(value: str) -> str | None:
    """ "CA", "US-CA" or "California" → "CA"."""
    upper = value.strip().upper().removeprefix("US-")
    return upper if upper in US_STATES else _US_STATE_BY_NAME.get(value.strip().casefold())


def decimal_or_none(text: str) -> Decimal | None:
    """A finite number written as text, else None."""
    try:
        number = Decimal(text.strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _words(name: str) -> str:
    return {"zipCode": "postcode (zipCode)"}.get(
        name, re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
    )
