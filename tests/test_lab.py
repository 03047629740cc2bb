"""A reader's session in a real browser: JupyterLab on 127.0.0.1 runs the distribution-explorer lesson, the temperature
slider is moved, and the plot must change (run with `pytest -m browser`; needs Debian's chromium)."""
import shutil, socket, subprocess, sys, time, urllib.request
import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

@pytest.fixture
def lab(tmp_path):
    shutil.copy(ROOT/"nbs"/"06_inspect"/"00_distributions.ipynb", tmp_path)
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser", "--ip", "127.0.0.1", f"--port={port}",
                             "--IdentityProvider.token=distill", f"--ServerApp.root_dir={tmp_path}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try: urllib.request.urlopen(f"{url}/api/status?token=distill", timeout=1); break
        except OSError: time.sleep(0.5)
    else: proc.kill(); pytest.fail("JupyterLab did not start")
    yield url
    proc.terminate(); proc.wait(timeout=30)

def test_temperature_slider_updates_the_plot(lab):
    if not CHROMIUM: pytest.fail("Debian's chromium is needed: apt-get install chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{lab}/lab/tree/00_distributions.ipynb?token=distill")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        select = page.locator(".jp-Dialog button:has-text('Select')")   # kernel choice, when the notebook names none
        try: select.first.click(timeout=5_000)
        except Exception: pass
        page.locator(".jp-Notebook").first.click(); page.keyboard.press("Escape")
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        page.wait_for_selector(".widget-readout", timeout=180_000)
        page.wait_for_selector(".widget-output img", timeout=60_000)
        readouts = page.locator(".widget-readout").all_inner_texts()
        assert readouts[1] == "1.00", readouts                          # the explorer's T starts at 1
        before = page.locator(".widget-output img").first.get_attribute("src")
        page.locator("[role=slider]").nth(1).focus()                       # the temperature slider
        for _ in range(10): page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelectorAll('.widget-readout')[1].innerText !== '1.00'", timeout=30_000)
        page.wait_for_function("src => document.querySelector('.widget-output img').getAttribute('src') !== src", arg=before, timeout=60_000)
        art = ROOT/"tests"/"artifacts"; art.mkdir(exist_ok=True)
        page.screenshot(path=str(art/"lab_distribution_explorer.png"))
        assert float(page.locator(".widget-readout").all_inner_texts()[1]) > 1.0
        browser.close()
