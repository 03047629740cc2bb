"The `distill_nb` command: argument errors, and the whole demo pipeline end to end on tiny models."
import json, sys
from conftest import run
from distill_nb.demo import run_demo

def test_bad_arguments_get_clear_errors():
    for args, msg in [(["demo", "--temperature", "0"], "argument --temperature: must be > 0, got 0"),
                      (["demo", "--steps", "-3"], "argument --steps: must be > 0, got -3"),
                      (["demo", "--alpha-ce", "1.5"], "argument --alpha-ce: must be in [0, 1], got 1.5"),
                      (["demo", "--keep", "x"], "argument --keep: invalid"),
                      (["fly"], "invalid choice: 'fly'")]:
        r = run("distill_nb", *args)
        assert r.returncode == 2, (args, r.stderr)
        assert msg in r.stderr, (args, r.stderr)

def test_unknown_seed_set_is_a_clear_error(tmp_path):
    r = run("distill_nb", "demo", "--quick", "--seed-set", "no_such_set", "--out", str(tmp_path))
    assert r.returncode == 1
    from distill_nb.core.data import seed_names
    assert f"distill_nb demo: error: no seed set 'no_such_set'; shipped ones: {seed_names()}" in r.stderr
    assert {"basics", "law", "medical", "finance", "science"} <= set(seed_names())

def test_demo_end_to_end_on_tiny_models(tmp_path, tiny_teacher):
    lines = []
    rep = run_demo(tmp_path, quick=True, teacher=tiny_teacher, steps=6, lr=1e-3, max_new_tokens=12, log=lines.append)
    assert (tmp_path/"report.png").stat().st_size > 5000 and not (tmp_path/"loss.png").exists()
    saved = json.loads((tmp_path/"report.json").read_text())
    assert saved["evaluation"]["student"]["params_total"] < saved["evaluation"]["teacher"]["params_total"]
    assert saved["student_after"]["teacher_kl"] == rep["student_after"]["teacher_kl"]
    assert rep["student_after"]["teacher_kl"] < rep["student_before"]["teacher_kl"]  # distillation moved the student toward the teacher
    assert rep["config"]["train_records"] + rep["config"]["held_out_records"] == 12
    assert any("held-out KL" in l for l in lines)
    # a rerun resumes from its labels: nothing is labelled again or twice
    labels = (tmp_path/"labels_12tok.jsonl").read_text().splitlines()
    rep2 = run_demo(tmp_path, quick=True, teacher=tiny_teacher, steps=1, max_new_tokens=12, log=lambda *a: None)
    assert rep2["labelling"]["added"] == 0
    assert (tmp_path/"labels_12tok.jsonl").read_text().splitlines() == labels
    # a run with longer answers in the same folder never reuses the short ones
    rep3 = run_demo(tmp_path, quick=True, teacher=tiny_teacher, steps=1, max_new_tokens=16, log=lambda *a: None)
    assert rep3["labelling"]["added"] == 12
    assert (tmp_path/"labels_12tok.jsonl").read_text().splitlines() == labels

def test_own_teacher_student_and_jsonl_from_the_command_line(tmp_path, tiny_teacher):
    "A practitioner's pipeline as commands: their teacher and student folders, their JSONL without ids."
    from distill_nb.core.data import load_seed
    from distill_nb.core.models import tiny_lm
    tiny_teacher.model.save_pretrained(tmp_path/"teacher"); tiny_teacher.tokenizer.save_pretrained(tmp_path/"teacher")
    tiny_lm(n_layers=2, hidden_size=64).save_pretrained(tmp_path/"student")
    tiny_teacher.tokenizer.save_pretrained(tmp_path/"student")
    rows = [{"instruction": s.instruction, "input": "", "output": ""} for s in load_seed("basics")[:10]]
    (tmp_path/"mine.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:8]))
    (tmp_path/"held.jsonl").write_text("\n".join(json.dumps(r) for r in rows[8:]))
    t, cli = ["--teacher", str(tmp_path/"teacher")], lambda *a: run("distill_nb", *map(str, a))
    for name in ("mine", "held"):
        r = cli("label", *t, "--data", tmp_path/f"{name}.jsonl", "--out", tmp_path/f"{name}_labels.jsonl",
                "--max-new-tokens", 16)
        assert r.returncode == 0, r.stderr
        assert f"labelled {len(rows[:8]) if name == 'mine' else 2} of" in r.stdout and str(tmp_path) in r.stdout
    held = ["--data", tmp_path/"held_labels.jsonl"]
    before = cli("evaluate", *t, "--student", tmp_path/"student", *held, "--out", tmp_path/"before.json")
    r = cli("distill", *t, "--student", tmp_path/"student", "--data", tmp_path/"mine_labels.jsonl",
            "--out", tmp_path/"run", "--steps", 20, "--lr", 3e-3)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/"run"/"student"/"model.safetensors").exists() and "student →" in r.stdout
    after = cli("evaluate", *t, "--student", tmp_path/"run"/"student", *held, "--out", tmp_path/"after.json")
    assert before.returncode == after.returncode == 0, (before.stderr, after.stderr)
    kl = lambda f: json.loads((tmp_path/f).read_text())["teacher_kl"]
    assert kl("after.json") < kl("before.json")  # the distilled student is closer to the teacher
    r = cli("distill", *t, "--data", tmp_path/"mine.jsonl", "--out", tmp_path/"x")  # not labelled yet
    assert r.returncode == 1 and "records have no output to learn from" in r.stderr and "Traceback" not in r.stderr

def test_a_practitioners_alpaca_json_array_goes_through_label_distill_evaluate(tmp_path, tiny_teacher):
    "Alpaca's layout as one JSON array, with ids, inputs, gold outputs and a column of their own (issue #32)."
    from distill_nb.core.data import load_seed
    tiny_teacher.model.save_pretrained(tmp_path/"teacher"); tiny_teacher.tokenizer.save_pretrained(tmp_path/"teacher")
    rows = [{"id": 100 + i, "instruction": s.instruction, "input": f"context {i}" if i % 2 else "",
             "output": f"gold answer {i}", "category": "basics"} for i, s in enumerate(load_seed("basics")[:10])]
    (tmp_path/"alpaca_data.json").write_text(json.dumps(rows[:8], indent=2))
    (tmp_path/"held.json").write_text(json.dumps(rows[8:], indent=2))
    cli = lambda *a: run("distill_nb", *map(str, a))
    t = ["--teacher", tmp_path/"teacher"]
    for name in ("alpaca_data", "held"):
        r = cli("label", *t, "--data", tmp_path/f"{name}.json", "--out", tmp_path/f"{name}.jsonl", "--max-new-tokens", 12)
        assert r.returncode == 0 and "gold outputs kept" in r.stdout, r.stderr
    labelled = [json.loads(l) for l in (tmp_path/"alpaca_data.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in labelled}
    assert set(by_id) == {str(100 + i) for i in range(8)}                        # their ids, not hashes
    assert by_id["101"]["input"] == "context 1" and by_id["101"]["instruction"] == rows[1]["instruction"]
    assert by_id["101"]["meta"]["gold"] == "gold answer 1" and by_id["101"]["meta"]["category"] == "basics"
    r = cli("distill", *t, "--data", tmp_path/"alpaca_data.jsonl", "--out", tmp_path/"run", "--keep", 2,
            "--steps", 6, "--lr", 1e-3, "--save-every", 3)
    assert r.returncode == 0, r.stderr
    ckpt = torch_load(tmp_path/"run"/"checkpoints"/"distill.pt")
    assert ckpt["step"] == 6 and "opt" not in ckpt                               # smaller: no optimizer moments
    r = cli("evaluate", *t, "--student", tmp_path/"run"/"student", "--data", tmp_path/"held.jsonl",
            "--out", tmp_path/"eval.json", "--max-new-tokens", 12)
    assert r.returncode == 0, r.stderr
    got = json.loads((tmp_path/"eval.json").read_text())
    assert {"teacher", "before"} <= set(got["beside"]) and "rouge_l_gold" in got  # beside it, and the gold
    assert got["teacher_kl"] < got["beside"]["before"]["teacher_kl"]             # distillation moved it closer
    assert "ROUGE-L vs your gold" in r.stdout and "teacher, before, student" in r.stdout
    r = cli("distill", *t, "--data", tmp_path/"alpaca_data.jsonl", "--out", tmp_path/"run", "--keep", 2,
            "--steps", 8, "--lr", 1e-3, "--save-every", 3)                      # continued for 2 more steps
    assert r.returncode == 0 and "distilled 8 steps" in r.stdout, r.stderr
    assert len((tmp_path/"run"/"history.jsonl").read_text().splitlines()) == 8

def torch_load(path):
    import torch
    return torch.load(path, weights_only=True)
