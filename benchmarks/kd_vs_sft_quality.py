"""Quality of each distillation objective at the same token budget: SmolLM2-135M-Instruct teacher → 16-layer student.

The teacher labels the shipped `basics` seeds (resumable JSONL in --out); 12 are held out. Every method trains
a fresh `shrink(teacher, 16)` with the same loop, steps, batch and learning rate; only the loss differs. Reported:
held-out teacher-KL per token (lower is better), ROUGE-L of the student's greedy answers against the teacher's,
and the fraction of the SFT → teacher gap each closes. (Without human reference answers, SFT on teacher answers
*is* SeqKD here, so they share a row.) A small-scale echo of MiniLLM's Table 1: the direction, not the numbers.

    python benchmarks/kd_vs_sft_quality.py [--steps 40] [--out benchmarks/out]
"""
import argparse, json, random, time
from pathlib import Path
import torch
from distill_nb.demo import label_seeds
from distill_nb.core.data import JsonlStore, load_seed
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.models import shrink
from distill_nb.core.teachers import load_default_teacher
from distill_nb.distill.divergences import forward_kl, reverse_kl, js_divergence, skew_kl, skew_reverse_kl
from distill_nb.distill.kd import distill
from distill_nb.evaluate.metrics import teacher_kl, rouge_l
from distill_nb.core.teachers import HFTeacher

METHODS = {"SFT = SeqKD (CE on teacher answers)": dict(alpha_ce=1.0),
           "forward KL": dict(alpha_ce=0.0, divergence=forward_kl),
           "reverse KL": dict(alpha_ce=0.0, divergence=reverse_kl),
           "JSD (β=0.5)": dict(alpha_ce=0.0, divergence=js_divergence, mix=0.5),
           "skew KL (α=0.1)": dict(alpha_ce=0.0, divergence=skew_kl, skew=0.1),
           "skew reverse KL (α=0.1)": dict(alpha_ce=0.0, divergence=skew_reverse_kl, skew=0.1)}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40); p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=2e-4); p.add_argument("--out", default="benchmarks/out")
    a = p.parse_args()
    t0 = time.time()
    teacher = load_default_teacher()
    seeds = load_seed("basics"); random.Random(0).shuffle(seeds)
    store = JsonlStore(Path(a.out)/"labels.jsonl")
    label_seeds(teacher, seeds, store, max_new_tokens=64)
    recs = {r.id: r for r in store}; ordered = [recs[s.id] for s in seeds if s.id in recs]
    held, train = ordered[:12], ordered[12:]
    held_ex, train_ex = tokenize_chat(held, teacher.tokenizer), tokenize_chat(train, teacher.tokenizer)

    def evaluate(model):
        answers = HFTeacher(model, teacher.tokenizer).generate([r.instruction for r in held], max_new_tokens=64)
        return teacher_kl(teacher, model, held_ex), rouge_l(answers, [r.output for r in held])

    rows = {"student before training": evaluate(shrink(teacher.model, 16))}
    for name, kw in METHODS.items():
        torch.manual_seed(0)
        student = shrink(teacher.model, 16)
        distill(student, teacher, train_ex, steps=a.steps, batch_size=a.batch, lr=a.lr, seed=0, progress=False, **kw)
        rows[name] = evaluate(student)
        print(f"  {name}: KL {rows[name][0]:.3f}, ROUGE-L {rows[name][1]:.3f}", flush=True)
    sft_kl, sft_r = rows["SFT = SeqKD (CE on teacher answers)"]
    print(f"\nSmolLM2-135M-Instruct (30 layers) → shrink 16 layers; {len(train)} train / {len(held)} held-out teacher answers; "
          f"{a.steps} steps × batch {a.batch}, lr {a.lr}; {time.time() - t0:.0f} s\n")
    print("| method | held-out KL(p‖q) / token ↓ | ROUGE-L vs teacher ↑ | KL gap to teacher closed vs SFT | ROUGE-L gap closed vs SFT |")
    print("|---|---|---|---|---|")
    for name, (kl, r) in rows.items():
        print(f"| {name} | {kl:.3f} | {r:.3f} | {(sft_kl - kl) / sft_kl:+.0%} | {(r - sft_r) / (1 - sft_r):+.0%} |")
    print("| teacher (reference) | 0 | 1 | — | — |")

if __name__ == "__main__": main()
