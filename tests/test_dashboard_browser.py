"""The dashboard in a real browser: serve it, move a lever, run, read the numbers.

Headless Chromium from Debian's packages (``/usr/bin/chromium``, or the path in
``LABSIM_CHROMIUM``) driven by Playwright. ``.ci/run`` installs Chromium; without it,
or without the ``playwright`` package, the test is skipped and says why. Screenshots
are written to the test's output folder (``tmp_path``) and their paths printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("LABSIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT_MS = 120_000  # generous: CI runs other test files on the same two cores

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install playwright; it is in the dev extras)",
)
if not CHROMIUM.exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install "
        "chromium; .ci/run does) or set LABSIM_CHROMIUM to its path",
        allow_module_level=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dashboard_command(port: int) -> list[str]:
    """The installed ``labsim-dashboard`` script, or its entry point from this Python."""
    script = Path(sys.executable).with_name("labsim-dashboard")
    if script.exists():
        return [str(script), "--port", str(port)]
    found = shutil.which("labsim-dashboard")
    if found:
        return [found, "--port", str(port)]
    return [sys.executable, "-c", "from sim.dashboard.cli import main; main()", "--port", str(port)]


@pytest.fixture
def dashboard_url(tmp_path):
    """Start ``labsim-dashboard`` on a free loopback port; stop it afterwards."""
    port = free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed in the finaliser)
    server = subprocess.Popen(dashboard_command(port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"labsim-dashboard exited: {(tmp_path / 'server.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def number(page, testid: str) -> float:
    return float(page.get_by_test_id(testid).get_attribute("data-value"))


def run_and_wait(page, count: int) -> float:
    """Press Run and wait until run number ``count`` is shown; return the seconds taken."""
    started = time.perf_counter()
    page.get_by_test_id("run-button").locator("button").click()
    page.locator(f'[data-testid=run-info][data-value="{count}"]').wait_for(timeout=WAIT_MS)
    return time.perf_counter() - started


def test_more_training_places_show_more_reskilled_workers(dashboard_url, tmp_path):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(dashboard_url)
            page.get_by_test_id("headline").wait_for()

            # Baseline settings: the run equals the baseline (common random numbers).
            first = run_and_wait(page, 1)
            assert page.get_by_test_id("headline").get_attribute("data-month") == "120"
            before = number(page, "kpi-reskilled_cum")
            assert before == pytest.approx(number(page, "baseline-reskilled_cum"))
            assert before > 0

            # Training places from 0.3 to the slider's maximum (3 per 1,000 a month).
            lever = page.locator(".lever-reskilling_capacity")
            lever.get_by_role("slider").focus()
            page.keyboard.press("End")
            sync_api.expect(lever).to_contain_text("Training places: 3 starts")
            sync_api.expect(page.get_by_text("The controls differ from this run")).to_be_visible()

            seconds = run_and_wait(page, 2)
            after = number(page, "kpi-reskilled_cum")
            assert after > 1.5 * before, (before, after)
            assert number(page, "baseline-reskilled_cum") == pytest.approx(before)
            shown = page.get_by_test_id("run-info").inner_text()
            lever.scroll_into_view_if_needed()  # the moved lever in the picture
            national = tmp_path / "dashboard.png"
            page.screenshot(path=national, animations="disabled")

            page.get_by_role("tab", name="Page 1").click()
            # The page's grid lays its views out after they exist: wait until they are in
            # view, and stop its transitions for the picture.
            sync_api.expect(page.get_by_role("heading", name="Almaty city")).to_be_in_viewport()
            sync_api.expect(page.get_by_role("img").nth(1)).to_be_in_viewport()
            regions = tmp_path / "dashboard_regions.png"
            page.screenshot(path=regions, animations="disabled")

            # The exported scenario file carries the moved lever.
            page.get_by_role("tab", name="Page 2").click()
            with page.expect_download() as download:
                page.get_by_role("button", name="Scenario file dashboard_baseline.yaml").click()
            text = Path(download.value.path()).read_text()
            assert "capacity_per_1000: 3.0" in text
            assert "scenario_name: dashboard_baseline" in text
        finally:
            browser.close()
    print(
        f"\nfirst run (incl. waiting for the baseline) {first:.1f} s; 10-year run after moving "
        f"the lever shown {seconds:.1f} s after pressing Run ({shown!r}); reskilled "
        f"{before:,.0f} -> {after:,.0f}\nscreenshots: {national} {regions}"
    )
