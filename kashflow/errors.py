"""One error hierarchy for everything the KashFlow client can report.

Every error carries the HTTP status, the URL (never a secret: the client keeps tokens out of
URLs) and KashFlow's own ``Error``/``Message``. ``str(error)`` is the sentence a user can act on.
What a caller does about an error (the CLI's exit code, say) is the caller's to decide.
"""

from __future__ import annotations

from httpretry import spellings


class KashFlowError(Exception):
    """Base class. Catch this to handle anything the client raises."""

    default_message = "KashFlow returned an error."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        url: str | None = None,
        api_error: str = "",
        api_message: str = "",
    ) -> None:
        self.status = status
        self.url = url
        self.api_error = api_error
        self.api_message = api_message
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self)

    def redact(self, *secrets: str) -> None:
        """Remove each secret, as typed or %-encoded, from what the server put into this error
        (its ``Error``/``Message``, a redirect's address): a hostile server can echo a password
        or a token there. The client's own words never hold a secret and are left alone, so a
        memorable word like "again" cannot garble "Try again"."""
        spelled = [spelling for secret in secrets for spelling in spellings(secret)]
        for name in ("api_error", "api_message", "location"):
            said = getattr(self, name, "") or ""
            clean = said
            for spelling in spelled:
                clean = clean.replace(spelling, "***")
            if clean != said:
                setattr(self, name, clean)
                self.args = tuple(
                    arg.replace(said, clean) if isinstance(arg, str) else arg for arg in self.args
                )


class AuthenticationError(KashFlowError):
    """KashFlow refused the login. Never retried automatically: failures lock accounts."""


class InvalidCredentials(AuthenticationError):
    default_message = (
        "KashFlow did not accept this login email and password. Check both and try again; "
        "several failed attempts in a row lock the account."
    )


class InvalidMemorableWord(AuthenticationError):
    default_message = (
        "KashFlow did not accept the memorable word. Enter the whole word exactly as it was set "
        "up in KashFlow; several failed attempts in a row lock the account."
    )


class AccountLocked(AuthenticationError):
    default_message = (
        "This KashFlow account is locked after too many failed logins. Unlock it in KashFlow "
        "(or ask your KashFlow administrator), then connect again."
    )


class PasswordExpired(AuthenticationError):
    default_message = (
        "The KashFlow password has expired. Log in to KashFlow in your browser, set a new "
        "password, then connect here with the new one."
    )


class LoginTimedOut(AuthenticationError):
    default_message = "The KashFlow login took too long and its one-time step expired. Try again."


class SessionExpired(AuthenticationError):
    """A fresh login was still refused by a data call (the token was rejected twice)."""

    default_message = (
        "KashFlow keeps rejecting the session even straight after logging in again. Try "
        "reconnecting; if it persists, check the account's API access in KashFlow settings."
    )


class KashFlowUnavailable(KashFlowError):
    """KashFlow could not be reached or kept failing after retries. Worth trying again later."""

    default_message = (
        "KashFlow could not be reached. Check your internet connection and try again in a few "
        "minutes."
    )

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        # Seconds KashFlow asked us to wait (Retry-After), when it said.
        self.retry_after = retry_after


class RateLimited(KashFlowUnavailable):
    default_message = "KashFlow is asking us to slow down. Wait a minute and try again."


class UnexpectedResponse(KashFlowUnavailable):
    """KashFlow answered, but not with the JSON we expected (an HTML error page, say)."""

    default_message = (
        "KashFlow answered with something that is not valid data (possibly a maintenance "
        "page). Try again in a few minutes."
    )


class NotFound(KashFlowError):
    default_message = "KashFlow has no such record."


class RequestRejected(KashFlowError):
    """KashFlow refused a request as invalid (a 4xx other than the ones above)."""

    default_message = "KashFlow rejected the request."


class NoInvoiceDocument(KashFlowError):
    """KashFlow gave no PDF for the invoice: no permalink, an empty answer, or a page that is
    not a PDF. Asking again brings the same, so it is never retried."""

    default_message = "KashFlow gave no PDF for this invoice."
