"""The walking skeleton in a real browser: upload a tumor VCF, review it, download the report.

Headless Debian Chromium driven by Playwright against pytest-django's live server, with a real
Celery worker ingesting the upload, so the page's progress bar is fed by a running job.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.factories import PASSWORD
from tests.integration.worker import CeleryWorker, tasks_sent_to, unique_queue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, databases=["default", "progress"]),
]

ROOT = Path(__file__).resolve().parents[2]
DEMO_VCF = ROOT / "tumorboard" / "demo" / "T001-COAD.tcga_consensus.grch38.vcf.gz"
SCREENSHOT = ROOT / "docs" / "screenshots" / "case-page.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
TIMEOUT_MS = 60_000
# Assertions wait as long as actions: a loaded CI machine needs more than the 5 s default.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def browser_page(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip(reason=f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM must still be usable here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.fixture
def worker(transactional_db, tmp_path):
    """Uploads made through the live server are ingested by a real worker process."""
    queue = unique_queue()
    with tasks_sent_to(queue):
        worker = CeleryWorker(queue=queue, log_path=tmp_path / "worker.log").start()
        yield worker
        worker.stop()


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header .who")).to_contain_text(username)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def find_variant_row(page: Page, gene: str):
    """Filter the variant table to one gene and return its first row."""
    table = page.locator("#variant-table")
    table.get_by_label("filter by gene").fill(gene)
    table.get_by_role("button", name="Filter").click()
    expect(page.locator("#variant-table").get_by_label("filter by gene")).to_have_value(gene)
    rows = page.locator("#variant-table tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(rf"^{gene}$"))
    )
    expect(rows.first).to_be_visible()
    return rows.first


def test_a_vcf_uploaded_in_the_browser_becomes_ranked_options_and_a_pdf_report(
    users, live_server, worker, browser_page, tmp_path
):
    page = browser_page

    # A molecular biologist creates the case and uploads the tumor's VCF.
    log_in(page, live_server.url, users["molecular_biologist"].username)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Tumor type").fill("COADREAD")
    page.get_by_label("Diagnosis").fill("Adenocarcinoma of the colon")
    page.get_by_label("Assembly").select_option("GRCh38")
    page.get_by_role("button", name="Create case").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case_url = page.url
    expect(page.locator(".summary")).to_contain_text("COADREAD")

    form = page.locator("#uploads form.upload-form")
    form.locator("select[name=kind]").select_option("somatic_vcf")
    form.locator("input[name=file]").set_input_files(DEMO_VCF)
    form.locator("#upload-button").click()

    upload = page.locator("tr.upload-row", has_text=DEMO_VCF.name)
    expect(upload.locator("progress")).to_be_visible()
    expect(upload).to_have_attribute("data-state", "done")
    expect(upload.locator("progress")).to_have_attribute("value", "100")
    expect(upload).to_contain_text("3313 records ingested")
    assert "Task genomics.ingest_upload[" in worker.log(), "the worker process ingested it"

    options = page.locator("#recommendations tr.recommendation")
    expect(options.first.locator("td").nth(0)).to_have_text("1")
    expect(options.first.locator("td").nth(1)).to_have_text("Encorafenib + Cetuximab")
    expect(options.first).to_contain_text("BRAF p.V600E")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    # DART_UPDATE_SCREENSHOTS=1 refreshes the README's screenshot; otherwise it goes to tmp.
    shot = SCREENSHOT if os.environ.get("DART_UPDATE_SCREENSHOTS") else tmp_path / "case-page.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    braf = find_variant_row(page, "BRAF")
    expect(braf).to_contain_text("7:140753336:A:T")
    expect(braf).to_contain_text("c.1799T>A")
    expect(braf).to_contain_text(re.compile(r"p\.(Val600Glu|V600E)"))
    log_out(page)

    # An oncologist generates the report and downloads the PDF.
    log_in(page, live_server.url, users["oncologist"].username)
    page.goto(case_url)
    page.locator("#generate-report").click()
    expect(page.locator(".messages")).to_contain_text("Report version 1 generated.")
    with page.expect_download() as download:
        page.locator("#reports").get_by_role("link", name="Download PDF").first.click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)

    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BRAF" in text
    assert "Encorafenib" in text
    assert "p.V600E" in text or "p.Val600Glu" in text
