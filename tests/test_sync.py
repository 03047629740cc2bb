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
    cmd = 'OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --flags "$(distill_nb test-flags)" && pytest -n 2'  # CI runs the README's test command
    assert f"\n{cmd}\n" in (ROOT/"README.md").read_text() and f"\n{cmd}\n" in (ROOT/".ci"/"run").read_text()

def test_no_cell_mixes_imports_with_code():
    "nbdev's docs processor runs every cell that imports something: a slow cell with an import would load the real teacher while the docs build."
    import ast, json
    mixed = []
    for nb in sorted((ROOT/"nbs").rglob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text())["cells"]):
            src = "".join(cell["source"])
            if cell["cell_type"] != "code" or "#| export" in src: continue
            try: body = ast.parse("\n".join(l for l in src.splitlines() if not l.startswith("#|"))).body
            except SyntaxError: continue
            kinds = {isinstance(n, (ast.Import, ast.ImportFrom)) for n in body}
            if kinds == {True, False}: mixed.append(f"{nb.relative_to(ROOT)} cell {i}")
    assert not mixed, f"cells with imports and other code (move the imports to their own cell): {mixed}"

def test_docs_sidebar_follows_the_course():
    "The sidebar: Home, Install, the course's parts in teaching order, then Under the hood; every notebook once."
    from distill_nb.docs import COURSE, UNDER_THE_HOOD, nav, quarto_sidebar
    items = nav(ROOT/"nbs")
    sections = [next(iter(i)) for i in items]
    assert sections == ["Home", "Install"] + [f"{k} {part}" for k, (part, _) in enumerate(COURSE, 1)] + ["Under the hood"], sections
    assert next(iter(items[2].values()))[0] == {"1.1 Soft targets and temperature": "05_classic/00_soft_targets.ipynb"}
    placed = [n for _, names in COURSE for n in names] + UNDER_THE_HOOD
    every = sorted(str(p.relative_to(ROOT/"nbs").with_suffix("")) for p in (ROOT/"nbs").glob("*/*.ipynb"))
    assert sorted(placed) == every, set(placed) ^ set(every)  # each chapter notebook placed exactly once
    assert (ROOT/"nbs"/"sidebar.yml").read_text() == quarto_sidebar(items), "nbs/sidebar.yml is stale: run distill_nb docs"

def test_every_notebook_opens_in_colab():
    "A badge under the title, and a first code cell (before any import of nbdev or distill_nb) that installs on Colab only."
    import json
    for nb in sorted((ROOT/"nbs").rglob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        rel = nb.relative_to(ROOT).as_posix()
        src = lambda c: "".join(c["source"])
        assert f"colab.research.google.com/github/distill-nb/distill_nb/blob/main/{rel}" in src(cells[1]), rel
        code = [c for c in cells if c["cell_type"] == "code" and "default_exp" not in src(c)]
        assert 'if "google.colab" in str(get_ipython()):' in src(code[0]) and "pip install" in src(code[0]), rel

LONG_LINES = 955  # code lines over 100 characters in nbs/ on 2026-12-06: this number may only fall
COLAB = 'get_ipython().system("pip install'  # every notebook's Colab cell: not counted

def test_code_lines_are_not_growing_past_100_characters():
    "Code is wrapped near 100 characters; the older lines still over it are counted, and may only become fewer."
    import json
    long = {}
    for nb in sorted((ROOT/"nbs").rglob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "code": continue
            n = sum(len(l) > 100 and COLAB not in l for l in "".join(cell["source"]).splitlines())
            if n: long[nb.relative_to(ROOT).as_posix()] = long.get(nb.relative_to(ROOT).as_posix(), 0) + n
    total, worst = sum(long.values()), sorted(long.items(), key=lambda kv: -kv[1])[:4]
    assert total <= LONG_LINES, f"{total} code lines over 100 characters (at most {LONG_LINES}); most in {worst}"
    if total < LONG_LINES: print(f"{total} long lines now: lower LONG_LINES in tests/test_sync.py to {total}")

def test_teacher_capabilities_are_asked_of_the_gate_only():
    "No module guesses what a teacher can do with hasattr/getattr: it asks `has` or `require` (core.teachers)."
    import re
    names = "|".join(["white_box", "capabilities", "logits", "hidden_states", "score", "next_topk", "generate"])
    guess = re.compile(rf"""(hasattr|getattr)\(\s*[\w.]*(teacher|judge|critic)\w*\s*,\s*["']({names})["']""")
    found = []
    for py in sorted((ROOT/"distill_nb").rglob("*.py")):
        for i, line in enumerate(py.read_text().splitlines(), 1):
            if guess.search(line) and not (py.name == "teachers.py" and "the one place that reads" in line):
                found.append(f"{py.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not found, "capability guesses outside the gate:\n" + "\n".join(found)

LAYERS = ["core", "docs", "elicit", "distill", "evaluate", "inspect", "classic", "recipes", "skills",
          "verticals", "demo", "commands", "cli"]  # each imports only from those before it

def _imported_layers(py:Path) -> set:
    "The top-level parts of distill_nb that a module imports, at its top or inside a function."
    import ast
    rel, out = py.relative_to(ROOT/"distill_nb").with_suffix("").parts, set()
    for n in ast.walk(ast.parse(py.read_text())):
        if isinstance(n, ast.ImportFrom) and n.level:
            parts = list(rel[:-n.level]) + (n.module.split(".") if n.module else [])
        elif isinstance(n, ast.ImportFrom) and (n.module or "").startswith("distill_nb."):
            parts = n.module.split(".")[1:]
        elif isinstance(n, ast.Import):
            parts = next((a.name.split(".")[1:] for a in n.names if a.name.startswith("distill_nb.")), [])
        else: continue
        if parts: out.add(parts[0])
    return out

def test_imports_run_down_the_layers():
    "No module imports a layer above its own: the tools two layers share (calculator, sandbox) live in core."
    up = []
    for py in sorted((ROOT/"distill_nb").rglob("*.py")):
        me = py.relative_to(ROOT/"distill_nb").with_suffix("").parts[0]
        if me not in LAYERS: continue  # _modidx, __init__
        up += [f"{py.relative_to(ROOT)} imports {l}" for l in _imported_layers(py)
               if l in LAYERS and LAYERS.index(l) > LAYERS.index(me)]
    assert not up, "imports that run up the layers:\n" + "\n".join(up)
    assert "skills" in _imported_layers(ROOT/"distill_nb/verticals.py")  # the walk sees imports

def test_no_module_is_over_about_300_lines():
    "A module is one concept: past about 300 lines it is split (the generated _modidx aside)."
    big = {str(p.relative_to(ROOT)): n for p in (ROOT/"distill_nb").rglob("*.py")
           if p.name != "_modidx.py" and (n := len(p.read_text().splitlines())) > 310}
    assert not big, f"modules over 310 lines: {big}"

def test_every_public_signature_resolves():
    "The docs site shows every public signature: an annotation naming a class the module imports only inside a function breaks the build (demo_outcome -> Outcome did, unseen until 2026-12-07)."
    import importlib, inspect, pkgutil, distill_nb
    bad = []
    for m in pkgutil.walk_packages(distill_nb.__path__, "distill_nb."):
        mod = importlib.import_module(m.name)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)): continue
            try: inspect.signature(obj, eval_str=True)
            except NameError as e: bad.append(f"{m.name}.{name}: {e}")
            except (ValueError, TypeError): pass  # no signature to show (a builtin's class)
    assert not bad, bad
