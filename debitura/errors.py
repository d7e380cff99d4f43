"""One error hierarchy for everything the Debitura client can report.

Every error carries the HTTP status, the URL (the API key travels in a header, never in a URL),
the decoded API body and the API's own message. ``str(error)`` is the sentence a finance analyst
can act on: each business-rule class words its own ``explanation``. What a caller does about an
error (the CLI's exit code, say) is the caller's to decide.

    DebituraError
    ├── AuthenticationFailed          401/403: the API key was refused
    ├── NotFound                      404
    ├── ValidationFailed              400: ``field_errors`` {field: (messages, ...)}
    ├── BusinessRuleViolation         422: ``errors`` (BusinessError, ...), ``kind``
    │   ├── NoPartnerAvailable
    │   ├── DuplicateReference        (= DuplicateCreditorReference)
    │   ├── IdempotencyConflict
    │   ├── CreditorBlocked
    │   ├── UnsupportedCountry, UnsupportedCurrency
    │   └── CreditorActionRequired    ``solution_url``
    │       ├── MissingDebtCollectionContract
    │       ├── MissingPowerOfAttorney
    │       └── MissingKycVerification
    ├── RequestRejected               any other 4xx
    └── DebituraUnavailable           5xx, dropped connections, timeouts (after retries)
        ├── RateLimited               429
        └── UnexpectedResponse        a success that is not the JSON we expect
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from httpretry import spellings
from jsonwire.fields import Fields, to_text


@dataclass(frozen=True, slots=True)
class BusinessError:
    """One entry of the API's ``businessErrors`` list."""

    type: str
    message: str = ""
    solution_url: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> BusinessError:
        fields = Fields(raw)
        return cls(
            type=fields.text("type", "code", "error"),
            message=fields.text("message", "description"),
            solution_url=fields.text("solutionUrl"),
        )


class DebituraError(Exception):
    """Base class. Catch this to handle anything the client raises."""

    default_message = "Debitura returned an error."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        url: str | None = None,
        api_body: Any = None,
        api_message: str = "",
    ) -> None:
        self.status = status
        self.url = url
        self.api_body = api_body  # decoded JSON, or a short text excerpt of a non-JSON body
        self.api_message = api_message
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        """The user-facing sentence (the same as ``str(error)``)."""
        return str(self)

    def redact(self, secret: str) -> None:
        """Remove ``secret`` from everything this error shows (an API echoing the key), as
        typed or %-encoded (the form a redirect's address shows it in)."""
        for spelling in spellings(secret):
            self.args = tuple(
                arg.replace(spelling, "***") if isinstance(arg, str) else arg for arg in self.args
            )
            self.api_message = self.api_message.replace(spelling, "***")
            self.api_body = _redacted(self.api_body, spelling)
            if self.url:
                self.url = self.url.replace(spelling, "***")
            for name in ("field_errors", "errors"):
                value = getattr(self, name, None)
                if value is not None:
                    setattr(self, name, _redacted(value, spelling))


def _redacted(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, BusinessError):
        parts = (value.type, value.message, value.solution_url)
        return BusinessError(*(part.replace(secret, "***") for part in parts))
    if isinstance(value, Mapping):
        return {_redacted(key, secret): _redacted(item, secret) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redacted(item, secret) for item in value)
    return value


class AuthenticationFailed(DebituraError):
    default_message = (
        "Debitura did not accept the API key. Check DEBITURA_API_KEY: copy the key again from "
        "your Debitura account (Settings → API key) or create a new one."
    )


class NotFound(DebituraError):
    default_message = "Debitura has no such case."


class RequestRejected(DebituraError):
    """Debitura refused a request for a reason not covered by a more specific class."""

    default_message = "Debitura rejected the request."


class ValidationFailed(DebituraError):
    """400: field validation failed. Nothing was created; fix the fields and send again.

    ``field_errors`` maps a field name (``"debtor.countryAlpha2"``; the legacy body's keys, or
    the error ``type`` of the newer ``ApiErrorResponseDto``; ``""`` when the API named no field)
    to the API's messages for it.
    """

    default_message = "Debitura rejected the case details."

    def __init__(
        self,
        message: str | None = None,
        *,
        field_errors: Mapping[str, Iterable[str]] | None = None,
        errors: Iterable[BusinessError] = (),
        **context: Any,
    ) -> None:
        self.field_errors: dict[str, tuple[str, ...]] = {
            name: tuple(messages) for name, messages in (field_errors or {}).items()
        }
        self.errors: tuple[BusinessError, ...] = tuple(errors)
        super().__init__(message, **context)


class BusinessRuleViolation(DebituraError):
    """422: a business rule stopped the case. Nothing was created. Never retried automatically.

    ``errors`` lists every ``{type, message, solutionUrl}`` the API sent; ``kind`` names the one
    this class stands for (the API's ``type`` for an unknown rule); ``solution_url`` is the
    first URL the API offered to resolve it; ``signing_url`` is the API's combined signing URL.

    Each subclass words its rule in ``explanation``, a template ``explained()`` fills in, so a
    new rule is one new class. The fields: ``{said}`` Debitura's own words, quoted (empty when
    it gave none); ``{reason}`` the same, or that no reason was given; ``{ref}`` the creditor
    reference after a space; ``{where}`` where to resolve it; ``{resolve}`` a sentence naming
    the solution URL when there is one.
    """

    kind: str = "BusinessRule"
    types: ClassVar[frozenset[str]] = frozenset()
    default_message = "Debitura refused the case."
    explanation: ClassVar[str] = "Debitura refused the case.{reason}{resolve}"

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: Iterable[BusinessError] = (),
        kind: str | None = None,
        signing_url: str = "",
        creditor_reference: str = "",
        **context: Any,
    ) -> None:
        self.errors: tuple[BusinessError, ...] = tuple(errors)
        if kind:
            self.kind = kind
        self.signing_url = signing_url
        self.creditor_reference = creditor_reference
        super().__init__(message, **context)

    @property
    def solution_url(self) -> str:
        own = [error for error in self.errors if error.type.lower() in self._own_types()]
        for error in [*own, *self.errors]:
            if error.solution_url:
                return error.solution_url
        return self.signing_url

    def explained(self) -> str:
        """This rule's ``explanation`` filled in, then every other rule Debitura reported."""
        own_types = self._own_types()
        own = [e for e in self.errors if e.type.lower() in own_types] or list(self.errors[:1])
        others = [e for e in self.errors if e not in own]
        said = _quoted([e.message for e in own])
        url = self.solution_url
        text = self.explanation.format(
            said=said,
            reason=said or " No reason was given.",
            ref=f" {self.creditor_reference}" if self.creditor_reference else "",
            where=f"at {url}" if url else "in your Debitura account",
            resolve=f" To resolve it, go to {url}." if url else "",
        )
        for other in others:
            extra = f" Also: {other.message or other.type}"
            if other.solution_url:
                extra += f" ({other.solution_url})"
            text += extra if extra.endswith(".") else extra + "."
        return text

    def _own_types(self) -> frozenset[str]:
        return frozenset(name.lower() for name in (*self.types, self.kind))


class NoPartnerAvailable(BusinessRuleViolation):
    kind = "NoPartnerAvailable"
    types = frozenset({"NoPartnerAvailable"})
    explanation = (
        "Debitura has no collection partner for this case: the debtor's country, the amount "
        "or the debtor type is not covered.{said} It cannot be sent to Debitura as it is; "
        "do not send it again unchanged."
    )


class DuplicateReference(BusinessRuleViolation):
    kind = "DuplicateReference"
    types = frozenset({"DuplicateReference", "DuplicateCreditorReference"})
    explanation = (
        "Debitura already has a case with the creditor reference{ref}, so nothing new was "
        "created.{said} Look the existing case up instead of sending it again."
    )


DuplicateCreditorReference = DuplicateReference


class IdempotencyConflict(BusinessRuleViolation):
    kind = "IdempotencyConflict"
    types = frozenset({"IdempotencyConflict"})
    explanation = (
        "This submission's idempotency key was already used for a request with different "
        "details, so Debitura created nothing.{said} Check the sent cases before sending "
        "again; a changed invoice needs a new submission."
    )


class CreditorBlocked(BusinessRuleViolation):
    kind = "CreditorBlocked"
    types = frozenset({"CreditorBlocked"})
    explanation = (
        "Your Debitura account is blocked, so no case can be sent.{said} Contact Debitura "
        "support to unblock it."
    )


class UnsupportedCountry(BusinessRuleViolation):
    kind = "UnsupportedCountry"
    types = frozenset({"UnsupportedCountry"})
    explanation = (
        "Debitura does not take cases against debtors in this country.{said} This case "
        "cannot be sent to Debitura."
    )


class UnsupportedCurrency(BusinessRuleViolation):
    kind = "UnsupportedCurrency"
    types = frozenset({"UnsupportedCurrency"})
    explanation = (
        "Debitura does not take cases in this currency.{said} This case cannot be sent to "
        "Debitura in this currency."
    )


class CreditorActionRequired(BusinessRuleViolation):
    """The creditor must sign or verify something first; ``solution_url`` says where."""


class MissingDebtCollectionContract(CreditorActionRequired):
    kind = "MissingDebtCollectionContract"
    types = frozenset({"MissingDebtCollectionContract"})
    explanation = (
        "Debitura needs your signed Standard Debt Collection Agreement before it accepts "
        "cases.{said} Sign the agreement {where}, then send the case again."
    )


class MissingPowerOfAttorney(CreditorActionRequired):
    kind = "MissingPowerOfAttorney"
    types = frozenset({"MissingPowerOfAttorney"})
    explanation = (
        "The collection partner for this debtor needs a power of attorney from you."
        "{said} Sign it {where}, then send the case again."
    )


class MissingKycVerification(CreditorActionRequired):
    kind = "MissingKycVerification"
    types = frozenset({"MissingKycVerification"})
    explanation = (
        "The collection partner needs identity (KYC) verification of your company's "
        "directors first.{said} Complete the verification {where}, then send the case "
        "again."
    )


class DebituraUnavailable(DebituraError):
    """Debitura could not be reached or kept failing after retries. Worth trying again later.

    ``outcome_unknown`` is true when a case was being created: it may exist at Debitura even
    so, and must be looked up by its creditor reference before it is sent again.
    """

    default_message = (
        "Debitura could not be reached. Check your internet connection and try again in a few "
        "minutes."
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.retry_after = retry_after  # seconds Debitura asked us to wait, when it said
        self.outcome_unknown = outcome_unknown


class RateLimited(DebituraUnavailable):
    default_message = "Debitura is asking us to slow down. Wait a minute and try again."


class UnexpectedResponse(DebituraUnavailable):
    default_message = (
        "Debitura answered with something that is not valid data (possibly a maintenance page). "
        "Try again in a few minutes."
    )


# --- building errors from responses -----------------------------------------------------------

# Most specific first: when one answer carries several rules, the first class found here wins.
_BUSINESS_CLASSES: tuple[type[BusinessRuleViolation], ...] = (
    IdempotencyConflict,
    DuplicateReference,
    CreditorBlocked,
    NoPartnerAvailable,
    UnsupportedCountry,
    UnsupportedCurrency,
    MissingDebtCollectionContract,
    MissingPowerOfAttorney,
    MissingKycVerification,
)
_CLASS_BY_TYPE = {name.lower(): cls for cls in _BUSINESS_CLASSES for name in cls.types}

_FRIENDLY_FIELDS = {
    "currencycode": "currency",
    "amounttorecover": "amount to recover",
    "amounttorecoverover6months": "amount over 6 months overdue",
    "amounttorecoverover12months": "amount over 12 months overdue",
    "amounttorecoverover24months": "amount over 24 months overdue",
    "date": "invoice date",
    "duedate": "due date",
    "creditorreference": "creditor reference (invoice number)",
    "claimdescription": "claim description",
    "comments": "comments",
    "debtor": "debtor",
    "debtor.type": "debtor type",
    "debtor.name": "debtor name",
    "debtor.address": "debtor address",
    "debtor.city": "debtor city",
    "debtor.zipcode": "debtor postcode",
    "debtor.countryalpha2": "debtor country",
    "debtor.country": "debtor country",
    "debtor.statealpha2": "debtor state",
    "debtor.state": "debtor state",
    "debtor.email": "debtor email",
    "debtor.phone": "debtor phone",
    "assigneduseremail": "case owner email",
    "tag": "test tag",
}


def friendly_field(name: str) -> str:
    """A field path in words for a finance analyst.

    >>> friendly_field("Debtor.CountryAlpha2"), friendly_field("$.dueDate"), friendly_field("x")
    ('debtor country', 'due date', 'x')
    """
    key = name.strip().lstrip("$").lstrip(".").lower()
    return _FRIENDLY_FIELDS.get(key, name.strip())


def business_errors(payload: Any) -> tuple[list[BusinessError], str]:
    """The business errors of a 4xx body in any known shape, and its combined signing URL.

    Reads ``BusinessErrorResponseApiDTO``/``ApiErrorResponseDto`` (``businessErrors``) and the
    legacy ``{"BusinessRule": ["..."]}`` body.

    >>> business_errors({"BusinessRule": ["We don't have a partner"]})[0]
    [BusinessError(type='BusinessRule', message="We don't have a partner", solution_url='')]
    """
    fields = Fields(payload)
    signing_url = fields.object("signingHandoff").text("combinedSigningUrl")
    errors = [BusinessError.from_api(item) for item in fields.objects("businessErrors")]
    if not errors:
        errors = [BusinessError("BusinessRule", text) for text in fields.texts("BusinessRule")]
    return errors, signing_url


def classify(errors: list[BusinessError]) -> type[BusinessRuleViolation]:
    """The most specific class for a list of business errors (legacy texts by their words).

    >>> classify([BusinessError("BusinessRule",
    ...     "We don't have an exclusive pre-legal partner in the provided jurisdiction")])
    <class 'debitura.errors.NoPartnerAvailable'>
    """
    found = {_class_for(error) for error in errors}
    for cls in _BUSINESS_CLASSES:
        if cls in found:
            return cls
    return BusinessRuleViolation


def _class_for(error: BusinessError) -> type[BusinessRuleViolation] | None:
    cls = _CLASS_BY_TYPE.get(error.type.lower())
    if cls is not None:
        return cls
    text = f"{error.type} {error.message}".lower()
    if "idempotency" in text:
        return IdempotencyConflict
    if "duplicate" in text or "already exists" in text:
        return DuplicateReference
    if "partner" in text and ("jurisdiction" in text or "no " in text or "n't" in text):
        return NoPartnerAvailable
    if "blocked" in text:
        return CreditorBlocked
    return None


def business_rule_violation(
    errors: list[BusinessError],
    *,
    signing_url: str = "",
    creditor_reference: str = "",
    **context: Any,
) -> BusinessRuleViolation:
    """The 422 error for these business errors, with a message that says what to do."""
    cls = classify(errors)
    kind = None
    if cls is BusinessRuleViolation and errors:
        kind = errors[0].type or None
    error = cls(
        errors=errors,
        kind=kind,
        signing_url=signing_url,
        creditor_reference=creditor_reference,
        api_message="; ".join(e.message for e in errors if e.message),
        **context,
    )
    error.args = (error.explained(),)
    return error


def validation_failed(
    field_errors: Mapping[str, Iterable[str]],
    *,
    errors: Iterable[BusinessError] = (),
    creating: bool = True,
    **context: Any,
) -> ValidationFailed:
    """The 400 error, its message listing each field in words with the API's own messages.

    ``creating`` says the request was a case submission (the message then says nothing was
    created and to send the case again).
    """
    field_errors = {name: tuple(messages) for name, messages in field_errors.items()}
    parts = []
    for name, messages in field_errors.items():
        said = "; ".join(messages) or "invalid"
        parts.append(f"{friendly_field(name)}: {said}" if name else said)
    detail = " ".join(_sentence(part) for part in parts) if parts else "No reason was given."
    if creating:
        message = (
            f"Debitura rejected the case details, so nothing was created. {detail} Fix these "
            "and send the case again."
        )
    else:
        message = f"Debitura rejected the request. {detail}"
    api_message = "; ".join(m for messages in field_errors.values() for m in messages)
    return ValidationFailed(
        message, field_errors=field_errors, errors=errors, api_message=api_message, **context
    )


def field_errors_from(payload: Any) -> tuple[dict[str, list[str]], list[BusinessError]]:
    """Field → messages from a 400 body of any known shape.

    * legacy: ``{"currencyCode": ["Invalid currency code: XYZ"]}``
    * ASP.NET problem details: ``{"title": ..., "errors": {"CurrencyCode": ["..."]}}``
    * ``ApiErrorResponseDto``: ``{"error", "message", "businessErrors": [{type, message}]}``

    >>> field_errors_from({"currencyCode": ["Invalid currency code: XYZ"]})[0]
    {'currencyCode': ['Invalid currency code: XYZ']}
    >>> field_errors_from({"error": "Bad", "message": "Debtor is required"})[0]
    {'': ['Debtor is required']}
    """
    if not isinstance(payload, Mapping):
        text = to_text(payload)
        return ({"": [text]} if text else {}), []
    fields = Fields(payload)
    nested = fields.get("errors")
    if isinstance(nested, Mapping):
        return _message_lists(nested), []
    if any(key.lower() in {"error", "message", "businesserrors"} for key in payload):
        errors = [BusinessError.from_api(item) for item in fields.objects("businessErrors")]
        result: dict[str, list[str]] = {}
        for error in errors:
            result.setdefault(error.type, []).append(error.message or error.type)
        if not result:
            message = fields.text("message") or fields.text("error")
            if message:
                result[""] = [message]
        return result, errors
    return _message_lists(payload), []


def _message_lists(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            messages = [to_text(item) for item in value if to_text(item)]
        elif isinstance(value, Mapping):
            messages = [f"{k}: {to_text(v)}" for k, v in value.items()]
        else:
            messages = [to_text(value)] if to_text(value) else []
        result[str(key)] = messages
    return result


def _quoted(messages: list[str]) -> str:
    messages = [m for m in messages if m]
    if not messages:
        return ""
    return " Debitura said: “" + " ".join(_sentence(m) for m in messages) + "”"


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if text.endswith((".", "!", "?")) else text + "."
