"""The lesson checker (issue #30): prose, saved outputs and code must not drift apart. Each check takes a notebook's
path and returns the problems it finds, one line each; `tests/test_lessons.py` runs them over the course."""
from __future__ import annotations
import importlib, json, re
from pathlib import Path

def cells(path:Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]

def src(cell:dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

def output_text(cell:dict) -> str:
    "Everything a code cell's saved outputs show as text."
    parts = []
    for o in cell.get("outputs", []):
        if "text" in o: parts.append("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
        for kind in ("text/plain", "text/markdown", "text/html"):
            v = o.get("data", {}).get(kind)
            if v: parts.append("".join(v) if isinstance(v, list) else v)
    return "\n".join(parts)

def _module(path:Path):
    "The module a notebook exports (`#| default_exp x.y` → distill_nb.x.y), or None."
    for c in cells(path):
        if m := re.search(r"^#\|\s*default_exp\s+(\S+)", src(c), re.M):
            return importlib.import_module(f"distill_nb.{m.group(1)}")
    return None

def _signature_block(markdown:str) -> str|None:
    "The ```python block of a show_doc output: the signature as nbdev wrote it."
    m = re.search(r"```python\n(.*?)```", markdown, re.S)
    return " ".join(m.group(1).split()) if m else None

def stale_show_doc(path:Path) -> list[str]:
    "Every saved `show_doc(f)` output shows f's current signature, and no default prints as `<function … at 0x…>`."
    from nbdev.showdoc import show_doc
    mod, problems = _module(path), []
    for i, c in enumerate(cells(path)):
        s = src(c).strip()
        if c["cell_type"] != "code" or not (m := re.fullmatch(r"show_doc\((\w+)\)", s)) or not c.get("outputs"):
            continue
        saved = output_text(c)
        if re.search(r"<function \w+ at 0x[0-9a-f]+>", saved):
            problems.append(f"cell {i}: show_doc({m.group(1)}) prints a default as <function … at 0x…>")
        f = getattr(mod, m.group(1), None) if mod else None
        if f is None: continue
        now = _signature_block(show_doc(f)._repr_markdown_())
        if now and _signature_block(saved) != now:
            problems.append(f"cell {i}: show_doc({m.group(1)}) saved {_signature_block(saved)!r}, now {now!r}")
    return problems

SHOWS = re.compile(r"^\s*(print\(|display\(|plt\.show\(|fig\.show\()|\.plot\(|plt\.subplots|^[A-Za-z_][\w.]*\s*$",
                   re.M)

def unsaved_outputs(path:Path) -> list[str]:
    "Every code cell that prints, displays or plots has its saved output (exports, hidden and slow cells aside)."
    problems = []
    for i, c in enumerate(cells(path)):
        s = src(c)
        if c["cell_type"] != "code" or c.get("outputs") or re.search(r"^#\|\s*(export|hide|exporti)", s, re.M):
            continue
        body = "\n".join(l for l in s.splitlines() if not l.startswith("#|"))
        if SHOWS.search(body) or body.strip().startswith("show_doc("):
            problems.append(f"cell {i}: shows something but has no saved output")
    return problems

# a measured number: a decimal or a percentage, not part of a name (Qwen2.5, 1.5B), a section (§3.2) or a setting (λ = 0.5)
NUMBER = re.compile(r"(?<![\w.§/=-])(?<!= )(?<!lesson )(?<!lessons )(?<!part )(?<!parts )(\d+(?:\.\d+)?%|\d+\.\d+)(?![\w.]*\d|[A-Za-z-])")
RUN_NAMED = re.compile(r"\b20\d\d-\d\d-\d\d\b|benchmarks/|\bissue #?\d+|\bpaper\b|et al\.|\bv\d", re.I)

def _sentences(markdown:str):
    text = re.sub(r"```.*?```|`[^`]*`|\$[^$]*\$|\((?![^()]*20\d\d-\d\d)[^()]*\d{4}[^()]*\)", " ", markdown, flags=re.S)  # code, maths, citations
    text = re.sub(r"^\|.*\|\s*$", " ", text, flags=re.M)  # tables are checked by eye
    return re.split(r"(?<=[.!?])\s+|\n\n", text)

def unquoted_numbers(path:Path) -> list[str]:
    "A number the prose quotes (3.81, 45.8%, 1,095) is in the lesson's saved outputs, or its sentence names the run."
    cs = cells(path)
    outputs = "\n".join(output_text(c) for c in cs if c["cell_type"] == "code")
    flat = outputs.replace(",", "")
    problems = []
    for i, c in enumerate(cs):
        if c["cell_type"] != "markdown": continue
        for sentence in _sentences(src(c)):
            if RUN_NAMED.search(sentence): continue
            for n in NUMBER.findall(sentence):
                bare = n.rstrip("%").replace(",", "")
                if bare not in flat and f"{float(bare):g}" not in flat:
                    problems.append(f"cell {i}: {n} is in no saved output ({sentence.strip()[:80]!r})")
    return problems

def hidden_answers(path:Path) -> list[str]:
    "No hidden cell inside an Exercises section asserts anything (an answer hidden on the site, visible in Jupyter)."
    problems, in_exercises = [], False
    for i, c in enumerate(cells(path)):
        s = src(c)
        if c["cell_type"] == "markdown" and (heads := re.findall(r"^#{2,6} (.*)$", s, re.M)):
            in_exercises = "xercise" in heads[-1]
        if (in_exercises and c["cell_type"] == "code" and re.search(r"^#\|\s*hide", s, re.M)
                and re.search(r"\bassert\b|test_eq|test_close|test_fail", s)):
            problems.append(f"cell {i}: a hidden cell under the exercises asserts an answer")
    return problems

SECTIONS = {"goals": r"^#{2,6} .*(goal|you will learn)|^\*\*(learning )?goals", "exercises": r"^#{2,6} .*exercise",
            "summary": r"^#{2,6} .*(summary|take-away)"}

def missing_sections(path:Path) -> list[str]:
    "A course lesson has learning goals, exercises and a summary."
    md = "\n".join(src(c) for c in cells(path) if c["cell_type"] == "markdown")
    return [f"no {name} section" for name, pat in SECTIONS.items() if not re.search(pat, md, re.I | re.M)]

SLOW = re.compile(r"^#\|\s*slow\b", re.M)
TAKES = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:s|seconds?|min|minutes?|h|hours?)\b|\b(?:a|an) (?:minute|hour)\b")
FETCHES = re.compile(r"download|fetch", re.I)

def unannounced_slow(path:Path) -> list[str]:
    "Every `#| slow` cell says above it (the nearest markdown cell) how long it runs on a CPU and what it downloads."
    problems, above = [], ""
    for i, c in enumerate(cells(path)):
        if c["cell_type"] == "markdown": above = src(c)
        elif SLOW.search(src(c)):
            missing = [w for w, pat in (("how long it runs", TAKES), ("what it downloads", FETCHES))
                       if not pat.search(above)]
            if missing: problems.append(f"cell {i}: a slow cell whose text above does not say " + " or ".join(missing))
    return problems

CHECKS = [stale_show_doc, unsaved_outputs, unquoted_numbers, hidden_answers, missing_sections]  # over the course
# unannounced_slow runs over every notebook (tests/test_lessons.py)
