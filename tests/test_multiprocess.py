"Two processes on accelerate (torchrun, gloo on the CPU) distill together and end where one process ends."
import json, os, subprocess, sys
import pytest
import torch
from safetensors.torch import load_file

SCRIPT = '''
import json, sys
import torch
from safetensors.torch import save_file
from distill_nb.core.data import Record
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.models import shrink, tiny_lm, tiny_tokenizer
from distill_nb.core.teachers import HFTeacher
from distill_nb.core.train import world
from distill_nb.distill.kd import distill

out, mode = sys.argv[1], sys.argv[2]
tok = tiny_tokenizer()
teacher = HFTeacher(tiny_lm(n_layers=4, hidden_size=64, seed=1), tok)
# every example has the same length, so each process's share of a batch holds the same number of tokens
records = [Record(id=str(i), instruction=f"What is {i:02d}+{i:02d}?", output=f"{i:02d} plus {i:02d} is {2*i:02d}.") for i in range(12)]
examples = tokenize_chat(records, tok, max_len=64)
assert len({len(e["input_ids"]) for e in examples}) == 1
student = shrink(teacher.model, keep=2)
on_policy_fraction = 0.0 if mode == "off" else 0.5
hist = distill(student, teacher, examples, steps=8, batch_size=4, lr=3e-3, on_policy_fraction=on_policy_fraction,
               max_new_tokens=6, on_clipped="off", progress=False)
rank, n = world()
save_file({k: v.clone().contiguous() for k, v in student.state_dict().items() if k != "lm_head.weight"}, f"{out}/student-{rank}.safetensors")
json.dump({"world": n, "history": hist}, open(f"{out}/history-{rank}.json", "w"))
'''

def _run(tmp_path, name, procs, mode="off"):
    out = tmp_path/name; out.mkdir()
    (script := tmp_path/"run.py").write_text(SCRIPT)
    cmd = [sys.executable, str(script), str(out), mode] if procs == 1 else \
          [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(procs), str(script), str(out), mode]
    # float32: one process and two must agree to 1e-5, which bf16's rounding does not keep
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "DISTILL_NB_FLOAT32": "1"}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    return out

def test_two_processes_match_one_process_with_the_same_global_batch(tmp_path):
    one, two = _run(tmp_path, "one", 1), _run(tmp_path, "two", 2)
    h1, h2 = (json.loads((d/"history-0.json").read_text()) for d in (one, two))
    assert h1["world"] == 1 and h2["world"] == 2
    assert [h["step"] for h in h2["history"]] == list(range(1, 9))  # both ranks stepped together, 8 steps
    w1, w2a, w2b = load_file(one/"student-0.safetensors"), load_file(two/"student-0.safetensors"), load_file(two/"student-1.safetensors")
    for k in w1:
        assert torch.equal(w2a[k], w2b[k]), k                         # DDP keeps the two replicas identical
        torch.testing.assert_close(w2a[k], w1[k], rtol=1e-4, atol=1e-5)  # stated tolerance: float reduction order
    for a, b in zip(h1["history"], h2["history"]):
        assert abs(a["loss"] - b["loss"]) <= 1e-4 * max(1, abs(a["loss"])), (a, b)

def test_two_processes_on_policy(tmp_path):
    "On-policy batches under DDP: each process samples its share; the replicas stay identical."
    two = _run(tmp_path, "two", 2, mode="on")
    w2a, w2b = load_file(two/"student-0.safetensors"), load_file(two/"student-1.safetensors")
    assert all(torch.equal(w2a[k], w2b[k]) for k in w2a)
    hist = json.loads((two/"history-0.json").read_text())["history"]
    assert any(h["on_policy"] for h in hist)
