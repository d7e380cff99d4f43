"""The debtor of a case, mapped once per KashFlow customer and re-checked after a user's edits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kashflow.frozen import slot_builder
from kashflow.models import Customer
from mapping.address import split_address, tidy_postcode, us_state_code
from mapping.contacts import chosen_contact, name_of, pick_email, pick_phone
from mapping.country import DEFAULT_COUNTRY, country_from_text, resolve_country
from mapping.debtor_type import infer_debtor_type, parse_debtor_type
from mapping.phone import format_phone
from mapping.problems import Problem
from mapping.validation import debtor_problems

# The debtor fields a user may edit in the review grid, as override keys.
DEBTOR_FIELDS: tuple[str, ...] = (
    "type", "name", "email", "phone", "address", "postcode", "city", "country", "state",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Debtor:
    """Debitura's debtor, as one review row shows it (``state`` only matters for the US)."""

    type: str
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    state: str = ""
    # From the KashFlow customer: its primary contact's name and its VAT number (Debitura's
    # ``contactPerson`` and ``companyRegistrationNumber``, sent for companies only).
    contact_person: str = ""
    company_registration_number: str = ""

    def to_dict(self) -> dict[str, str]:
        """The ``debtor`` object of a review row.

        >>> Debtor("Private", "Jane Doe", country="GB").to_dict()["country"]
        'GB'
        """
        return {
            "type": self.type,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "address": self.address,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
            "state": self.state,
            "contact_person": self.contact_person,
            "company_registration_number": self.company_registration_number,
        }


@dataclass(frozen=True, slots=True)
class DebtorDraft:
    """A debtor plus what re-checking it needs, and its problems (computed once).

    ``type_reason`` is why the type was guessed, ``""`` once a user chose the type.
    ``country_source`` is ``code``, ``name``, ``address``, ``default`` or ``edited``.
    ``phone_raw`` is the number as typed, kept to re-format it if the country changes.
    ``unavailable`` means the customer record could not be fetched.
    """

    debtor: Debtor
    type_reason: str = ""
    country_source: str = "code"
    country_valid: bool = True
    state_valid: bool = True
    phone_raw: str = ""
    phone_valid: bool = False
    unavailable: bool = False
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def country_defaulted(self) -> bool:
        return self.country_source == "default"

    @classmethod
    def checked(
        cls,
        debtor: Debtor,
        *,
        type_reason: str,
        country_source: str,
        country_valid: bool = True,
        state_valid: bool = True,
        phone_raw: str = "",
        phone_valid: bool = False,
        unavailable: bool = False,
    ) -> DebtorDraft:
        """A draft with its problems worked out.

        >>> draft = DebtorDraft.checked(Debtor("Company", "Acme Ltd", country="GB"),
        ...     type_reason='name contains "Ltd"', country_source="code")
        >>> [problem.code for problem in draft.errors]
        ['missing_address', 'missing_city', 'missing_postcode']
        """
        errors, warnings = debtor_problems(
            name=debtor.name,
            address=debtor.address,
            city=debtor.city,
            postcode=debtor.postcode,
            country=debtor.country,
            country_valid=country_valid,
            country_defaulted=country_source == "default",
            state=debtor.state,
            state_valid=state_valid,
            email=debtor.email,
            phone_raw=phone_raw,
            phone_valid=phone_valid,
            debtor_type=debtor.type,
            type_reason=type_reason,
        )
        return _new_draft(
            debtor=debtor,
            type_reason=type_reason,
            country_source=country_source,
            country_valid=country_valid,
            state_valid=state_valid,
            phone_raw=phone_raw,
            phone_valid=phone_valid,
            unavailable=unavailable,
            errors=errors,
            warnings=warnings,
        )


# Debtor(...) and DebtorDraft(...) without their per-field look-ups: one of each per customer.
_new_debtor = slot_builder(Debtor)
_new_draft = slot_builder(DebtorDraft)


def map_debtor(customer: Customer | None, *, fallback_name: str = "") -> DebtorDraft:
    """The debtor for a KashFlow customer; ``None`` means the record could not be fetched.

    The name is the customer's, else ``fallback_name`` (the invoice's CustomerName), else the
    customer's display name, else its contact's name.

    >>> customer = Customer.from_api({"Code": "PDRI91", "Name": "Branton Joinery Ltd",
    ...     "Addresses": [{"Line1": "1 Ashwood Close", "Line2": "Branton",
    ...     "Line3": "Doncaster, South Yorkshire", "Line4": "GB", "PostCode": "DN3 3UB",
    ...     "CountryCode": "GB", "CountryName": "United Kingdom"}]})
    >>> debtor = map_debtor(customer).debtor
    >>> debtor.address, debtor.city, debtor.postcode, debtor.country, debtor.type
    ('1 Ashwood Close, Branton', 'Doncaster', 'DN3 3UB', 'GB', 'Company')
    >>> map_debtor(None, fallback_name="Acme Ltd").unavailable
    True
    """
    if customer is None:
        name = fallback_name.strip()
        guess = infer_debtor_type(name, "")
        return DebtorDraft.checked(
            Debtor(type=guess.type, name=name, country=DEFAULT_COUNTRY),
            type_reason=guess.reason,
            country_source="default",
            unavailable=True,
        )
    address = customer.billing_address
    lines = address.lines
    country, country_source = resolve_country(address.country_code, address.country_name, lines)
    split = split_address(lines, address.postcode, country)
    contact_person = name_of(chosen_contact(customer))
    name = customer.name or fallback_name.strip() or customer.display_name or contact_person
    guess = infer_debtor_type(name, customer.vat_number)
    phone_raw = pick_phone(customer)
    phone, phone_valid = format_phone(phone_raw, country)
    debtor = _new_debtor(
        type=guess.type,
        name=name,
        email=pick_email(customer),
        phone=phone,
        address=split.street,
        postcode=tidy_postcode(address.postcode or split.postcode, country),
        city=split.city,
        country=country,
        state=split.state,
        contact_person=contact_person,
        company_registration_number=customer.vat_number,
    )
    return DebtorDraft.checked(
        debtor,
        type_reason=guess.reason,
        country_source=country_source,
        country_valid=country_source != "unreadable",
        phone_raw=phone_raw,
        phone_valid=phone_valid,
    )


def override_debtor(base: DebtorDraft, overrides: Mapping[str, str]) -> DebtorDraft:
    """The draft with a user's edits applied and re-checked; unknown keys are ignored.

    An empty value clears the field. A chosen type or country stops being a guess; any edit
    means the user has taken over the debtor, so an unfetched customer stops being an error.

    >>> base = map_debtor(None, fallback_name="Jane Doe")
    >>> edited = override_debtor(base, {"type": "Private", "country": "us", "state": "Texas"})
    >>> edited.debtor.type, edited.debtor.country, edited.debtor.state, edited.unavailable
    ('Private', 'US', 'TX', False)
    """
    edits = {key: clean_value(value) for key, value in overrides.items() if key in DEBTOR_FIELDS}
    if not edits:
        return base
    old = base.debtor
    debtor_type, type_reason = old.type, base.type_reason
    if "type" in edits and (chosen := parse_debtor_type(edits["type"])):
        debtor_type, type_reason = chosen, ""
    country, country_source, country_valid = old.country, base.country_source, base.country_valid
    if "country" in edits:
        typed = edits["country"]
        alpha_2 = country_from_text(typed)
        country, country_source, country_valid = alpha_2 or typed.upper(), "edited", bool(alpha_2)
    state, state_valid = (old.state, base.state_valid) if country == "US" else ("", True)
    if "state" in edits:
        typed = edits["state"]
        code = us_state_code(typed) if country == "US" else ""
        state, state_valid = code or typed, bool(code) or country != "US"
    phone_raw = edits.get("phone", base.phone_raw)
    phone, phone_valid = format_phone(phone_raw, country if country_valid else "")
    debtor = Debtor(
        type=debtor_type,
        name=edits.get("name", old.name),
        email=edits.get("email", old.email),
        phone=phone,
        address=edits.get("address", old.address),
        postcode=tidy_postcode(edits.get("postcode", old.postcode), country),
        city=edits.get("city", old.city),
        country=country,
        state=state,
        contact_person=old.contact_person,
        company_registration_number=old.company_registration_number,
    )
    return DebtorDraft.checked(
        debtor,
        type_reason=type_reason,
        country_source=country_source,
        country_valid=country_valid,
        state_valid=state_valid,
        phone_raw=phone_raw,
        phone_valid=phone_valid,
        unavailable=False,
    )


def clean_value(value: object) -> str:
    """An edited cell as text: stripped, and ``""`` for the None or NaN of an emptied cell.

    >>> clean_value(" Leeds "), clean_value(None), clean_value(float("nan"))
    ('Leeds', '', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()
