"""Gradient accumulation and several processes normalise by tokens (issue #32): with examples of very unequal
lengths, one batch of 4 = two micro-batches of 2 = four of 1 = two processes with 2 each, in loss and in weights.
Float32 is pinned: bf16's rounding would blur an equality to 1e-5."""
import json, os, subprocess, sys
import pytest
import torch
from safetensors.torch import load_file

os.environ["DISTILL_NB_FLOAT32"] = "1"

SETUP = '''
import torch
from distill_nb.core.data import Record
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.models import shrink, tiny_lm, tiny_tokenizer
from distill_nb.core.teachers import HFTeacher
tok = tiny_tokenizer()
teacher = HFTeacher(tiny_lm(n_layers=4, hidden_size=64, seed=1), tok)
# answers of 1 to 46 characters (the byte tokenizer: a token each), every length different
lengths = [3, 40, 7, 25, 1, 46, 12, 30]
records = [Record(id=str(i), instruction=f"Q{i}", output=("abcdefghij" * 5)[:n]) for i, n in enumerate(lengths)]
examples = tokenize_chat(records, tok, max_len=96)
'''

def _distill(batch_size, grad_accum):
    ns = {}; exec(SETUP, ns)
    from distill_nb.distill.kd import distill
    from distill_nb.core.models import shrink
    student = shrink(ns["teacher"].model, keep=2)
    hist = distill(student, ns["teacher"], ns["examples"], steps=3, batch_size=batch_size,
                   grad_accum=grad_accum, lr=3e-3, warmup=0, progress=False)
    return student.state_dict(), [h["loss"] for h in hist]

def test_examples_have_unequal_lengths():
    ns = {}; exec(SETUP, ns)
    counts = sorted({sum(l != -100 for l in e["labels"]) for e in ns["examples"]})
    assert counts[-1] > 3 * counts[0], counts

def test_distill_one_batch_equals_accumulated_micro_batches():
    w4, l4 = _distill(4, 1)
    for bs, acc in [(2, 2), (1, 4)]:
        w, l = _distill(bs, acc)
        for k in w4: torch.testing.assert_close(w[k], w4[k], rtol=1e-4, atol=1e-5, msg=f"{k} ({bs}×{acc})")
        assert l == pytest.approx(l4, rel=1e-4), (bs, acc)

def test_distill_two_processes_equal_one(tmp_path):
    script = tmp_path/"run.py"
    script.write_text(SETUP + f'''
from safetensors.torch import save_file
from distill_nb.distill.kd import distill
from distill_nb.core.train import world
import json
student = shrink(teacher.model, keep=2)
hist = distill(student, teacher, examples, steps=3, batch_size=4, lr=3e-3, warmup=0, progress=False)
rank = world()[0]
save_file({{k: v.clone().contiguous() for k, v in student.state_dict().items() if k != "lm_head.weight"}},
          f"{tmp_path}/w-{{rank}}.safetensors")
json.dump([h["loss"] for h in hist], open(f"{tmp_path}/loss-{{rank}}.json", "w"))
''')
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                        str(script)], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    w1, l1 = _distill(4, 1)
    w2 = load_file(tmp_path/"w-0.safetensors")
    for k in w2: torch.testing.assert_close(w2[k], w1[k], rtol=1e-4, atol=1e-5, msg=k)
    assert json.loads((tmp_path/"loss-0.json").read_text()) == pytest.approx(l1, rel=1e-4)

def test_sft_one_batch_equals_accumulated_micro_batches():
    from distill_nb.distill.sft import sft
    from distill_nb.core.models import shrink
    def run(bs, acc):
        ns = {}; exec(SETUP, ns)
        out = sft(shrink(ns["teacher"].model, keep=2), ns["tok"], ns["examples"], steps=3, batch_size=bs,
                  grad_accum=acc, lr=3e-3, progress=False)
        return out.model.state_dict()
    w4, w22 = run(4, 1), run(2, 2)
    for k in w4: torch.testing.assert_close(w22[k], w4[k], rtol=1e-4, atol=1e-5, msg=k)

def test_grad_accum_is_checked():
    from distill_nb.distill.sft import sft
    ns = {}; exec(SETUP, ns)
    with pytest.raises(ValueError, match="grad_accum must be an integer >= 1"):
        sft(ns["teacher"].model, ns["tok"], ns["examples"], grad_accum=0)

# the ranking and RL trainers: a step's batch of 4 prompts (or pairs) = 2 micro-batches of 2 = 4 of 1
PROMPTS = [f"Q{i}" for i in range(6)]
ANSWERS = [("abcdefghij" * 5)[:n] for n in (3, 40, 7, 25, 1, 46, 12, 30, 9, 2, 33, 18)]

def _same(runs):
    "Weights and history equal (weights within atol 2e-4: see the comment)."
    # Adam divides by √v: where a gradient is near 0 its float rounding is amplified, so a weight may move
    # up to a few % of one step (lr 3e-3) apart: 1 in 4096 moved 9e-5 in the DPO+SFT run
    (w0, h0), rest = runs[0], runs[1:]
    for w, h in rest:
        for k in w0: torch.testing.assert_close(w[k], w0[k], rtol=1e-4, atol=2e-4, msg=k)
        for key in h0[0]:
            if key not in ("step", "lr"):
                assert [r[key] for r in h] == pytest.approx([r[key] for r in h0], rel=1e-4), key

@pytest.mark.parametrize("loss,sft_weight", [("dpo", 0.0), ("dpo", 0.5), ("pro", 1.0), ("rrhf", 1.0)])
def test_rank_train_one_batch_equals_accumulated_micro_batches(loss, sft_weight):
    from distill_nb.distill.ranking import rank_train
    third = lambda i: [ANSWERS[i + 6]] if loss != "dpo" else []
    cands = [[ANSWERS[2*i], ANSWERS[2*i + 1]] + third(i) for i in range(6)]
    def run(bs, acc):
        ns = {}; exec(SETUP, ns)
        student = shrink_student(ns)
        h = rank_train(student, ns["tok"], PROMPTS, cands, loss=loss, steps=3, lr=3e-3,
                       sft_weight=sft_weight, batch_size=bs, grad_accum=acc, progress=False)
        return student.state_dict(), h
    _same([run(4, 1), run(2, 2), run(1, 4)])

def shrink_student(ns):
    from distill_nb.core.models import shrink
    return shrink(ns["teacher"].model, keep=2)

def test_reward_model_one_batch_equals_accumulated_micro_batches():
    from distill_nb.distill.reward_rl import train_reward_model
    pairs = [(p, ANSWERS[2*i], ANSWERS[2*i + 1]) for i, p in enumerate(PROMPTS)]
    def run(bs, acc):
        ns = {}; exec(SETUP, ns)
        rm, h = train_reward_model(ns["teacher"].model, ns["tok"], pairs, steps=3, lr=3e-3,
                                   batch_size=bs, grad_accum=acc, progress=False)
        return rm.state_dict(), h
    _same([run(4, 1), run(2, 2), run(1, 4)])

def test_rloo_one_batch_equals_accumulated_micro_batches():
    from distill_nb.distill.reward_rl import rloo
    reward = lambda ps, outs: torch.tensor([float(len(o)) for o in outs])  # longer answers, higher reward
    def run(bs, acc):
        ns = {}; exec(SETUP, ns)
        student = shrink_student(ns)
        h = rloo(student, ns["tok"], PROMPTS, reward, steps=2, k=2, batch_prompts=bs, grad_accum=acc,
                 lr=3e-3, max_new_tokens=12, progress=False)
        return student.state_dict(), h
    _same([run(4, 1), run(2, 2), run(1, 4)])

def test_accumulation_arguments_are_checked():
    from distill_nb.distill.ranking import rank_train
    from distill_nb.distill.reward_rl import rloo
    ns = {}; exec(SETUP, ns)
    with pytest.raises(ValueError, match="grad_accum needs a batch_size"):
        rank_train(ns["teacher"].model, ns["tok"], ["a"], [["x", "y"]], grad_accum=2)
    with pytest.raises(ValueError, match=r"between 1 and the 1 prompts, got 1 × 2"):
        rank_train(ns["teacher"].model, ns["tok"], ["a"], [["x", "y"]], batch_size=1, grad_accum=2)
    with pytest.raises(ValueError, match="2 prompts cannot fill 2 micro-batches of 2"):
        rloo(ns["teacher"].model, ns["tok"], ["a", "b"], lambda p, o: torch.zeros(len(o)),
             grad_accum=2)
