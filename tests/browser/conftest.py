"""Browser tests: the web app served by the local stack (`make run`), driven in Debian's
Chromium through Playwright, as people use it.

Every page a test opens is watched: a console error or an uncaught exception fails the test,
and `check_accessibility` runs axe-core (from web/node_modules) on it, failing on serious and
critical violations. Each journey keeps a screenshot of its last page in test-results/.

A test of an error path declares the console errors it causes on purpose: Chromium reports every
failed response ("Failed to load resource: the server responded with a status of 409") and
every aborted request ("net::ERR_FAILED") as a console error. `page.expect_console_errors(
re.compile(r"status of 409"))` excuses the console errors matching a pattern on that page (the
pattern is searched in "console.error: <text> (<url>)"); every other one still fails the test,
and so does every uncaught exception.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import PROJECT
from tests.support import require_system

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = PROJECT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT / "test-results" / "screenshots"
# The flags a closed network and a root user need (see the env notes): no background traffic.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    require_system("chromium", Path(CHROMIUM).exists() or shutil.which("chromium") is not None)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def web(stack) -> str:
    return f"http://127.0.0.1:{stack.ports['WEB_PORT']}"


class Watched:
    """A page and everything it said on its console; the console errors a test declared it
    expects (`expect`) are kept apart in `excused`."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.expected: list[re.Pattern[str]] = []
        self.excused: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def expect(self, *patterns: str | re.Pattern[str]) -> None:
        """From now on, console errors matching one of `patterns` do not fail the test."""
        assert patterns, "name the console errors expected"
        self.expected.extend(re.compile(p) if isinstance(p, str) else p for p in patterns)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            said = f"console.error: {message.text} ({message.location.get('url', '')})"
            if any(pattern.search(said) for pattern in self.expected):
                self.excused.append(said)
            else:
                self.errors.append(said)


@pytest.fixture
def open_page(browser, web, request) -> Iterator[Any]:
    """`open_page(width=…)` → a new page in a fresh context (its own storage: a new browser
    profile, as a second person or a logged-out window); `page.new_tab()` opens another page in
    the same context. Console errors fail the test, but for those a page was told to expect
    (`page.expect_console_errors(pattern, …)`)."""
    contexts: list[Any] = []
    watched: list[Watched] = []

    def watch(page: Any) -> Any:
        item = Watched(page)
        watched.append(item)
        page.web = web
        page.expect_console_errors = item.expect
        # Another tab of the same browser profile (same storage), watched like the first.
        page.new_tab = lambda: watch(page.context.new_page())
        return page

    def make(width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID",
                                      timezone_id="Asia/Jakarta", **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for index, item in enumerate(watched):
        if not item.page.is_closed():
            shoot(item.page, f"{request.node.name}-{index}")
    for context in contexts:
        context.close()
    errors = [error for item in watched for error in item.errors]
    assert not errors, "the browser console reported errors:\n" + "\n".join(errors)


def shoot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def check_accessibility(page: Any) -> list[dict[str, Any]]:
    """axe-core on the page as it is now: no serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the page's CSP allows no inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "accessibility violations on " + page.url + ":\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in bad)
    return result["violations"]


def login(page: Any, email: str, password: str = "satupintu-demo") -> None:
    page.goto(page.web + "/login")
    page.get_by_label("Alamat e-mail").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.locator("main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/(inbox|applications)"))


# ---- helpers the journeys share ---------------------------------------------------------------

DEMO_DOMAIN = "demo.satupintu.id"

# What happens elsewhere (a scan, a PDF, the worker's mail) may take longer than a click.
expect.set_options(timeout=20_000)


def demo(who: str) -> str:
    """A demo account's address: demo("fo.dpmptsp") → fo.dpmptsp@demo.satupintu.id."""
    return f"{who}@{DEMO_DOMAIN}"


def choose_file(page: Any, button_name: str, filename: str, mime_type: str, data: bytes) -> None:
    """What a person does: press the upload button and pick a file in the dialog it opens (the
    file goes into the page's own file input).

    First, as a person's eye would, it waits for the page to stop moving: while an earlier file
    uploads and is checked, its slot grows (progress, then a verdict, a reason or a preview
    button) and pushes the slots below it down, so a click aimed a moment before lands on
    whatever moved there (another slot's remove button, or nothing) and no dialog opens."""
    expect(page.locator(".upload-progress")).to_have_count(0)
    expect(page.locator(".badge-doc-scanning, .badge-doc-awaiting_upload")).to_have_count(0)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button_name, exact=True).click()
    chooser.value.set_files({"name": filename, "mimeType": mime_type, "buffer": data})


def page_width(page: Any) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def focused(page: Any) -> dict[str, Any]:
    """The focused element: its tag, id, role, type and accessible-ish name (label or text)."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el) return {};
        const labelled = el.labels && el.labels.length ? el.labels[0].innerText : null;
        return {tag: el.tagName.toLowerCase(), id: el.id || null, type: el.getAttribute('type'),
                role: el.getAttribute('role'), href: el.getAttribute('href'),
                name: (el.getAttribute('aria-label') || labelled || el.innerText || '').trim()};
    }""")


def tab_until(page: Any, wanted: Any, limit: int = 25, key: str = "Tab") -> int:
    """Press Tab until `wanted(focused(page))` holds; how many presses it took. Fails (naming
    every stop) when it never does within `limit` presses."""
    stops = []
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        now = focused(page)
        stops.append(now)
        if wanted(now):
            return presses
    raise AssertionError(f"focus never reached the element after {limit} presses of {key}; it visited:\n"
                         + "\n".join(f"- {stop}" for stop in stops))


def approve_in_browser(open_page: Any, who: str, tracking_code: str, service_name: str, step_label: str,
                       accessibility: bool = True, before_approving: Any = None) -> Any:
    """A decider logs in in a window of their own, finds the application in their inbox by its
    tracking code, opens it and approves the step they decide (`before_approving(page)` looks
    at the application first). Answers the page."""
    page = open_page()
    login(page, demo(who))
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1, name="Kotak masuk")).to_be_visible()
    page.get_by_label("Cari kode pelacakan").fill(tracking_code)
    page.get_by_role("button", name="Cari", exact=True).click()
    item = page.get_by_role("listitem").filter(has_text=tracking_code)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(step_label)
    if accessibility:
        check_accessibility(page)
    item.get_by_role("link", name=service_name).click()
    expect(page).to_have_url(re.compile(r"/applications/app_[0-9a-z]+$"))
    decision = page.get_by_role("heading", level=2, name=f"Keputusan: {step_label}")
    expect(decision).to_be_visible()
    if accessibility:
        check_accessibility(page)
    if before_approving is not None:
        before_approving(page)
    expect(page.get_by_role("radio", name="Setujui")).to_be_checked()
    page.get_by_role("button", name="Setujui", exact=True).click()
    expect(decision).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    return page


TRACKING_CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def submit_in_browser(page: Any, app_id: str, status: str) -> str:
    """Press "Ajukan" on the application's edit page; answers the tracking code the page shows,
    once the application's page says it was submitted and stands at `status`."""
    page.get_by_role("button", name="Ajukan", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/applications/{app_id}\?submitted=1$"))
    notice = page.get_by_role("status").filter(has_text="Permohonan diajukan.")
    expect(notice).to_contain_text(TRACKING_CODE)
    expect(fact(page, "Status")).to_have_text(status)
    return TRACKING_CODE.search(notice.inner_text()).group(0)


def fact(scope: Any, term: str) -> Any:
    """The value (<dd>) of a fact (<dt>) in a page's lists of facts: fact(page, "Status")."""
    return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def field(scope: Any, label: str) -> Any:
    """The form control labelled exactly `label` (a required field's label ends in a "*" that
    screen readers skip: it may be there or not)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))

