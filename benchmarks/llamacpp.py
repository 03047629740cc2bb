"""llama.cpp teacher vs HFTeacher on the embedded SmolLM2-135M-Instruct GGUF, side by side in one run.

1. Labelling throughput (greedy, same prompts), each teacher at its best batch size, with fidelity next to it:
   the KL between the two teachers' next-token distributions on teacher-forced text, and the share of identical
   greedy answers.
2. Top-k cache extraction (k = 16), tokens/s, with the KL between the two caches.
3. APITeacher against the real llama.cpp server: N prompts at concurrency 4, answers in order and none lost.

python benchmarks/llamacpp.py [--prompts 16] [--api-prompts 200]
"""
import argparse, time
import torch
from distill_nb.core.data import Record, load_seed
from distill_nb.core.examples import pad_batch, tokenize_chat
from distill_nb.core.llamacpp import LlamaCppServer, LlamaCppTeacher
from distill_nb.core.models import default_teacher_path
from distill_nb.core.teachers import load_default_teacher
from distill_nb.core.api import APITeacher
from distill_nb.distill.divergences import forward_kl
from distill_nb.distill.offline import cache_topk

ap = argparse.ArgumentParser()
ap.add_argument("--prompts", type=int, default=16)
ap.add_argument("--max-new-tokens", type=int, default=48)
ap.add_argument("--api-prompts", type=int, default=200)
args = ap.parse_args()
torch.set_num_threads(2)

seeds = load_seed("basics")
prompts = [s.instruction for s in seeds][:args.prompts]
hf, lc = load_default_teacher(), None
lc = LlamaCppTeacher(default_teacher_path(), tokenizer=hf.tokenizer, n_ctx=1024, n_threads=2)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {len(prompts)} prompts, greedy, "
      f"max_new_tokens={args.max_new_tokens}")

def tokens(texts): return sum(len(hf.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)

def timed(teacher, batch_size):
    teacher.batch_size = batch_size
    teacher.generate(prompts[:1], max_new_tokens=4)  # warm-up
    t0 = time.perf_counter(); out = teacher.generate(prompts, max_new_tokens=args.max_new_tokens)
    return out, tokens(out) / (time.perf_counter() - t0)

print("\n1. labelling throughput")
runs = {f"HFTeacher batch {b}": timed(hf, b) for b in (1, 8, 16)}
runs["LlamaCppTeacher (one at a time)"] = timed(lc, 1)
for name, (_, tps) in runs.items(): print(f"  {name:32s} {tps:7.1f} tok/s")
best_hf = max((v for k, v in runs.items() if k.startswith("HF")), key=lambda v: v[1])
lc_out, lc_tps = runs["LlamaCppTeacher (one at a time)"]
same = sum(a == b for a, b in zip(best_hf[0], lc_out)) / len(prompts)
ex = tokenize_chat([Record(id=str(i), instruction=p, output=a or "-") for i, (p, a) in enumerate(zip(prompts, best_hf[0]))],
                   hf.tokenizer, max_len=256)
kls = []
for e in ex:
    b = pad_batch([e], hf.tokenizer.pad_token_id)
    m = b["labels"][:, 1:] != -100
    kls.append(forward_kl(lc.logits(b)[:, :-1], hf.logits(b)[:, :-1], m).item())  # KL(p_HF ‖ p_llama.cpp)
print(f"  llama.cpp / best HF: {lc_tps / best_hf[1]:.2f}×   (goal ≥ 4×)")
print(f"  fidelity: KL(HF fp32 ‖ llama.cpp Q4_1) = {sum(kls)/len(kls):.4f} nats/token on the HF teacher's answers; "
      f"identical greedy answers {same:.0%} (target ≥ 80%)")

print("\n2. top-k cache extraction (k = 16)")
n_tok = sum(len(e["input_ids"]) for e in ex)
def extract(teacher, bs):
    t0 = time.perf_counter(); c = cache_topk(teacher, ex, k=16, batch_size=bs); return c, n_tok / (time.perf_counter() - t0)
hf_cache, hf_tps = max((extract(hf, bs) for bs in (1, 8)), key=lambda r: r[1])
lc_cache, lc_tps2 = extract(lc, 1)
from distill_nb.core.topk import batch_topk
kl_cache = []
for a, b in zip(hf_cache, lc_cache):
    n = len(a["input_ids"])
    kl_cache.append(forward_kl(lc.logits(pad_batch([a], 0))[:, :n], batch_topk([a], n)).item())
print(f"  HFTeacher {hf_tps:.0f} tok/s, LlamaCppTeacher {lc_tps2:.0f} tok/s: {lc_tps2 / hf_tps:.2f}×   (goal ≥ 3×)")
print(f"  KL(HF top-16 cache ‖ llama.cpp) = {sum(kl_cache)/len(kl_cache):.4f} nats/token over all positions")

print(f"\n3. APITeacher against llama.cpp's server: {args.api_prompts} prompts, concurrency 4")
many = [f"{p} (question {i})" for i, p in enumerate(p for _ in range(args.api_prompts) for p in [s.instruction for s in seeds])][:args.api_prompts]
with LlamaCppServer(default_teacher_path(), model_name="smollm2", n_ctx=1024, n_threads=2) as srv:
    api = APITeacher(srv.url, "smollm2", max_concurrency=4, timeout=600)
    api.generate(many[:1], max_new_tokens=4)
    t0 = time.perf_counter(); served = api.generate(many, max_new_tokens=16); secs = time.perf_counter() - t0
here = lc.generate(many, max_new_tokens=16)
print(f"  {len(served)} answers, {sum(a is None for a in served)} lost, {tokens(served) / secs:.1f} tok/s "
      f"({len(served) / secs:.2f} prompts/s); identical to the in-process answers in order: "
      f"{sum(a == b for a, b in zip(served, here))}/{len(here)}")
