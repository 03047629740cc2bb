"The docs site builds offline and its pages open in headless Chromium (run with `pytest -m browser`)."
import functools, http.server, shutil, subprocess, threading
from pathlib import Path
import pytest
from conftest import ROOT, run

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1280,1000", "--virtual-time-budget=5000"]

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    r = run("distill_nb", "docs", "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()

def chromium(*args, user_dir):
    if not CHROMIUM: pytest.fail("Debian's chromium is needed: apt-get install chromium")
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={user_dir}", *args], capture_output=True, text=True, timeout=120)

@pytest.mark.parametrize("page,expect", [("", ["distill_nb", "Install and run the demo", "Core"]),
                                         ("00_core/00_models/", ["Models", "shrink", "Tiny models for tests", "3.2 Distillation algorithms"])])
def test_page_renders(site, page, expect, tmp_path):
    dom = chromium("--dump-dom", f"{site}/{page}", user_dir=tmp_path/"u1").stdout
    for text in expect: assert text in dom, text
    art = ROOT/"tests"/"artifacts"; art.mkdir(exist_ok=True)
    shot = art/f"{page.strip('/').replace('/', '_') or 'home'}.png"
    chromium(f"--screenshot={shot}", f"{site}/{page}", user_dir=tmp_path/"u2")
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
