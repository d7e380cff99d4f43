"""The sign-in settings: who gets in, who may send, and when the app must refuse to serve."""

from __future__ import annotations

import pytest

from workflow.access import (
    LOCAL_ACTOR,
    LOCAL_RIGHTS,
    AccessPolicy,
    AccessSettingError,
    EmailList,
    NotASubmitter,
    exposure_refusal,
    is_loopback,
)
from workflow.settings import Settings

TEAM = AccessPolicy.parse(
    True,
    "ann@acme.example, @Finance.Example\n  bob@partner.example",
    "@finance.example, ann@acme.example",
)


@pytest.mark.parametrize(
    ("email", "allowed", "submits"),
    [
        ("ann@acme.example", True, True),
        ("ANN@ACME.EXAMPLE", True, True),
        ("  ann@acme.example ", True, True),
        ("carl@finance.example", True, True),  # a whole domain
        ("bob@partner.example", True, False),  # allowed, not a submitter: a reviewer
        ("eve@acme.example", False, False),  # the address is exact, not its domain
        ("eve@sub.finance.example", False, False),  # a domain entry is not its subdomains
        ("eve@finance.example.evil.example", False, False),
        ("ann@acme.example@evil.example", False, False),  # not one address
        ("finance.example", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_who_gets_in_and_who_may_send(email, allowed, submits):
    assert TEAM.is_allowed(email) is allowed
    assert TEAM.may_submit(email) is submits
    assert TEAM.rights(email).may_submit is submits


def test_an_empty_allowed_list_lets_nobody_in_and_an_empty_submitters_list_lets_nobody_send():
    nobody = AccessPolicy.parse(True, "", "")
    assert not nobody.is_allowed("ann@acme.example")
    reviewers_only = AccessPolicy.parse(True, "@acme.example", "  ")
    assert reviewers_only.is_allowed("ann@acme.example")
    assert not reviewers_only.may_submit("ann@acme.example")
    assert "No submitters are set yet" in reviewers_only.rights("ann@acme.example").why_not


def test_a_submitter_must_be_an_allowed_user_too():
    policy = AccessPolicy.parse(True, "@acme.example", "zed@elsewhere.example")
    assert not policy.may_submit("zed@elsewhere.example")


def test_without_sign_in_the_local_user_may_do_everything():
    local = AccessPolicy.parse(False, "", "")
    assert local.is_allowed(None) and local.may_submit(None)
    assert local.rights(None) == LOCAL_RIGHTS
    assert LOCAL_RIGHTS.actor == LOCAL_ACTOR
    LOCAL_RIGHTS.require_submitter("create cases")  # no error


def test_a_reviewers_rights_refuse_with_whom_to_ask():
    rights = TEAM.rights("Bob@Partner.example")
    assert rights.actor == "bob@partner.example"
    with pytest.raises(NotASubmitter) as refused:
        rights.require_submitter("create cases")
    assert str(refused.value) == (
        "Nothing was sent: bob@partner.example may not create cases, only submitters can. "
        "Ask ann@acme.example, or the administrator to add you to APP_SUBMITTERS."
    )


@pytest.mark.parametrize(
    "entry", ["acme.example", "*@acme.example", "ann@", "@", "ann@localhost", "['a@b.example'"]
)
def test_an_entry_that_is_neither_an_address_nor_a_domain_is_refused_with_its_setting(entry):
    with pytest.raises(AccessSettingError, match=r"^APP_ALLOWED_EMAILS has an entry"):
        AccessPolicy.parse(True, f"ann@acme.example, {entry}", "")
    with pytest.raises(AccessSettingError, match=r"^APP_SUBMITTERS has an entry"):
        AccessPolicy.parse(True, "", entry)


def test_lists_are_split_on_commas_and_white_space():
    rules = EmailList.parse("a@x.example,b@x.example ,\n@y.example")
    assert rules.addresses == {"a@x.example", "b@x.example"}
    assert rules.domains == {"y.example"}


def test_settings_read_the_three_sign_in_settings_from_the_environment_or_secrets():
    settings = Settings.load(
        {"APP_ALLOWED_EMAILS": "@acme.example", "APP_ALLOW_NO_SIGNIN": "1"},
        secrets={"APP_SUBMITTERS": "ann@acme.example", "APP_ALLOWED_EMAILS": "ignored@x.example"},
    )
    assert settings.app_allowed_emails == "@acme.example"  # the environment wins
    assert settings.app_submitters == "ann@acme.example"
    assert settings.app_allow_no_signin is True
    assert Settings.load({}).app_allow_no_signin is False


@pytest.mark.parametrize(
    ("address", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.53", True),
        (None, False),  # not set: every interface
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("app.internal.example", False),
    ],
)
def test_only_a_loopback_address_counts_as_this_computer_only(address, local):
    assert is_loopback(address) is local


def test_the_app_refuses_a_network_without_sign_in_unless_the_operator_says_so():
    refusal = exposure_refusal("0.0.0.0", sign_in=False, allow_no_signin=False)
    assert refusal is not None
    assert "listens on 0.0.0.0 without sign-in" in refusal
    assert "APP_ALLOW_NO_SIGNIN=1" in refusal and "[auth]" in refusal
    assert "every network interface" in exposure_refusal(None, sign_in=False, allow_no_signin=False)
    assert exposure_refusal("0.0.0.0", sign_in=False, allow_no_signin=True) is None
    assert exposure_refusal("0.0.0.0", sign_in=True, allow_no_signin=False) is None
    assert exposure_refusal("127.0.0.1", sign_in=False, allow_no_signin=False) is None
