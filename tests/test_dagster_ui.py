"""In a real browser: the Dagster webserver on the session's demo warehouse shows a mart's quality
and freshness checks. Headless Debian chromium, driven by Playwright; a screenshot is kept as a
test artifact (tests/artifacts/)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SESSION_AS_OF

ARTIFACTS = Path(__file__).parent / "artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI; `make test` installs Debian's chromium when run as root")
        pytest.skip("chromium not installed (make test installs it with apt-get when run as root)")
    return path


@pytest.fixture(scope="module")
def webserver(demo_warehouse: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "SALESOPS_DATA_DIR": str(demo_warehouse),
        "DAGSTER_HOME": str(demo_warehouse / "dagster_home"),
        "SALESOPS_AS_OF_DATE": SESSION_AS_OF.isoformat(),
    }
    binary = Path(sys.executable).with_name("dagster-webserver")
    server = subprocess.Popen(
        [str(binary), "-h", "127.0.0.1", "-p", str(port), "-m", "orchestration.definitions"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Dagster webserver did not answer within 2 minutes")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_marts_page_shows_its_quality_and_freshness_checks(chromium: str, webserver: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{webserver}/assets/pipeline/fct_opportunities?view=checks", timeout=120_000)
        page.get_by_text("fct_opportunities_expectations").first.wait_for(timeout=120_000)
        # The first-visit newsletter dialog opens a moment after the page: wait for it a little.
        skip = page.get_by_role("button", name="Skip")
        with contextlib.suppress(PlaywrightTimeout):
            skip.first.click(timeout=5_000)
        page.get_by_text("fct_opportunities_expectations").first.click()
        page.get_by_text("rows_validated").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "fct_opportunities_checks.png"), full_page=True)
        text = page.inner_text("body")
        browser.close()
    # The check list shows each check with the status of its latest execution: the quality
    # suite and the freshness SLA both ran in the session's full run, and both passed.
    assert re.search(r"fct_opportunities_expectations\s+Succeeded", text), text[:2000]
    assert re.search(r"freshness_check\s+Succeeded", text), text[:2000]
    # The selected check's metadata: what was validated.
    assert "rows_validated" in text and "failed_blocking" in text
    assert (ARTIFACTS / "fct_opportunities_checks.png").stat().st_size > 10_000


def _graphql(base: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def test_the_cli_run_is_under_its_job_and_every_check_is_green(chromium: str, webserver: str) -> None:
    """Jobs -> full_run lists the run the command line made (not only the Runs page), and after
    a clean demo run no check in the catalog failed: a manager reads "all is well" at a glance."""
    import dagster as dg
    from playwright.sync_api import sync_playwright

    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs(dg.RunsFilter(job_name="full_run"), limit=1)
    job = _graphql(
        webserver,
        '{ pipelineOrError(params: {pipelineName: "full_run", repositoryName: "__repository__", '
        'repositoryLocationName: "orchestration.definitions"}) { ... on Pipeline { runs { runId } } } }',
    )["pipelineOrError"]
    assert run.run_id in [listed["runId"] for listed in job["runs"]]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{webserver}/locations/orchestration.definitions/jobs/full_run/runs", timeout=120_000)
        page.get_by_text(run.run_id[:8]).first.wait_for(timeout=120_000)
        browser.close()
    checks = _graphql(
        webserver,
        "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name "
        "executionForLatestMaterialization { evaluation { success severity } } } } } } }",
    )["assetNodes"]
    failed = [
        ("/".join(node["assetKey"]["path"]), check["name"], evaluation["severity"])
        for node in checks
        for check in node["assetChecksOrError"].get("checks", [])
        if (execution := check["executionForLatestMaterialization"])
        and (evaluation := execution["evaluation"])
        and not evaluation["success"]
    ]
    assert failed == []
