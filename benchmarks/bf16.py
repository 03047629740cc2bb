"""float32 vs bfloat16 on this CPU: the real teacher's labelling and top-k throughput, its fidelity, a training step.

SmolLM2-135M-Instruct (the embedded teacher) loaded twice, in float32 and in bfloat16, side by side in one process:
greedy labelling tok/s at each batch size, top-k extraction tok/s (teacher-forced prompt + answer), the per-token
KL(fp32 ‖ bf16) of the teacher's next-token distributions, the share of greedy answers identical to float32's; and
one SFT / offline KD / online KD step of a 16-layer student in float32 and under bf16 autocast (float32 weights).
The CPU's flags and distill_nb's own choice (`cpu_bf16`) are printed first.

    python benchmarks/bf16.py [--prompts 48] [--new 48] [--batches 8,32,48] [--k 16] [--reps 2]
"""
import argparse, statistics, time
import torch
from distill_nb.core.data import Record, load_seed
from distill_nb.core.examples import pad_batch, tokenize_chat
from distill_nb.core.topk import TopK
from distill_nb.core.models import cpu_bf16, default_teacher_path, load_causal_lm, shrink, DEFAULT_TEACHER_GGUF
from distill_nb.core.teachers import HFTeacher
from distill_nb.distill.kd import kd_loss

def cpu_flags() -> str:
    flags = open("/proc/cpuinfo").read().split("flags\t\t:")[1].split("\n")[0].split()
    wanted = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
    return " ".join(f for f in wanted if f in flags) + f"; torch capability {torch.backends.cpu.get_cpu_capability()}"

def timed(f, reps:int) -> float:
    "Best of `reps` wall times of f()."
    out = []
    for _ in range(reps):
        t = time.perf_counter(); f(); out.append(time.perf_counter() - t)
    return min(out)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--prompts", type=int, default=48); p.add_argument("--new", type=int, default=48)
    p.add_argument("--batches", default="8,32,48"); p.add_argument("--k", type=int, default=16)
    p.add_argument("--reps", type=int, default=2)
    a = p.parse_args()
    print(f"CPU: {cpu_flags()}\ndistill_nb chooses: {cpu_bf16()[1]}")
    folder = default_teacher_path().parent
    teachers = {dt: HFTeacher(*load_causal_lm(folder, gguf_file=DEFAULT_TEACHER_GGUF, device="cpu", dtype=dt))
                for dt in (torch.float32, torch.bfloat16)}
    prompts = [s.instruction for s in load_seed("basics")][:a.prompts]

    print(f"\nlabelling, greedy, {len(prompts)} prompts x {a.new} new tokens (tok/s, best of {a.reps})")
    answers, best = {}, {}
    for dt, t in teachers.items():
        for b in map(int, a.batches.split(",")):
            t.batch_size = b
            secs = timed(lambda: answers.__setitem__(dt, t.generate(prompts, max_new_tokens=a.new)), a.reps)
            rate = sum(len(t.tokenizer(x)["input_ids"]) for x in answers[dt]) / secs
            best[dt] = max(best.get(dt, 0), rate)
            print(f"  {str(dt):15s} batch {b:3d}: {rate:7.1f} tok/s")
    f32, b16 = torch.float32, torch.bfloat16
    same = sum(x == y for x, y in zip(answers[f32], answers[b16])) / len(prompts)
    print(f"  best bf16 / best fp32: {best[b16] / best[f32]:.2f}x; greedy answers identical: {same:.0%}")

    recs = [Record(id=str(i), instruction=q, output=x) for i, (q, x) in enumerate(zip(prompts, answers[f32]))]
    batch = pad_batch(tokenize_chat(recs, teachers[f32].tokenizer, max_len=256), teachers[f32].tokenizer.pad_token_id)
    n_tok = int(batch["attention_mask"].sum())
    logits = {}
    def extract(dt):
        logits[dt] = torch.cat([teachers[dt].logits({k: v[i:i + 16] for k, v in batch.items()}).float()
                                for i in range(0, len(recs), 16)])
        TopK.from_logits(logits[dt], a.k)
    rates = {dt: n_tok / timed(lambda: extract(dt), a.reps) for dt in teachers}
    mask = batch["attention_mask"].bool()
    lp32, lp16 = logits[f32][mask].log_softmax(-1), logits[b16][mask].log_softmax(-1)
    kl = (lp32.exp() * (lp32 - lp16)).sum(-1).mean().item()
    print(f"\ntop-{a.k} extraction over {n_tok} teacher-forced tokens: fp32 {rates[f32]:.0f} tok/s, "
          f"bf16 {rates[b16]:.0f} tok/s ({rates[b16] / rates[f32]:.2f}x); KL(fp32 ‖ bf16) {kl:.4f} nats/token")

    student = shrink(teachers[f32].model, 16).train()
    ids = batch["input_ids"][:4]; labels = batch["labels"][:4]; attn = batch["attention_mask"][:4]
    cache = TopK.from_logits(logits[f32][:4], a.k)
    opt = torch.optim.AdamW(student.parameters(), lr=1e-6)
    def step(kind, autocast):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            s = student(input_ids=ids, attention_mask=attn).logits
            if kind == "sft":
                loss = torch.nn.functional.cross_entropy(s[:, :-1].flatten(0, 1).float(), labels[:, 1:].flatten())
            elif kind == "offline KD": loss = kd_loss(s, cache, labels)["loss"]
            else:
                with torch.no_grad(): t = teachers[f32].model(input_ids=ids, attention_mask=attn).logits
                loss = kd_loss(s, t, labels)["loss"]
        opt.zero_grad(); loss.backward(); opt.step()
    print(f"\none training step of the 16-layer student, batch {ids.shape[0]} x {ids.shape[1]} (s, best of {a.reps})")
    times = {}
    for kind in ("sft", "offline KD", "online KD"):
        for autocast in (False, True):
            step(kind, autocast)  # warm up
            times[kind, autocast] = timed(lambda: step(kind, autocast), a.reps)
        print(f"  {kind:10s}: fp32 {times[kind, False]:.2f}  bf16 autocast {times[kind, True]:.2f}  "
              f"({times[kind, False] / times[kind, True]:.2f}x)")
    for prec in (False, True):
        print(f"  {'bf16' if prec else 'fp32'}: offline KD {times['offline KD', prec] / times['sft', prec]:.2f}x "
              f"an SFT step, online KD {times['online KD', prec] / times['sft', prec]:.2f}x")

if __name__ == "__main__": main()
