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
def site_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    r = run("distill_nb", "docs", "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    return out

@pytest.fixture(scope="module")
def site(site_dir):
    out = site_dir
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()

def chromium(*args, user_dir):
    if not CHROMIUM: pytest.fail("Debian's chromium is needed: apt-get install chromium")
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={user_dir}", *args], capture_output=True, text=True, timeout=120)

PAGES = [("", ["distill_nb", "The course", "1 Foundations", "1.1 Soft targets and temperature", "Under the hood"]),
         ("00_core/00_models.html", ["Models", "shrink", "Tiny models for tests", "Under the hood", "<mjx-container"]),
         ("02_distill/03_kd.html", ["Token-level KD", "1.4 Token-level KD", "Previous", "Next"]),
         ("00_core/03_teachers.html", ["Teachers", "2.1 Teachers"])]

@pytest.mark.parametrize("page,expect", PAGES)
def test_page_renders(site, page, expect, tmp_path):
    "Each page renders its title, the course in the sidebar, its first code cell and a figure where it has one."
    dom = chromium("--dump-dom", f"{site}/{page}", user_dir=tmp_path/"u1").stdout
    for text in expect: assert text in dom, text
    assert 'class="highlight' in dom or "jp-CodeCell" in dom, "no code cell on the page"
    if page in ("", "02_distill/03_kd.html"): assert "<img" in dom, "no figure on the page"
    art = ROOT/"tests"/"artifacts"; art.mkdir(exist_ok=True)
    shot = art/f"{page.strip('/').replace('/', '_') or 'home'}.png"
    chromium(f"--screenshot={shot}", f"{site}/{page}", user_dir=tmp_path/"u2")
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one

def test_widgets_render_from_saved_state_without_a_cdn(tmp_path):
    "A notebook executed with its widget state saved shows a live slider in the built page, its JavaScript served by the site."
    import json, sys, yaml, nbformat
    from distill_nb.docs import _mkdocs_config, localise_widgets, site_notebook, SITE_CSS
    src, site = tmp_path/"src", tmp_path/"site"
    (src/"06_inspect").mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Widgets\n> a slider"),
                                         nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(value=7, description='T')")])
    path = src/"06_inspect"/"00_w.ipynb"; nbformat.write(nb, path)
    r = run(sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "notebook", "--inplace",
            "--ExecutePreprocessor.store_widget_state=True", str(path))
    assert r.returncode == 0, r.stderr[-2000:]
    path.write_text(json.dumps(site_notebook(json.loads(path.read_text()))))
    (src/"site.css").write_text(SITE_CSS)
    (tmp_path/"m.yml").write_text(yaml.safe_dump(_mkdocs_config(src, site, "t")))
    assert run(sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(tmp_path/"m.yml")).returncode == 0
    assert localise_widgets(site) == 1
    html = (site/"06_inspect"/"00_w.html").read_text()
    assert "unpkg.com" not in html and "assets/js/embed.js" in html
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try: dom = chromium("--virtual-time-budget=8000", "--dump-dom", f"http://127.0.0.1:{httpd.server_address[1]}/06_inspect/00_w.html", user_dir=tmp_path/"u").stdout
    finally: httpd.shutdown()
    assert 'class="widget-readout' in dom and ">7<" in dom  # the slider was built by the widget manager from the saved state

def test_toc_anchors_and_code_blocks(site_dir):
    "Every table-of-contents link lands on a heading of its page; no signature shows a raw markdown link."
    import re
    for page in site_dir.rglob("*.html"):
        html = page.read_text()
        ids = set(re.findall(r'id="([^"]+)"', html))
        toc = re.findall(r'<a href="#([^"]+)" class="md-nav__link"', html)
        assert not [t for t in toc if t not in ids], (page, [t for t in toc if t not in ids])
        signatures = re.findall(r'<div class="highlight"><pre>(.*?)</pre>', html, re.S)  # not a cell's code
        code = " ".join(re.sub(r"<[^>]+>", "", c) for c in signatures)
        assert not re.search(r"\[`\w+`\]\(", code), page
    assert not (site_dir/"08_cli"/"00_cli.html").exists()  # a renamed notebook's old page is gone

def test_site_opens_from_disk(site_dir, tmp_path):
    "Built for files (page.html, not page/): a chapter page opened from disk renders, formulas included."
    dom = chromium("--dump-dom", (site_dir/"00_core"/"00_models.html").as_uri(), user_dir=tmp_path/"u").stdout
    for text in ("Models", "shrink", "1 Foundations", "Under the hood", "<mjx-container"): assert text in dom, text
    assert 'href="../02_distill/00_divergences.html"' in (site_dir/"00_core"/"00_models.html").read_text()
