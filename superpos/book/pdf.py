"""Print the book, rendered as one HTML page, to a PDF with headless Chromium.

``python -m superpos build --pdf`` renders the executed book a second time with
Sphinx's ``singlehtml`` builder (every chapter on one page, sharing the HTML
build's parsed sources) and hands that page to :func:`print_pdf`, which

1. serves the page's folder on 127.0.0.1 (fonts and scripts load as on the web
   site; a ``file://`` page may not load MathJax's fonts), to a headless
   Chromium that cannot resolve any other host, so the PDF is made offline;
2. waits until the page has loaded, every image is loaded and MathJax (served
   from the site by :mod:`superpos.book.sphinxext`) has typeset every formula,
   failing when MathJax reports an error; and
3. prints it with the Chrome DevTools command ``Page.printToPDF`` (A4, page
   numbers in the footer; the book's print style sheet starts every chapter
   on a new page and hides the controls of the web page).

Chromium and its driver are Debian's (``apt-get install chromium
chromium-driver``, as ``.ci/run`` does); elsewhere name them with the
environment variables ``SUPERPOS_CHROMIUM`` and ``SUPERPOS_CHROMEDRIVER``.
A driver is never downloaded.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["BROWSERS", "CHROMIUM_FLAGS", "DRIVERS", "INSTALL", "PdfError", "count_pages", "find_chromium",
           "print_pdf", "serve"]

#: Names under which a Chromium-based browser is installed, tried in order.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Names of the WebDriver that drives it.
DRIVERS = ("chromedriver",)
#: Environment variables that name the browser and the driver explicitly.
BROWSER_VARIABLE, DRIVER_VARIABLE = "SUPERPOS_CHROMIUM", "SUPERPOS_CHROMEDRIVER"
INSTALL = "install it with `apt-get install chromium chromium-driver` (Debian; .ci/run does this)"
#: Flags of the headless browser: no sandbox or GPU (containers), and offline: every host but this machine
#: fails to resolve.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
#: The copy of the one-page book that is printed, at the top of its folder (its links are relative to there).
PRINT_PAGE = "superpos-print.html"
#: Page size and margins in inches (A4), and the footer with page numbers.
PAPER = {"paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.6, "marginBottom": 0.7, "marginLeft": 0.6,
         "marginRight": 0.6}
FOOTER = ('<div style="font-size: 8pt; width: 100%; text-align: center; color: #555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


class PdfError(RuntimeError):
    """The PDF cannot be made: no browser, a page that does not load, or mathematics MathJax could not typeset.

    Examples
    --------
    >>> issubclass(PdfError, RuntimeError)
    True
    """


def _which(names, variable: str, what: str) -> str:
    named = os.environ.get(variable)
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise PdfError(f"{variable}={named!r} is not an executable file")
        return named
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
        if found:
            return found
    raise PdfError(f"no {what} found (looked for {', '.join(names)} and ${variable}); {INSTALL}")


def find_chromium() -> tuple[str, str]:
    """The paths of the headless browser and of its WebDriver.

    Raises
    ------
    PdfError
        When either is missing; the message says how to install them.

    Examples
    --------
    >>> os.environ["SUPERPOS_CHROMIUM"] = "/no/such/browser"
    >>> try:
    ...     find_chromium()
    ... except PdfError as error:
    ...     print(error)
    SUPERPOS_CHROMIUM='/no/such/browser' is not an executable file
    >>> del os.environ["SUPERPOS_CHROMIUM"]
    """
    return _which(BROWSERS, BROWSER_VARIABLE, "Chromium"), _which(DRIVERS, DRIVER_VARIABLE, "chromedriver")


def count_pages(pdf: bytes) -> int:
    """The number of pages of a PDF as Chromium writes it (one ``/Type /Page`` object per page).

    Examples
    --------
    >>> count_pages(b"%PDF-1.4 << /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>")
    2
    """
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 at a free port while the block runs; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _root_page(site: Path) -> Path:
    """The page that holds the whole book: the one ``index.html`` redirects to."""
    index = site / "index.html"
    if not index.is_file():
        raise PdfError(f"{site} has no index.html; was the book rendered with the singlehtml builder?")
    redirect = re.search(r'url=([^"\s>]+)', index.read_text())
    page = site / redirect.group(1) if redirect else index
    if not page.is_file():
        raise PdfError(f"{index} leads to {page}, which does not exist")
    return page


@contextmanager
def _browser(timeout: float):
    chromium, chromedriver = find_chromium()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise PdfError("the PDF needs the selenium package (pip install -r requirements.txt)") from None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="superpos-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    except Exception as error:  # the driver reports a browser that does not start in its own exception types
        shutil.rmtree(profile, ignore_errors=True)
        raise PdfError(f"headless Chromium ({chromium}, driver {chromedriver}) did not start: {error}") from None
    try:
        driver.set_page_load_timeout(timeout)
        driver.set_script_timeout(timeout)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_until(driver, script: str, timeout: float, what: str) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(script))
    except TimeoutException:
        raise PdfError(f"{what} within {timeout:.0f} s") from None


def print_pdf(site: Path, target: Path, timeout: float = 180) -> int:
    """Print the one-page book in ``site`` (a ``singlehtml`` output folder) to ``target``; return its page count.

    Raises
    ------
    PdfError
        When Chromium is missing, the page or its images do not load, or
        MathJax does not finish typesetting or reports a TeX error.
    """
    site, target = Path(site), Path(target)
    page = _root_page(site)
    # Sphinx writes the one page's links relative to the top of its folder: print a copy placed there.
    printed = site / PRINT_PAGE
    printed.write_bytes(page.read_bytes())
    with serve(site) as base, _browser(timeout) as driver:
        driver.get(base + PRINT_PAGE)
        _wait_until(driver, "return document.readyState === 'complete'", timeout, "the page did not load")
        driver.execute_script("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; });")
        _wait_until(driver, "return Array.from(document.images).every(i => i.complete)", timeout,
                    "the images did not load")
        broken = driver.execute_script(
            "return Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src);")
        if broken:
            raise PdfError(f"images that did not load: {broken[:5]}")
        outcome = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) { done('none'); return; }
            MathJax.startup.promise.then(() => document.fonts.ready).then(() => done('ok'), e => done('error: ' + e));
        """)
        if outcome.startswith("error"):
            raise PdfError(f"MathJax did not typeset the book: {outcome}")
        errors = driver.execute_script("return Array.from(document.querySelectorAll('mjx-merror'))"
                                       ".map(e => e.textContent).slice(0, 5);")
        if errors:
            raise PdfError(f"MathJax reports TeX errors: {errors}")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            **PAPER, "printBackground": True, "displayHeaderFooter": True, "headerTemplate": "<span></span>",
            "footerTemplate": FOOTER, "preferCSSPageSize": False})
    data = base64.b64decode(pdf["data"])
    if not data.startswith(b"%PDF-"):
        raise PdfError("Chromium returned something that is not a PDF")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".pdf.part")
    partial.write_bytes(data)
    partial.replace(target)
    return count_pages(data)
