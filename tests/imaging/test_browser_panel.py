"""The imaging panel in a real browser: log in, import the predictions JSON on the case page, see
the panel with each prediction and the research-only caveat beside it.

Headless Debian Chromium driven by Playwright against pytest-django's live server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD
from tests.imaging.conftest import EXAMPLE_JSON

# Assertions wait as long as a loaded CI machine needs, not the 5 s default.
expect.set_options(timeout=60_000)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
    pytest.mark.usefixtures("media_root"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
CAVEAT = "research use only, not for clinical decisions"


@pytest.fixture
def page(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip(reason=f"{CHROMIUM} is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()
        browser.close()


# The database fixtures come before ``page``: once Playwright's event loop runs, Django opens
# another connection for them, which the test database's teardown then finds still open.
def test_predictions_uploaded_on_the_case_page_show_in_the_panel(users, case, live_server, page):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(users["molecular_biologist"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header .who")).to_contain_text(users["molecular_biologist"].username)

    page.goto(f"{base}/cases/{case.uuid}/")
    panel = page.locator("#imaging")
    expect(panel).to_contain_text("No imaging data yet.")
    panel.locator("summary", has_text="Add imaging").click()
    panel.locator("#imaging-predictions-form input[type=file]").set_input_files(str(EXAMPLE_JSON))
    panel.locator("#imaging-predictions-button").click()

    expect(page.locator(".messages")).to_contain_text(
        "example-predictions.json imported: 2 lesion(s), 2 prediction(s)."
    )
    panel = page.locator("#imaging")
    expect(panel).to_contain_text("RECIST 1.1 measurable disease: yes, 1 measurable lesion")
    rows = panel.locator("tr.imaging-prediction")
    expect(rows).to_have_count(2)
    egfr = panel.locator('tr.imaging-prediction[data-target="EGFR_mutant"]')
    expect(egfr).to_contain_text("site-egfr-radiogenomics v2.1")
    expect(egfr).to_contain_text("0.81")
    expect(egfr).to_contain_text("95% CI 0.66–0.90")
    expect(egfr.locator(".research-only")).to_have_text(CAVEAT)
    surv = panel.locator('tr.imaging-prediction[data-target="surv2yr"]')
    expect(surv.locator(".research-only")).to_have_text(CAVEAT)
    expect(surv).to_contain_text("hosny2018-surv2yr-pyrad3")
