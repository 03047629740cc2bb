"""distill's checkpoints (issue #32): a resume with another student or teacher is refused, a finished run continues
for more steps, and checkpoints without the optimizer's moments are about a third of the size and still resume."""
import os, warnings
import pytest
import torch

os.environ["DISTILL_NB_FLOAT32"] = "1"
from distill_nb.core.data import Record
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.models import shrink, tiny_lm, tiny_tokenizer
from distill_nb.core.teachers import HFTeacher
from distill_nb.distill.kd import distill

TOK = tiny_tokenizer()
TEACHER = HFTeacher(tiny_lm(n_layers=4, hidden_size=64, seed=1), TOK)
EXAMPLES = tokenize_chat([Record(id=str(i), instruction=f"Q{i}", output="abcdefghij"[:i + 2]) for i in range(8)],
                         TOK, max_len=64)
run = lambda d, steps, student=None, teacher=TEACHER, **kw: distill(
    student or shrink(TEACHER.model, keep=2), teacher, EXAMPLES, steps=steps, lr=3e-3, checkpoint_dir=d,
    save_every=2, progress=False, **kw)

def test_resume_with_another_student_or_teacher_is_refused(tmp_path):
    run(tmp_path, 2)
    with pytest.raises(ValueError, match="student: checkpoint"):
        run(tmp_path, 4, student=tiny_lm(n_layers=2, hidden_size=64, seed=7))
    other = HFTeacher(tiny_lm(n_layers=3, hidden_size=64, seed=2), TOK)
    with pytest.raises(ValueError, match="teacher: checkpoint"):
        run(tmp_path, 4, teacher=other)

def test_a_finished_run_continues_for_more_steps(tmp_path):
    h4 = run(tmp_path, 4)
    h6 = run(tmp_path, 6)  # the same run, asked for 2 steps more
    assert [h["step"] for h in h6] == [1, 2, 3, 4, 5, 6] and h6[:4] == h4
    with pytest.raises(ValueError, match="is at step 6, past steps=3"):
        run(tmp_path, 3)

def test_checkpoints_without_optimizer_moments_are_smaller_and_resume(tmp_path):
    run(tmp_path/"full", 2); run(tmp_path/"small", 2, save_optimizer=False)
    full, small = ((tmp_path/d/"distill.pt").stat().st_size for d in ("full", "small"))
    assert small < 0.45 * full, (small, full)
    assert "opt" not in torch.load(tmp_path/"small"/"distill.pt", weights_only=True)
    with pytest.warns(UserWarning, match="without the optimizer's moments"):
        h = run(tmp_path/"small", 4, save_optimizer=False)
    assert [r["step"] for r in h] == [1, 2, 3, 4]
