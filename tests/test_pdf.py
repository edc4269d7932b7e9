"""Printing HTML to PDF with headless Chromium: finding the browser, printing, failing cleanly."""

from __future__ import annotations

import re
import stat
import subprocess
import time
from pathlib import Path

import pytest

from cardgen.emit.pdf import BROWSER_ENV, BROWSERS, find_browser, print_pdf
from cardgen.errors import BrowserNotFound, PrintFailed
from tests.conftest import require_program

PAGE = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; @bottom-center { content: counter(page) " / " counter(pages); } }
body { font-family: "Noto Sans CJK KR", sans-serif; }
.second { break-before: page; }
</style></head><body>
<p>가상화는 컴퓨터 자원의 추상화다.</p>
<p class="second">하이퍼바이저 (Hypervisor)</p>
</body></html>
"""

pytestmark = pytest.mark.slow  # drives Chromium


def fake_program(folder: Path, name: str, script: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def ended(pid: int, within: float = 5.0) -> bool:
    """Whether process PID has ended (an unreaped zombie counts): polled, as a kill lands asynchronously."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


# --- finding a browser ----------------------------------------------------------

def test_browser_found_on_path_in_preference_order(tmp_path: Path) -> None:
    fake_program(tmp_path, "google-chrome", "exit 0")
    fake_program(tmp_path, "microsoft-edge", "exit 0")
    assert find_browser(env={"PATH": str(tmp_path)}) == str(tmp_path / "google-chrome")


def test_option_beats_environment_beats_path(tmp_path: Path) -> None:
    for name in ("chromium", "mine", "theirs"):
        fake_program(tmp_path, name, "exit 0")
    env = {"PATH": str(tmp_path), BROWSER_ENV: "theirs"}
    assert find_browser("mine", env=env) == str(tmp_path / "mine")
    assert find_browser(None, env=env) == str(tmp_path / "theirs")
    assert find_browser(str(tmp_path / "mine"), env={"PATH": ""}) == str(tmp_path / "mine")


def test_no_browser_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(env={"PATH": str(tmp_path)})
    message = str(caught.value)
    assert "no Chromium-family browser found" in message and "--" not in message and BROWSER_ENV in message
    assert all(name in message for name in BROWSERS)


def test_a_named_browser_that_does_not_exist_is_named_in_the_error(tmp_path: Path) -> None:
    fake_program(tmp_path, "chromium", "exit 0")
    with pytest.raises(BrowserNotFound, match=r"the browser asked for: '/no/such/chrome' is not an executable program"):
        find_browser("/no/such/chrome", env={"PATH": str(tmp_path)})
    with pytest.raises(BrowserNotFound, match=rf"{BROWSER_ENV}: 'nope' is not an executable program"):
        find_browser(None, env={"PATH": str(tmp_path), BROWSER_ENV: "nope"})


# --- printing -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    browser = require_program("chromium")
    require_program("pdftotext")
    folder = tmp_path_factory.mktemp("pdf")
    html = folder / "페이지.html"  # a Hangul file name must survive the file:// URI
    html.write_text(PAGE, encoding="utf-8")
    return print_pdf(html, folder / "out" / "페이지.pdf", browser)


def test_print_keeps_pages_page_numbers_and_korean(printed: Path) -> None:
    assert printed.read_bytes().startswith(b"%PDF")
    assert page_count(printed) == 2
    first, second = page_text(printed, 1), page_text(printed, 2)
    assert "가상화는 컴퓨터 자원의 추상화다." in first and "하이퍼바이저" not in first
    assert "하이퍼바이저 (Hypervisor)" in second
    assert re.search(r"1\s*/\s*2", first) and re.search(r"2\s*/\s*2", second)


def test_a_browser_that_writes_nothing_fails_cleanly(tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    html.write_text(PAGE, encoding="utf-8")
    broken = fake_program(tmp_path, "chromium", 'echo "fatal: cannot open display" >&2; exit 1')
    with pytest.raises(PrintFailed, match=r"a\.html: chromium wrote no PDF \(fatal: cannot open display\)"):
        print_pdf(html, tmp_path / "a.pdf", str(broken))
    assert not (tmp_path / "a.pdf").exists()


def test_a_hanging_browser_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    html.write_text(PAGE, encoding="utf-8")
    pid_file = tmp_path / "pid"
    # The fake leaves a child behind, as a real browser's helpers would; both must be gone afterwards.
    hanging = fake_program(tmp_path, "chromium", f"sleep 60 & echo $! > {pid_file}; wait")
    started = time.monotonic()
    with pytest.raises(PrintFailed, match=r"did not finish within 0\.5 s"):
        print_pdf(html, tmp_path / "a.pdf", str(hanging), timeout=0.5)
    assert time.monotonic() - started < 10  # not held up by the leftover child's open pipe
    assert ended(int(pid_file.read_text()))


def test_missing_html_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PrintFailed, match=r"no such HTML file"):
        print_pdf(tmp_path / "missing.html", tmp_path / "x.pdf", "chromium")


def test_an_exam_prints_band_labels_layer_notes_and_symbolic_counts(tmp_path: Path) -> None:
    """The worked example's stacks, printed: every band's label and every drawn note is on the page."""
    from cardgen.bank.generate import build_bank
    from cardgen.context import Context
    from cardgen.emit.exam import ExamSettings, make_exam, render_exam
    from tests.test_layers import example

    browser = require_program("chromium")
    require_program("pdftotext")
    base = example(tmp_path)
    kinds = ("stack_missing_choice", "stack_missing_fill")
    asked = [q for q in build_bank(base) if q.kind in kinds]
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=len(asked), seed=3, kinds=kinds, lang="en"))
    (name, html), = ((n, h) for n, h in render_exam(exam).items() if not n.endswith("-key.html"))
    source = tmp_path / name
    source.write_text(html, encoding="utf-8")
    pdf = print_pdf(source, tmp_path / "exam.pdf", browser)
    text = re.sub(r"\s+", " ", "".join(page_text(pdf, n) for n in range(1, page_count(pdf) + 1)))
    for label in ("customer-managed", "provider-managed", "the customer", "the provider",
                  "in the provider's data centre", "one per replica", "Pod × N"):
        assert label in text, label
    # Band labels sit beside the layers, on the lines of the boxes they group.
    layout = "".join(page_text(pdf, n) for n in range(1, page_count(pdf) + 1))
    assert re.search(r"(Application|\?)\s+customer-managed", layout), layout
