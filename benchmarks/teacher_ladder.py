"""The flagship benchmark: distilling a teacher that knows into SmolLM2-135M-Instruct (this project's MiniLLM Table 1).

Teacher: Qwen2.5-Coder-0.5B-Instruct (a rung of `load_teacher`; llama.cpp when installed, else transformers).
Student: SmolLM2-135M-Instruct. Task: the shipped multi-step arithmetic word problems — trained on templates
1–12, scored on the held-out templates 13–16 by exact final answer. Rows, each a fresh copy of the student
trained with the same steps, batch and learning rate on the same teacher text:

- student before training;
- SeqKD: SFT on every teacher answer (Kim & Rush 2016);
- distilling step-by-step: SFT on the teacher's rationales whose final answer is right (Hsieh et al. 2023);
- cross-tokenizer logit KD: SeqKD's cross-entropy plus GOLD/ULD on the teacher's top-k (different vocabularies);
- both: cross-tokenizer logit KD on the correct rationales only;
- a reference without any teacher: SFT on the generator's own worked answers (the format the task wants);
- the teacher itself.

Scored on the held-out templates 13–16, in-distribution on unseen problems of templates 1–12, and — to see
what distilling arithmetic does to the rest — on HumanEval (executed pass@1, sandboxed) and CHAMP (competition
maths, one-number answers), a spread sample of each (`--humaneval`, `--champ`).

Teacher text is appended to JSONL in --out as it is written, so a rerun resumes.

    python benchmarks/teacher_ladder.py [--train 120] [--test 48] [--steps 40] [--humaneval 20] [--champ 20]
                                        [--out benchmarks/out/ladder]

On 2 CPU cores: teacher labelling 39 min and scoring 6 min once (resumed on a rerun), then about 40 min.
"""
import argparse, copy, json, random, time
from pathlib import Path
import torch
from distill_nb.core.data import JsonlStore, Record, TopK, tokenize_chat
from distill_nb.core.ladder import load_teacher
from distill_nb.core.teachers import HFTeacher, Scored
from distill_nb.distill.cross_tokenizer import cross_tokenizer_cache, cross_tokenizer_distill, vocab_overlap
from distill_nb.elicit.labeling import label
from distill_nb.evaluate.tasks import answer_accuracy, champ, final_number, humaneval, pass_at_1, word_problems

def pick(problems, n, seed=0):
    "n problems spread evenly over the templates, in a fixed shuffled order."
    by = {}
    for p in problems: by.setdefault(p.meta["template"], []).append(p)
    out = [p for ps in by.values() for p in ps[:max(1, n // len(by))]]
    random.Random(seed).shuffle(out)
    return out[:n]

def answers_of(teacher, problems, store, max_new_tokens):
    "The teacher's greedy answers to `problems` (in their order), appended to `store` as written."
    got = label(teacher, problems, store=store, max_new_tokens=max_new_tokens, batch_size=4).records
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
    for i in range(0, len(todo), 4):
        chunk = todo[i:i + 4]
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
    p.add_argument("--teacher", default="qwen2.5-coder-0.5b"); p.add_argument("--backend", default="llamacpp")
    p.add_argument("--train", type=int, default=120); p.add_argument("--test", type=int, default=48)
    p.add_argument("--steps", type=int, default=40); p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-4); p.add_argument("--max-new", type=int, default=256)
    p.add_argument("--stage", choices=["label", "all"], default="all")
    p.add_argument("--in-dist", type=int, default=32); p.add_argument("--k", type=int, default=20); p.add_argument("--max-len", type=int, default=384)
    p.add_argument("--humaneval", type=int, default=20); p.add_argument("--champ", type=int, default=20)
    p.add_argument("--out", default="benchmarks/out/ladder")
    a = p.parse_args()
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
    scores = teacher_scores(teacher, train, train_answers, out/"teacher_topk.jsonl", a.k)
    print(f"teacher top-{a.k} of its {len(scores)} train answers cached; {time.time() - t0:.0f} s so far", flush=True)
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
    cached = cross_tokenizer_cache(ex, tok, teacher_tok, [scores[r.id] for r in recs])
    keep = {q.id for q, ok in zip(train, right) if ok}
    correct = [e for e in cached if e["id"] in keep]
    seen = {q.id for q in train}
    in_dist = pick([q for q in word_problems("train") if q.id not in seen], a.in_dist, seed=1)
    gold = tokenize_chat([Record(q.id, q.instruction, output=q.output) for q in train], tok, max_len=a.max_len)
    plans = {"SeqKD (SFT on every teacher answer)": (cached, 0.0),
             "step-by-step (SFT on correct rationales)": (correct, 0.0),
             "cross-tokenizer logit KD (CE + GOLD)": (cached, 1.0),
             "both: CE + GOLD on correct rationales": (correct, 1.0),
             "reference, no teacher: SFT on the generator's worked answers": (gold, 0.0)}
    results = {}
    def evaluate(name, model):
        t1 = time.time()
        both = test + in_dist + code_q + champ_set
        answers = HFTeacher(model, tok, batch_size=16).generate([q.instruction for q in both],
                                                                max_new_tokens=a.max_new)
        n1 = len(test); n2 = n1 + len(in_dist); n3 = n2 + len(code_q)
        r = results[name] = {"accuracy": answer_accuracy(answers[:n1], test),
                             "in_dist": answer_accuracy(answers[n1:n2], in_dist),
                             "humaneval": pass_at_1(answers[n2:n3], code_set),
                             "champ": answer_accuracy(answers[n3:], champ_set), "eval_s": time.time() - t1,
                             "tokens/s": tokens_per_second(HFTeacher(model, tok), test[:4])}
        with open(out/"students.jsonl", "a") as f:
            f.write(json.dumps({"row": name, **r, "answers": answers}) + "\n")
        print(f"  {name}: {r['accuracy']:.1%} held-out, {r['in_dist']:.1%} in-distribution, HumanEval "
              f"{r['humaneval']:.1%}, CHAMP {r['champ']:.1%} ({r['eval_s']:.0f} s to evaluate)", flush=True)
    evaluate("student before", base.model)
    for name, (examples, kd) in plans.items():
        if not examples:
            print(f"  {name}: no examples to train on (the teacher got none right): row left out", flush=True); continue
        t1 = time.time()
        student = copy.deepcopy(base.model).train()
        hist = cross_tokenizer_distill(student, tok, examples, overlap, steps=a.steps, batch_size=a.batch, lr=a.lr,
                                       kd_weight=kd, seed=0, progress=True)
        print(f"  {name}: {len(examples)} examples, {a.steps} steps in {time.time() - t1:.0f} s, "
              f"loss {hist[0]['loss']:.3f} → {hist[-1]['loss']:.3f}", flush=True)
        evaluate(name, student)
        del student
    start, top = results["student before"]["accuracy"], teacher_acc
    print(f"\nteacher {a.teacher} ({a.backend}) → student SmolLM2-135M-Instruct; {len(train)} train problems "
          f"(templates 1–12), {len(test)} held-out (templates 13–16); {a.steps} steps × batch {a.batch}, lr {a.lr}, "
          f"seed 0; greedy, {a.max_new} new tokens; HumanEval {len(code_set)} and CHAMP {len(champ_set)} problems; "
          f"{time.time() - t0:.0f} s on {torch.get_num_threads()} threads\n")
    print("| row | held-out accuracy (templates 13–16) | gain over start | gap to teacher closed | "
          "in-distribution accuracy (templates 1–12, unseen numbers) | HumanEval pass@1 | CHAMP | tokens/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        gap = (r["accuracy"] - start) / (top - start) if top > start else float("nan")
        print(f"| {name} | {r['accuracy']:.1%} | {100 * (r['accuracy'] - start):+.1f} pts | {gap:.0%} | "
              f"{r['in_dist']:.1%} | {r['humaneval']:.1%} | {r['champ']:.1%} | {r['tokens/s']:.1f} |")
    print(f"| teacher ({teacher_name_}) | {top:.1%} | | | {sum(right) / len(right):.1%} (its train answers) | "
          f"{teacher_code:.1%} | {teacher_champ:.1%} | {teacher_tps:.1f} |")

if __name__ == "__main__": main()
