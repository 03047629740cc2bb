"""The GPU columns: one KD training step (SFT, offline top-k, online, chunked loss) on the GPU next to the CPU, and
the quick demo on the GPU. Prints the table for benchmarks/README.md; on a machine without a GPU it says so.

    python benchmarks/gpu.py [--batch 4] [--seq 256] [--k 16] [--reps 5] [--no-demo]
"""
import argparse, statistics, tempfile, time
import torch
from kd_step import smollm2_shape
from distill_nb.core.models import shrink
from distill_nb.distill.chunked import chunked_kd_loss
from distill_nb.core.topk import TopK
from distill_nb.distill.kd import kd_loss

def step_times(device, a):
    "Median seconds of each kind of step on `device` (bf16 autocast on a GPU, fp32 on the CPU)."
    teacher = smollm2_shape().to(device); student = shrink(teacher, 16).train()
    ids = torch.randint(0, 49152, (a.batch, a.seq), device=device); labels = ids.clone(); labels[:, : a.seq // 4] = -100
    with torch.no_grad(): cache = TopK.from_logits(teacher(input_ids=ids).logits, a.k)
    opt = torch.optim.AdamW(student.parameters(), lr=1e-5)
    amp = torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else torch.autocast("cpu", enabled=False)
    def step(kind):
        with amp:
            if kind == "chunked":
                h = student.model(input_ids=ids).last_hidden_state[:, :-1]
                with torch.no_grad(): ht = teacher.model(input_ids=ids).last_hidden_state[:, :-1]
                loss = chunked_kd_loss(h, student.lm_head.weight, ht, teacher.lm_head.weight, labels[:, 1:] != -100)
            else:
                logits = student(input_ids=ids).logits
                if kind == "sft": loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), labels[:, 1:].reshape(-1))
                elif kind == "offline": loss = kd_loss(logits, cache, labels)["loss"]
                else:
                    with torch.no_grad(): t = teacher(input_ids=ids).logits
                    loss = kd_loss(logits, t, labels)["loss"]
        opt.zero_grad(); loss.backward(); opt.step()
        if device == "cuda": torch.cuda.synchronize()
    kinds = ["sft", "offline", "online", "chunked"]
    times = {k: [] for k in kinds}
    for k in kinds: step(k)
    for _ in range(a.reps):
        for k in kinds:
            t0 = time.perf_counter(); step(k); times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=4); p.add_argument("--seq", type=int, default=256)
    p.add_argument("--k", type=int, default=16); p.add_argument("--reps", type=int, default=5)
    p.add_argument("--no-demo", action="store_true")
    a = p.parse_args()
    if not torch.cuda.is_available():
        print("no GPU on this machine: nothing measured (run this where `torch.cuda.is_available()`)"); return
    gpu, cpu = step_times("cuda", a), step_times("cpu", a)
    print(f"{torch.cuda.get_device_name()}, torch {torch.__version__}; student 16/30 layers of SmolLM2-135M shape, "
          f"batch {a.batch}×{a.seq}, top-k {a.k}; GPU in bf16 autocast, CPU fp32 on {torch.get_num_threads()} threads")
    print("| step | GPU s | GPU vs SFT | CPU s | CPU vs SFT | GPU speed-up |")
    print("|---|---|---|---|---|---|")
    for k in gpu:
        print(f"| {k} | {gpu[k]:.3f} | {gpu[k]/gpu['sft']:.2f}× | {cpu[k]:.2f} | {cpu[k]/cpu['sft']:.2f}× | {cpu[k]/gpu[k]:.0f}× |")
    if not a.no_demo:
        from distill_nb.demo import run_demo
        t0 = time.time(); rep = run_demo(tempfile.mkdtemp(), quick=True, log=lambda *x: None)
        print(f"demo --quick on the GPU: {time.time() - t0:.0f} s; held-out KL {rep['student_before']['teacher_kl']:.3f} → "
              f"{rep['student_after']['teacher_kl']:.3f}")

if __name__ == "__main__": main()
