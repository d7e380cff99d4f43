"""The two-step session-token login and every way it can fail."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from kashflow import (
    AccountLocked,
    Credentials,
    InvalidCredentials,
    InvalidMemorableWord,
    KashFlowUnavailable,
    LoginTimedOut,
    PasswordExpired,
    UnexpectedResponse,
)
from tests.unit.kashflow_fakes import BASE, CREDENTIALS, add_login, calls_to, make_client


@responses.activate
def test_login_posts_credentials_then_puts_the_requested_characters():
    add_login(responses.mock, positions=(3, 4, 1))
    make_client().login()

    post, put = responses.calls
    assert post.request.method == "POST" and post.request.url == f"{BASE}/sessiontoken"
    assert json.loads(post.request.body) == {"UserName": "ann@example.com", "Password": "s3cret-pw"}
    assert post.request.headers["Accept"] == "application/json"
    assert post.request.headers["Content-Type"] == "application/json"
    # Positions are 1-based and sent back exactly in the order KashFlow asked for them.
    assert json.loads(put.request.body) == {
        "TemporaryToken": "temp-1",
        "MemorableWordList": [
            {"Position": 3, "Value": "n"},
            {"Position": 4, "Value": "e"},
            {"Position": 1, "Value": "p"},
        ],
    }


@responses.activate
def test_credentials_are_sent_exactly_as_typed():
    add_login(responses.mock, positions=(1, 2, 9))
    credentials = Credentials(" ann@example.com ", "  pass word ", " Pine Appl")
    make_client(credentials).login()

    post, put = responses.calls
    assert json.loads(post.request.body) == {
        "UserName": " ann@example.com ",
        "Password": "  pass word ",
    }
    values = [item["Value"] for item in json.loads(put.request.body)["MemorableWordList"]]
    assert values == [" ", "P", "p"]


@responses.activate
def test_positions_are_echoed_in_the_type_kashflow_used():
    add_login(responses.mock, positions=("2", "5", "7"))
    make_client().login()
    sent = json.loads(responses.calls[1].request.body)["MemorableWordList"]
    assert sent == [
        {"Position": "2", "Value": "i"},
        {"Position": "5", "Value": "a"},
        {"Position": "7", "Value": "p"},
    ]


@responses.activate
def test_memorable_word_shorter_than_an_asked_position_is_caught_before_sending():
    add_login(responses.mock, positions=(2, 5, 11))
    with pytest.raises(InvalidMemorableWord) as raised:
        make_client().login()
    assert "character 11" in str(raised.value) and "9 characters" in str(raised.value)
    assert "Nothing was sent" in str(raised.value)
    assert calls_to(responses.mock, "PUT", "sessiontoken") == []


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            400,
            {"Error": "InvalidCredentials", "Message": "Invalid username or password."},
            InvalidCredentials,
        ),
        (401, {"Error": "Unauthorized", "Message": "Login failed"}, InvalidCredentials),
        (400, {"Message": "Invalid username or password"}, InvalidCredentials),
        (401, {"Error": "AccountLocked", "Message": "User account is locked."}, AccountLocked),
        (
            400,
            {"Error": "PasswordExpired", "Message": "Your password has expired."},
            PasswordExpired,
        ),
        (403, {"Message": "Your password has expired."}, PasswordExpired),
    ],
)
@responses.activate
def test_password_step_failures_map_to_their_own_error_and_are_not_retried(status, body, error):
    responses.add(responses.POST, f"{BASE}/sessiontoken", json=body, status=status)
    with pytest.raises(error):
        make_client().login()
    assert len(responses.calls) == 1  # a retry could lock the account


@pytest.mark.parametrize(
    ("flags", "error"),
    [({"IsLockedOut": True}, AccountLocked), ({"HasTemporaryPassword": True}, PasswordExpired)],
)
@responses.activate
def test_password_step_flags_stop_the_login_before_the_memorable_word(flags, error):
    responses.add(
        responses.POST,
        f"{BASE}/sessiontoken",
        json={"TemporaryToken": "t", "MemorableWordList": [{"Position": 1}], **flags},
        status=201,
    )
    with pytest.raises(error):
        make_client().login()
    assert len(responses.calls) == 1


@responses.activate
def test_wrong_password_with_outer_spaces_gets_a_hint():
    responses.add(
        responses.POST, f"{BASE}/sessiontoken", json={"Error": "InvalidCredentials"}, status=400
    )
    with pytest.raises(InvalidCredentials) as raised:
        make_client(Credentials("ann@example.com", "secret ", "pineapple")).login()
    assert "starts or ends with a space" in str(raised.value)


@responses.activate
def test_wrong_password_without_spaces_gets_no_space_hint():
    responses.add(
        responses.POST, f"{BASE}/sessiontoken", json={"Error": "InvalidCredentials"}, status=400
    )
    with pytest.raises(InvalidCredentials) as raised:
        make_client().login()
    assert "space" not in str(raised.value)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"Error": "InvalidMemorableWord", "Message": "The characters are incorrect."},
            InvalidMemorableWord,
        ),
        (
            {"Error": "InvalidTemporaryToken", "Message": "Temporary token has expired."},
            LoginTimedOut,
        ),
        ({"Error": "AccountLocked", "Message": "User account is locked."}, AccountLocked),
    ],
)
@responses.activate
def test_memorable_word_step_failures_map_to_their_own_error(body, error):
    add_login(responses.mock)
    responses.replace(responses.PUT, f"{BASE}/sessiontoken", json=body, status=400)
    with pytest.raises(error):
        make_client().login()
    assert len(calls_to(responses.mock, "PUT", "sessiontoken")) == 1


@responses.activate
def test_transient_failure_during_login_restarts_both_steps():
    responses.add(responses.POST, f"{BASE}/sessiontoken", status=503, body="busy")
    add_login(responses.mock)
    client = make_client()
    client.login()
    assert client.logins == 1
    assert len(calls_to(responses.mock, "POST", "sessiontoken")) == 2


@responses.activate
def test_unreachable_kashflow_is_reported_as_unavailable():
    responses.add(responses.POST, f"{BASE}/sessiontoken", body=requests.ConnectionError("refused"))
    with pytest.raises(KashFlowUnavailable) as raised:
        make_client().login()
    assert "could not be reached" in str(raised.value)
    assert len(responses.calls) == 4  # every attempt of the retry policy, then give up


@responses.activate
def test_html_instead_of_json_is_reported_as_garbage():
    responses.add(
        responses.POST,
        f"{BASE}/sessiontoken",
        body="<html><body>Service Unavailable</body></html>",
        status=200,
        content_type="text/html",
    )
    with pytest.raises(UnexpectedResponse) as raised:
        make_client().login()
    assert "not valid data" in str(raised.value)


@responses.activate
def test_login_error_messages_and_reprs_never_contain_secrets():
    responses.add(
        responses.POST,
        f"{BASE}/sessiontoken",
        json={"Error": "InvalidCredentials", "Message": "Invalid username or password."},
        status=400,
    )
    client = make_client()
    with pytest.raises(InvalidCredentials) as raised:
        client.login()
    for text in (str(raised.value), repr(raised.value), repr(client), repr(CREDENTIALS)):
        assert CREDENTIALS.password not in text
        assert CREDENTIALS.memorable_word not in text
