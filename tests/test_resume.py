"""Every elicitation method appends records as it makes them: killed at any batch, a rerun loses nothing, duplicates
nothing and does not ask the teacher again for what is stored. Two processes filling one store never double an id."""
import json, random, subprocess, sys
import pytest
import torch
from distill_nb.core.data import JsonlStore, Record
from distill_nb.elicit.curation import curate
from distill_nb.elicit.expansion import expand
from distill_nb.elicit.features import extract_features
from distill_nb.elicit.feedback import correct, judge, preference_pairs
from distill_nb.elicit.labeling import label
from distill_nb.elicit import self_knowledge
from distill_nb.core.teachers import FunctionTeacher
from distill_nb.skills.agent import tool_tasks, tool_traces
from distill_nb.skills.alignment import critique_revise, rationalize
from distill_nb.skills.context import dialogues

class Killed(Exception): "The process died here (Ctrl-C, a closed laptop lid, SIGKILL)."

class Dies:
    "Wraps a teacher; counts generate calls and dies at call `at` (never, if None)."
    def __init__(self, teacher, at=None): self.teacher, self.at, self.calls, self.capabilities = teacher, at, 0, teacher.capabilities
    @property
    def name(self): return "the-teacher"  # the same teacher across runs, whatever wraps it
    def __getattr__(self, k): return getattr(self.teacher, k)
    def generate(self, prompts, **kw):
        self.calls += 1
        if self.calls == self.at: raise Killed
        return self.teacher.generate(prompts, **kw)

def reply(prompt:str) -> str:
    "One scripted teacher that every method can parse."
    rng = random.Random(prompt)
    if "Rate the answer" in prompt: return "Clear and right.\nScore: 7"
    if "Which answer is better" in prompt: return "Better: A" if "Answer A: good" in prompt else "Better: B"
    if "Corrected:" in prompt: return "Corrected: the fixed answer"
    if "Write one question" in prompt: return f"What is w{rng.randrange(10**6)} made of?"
    if "Write one new task" in prompt: return "Explain " + " ".join(f"w{rng.randrange(10**6)}" for _ in range(5))
    if "subtopics" in prompt.lower() or "list" in prompt.lower(): return "\n".join(f"{i}. topic {rng.randrange(10**6)}" for i in range(1, 6))
    if "JSON object" in prompt or "calculator" in prompt: return prompt  # the tool tasks below are answered by `call`
    return f"An answer to: {prompt[:30]}"

def call(prompt:str) -> str:
    "The right JSON call for a tool task's question (the tasks' own reference calls)."
    return json.dumps(CALLS.get(prompt, {"name": "calculator", "arguments": {"expression": "1+1"}}))

TASKS = tool_tasks(12)
CALLS = {t.instruction: t.meta["call"] for t in TASKS}
SEEDS = [Record(id=f"s{i}", instruction=f"Question number {i}: what is {i} plus {i}?", output=str(2 * i)) for i in range(12)]

METHODS = {  # name: (teacher function, run(teacher, store) -> records)
    "label": (reply, lambda t, s: label(t, SEEDS, store=s, batch_size=3)),
    "expand": (reply, lambda t, s: expand(t, SEEDS, n=8, store=s, batch_size=2)),
    "curate": (reply, lambda t, s: curate(t, ["planets", "rivers"], n=8, store=s, label_kwargs={"batch_size": 2})),
    "judge": (reply, lambda t, s: judge(t, SEEDS, store=s, batch_size=3)),
    "preference_pairs": (reply, lambda t, s: preference_pairs(t, [r.instruction for r in SEEDS], ["good"] * 12, ["bad"] * 12, store=s, batch_size=3)),
    "correct": (reply, lambda t, s: correct(t, SEEDS, store=s, batch_size=3)),
    "rationalize": (reply, lambda t, s: rationalize(t, SEEDS, store=s, batch_size=3)),
    "critique_revise": (reply, lambda t, s: critique_revise(t, SEEDS, store=s, batch_size=3)),
    "dialogues": (reply, lambda t, s: dialogues(t, SEEDS, store=s, batch_size=3)),
    "tool_traces": (call, lambda t, s: tool_traces(t, TASKS, store=s, batch_size=3)),
}

@pytest.mark.parametrize("method", list(METHODS))
def test_killed_midway_a_rerun_loses_and_repeats_nothing(method, tmp_path):
    fn, run = METHODS[method]
    whole = Dies(FunctionTeacher(fn)); full = run(whole, JsonlStore(tmp_path/"whole.jsonl"))
    assert len(full) >= 6 and whole.calls >= 3, (len(full), whole.calls)
    path = tmp_path/"killed.jsonl"
    with pytest.raises(Killed): run(Dies(FunctionTeacher(fn), at=whole.calls - 1), JsonlStore(path))  # dies near the end
    kept = [json.loads(l)["id"] for l in path.read_text().splitlines()]
    assert kept, "nothing made before the kill was stored"
    again = Dies(FunctionTeacher(fn)); res = run(again, JsonlStore(path))
    ids = [json.loads(l)["id"] for l in path.read_text().splitlines()]
    assert len(ids) == len(set(ids)), "an id was stored twice"
    assert set(kept) <= set(ids) and again.calls < whole.calls, "the rerun asked again for stored records"
    if method != "expand":  # its new instructions are sampled anew after a kill
        assert sorted(r.id for r in res) == sorted(r.id for r in full)

def test_self_generate_keeps_each_batch(tmp_path, monkeypatch):
    calls = {"n": 0, "die_at": None}
    def student_writes(model, tokenizer, prompts, *a, **kw):  # stands in for `generate` on the student
        calls["n"] += 1
        if calls["n"] == calls["die_at"]: raise Killed
        return ["The answer is 4."] * len(prompts)
    monkeypatch.setattr(self_knowledge, "generate", student_writes)
    prompts, path = [f"What is {i} plus {i}?" for i in range(9)], tmp_path/"self.jsonl"
    calls["die_at"] = 3
    with pytest.raises(Killed): self_knowledge.self_generate(None, None, prompts, n=3, store=JsonlStore(path), batch_size=2)
    kept = len(path.read_text().splitlines())
    assert kept == 2 * 2 * 3  # two batches of two prompts, three samples each
    calls.update(n=0, die_at=None)
    res = self_knowledge.self_generate(None, None, prompts, n=3, store=JsonlStore(path), batch_size=2)
    assert calls["n"] == 3 and len(res) == 27  # only the 5 prompts not yet done: 3 batches

def test_features_keep_each_shard(tmp_path, tiny_teacher):
    recs = [Record(id=f"f{i}", instruction=f"What is {i}+{i}?", output=f"It is {2 * i}.") for i in range(6)]
    class DiesOnSecondBatch(torch.nn.Module):  # the features pass calls the model itself
        def __init__(self): super().__init__(); self.inner, self.calls = tiny_teacher.model, 0
        def forward(self, **kw):
            self.calls += 1
            if self.calls == 2: raise Killed
            return self.inner(**kw)
    class Teacher:
        capabilities, tokenizer, logits, name, model = tiny_teacher.capabilities, tiny_teacher.tokenizer, tiny_teacher.logits, tiny_teacher.name, DiesOnSecondBatch()
    with pytest.raises(Killed): extract_features(Teacher(), recs, tmp_path, batch_size=3)
    assert len(JsonlStore(tmp_path/"features.jsonl")) == 3
    index = extract_features(tiny_teacher, recs, tmp_path, batch_size=3)
    assert sorted(r.id for r in index) == sorted(r.id for r in recs)

WRITER = '''
import sys, time
from distill_nb.core.data import JsonlStore, Record, fill
items = [{"id": f"item-{i:03d}"} for i in range(30)]
def make(batch):
    time.sleep(0.02)
    return [Record(id=it["id"], instruction="q", output=sys.argv[2]) for it in batch]
fill(JsonlStore(sys.argv[1]), items, make, batch_size=2)
'''

def test_two_writers_never_store_an_id_twice(tmp_path):
    path = tmp_path/"shared.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), who]) for who in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    ids = [json.loads(l)["id"] for l in path.read_text().splitlines()]
    assert sorted(ids) == [f"item-{i:03d}" for i in range(30)]  # every id once, whoever wrote it
    assert len(JsonlStore(path)) == 30

def test_an_add_that_writes_nothing_keeps_its_place(tmp_path, monkeypatch):
    # another writer appends between this writer's open and its lock; an add that then writes nothing must not
    # step back to where the file ended at the open (its next add would read those lines again: "repeats id")
    import fcntl
    path = tmp_path/"shared.jsonl"
    mine, other = JsonlStore(path), JsonlStore(path)
    real, once = fcntl.flock, []
    def flock(f, op):
        if op == fcntl.LOCK_EX and not once:
            once.append(True); other.add(Record(id="x", instruction="q"))
        return real(f, op)
    monkeypatch.setattr(fcntl, "flock", flock)
    assert mine.add(Record(id="x", instruction="q"), skip_existing=True) == 0
    assert mine.add(Record(id="y", instruction="q")) == 1
    assert [r.id for r in JsonlStore(path)] == ["x", "y"]
