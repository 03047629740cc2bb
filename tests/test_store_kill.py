"JsonlStore survives a killed process: the rerun completes the generation with every id exactly once."
import json, os, signal, subprocess, sys, time
from pathlib import Path

SCRIPT = '''
import sys, time
from distill_nb.core.data import JsonlStore, Record, fill
items = [{"id": f"item-{i:03d}"} for i in range(40)]
def make(batch):
    time.sleep(float(sys.argv[2]))                 # a slow teacher
    return [Record(id=it["id"], instruction="q", output=it["id"].upper()) for it in batch]
print(fill(JsonlStore(sys.argv[1]), items, make, batch_size=3), flush=True)
'''

def test_killed_generation_resumes_without_loss_or_duplicates(tmp_path):
    path = tmp_path/"gen.jsonl"
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), "0.15"], stderr=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not path.exists() or len(path.read_text().splitlines()) < 9): time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL); p.wait()
    done_before = len(path.read_text().splitlines())
    assert 9 <= done_before < 40, done_before            # killed midway
    with open(path, "a") as f: f.write('{"id": "item-0')  # as if the kill had cut a line in half
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(path), "0"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.strip()) == 40 - done_before        # only the missing ones were produced
    ids = [json.loads(l)["id"] for l in path.read_text().splitlines()]
    assert sorted(ids) == [f"item-{i:03d}" for i in range(40)]  # every id, once
