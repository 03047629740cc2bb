"The real embedded teacher, offline (slow: run with `pytest -m slow`)."
import json, os
import pytest
from conftest import run

pytestmark = pytest.mark.slow

def test_default_teacher_answers_offline():
    from distill_nb.core.teachers import load_default_teacher
    teacher = load_default_teacher()
    assert teacher.model.config.vocab_size == 49152 and teacher.model.config.num_hidden_layers == 30
    [answer] = teacher.generate(["What is 2+3?"], max_new_tokens=32)
    assert "5" in answer, answer

def test_quick_demo_prints_teacher_vs_student(tmp_path):
    r = run("distill_nb", "demo", "--quick", "--out", str(tmp_path), env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    for row in ("held-out KL(p‖q) / token", "ROUGE-L vs teacher", "parameters (M)", "tokens / s"): assert row in r.stdout
    rep = json.loads((tmp_path/"report.json").read_text())
    assert rep["student_after"]["teacher_kl"] < rep["student_before"]["teacher_kl"]
