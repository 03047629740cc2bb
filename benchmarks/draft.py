"""Speculative decoding with a distilled draft: teacher alone vs an undistilled and a distilled draft.

For each teacher (SmolLM2-135M-Instruct, Qwen2.5-Coder-0.5B-Instruct) a draft is the teacher's first and last
blocks (`shrink(teacher.model, keep)`); one copy stays as cut (undistilled), the other is distilled on the
teacher's own greedy answers to training prompts (`distill`, KD + CE, DistillSpec's recipe). Held-out prompts
are then decoded greedily by the teacher alone and with each draft as transformers' `assistant_model`, the
three interleaved prompt by prompt so that load on the machine falls on all of them alike. Printed per
teacher: tokens/s and the ratio to the teacher alone, the draft's acceptance α (teacher-forced top-1
agreement on the teacher's held-out text, which is what greedy verification keeps), the draft's cost c (its
own greedy decoding time per token over the teacher's), and Leviathan et al.'s expected speed-up from α and
c. Greedy outputs with either draft are asserted identical to the teacher's, token for token.

    python benchmarks/draft.py [--teachers smollm2-135m qwen2.5-coder-0.5b] [--train 64] [--steps 80]
                               [--held 8] [--k 4]

On 2 CPU cores about 35 min (the printed table and what it shows: benchmarks/README.md).
"""
import argparse, random, time
import torch
from distill_nb.core.data import Record, load_seed, seed_names
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.ladder import load_teacher
from distill_nb.core.models import shrink
from distill_nb.distill.draft import agreement, expected_speedup, greedy
from distill_nb.distill.kd import distill

KEEP = {"smollm2-135m": 4, "qwen2.5-coder-0.5b": 4}

def prompts(n_train, n_held, seed=0):
    "Held-out prompts from the basics and word-problem seeds; training prompts from every other seed set."
    rng = random.Random(seed)
    basics, problems = load_seed("basics"), load_seed("word_problems")
    rng.shuffle(basics); rng.shuffle(problems)
    held = [r.instruction for r in basics[:n_held // 2] + problems[:n_held - n_held // 2]]
    pool = basics[n_held // 2:] + problems[n_held:n_held + 24]
    for name in seed_names():
        if name not in ("basics", "word_problems"): pool += load_seed(name)
    rng.shuffle(pool)
    return [r.instruction for r in pool[:n_train]], held

def measure(teacher, drafts, held, max_new, k, rounds):
    "Interleaved greedy decoding: tokens and seconds per configuration; texts asserted identical."
    for d in drafts.values():
        if d is not None:
            d.generation_config.num_assistant_tokens = k
            d.generation_config.num_assistant_tokens_schedule = "constant"
    model, tok = teacher.model, teacher.tokenizer
    for d in drafts.values(): greedy(model, tok, held[0], 8, draft=d)          # warm-up
    tokens, seconds, texts = dict.fromkeys(drafts, 0), dict.fromkeys(drafts, 0.0), {}
    for _ in range(rounds):
        for p in held:
            for name, d in drafts.items():
                ids, s = greedy(model, tok, p, max_new, draft=d)
                tokens[name] += len(ids); seconds[name] += s
                if name == "teacher alone": texts[p] = ids
                else: assert ids == texts[p], f"{name} changed the greedy text of {p!r}"
    return {n: tokens[n] / seconds[n] for n in drafts}, texts

def cost(teacher, draft, held, max_new):
    "c: the draft's greedy decoding seconds per token over the teacher's (both alone, same prompts)."
    def rate(m):
        t = n = 0
        for p in held[:4]:
            ids, s = greedy(m, teacher.tokenizer, p, max_new); t += s; n += len(ids)
        return t / n
    greedy(draft, teacher.tokenizer, held[0], 8)
    return rate(draft) / rate(teacher.model)

def run(name, a):
    t0 = time.time()
    # float32: the teacher's one-pass check of the draft's tokens and token-by-token decoding round alike only
    # there; in bfloat16 near-ties flip and the text is no longer the teacher's token for token
    teacher = load_teacher(name, dtype=torch.float32)
    train_p, held = prompts(a.train, a.held)
    answers = teacher.generate(train_p, max_new_tokens=64)
    recs = [Record(id=str(i), instruction=p, output=o) for i, (p, o) in enumerate(zip(train_p, answers)) if o]
    print(f"{name}: {len(recs)} teacher answers in {time.time() - t0:.0f} s", flush=True)
    keep = a.keep or KEEP.get(name, 4)
    raw, kd = shrink(teacher.model, keep=keep), shrink(teacher.model, keep=keep)
    t1 = time.time()
    distill(kd, teacher, tokenize_chat(recs, teacher.tokenizer, max_len=160), steps=a.steps, batch_size=4,
            lr=a.lr, alpha_ce=0.5, progress=False)
    print(f"draft distilled: {a.steps} steps in {time.time() - t1:.0f} s", flush=True)
    for m in (raw, kd): m.eval()
    drafts = {"teacher alone": None, "undistilled draft": raw, "distilled draft": kd}
    tps, texts = measure(teacher, drafts, held, a.max_new, a.k, a.rounds)
    conts = [texts[p] for p in held]
    layers = len(teacher.model.model.layers)
    print(f"\n{name}: teacher {layers} blocks, draft {keep} blocks, k = {a.k}, {len(held)} held-out prompts × "
          f"{a.rounds}, {a.max_new} new tokens, greedy outputs identical with both drafts: True")
    print("| decoding | tokens/s | vs teacher | α (teacher-forced) | draft cost c | expected speed-up |")
    print("|---|---|---|---|---|---|")
    print(f"| teacher alone | {tps['teacher alone']:.1f} | 1.00× | — | — | — |")
    for n in ("undistilled draft", "distilled draft"):
        alpha = agreement(drafts[n], teacher.tokenizer, held, conts)
        c = cost(teacher, drafts[n], held, a.max_new)
        print(f"| {n} | {tps[n]:.1f} | {tps[n] / tps['teacher alone']:.2f}× | {alpha:.2f} | {c:.2f} | "
              f"{expected_speedup(alpha, a.k, c):.2f}× |", flush=True)
    print(f"({time.time() - t0:.0f} s)\n", flush=True)
    del teacher, raw, kd, drafts

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teachers", nargs="+", default=["smollm2-135m", "qwen2.5-coder-0.5b"])
    p.add_argument("--train", type=int, default=64); p.add_argument("--held", type=int, default=8)
    p.add_argument("--keep", type=int, default=None); p.add_argument("--k", type=int, default=4)
    p.add_argument("--steps", type=int, default=80); p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--max-new", type=int, default=48); p.add_argument("--rounds", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    for name in a.teachers: run(name, a)

if __name__ == "__main__": main()
