"The package is the notebooks' export, the notebooks are clean, and README.md is the index notebook."
import hashlib, shutil
from pathlib import Path
from conftest import ROOT, run

def _digest(paths):
    return {str(p.relative_to(ROOT)): hashlib.sha1(p.read_bytes()).hexdigest() for p in paths}

def test_nbdev_export_leaves_package_unchanged():
    files = lambda: sorted((ROOT/"distill_nb").rglob("*.py"))
    before = _digest(files())
    r = run("nbdev_export")
    assert r.returncode == 0, r.stderr
    assert _digest(files()) == before, "distill_nb/ differs from the notebooks' export: run nbdev_export and commit"

def test_nbdev_clean_leaves_notebooks_unchanged():
    files = lambda: sorted((ROOT/"nbs").rglob("*.ipynb"))
    before = _digest(files())
    r = run("nbdev_clean")
    assert r.returncode == 0, r.stderr
    assert _digest(files()) == before, "notebooks were not clean: run nbdev_clean and commit"

def test_readme_is_generated_from_index(tmp_path):
    from distill_nb.docs import build_readme
    (tmp_path/"nbs").mkdir()
    shutil.copy(ROOT/"nbs"/"index.ipynb", tmp_path/"nbs"/"index.ipynb")
    assert build_readme(tmp_path).read_text() == (ROOT/"README.md").read_text(), "README.md is stale: run distill_nb docs"
    assert "nbdev_test --n_workers 1 && pytest" in (ROOT/"README.md").read_text()
