"""The flagship benchmark: distilling a teacher that knows into SmolLM2-135M-Instruct (this project's MiniLLM Table 1).

Teacher: Qwen2.5-Coder-0.5B-Instruct (a rung of `load_teacher`; transformers in `pick_dtype`'s dtype — bf16 on a
CPU that computes it — at its picked batch; `--backend llamacpp` for the GGUF as the 2026-12 runs had it).
Student: SmolLM2-135M-Instruct. Task: the shipped multi-step arithmetic word problems — trained on templates
1–12, scored on the held-out templates 13–16 by exact final answer. Rows, each a fresh copy of the student
trained with the same steps, batch and learning rate on the same teacher text:

- student before training;
- SeqKD: SFT on every teacher answer (Kim & Rush 2016);
- distilling step-by-step: SFT on the teacher's rationales whose final answer is right (Hsieh et al. 2023);
- cross-tokenizer logit KD: SeqKD's cross-entropy plus GOLD/ULD on the teacher's top-k (different vocabularies);
- both: cross-tokenizer logit KD on the correct rationales only;
- a reference without any teacher: SFT on the generator's own worked answers (the format the task wants);
- program-aided distillation (PaD, Zhu et al. 2024): SFT on the teacher's *programs* whose answer is right; the
  student answers with a program too, computed by `program_answer` (never run) — its start and its teacher are
  the same two models answering with programs, rows of their own; and the same programs with CE + GOLD;
- the teacher itself.

`--rows` runs some rows only (e.g. `--rows before,pad`); every row is deterministic (greedy, seed 0), so a row
prints the same numbers alone as in a full run.

Scored on the held-out templates 13–16, in-distribution on unseen problems of templates 1–12, and — to see
what distilling arithmetic does to the rest — on HumanEval (executed pass@1, sandboxed) and CHAMP (competition
maths, one-number answers), a spread sample of each (`--humaneval`, `--champ`).

Teacher text is appended to JSONL in --out as it is written, so a rerun resumes.

    python benchmarks/teacher_ladder.py [--train 120] [--test 48] [--steps 40] [--humaneval 20] [--champ 20]
                                        [--rows before,seqkd,sbs,gold,both,ref,pad,padgold] [--out benchmarks/out/ladder]

On 2 CPU cores with the teacher on llama.cpp (2026-12-02): labelling 39 min (programs: 31 min) and scoring 6 min once
(resumed on a rerun), then about 40 min. In bf16 at the teacher's batch (2026-12-07, `--train 480 --steps 120 --rows
before,seqkd,sbs,pad`): 44 min of teacher work for four times the text and programs, then 39 min for the rows.
"""
import argparse, copy, json, random, time
from pathlib import Path
import torch
from distill_nb.core.data import JsonlStore, Record
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.topk import TopK
from distill_nb.core.ladder import load_teacher
from distill_nb.core.teachers import HFTeacher, generate
from distill_nb.core.scoring import Scored
from distill_nb.distill.cross_tokenizer import cross_tokenizer_cache, cross_tokenizer_distill, vocab_overlap
from distill_nb.elicit.labeling import label
from distill_nb.evaluate.tasks import (answer_accuracy, champ, final_number, humaneval, make_word_problems, pass_at_1,
                                      program_accuracy,
                                      program_answer, program_question, word_problems)

ROWS = {"before": "student before", "seqkd": "SeqKD (SFT on every teacher answer)",
        "sbs": "step-by-step (SFT on correct rationales)", "gold": "cross-tokenizer logit KD (CE + GOLD)",
        "both": "both: CE + GOLD on correct rationales",
        "ref": "reference, no teacher: SFT on the generator's worked answers",
        "pad": "PaD: SFT on the teacher's correct programs",
        "padgold": "PaD + logit KD: CE + GOLD on the teacher's correct programs"}

def pick(problems, n, seed=0):
    "n problems spread evenly over the templates, in a fixed shuffled order."
    by = {}
    for p in problems: by.setdefault(p.meta["template"], []).append(p)
    out = [p for ps in by.values() for p in ps[:max(1, n // len(by))]]
    random.Random(seed).shuffle(out)
    return out[:n]

def answers_of(teacher, problems, store, max_new_tokens):
    "The teacher's greedy answers to `problems` (in their order), appended to `store` as written."
    got = label(teacher, problems, store=store, max_new_tokens=max_new_tokens).records  # the teacher's batch
    by_q = {r.instruction: r.output for r in got}
    return [by_q.get(p.instruction, "") for p in problems]

def teacher_scores(teacher, problems, answers, path, k):
    "The teacher's log-probs and top-k on its own answers, appended to a JSONL file as computed (a rerun resumes)."
    done = {}
    if path.exists():
        for line in path.read_text().splitlines():
            d = json.loads(line)
            done[d["id"]] = Scored(d["ids"], d["logprobs"], TopK(torch.tensor(d["top_ids"]), torch.tensor(d["top_lp"]),
                                                                   torch.tensor(d["tail"])))
    todo = [(q, t) for q, t in zip(problems, answers) if q.id not in done and t.strip()]
    for i in range(0, len(todo), 16):  # 16 answers' top-k at a time: memory stays small, a rerun resumes
        chunk = todo[i:i + 16]
        for (q, _), sc in zip(chunk, teacher.score([q.instruction for q, _ in chunk], [t for _, t in chunk], k=k)):
            done[q.id] = sc
            with open(path, "a") as f:
                f.write(json.dumps({"id": q.id, "ids": sc.ids, "logprobs": sc.logprobs,
                                    "top_ids": sc.topk.indices.tolist(), "top_lp": sc.topk.logprobs.tolist(),
                                    "tail": sc.topk.tail.tolist()}) + "\n")
    return done

def tokens_per_second(teacher, problems, new=64):
    t = time.time(); outs = [teacher.generate([q.instruction], max_new_tokens=new)[0] for q in problems]
    n = sum(len(teacher.tokenizer(o, add_special_tokens=False)["input_ids"]) for o in outs)
    return n / (time.time() - t)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teacher", default="qwen2.5-coder-0.5b"); p.add_argument("--backend", default="hf")
    p.add_argument("--train", type=int, default=120); p.add_argument("--test", type=int, default=48)
    p.add_argument("--steps", type=int, default=40); p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-4); p.add_argument("--max-new", type=int, default=256)
    p.add_argument("--stage", choices=["label", "all"], default="all")
    p.add_argument("--in-dist", type=int, default=32); p.add_argument("--k", type=int, default=20); p.add_argument("--max-len", type=int, default=384)
    p.add_argument("--humaneval", type=int, default=20); p.add_argument("--champ", type=int, default=20)
    p.add_argument("--max-new-program", type=int, default=128)
    p.add_argument("--eval-batch", type=int, default=32, help="prompts at once when a student answers")
    p.add_argument("--rows", default=",".join(ROWS), help="which rows to run, from: " + ",".join(ROWS))
    p.add_argument("--out", default="benchmarks/out/ladder")
    a = p.parse_args()
    rows = a.rows.split(",")
    if unknown := set(rows) - set(ROWS): p.error(f"unknown rows {sorted(unknown)}; choose from {','.join(ROWS)}")
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    train, test = pick(word_problems("train"), a.train), pick(word_problems("test"), a.test)
    he = humaneval(); code_set = he[::len(he) // a.humaneval][:a.humaneval]
    ch = champ(); champ_set = ch[::len(ch) // a.champ][:a.champ]
    code_q = [Record(p["task_id"], p["prompt"]) for p in code_set]   # the prompt as the user's message
    teacher = load_teacher(a.teacher, backend=a.backend)
    t_label = time.time()
    test_answers = answers_of(teacher, test, JsonlStore(out/"teacher_test.jsonl"), a.max_new)
    teacher_acc = answer_accuracy(test_answers, test)
    print(f"teacher {teacher.name}: {teacher_acc:.1%} of {len(test)} held-out problems", flush=True)
    train_answers = answers_of(teacher, train, JsonlStore(out/"teacher_train.jsonl"), a.max_new)
    right = [final_number(t) == q.meta["answer"] for t, q in zip(train_answers, train)]
    print(f"teacher right on {sum(right)}/{len(train)} train problems; labelling took {time.time() - t_label:.0f} s",
          flush=True)
    scores = {}
    if {"seqkd", "sbs", "gold", "both"} & set(rows):
        scores = teacher_scores(teacher, train, train_answers, out/"teacher_topk.jsonl", a.k)
        print(f"teacher top-{a.k} of its {len(scores)} train answers cached; {time.time() - t0:.0f} s so far",
              flush=True)
    prog_train, prog_test = [program_question(q) for q in train], [program_question(q) for q in test]
    pad = bool({"pad", "padgold"} & set(rows))
    if pad:
        t_prog = time.time()
        prog_test_answers = answers_of(teacher, prog_test, JsonlStore(out/"teacher_test_program.jsonl"),
                                       a.max_new_program)
        teacher_prog_acc = program_accuracy(prog_test_answers, prog_test)
        prog_train_answers = answers_of(teacher, prog_train, JsonlStore(out/"teacher_train_program.jsonl"),
                                        a.max_new_program)
        prog_right = [program_answer(t) == q.meta["answer"] for t, q in zip(prog_train_answers, prog_train)]
        print(f"teacher answering with programs: {teacher_prog_acc:.1%} of {len(test)} held-out, right on "
              f"{sum(prog_right)}/{len(train)} train problems ({time.time() - t_prog:.0f} s)", flush=True)
        if "padgold" in rows:  # the teacher's top-k on its own correct programs, for the GOLD term
            kept = [(q, t) for q, t, ok in zip(prog_train, prog_train_answers, prog_right) if ok]
            prog_scores = teacher_scores(teacher, [q for q, _ in kept], [t for _, t in kept],
                                         out/"teacher_topk_program.jsonl", a.k)
    teacher_code = pass_at_1(answers_of(teacher, code_q, JsonlStore(out/"teacher_humaneval.jsonl"), a.max_new),
                             code_set)
    teacher_champ = answer_accuracy(answers_of(teacher, champ_set, JsonlStore(out/"teacher_champ.jsonl"), a.max_new),
                                    champ_set)
    print(f"teacher: HumanEval pass@1 {teacher_code:.1%} of {len(code_set)}, CHAMP {teacher_champ:.1%} of "
          f"{len(champ_set)}", flush=True)
    if a.stage == "label": return
    teacher_tps, teacher_name_, teacher_tok = tokens_per_second(teacher, test[:4]), teacher.name, teacher.tokenizer
    del teacher

    base = load_teacher("smollm2-135m")
    tok = base.tokenizer
    recs = [Record(q.id, q.instruction, output=t) for q, t in zip(train, train_answers) if t.strip()]
    ex = tokenize_chat(recs, tok, max_len=a.max_len)
    overlap = vocab_overlap(tok, teacher_tok)
    cached = cross_tokenizer_cache(ex, tok, teacher_tok, [scores[r.id] for r in recs]) if scores else []
    keep = {q.id for q, ok in zip(train, right) if ok}
    correct = [e for e in cached if e["id"] in keep]
    programs = []
    if pad:
        prog_recs = [Record(q.id, q.instruction, output=t) for q, t, ok
                     in zip(prog_train, prog_train_answers, prog_right) if ok]
        programs = tokenize_chat(prog_recs, tok, max_len=a.max_len)
    seen = {q.instruction for q in train}  # unseen problems of the train templates; fresh ones when all are used
    fresh = [q for q in make_word_problems(44, seed=1) if q.meta["split"] == "train"]
    in_dist = pick([q for q in word_problems("train") + fresh if q.instruction not in seen], a.in_dist, seed=1)
    gold = tokenize_chat([Record(q.id, q.instruction, output=q.output) for q in train], tok, max_len=a.max_len)
    programs_kd = []
    if "padgold" in rows:
        programs_kd = cross_tokenizer_cache(programs, tok, teacher_tok, [prog_scores[r.id] for r in prog_recs])
    plans = {"seqkd": (cached, 0.0, False), "sbs": (correct, 0.0, False), "gold": (cached, 1.0, False),
             "both": (correct, 1.0, False), "ref": (gold, 0.0, False), "pad": (programs, 0.0, True),
             "padgold": (programs_kd, 1.0, True)}
    results, pct = {}, lambda x: "—" if x is None else f"{x:.1%}"
    def evaluate(name, model, program=False, tasks=True):
        "Held-out and in-distribution accuracy (answers as steps, or as programs), HumanEval and CHAMP."
        t1, gen = time.time(), lambda prompts, max_new_tokens: generate(model, tok, prompts, max_new_tokens, a.eval_batch)
        wp = [program_question(q) for q in test + in_dist] if program else test + in_dist
        answers = gen([q.instruction for q in wp], max_new_tokens=a.max_new_program if program else a.max_new)
        score = program_accuracy if program else answer_accuracy
        n1 = len(test)
        r = results[name] = {"program": program, "accuracy": score(answers[:n1], wp[:n1]),
                             "in_dist": score(answers[n1:], wp[n1:]), "humaneval": None, "champ": None}
        if tasks:
            more = gen([q.instruction for q in code_q + champ_set], max_new_tokens=a.max_new)
            r |= {"humaneval": pass_at_1(more[:len(code_q)], code_set),
                  "champ": answer_accuracy(more[len(code_q):], champ_set)}
            answers += more
        r |= {"eval_s": time.time() - t1, "tokens/s": tokens_per_second(HFTeacher(model, tok), test[:4])}
        with open(out/"students.jsonl", "a") as f:
            f.write(json.dumps({"row": name, **r, "answers": answers}) + "\n")
        print(f"  {name}: {r['accuracy']:.1%} held-out, {r['in_dist']:.1%} in-distribution, HumanEval "
              f"{pct(r['humaneval'])}, CHAMP {pct(r['champ'])} ({r['eval_s']:.0f} s to evaluate)", flush=True)
    if "before" in rows or {"seqkd", "sbs", "gold", "both", "ref"} & set(rows): evaluate(ROWS["before"], base.model)
    if pad: evaluate(ROWS["before"] + ", answering with a program", base.model, program=True, tasks=False)
    for key, (examples, kd, program) in plans.items():
        if key not in rows: continue
        name = ROWS[key]
        if not examples:
            print(f"  {name}: no examples to train on (the teacher got none right): row left out", flush=True); continue
        t1 = time.time()
        student = copy.deepcopy(base.model).train()
        hist = cross_tokenizer_distill(student, tok, examples, overlap, steps=a.steps, batch_size=a.batch, lr=a.lr,
                                       kd_weight=kd, seed=0, progress=True)
        print(f"  {name}: {len(examples)} examples, {a.steps} steps in {time.time() - t1:.0f} s, "
              f"loss {hist[0]['loss']:.3f} → {hist[-1]['loss']:.3f}", flush=True)
        evaluate(name, student, program=program)
        del student
    starts = {r["program"]: r["accuracy"] for n, r in results.items() if n.startswith(ROWS["before"])}
    tops = {False: teacher_acc, True: teacher_prog_acc if pad else None}
    print(f"\nteacher {a.teacher} ({a.backend}) → student SmolLM2-135M-Instruct; {len(train)} train problems "
          f"(templates 1–12), {len(test)} held-out (templates 13–16); {a.steps} steps × batch {a.batch}, lr {a.lr}, "
          f"seed 0; greedy, {a.max_new} new tokens ({a.max_new_program} for a program); HumanEval {len(code_set)} "
          f"and CHAMP {len(champ_set)} problems; "
          f"{time.time() - t0:.0f} s on {torch.get_num_threads()} threads\n")
    print("| row | answers as | held-out accuracy (templates 13–16) | gain over start | gap to teacher closed | "
          "in-distribution accuracy (templates 1–12, unseen numbers) | HumanEval pass@1 | CHAMP | tokens/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():   # gain and gap against the start and the teacher answering the same way
        start, top = starts[r["program"]], tops[r["program"]]
        gap = (r["accuracy"] - start) / (top - start) if top is not None and top > start else float("nan")
        print(f"| {name} | {'program' if r['program'] else 'steps'} | {r['accuracy']:.1%} | "
              f"{100 * (r['accuracy'] - start):+.1f} pts | {gap:.0%} | {r['in_dist']:.1%} | {pct(r['humaneval'])} | "
              f"{pct(r['champ'])} | {r['tokens/s']:.1f} |")
    print(f"| teacher ({teacher_name_}) | steps | {teacher_acc:.1%} | | | {sum(right) / len(right):.1%} (its train "
          f"answers) | {teacher_code:.1%} | {teacher_champ:.1%} | {teacher_tps:.1f} |")
    if pad:
        print(f"| teacher ({teacher_name_}) | program | {teacher_prog_acc:.1%} | | | "
              f"{sum(prog_right) / len(prog_right):.1%} (its train answers) | | | |")

if __name__ == "__main__": main()
