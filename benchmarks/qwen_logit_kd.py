"""Logit KD between two real pretrained models: Qwen2.5-Coder-1.5B-Instruct → Qwen2.5-Coder-0.5B-Instruct.

The two share one tokenizer, so this is ordinary token-level KD (no cross-tokenizer alignment). The teacher runs
on llama.cpp, once: its top-k next-token log-probs over the training texts are cached (`cache_topk`), and the
student trains offline from that cache (`distill(student, None, cache)`), the teacher unloaded. The texts are
the shipped word problems' worked solutions (templates 1–12); held out: problems of templates 13–16. Rows, each a
fresh copy of the student with the same loop, steps, batch and learning rate; only the loss differs:

- the student before training;
- SFT: cross-entropy on the texts (alpha_ce=1, the KD term off);
- logit KD: forward KL to the teacher's cached top-k (alpha_ce=0);
- the teacher.

Columns: held-out forward KL(teacher ‖ student) per response token and top-1 agreement with the teacher (on the
held-out solutions, the live teacher's full distribution), and held-out word-problem accuracy (greedy answers).

    python benchmarks/qwen_logit_kd.py [--train 64] [--held 24] [--steps 30] [--batch 2] [--lr 1e-5] [--k 20]

On 2 CPU cores about 34 min (the printed table and what it shows: benchmarks/README.md).
"""
import argparse, copy, time
import torch
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.ladder import load_teacher
from distill_nb.core.teachers import HFTeacher
from distill_nb.distill.offline import cache_topk
from distill_nb.distill.kd import distill
from distill_nb.evaluate.report import fidelity
from distill_nb.evaluate.tasks import answer_accuracy, word_problems

class Remembered:
    "A white-box teacher whose logits of each batch are computed once and then read back (bf16)."
    capabilities = frozenset({"generate", "logits"})
    def __init__(self, teacher):
        self.teacher, self.tokenizer, self.name, self.seen = teacher, teacher.tokenizer, teacher.name, {}
    def logits(self, batch):
        key = tuple(map(tuple, batch["input_ids"].tolist()))
        if key not in self.seen: self.seen[key] = self.teacher.logits(batch).bfloat16()
        return self.seen[key].float()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teacher", default="qwen2.5-coder-1.5b"); p.add_argument("--student", default="qwen2.5-coder-0.5b")
    p.add_argument("--train", type=int, default=64); p.add_argument("--held", type=int, default=24)
    p.add_argument("--steps", type=int, default=30); p.add_argument("--batch", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-5); p.add_argument("--k", type=int, default=20)
    p.add_argument("--max-new", type=int, default=256)
    a = p.parse_args()
    t0 = time.time()
    train = word_problems("train")[::480 // a.train][:a.train]   # spread over the 12 training templates
    held = word_problems("test")[::160 // a.held][:a.held]        # and over the 4 held-out ones
    teacher = load_teacher(a.teacher, backend="llamacpp")
    tok = teacher.tokenizer
    train_ex, held_ex = tokenize_chat(train, tok), tokenize_chat(held, tok)
    t1 = time.time()
    cache = cache_topk(teacher, train_ex, k=a.k, batch_size=2)
    print(f"teacher {teacher.name}: top-{a.k} of {len(cache)} training texts cached in {time.time() - t1:.0f} s",
          flush=True)
    t1 = time.time()
    teacher_acc = answer_accuracy(teacher.generate([q.instruction for q in held], max_new_tokens=a.max_new), held)
    print(f"teacher: {teacher_acc:.1%} of {len(held)} held-out problems ({time.time() - t1:.0f} s)", flush=True)
    remembered = Remembered(teacher)  # three students are scored against the same held-out logits
    base = load_teacher(a.student, backend="hf").model
    rows = {}
    def evaluate(name, model):
        t1 = time.time()
        f = fidelity(remembered, model, held_ex, batch_size=4)
        answers = HFTeacher(model, tok, batch_size=8).generate([q.instruction for q in held], max_new_tokens=a.max_new)
        rows[name] = (f["forward_kl"], f["top1_agreement"], answer_accuracy(answers, held))
        print(f"  {name}: KL {rows[name][0]:.4f}, top-1 {rows[name][1]:.1%}, accuracy {rows[name][2]:.1%} "
              f"({time.time() - t1:.0f} s)", flush=True)
    evaluate("student before", base)
    for name, alpha_ce in (("SFT on the texts (CE)", 1.0), ("logit KD (forward KL to the cached top-k)", 0.0)):
        t1, student = time.time(), copy.deepcopy(base).train()
        hist = distill(student, None, cache, steps=a.steps, batch_size=a.batch, lr=a.lr, alpha_ce=alpha_ce, seed=0,
                       progress=True)
        print(f"  {name}: {a.steps} steps in {time.time() - t1:.0f} s, loss {hist[0]['loss']:.3f} → "
              f"{hist[-1]['loss']:.3f}", flush=True)
        evaluate(name, student.eval()); del student
    print(f"\n{teacher.name} → {a.student} (transformers, fp32, dequantized from its GGUF file); "
          f"{len(train)} training texts, {len(held)} held-out problems; {a.steps} steps × batch {a.batch}, lr {a.lr}, "
          f"top-{a.k}, seed 0; {time.time() - t0:.0f} s on {torch.get_num_threads()} threads\n")
    print("| row | held-out KL(p‖q) / token ↓ | top-1 agreement ↑ | held-out accuracy ↑ |")
    print("|---|---|---|---|")
    for name, (kl, top1, acc) in rows.items(): print(f"| {name} | {kl:.4f} | {top1:.1%} | {acc:.1%} |")
    print(f"| teacher | 0 (reference) | 100% | {teacher_acc:.1%} |")

if __name__ == "__main__": main()
