"""The Submit page's agreement check and the Sent cases page's follow-through, in AppTest
against the demo sandboxes (whose Debitura moves cases on after they are sent)."""

from __future__ import annotations

from tests.app.conftest import button, table_with
from tests.app.test_review_page import open_review
from tests.app.test_submit_and_cases_pages import create_cases, eligible_rows, to_submit

SEND_ANYWAY = "allow_pending_contracts"


def test_an_unsigned_agreement_is_said_before_sending_with_its_link_and_holds_create(
    app, fresh_demo_sandboxes
):
    debitura = fresh_demo_sandboxes.debitura
    debitura.faults.update(missing_contract=True)
    open_review(app)
    rows = eligible_rows(app, 2)
    to_submit(app, rows)

    [warning] = [w.value for w in app.warning if "agreement" in w.value]
    assert "not signed" in warning
    assert f"({debitura.root_url}/sign/debt-collection-agreement)" in warning  # a link
    assert button(app, "Create 2 cases").disabled

    app.checkbox(key=SEND_ANYWAY).check().run()
    assert not button(app, "Create 2 cases").disabled
    create_cases(app, 2)
    assert set(table_with(app, "Result")["Result"]) == {"created"}
    assert {case["lifecycle"] for case in debitura.cases()} == {"PendingContractSigning"}


def test_a_signed_agreement_shows_no_warning_and_sends_without_the_flag(app, fresh_demo_sandboxes):
    open_review(app)
    to_submit(app, eligible_rows(app, 1))
    assert not [w for w in app.warning if "agreement" in w.value]
    assert not [c for c in app.checkbox if c.key == SEND_ANYWAY]
    assert not button(app, "Create 1 case").disabled


def test_sent_cases_show_where_each_stands_what_is_needed_and_money_recovered(
    app, fresh_demo_sandboxes
):
    open_review(app)
    rows = eligible_rows(app, 4)
    to_submit(app, rows)
    create_cases(app, 4)
    app.switch_page("pages/cases.py").run()
    assert not app.exception

    table = table_with(app, "Where it stands").set_index("Invoice")
    assert {"Needs from you", "Documents", "Recovered"} <= set(table.columns)
    assert set(table["Where it stands"]) == {
        "Debitura is checking the case",
        "Waiting for details from you",
        "The collection partner is collecting",
        "Closed: paid in full",
    }
    waiting = table[table["Where it stands"] == "Waiting for details from you"].iloc[0]
    assert "contact person" in waiting["Needs from you"]
    paid = table[table["Where it stands"] == "Closed: paid in full"].iloc[0]
    assert paid["Recovered"] == f"{paid['Currency']} {paid['Amount']}"
    currencies = {c for c in table.loc[table["Recovered"] != "", "Currency"]}
    labels = [m.label for m in app.metric]
    assert labels == [f"Recovered ({code})" for code in sorted(currencies)]
    assert not app.error
