"""The lesson checker (tests/lessons.py) over the course, and its own tests on planted faults (issue #30). Lessons
written before the checker keep a count of what it finds in KNOWN; each count may only fall, and a new lesson
starts at zero."""
import json, re
from pathlib import Path
import pytest
from conftest import ROOT
import lessons
from distill_nb.docs import COURSE

KNOWN = {  # problems found on 2026-12-06 in lessons written before the checker: these counts may only fall
    'unquoted_numbers': {
        '02_distill/00_divergences': 3,
        '02_distill/07_cross_tokenizer': 6,
        '02_distill/01_chunked': 1,
        '02_distill/08_draft': 2,
        '03_skills/00_recipes': 4,
        '03_skills/01_context_following': 2,
        '03_skills/02_alignment': 6,
        '03_skills/03_agent': 1,
        '03_skills/04_nlp_tasks': 5,
        '03_skills/05_multimodal': 4,
        '04_verticals/01_law': 3,
        '04_verticals/02_medical': 4,
        '04_verticals/03_finance': 1,
        '04_verticals/04_science': 1,
        '07_evaluate/02_tasks': 2,
        '05_classic/01_features_relations': 3,
        '05_classic/02_schemes': 1,
        '05_classic/04_prune': 3,
        '05_classic/05_encoder': 5,
    },
    'unsaved_outputs': {
        '03_skills/04_nlp_tasks': 1,
        '06_inspect/01_training_dashboard': 1,
    },
}

LESSONS = [n for _, names in COURSE for n in names]

@pytest.mark.parametrize("check", lessons.CHECKS, ids=lambda f: f.__name__)
def test_course_lessons_pass_the_checker(check):
    worse, better = [], []
    for n in LESSONS:
        problems, allowed = check(ROOT/"nbs"/f"{n}.ipynb"), KNOWN.get(check.__name__, {}).get(n, 0)
        if len(problems) > allowed: worse.append(f"{n} ({len(problems)} > {allowed}): " + "; ".join(problems))
        elif len(problems) < allowed: better.append(f"{n}: {len(problems)}")
    if better: print(f"{check.__name__}: lower KNOWN for " + ", ".join(better))
    assert not worse, "\n".join(worse)

def notebook(tmp_path, *cells, name="lesson.ipynb"):
    "A notebook of (kind, source, outputs) cells."
    nb = {"cells": [{"cell_type": k, "metadata": {}, "source": s, **({"outputs": o, "execution_count": None}
                                                                       if k == "code" else {})}
                    for k, s, o in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (p := tmp_path/name).write_text(json.dumps(nb))
    return p

def stream(text): return [{"output_type": "stream", "name": "stdout", "text": text}]

def test_it_finds_a_stale_signature(tmp_path):
    from nbdev.showdoc import show_doc
    from distill_nb.distill.divergences import js_divergence
    now = show_doc(js_divergence)._repr_markdown_()
    old = now.replace("mix:float=0.5", "beta:float=0.5")
    assert old != now
    md = lambda text: [{"output_type": "display_data", "metadata": {}, "data": {"text/markdown": text}}]
    fresh = notebook(tmp_path, ("code", "#| default_exp distill.divergences", []),
                     ("code", "show_doc(js_divergence)", md(now)))
    stale = notebook(tmp_path, ("code", "#| default_exp distill.divergences", []),
                     ("code", "show_doc(js_divergence)", md(old)), name="stale.ipynb")
    assert lessons.stale_show_doc(fresh) == []
    assert "beta:float=0.5" in lessons.stale_show_doc(stale)[0]
    addr = notebook(tmp_path, ("code", "show_doc(f)", md("def f(x=<function g at 0x7f3a2b>)")), name="addr.ipynb")
    assert "0x" in lessons.stale_show_doc(addr)[0]

def test_it_finds_a_number_that_is_in_no_output(tmp_path):
    p = notebook(tmp_path, ("markdown", "The KD term falls from 0.006 to 0.000 here. It falls by 37.5% there.", []),
                 ("code", "print(kd)", stream("KD term 0.006 → 0.000\n")))
    assert [re.search(r"(\S+) is in no", x).group(1) for x in lessons.unquoted_numbers(p)] == ["37.5%"]
    named = notebook(tmp_path, ("markdown", "The flagship run (2026-12-02) reached 45.8%.", []),
                     ("code", "x", stream("")), name="named.ipynb")
    assert lessons.unquoted_numbers(named) == []  # the sentence names the run it quotes

def test_it_finds_a_hidden_answer(tmp_path):
    p = notebook(tmp_path, ("markdown", "## Exercises\n\n1. How large is it?", []),
                 ("code", "answer = None\ncheck(answer, truth)", stream("not answered yet\n")),
                 ("code", "#| hide\nassert truth == 42", []))
    assert lessons.hidden_answers(p) == ["cell 2: a hidden cell under the exercises asserts an answer"]
    ok = notebook(tmp_path, ("markdown", "## Exercises\n\n1. How large?", []),
                  ("markdown", "## Solutions", []), ("code", "assert truth == 42", []), name="ok.ipynb")
    assert lessons.hidden_answers(ok) == []

def test_it_finds_missing_sections_and_unsaved_outputs(tmp_path):
    p = notebook(tmp_path, ("markdown", "# A lesson\n\n## Exercises", []), ("code", "print(1)", []))
    assert lessons.missing_sections(p) == ["no goals section", "no summary section"]
    assert lessons.unsaved_outputs(p) == ["cell 1: shows something but has no saved output"]

def test_it_finds_a_slow_cell_that_does_not_say_its_cost(tmp_path):
    p = notebook(tmp_path, ("markdown", "With the real teacher:", []), ("code", "#| slow\nrun()", []),
                 ("markdown", "About 3 min on 2 CPU cores; downloads nothing.", []), ("code", "#| slow\nrun()", []),
                 ("code", "#| slow\nmore()", []))
    assert lessons.unannounced_slow(p) == ["cell 1: a slow cell whose text above does not say how long it runs "
                                           "or what it downloads"]

def test_every_slow_cell_says_its_cost():
    "Not only the course: every notebook's slow cells say how long they run and what they download (issue #30.7)."
    problems = [f"{p.relative_to(ROOT/'nbs')}: {x}" for p in sorted((ROOT/"nbs").rglob("*.ipynb"))
                for x in lessons.unannounced_slow(p)]
    assert not problems, "\n".join(problems)
