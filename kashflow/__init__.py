"""KashFlow REST v2 client: login, company, invoices and customers as typed models."""

from httpretry import RetryPolicy
from kashflow.client import DEFAULT_BASE_URL, InvoiceListing, KashFlowClient
from kashflow.credentials import Credentials
from kashflow.errors import (
    AccountLocked,
    AuthenticationError,
    InvalidCredentials,
    InvalidMemorableWord,
    KashFlowError,
    KashFlowUnavailable,
    LoginTimedOut,
    NoInvoiceDocument,
    NotFound,
    PasswordExpired,
    RateLimited,
    RequestRejected,
    SessionExpired,
    UnexpectedResponse,
)
from kashflow.models import Address, Company, Contact, Customer, Invoice
from kashflow.ordering import invoice_number_order
from kashflow.paging import ListingProgress

__all__ = [
    "DEFAULT_BASE_URL",
    "AccountLocked",
    "Address",
    "AuthenticationError",
    "Company",
    "Contact",
    "Credentials",
    "Customer",
    "InvalidCredentials",
    "InvalidMemorableWord",
    "Invoice",
    "InvoiceListing",
    "KashFlowClient",
    "KashFlowError",
    "KashFlowUnavailable",
    "ListingProgress",
    "LoginTimedOut",
    "NoInvoiceDocument",
    "NotFound",
    "PasswordExpired",
    "RateLimited",
    "RequestRejected",
    "RetryPolicy",
    "SessionExpired",
    "UnexpectedResponse",
    "invoice_number_order",
]
