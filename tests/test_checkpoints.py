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

class _Stop(Exception): "Stands for a run killed mid-way."

def _interrupted_then_resumed(d, **kw):
    "20 steps uninterrupted, and again stopped at step 11 and resumed from the step-10 checkpoint: the same."
    torch.manual_seed(0); s_full = shrink(TEACHER.model, keep=2)
    h_full = distill(s_full, TEACHER, EXAMPLES, steps=20, lr=3e-3, progress=False, **kw)
    def stop_at_11(r):
        if r["step"] == 11: raise _Stop
    with pytest.raises(_Stop):
        distill(shrink(TEACHER.model, keep=2), TEACHER, EXAMPLES, steps=20, lr=3e-3, progress=False,
                checkpoint_dir=d, save_every=10, callback=stop_at_11, **kw)
    s_c = shrink(TEACHER.model, keep=2)  # a fresh process would start from scratch weights
    h_resumed = distill(s_c, TEACHER, EXAMPLES, steps=20, lr=3e-3, progress=False, checkpoint_dir=d,
                        save_every=10, **kw)
    assert [h["loss"] for h in h_resumed] == [h["loss"] for h in h_full]  # exactly, not approximately
    assert all(torch.equal(a, b) for a, b in zip(s_c.parameters(), s_full.parameters()))
    return h_full

def test_a_stopped_run_resumes_bit_exactly(tmp_path):
    _interrupted_then_resumed(tmp_path)

def test_an_on_policy_run_resumes_bit_exactly(tmp_path):
    "The student's samples continue the same random stream: RNG, batch order, λ and replay are checkpointed."
    h = _interrupted_then_resumed(tmp_path, on_policy_fraction=0.5, max_new_tokens=6, on_clipped="off")
    assert sum(r["on_policy"] for r in h[10:]) > 0  # the resumed half did sample

def test_a_resume_with_other_settings_is_refused(tmp_path):
    _interrupted_then_resumed(tmp_path)
    again = lambda **kw: distill(shrink(TEACHER.model, keep=2), TEACHER, kw.pop("examples", EXAMPLES),
                                 steps=20, progress=False, checkpoint_dir=tmp_path, **kw)
    with pytest.raises(ValueError, match="lr: checkpoint 0.003, now 0.001"): again(lr=1e-3)
    with pytest.raises(ValueError, match="examples: checkpoint"): again(lr=3e-3, examples=EXAMPLES[:6])

def test_a_crafted_checkpoint_cannot_run_code(tmp_path):
    "A checkpoint is read with weights_only=True: a pickled payload is refused, never run."
    class Payload:  # what a crafted checkpoint could hide: unpickling it would run a shell command
        def __reduce__(self): return (os.system, (f"echo pwned > {tmp_path}/pwned",))
    torch.save({"model": Payload()}, tmp_path/"distill.pt")
    with pytest.raises(ValueError, match="is not a distill checkpoint this version can load safely"):
        distill(shrink(TEACHER.model, keep=2), TEACHER, EXAMPLES, steps=2, progress=False,
                checkpoint_dir=tmp_path)
    assert not (tmp_path/"pwned").exists()
