"""Peak memory and time of the chunked KD loss vs the plain one (full [tokens, V] logits), side by side.

Each measurement runs in a fresh process: peak resident memory (ru_maxrss) after the inputs exist is the
baseline; the loss's own peak is the growth during one forward + backward. SmolLM2 shapes: V=49152, student
width 576, teacher width 960, fp32, CPU.

    python benchmarks/kd_loss_memory.py [--tokens 1024 8192] [--divergence forward_kl] [--chunk-size 256]
"""
import argparse, json, subprocess, sys

CHILD = r'''
import json, resource, sys, time, torch
from distill_nb.distill.chunked import chunked_kd_loss, plain_kd_loss
from distill_nb.distill.divergences import DIVERGENCES
impl, n, div, chunk, reps = sys.argv[1], int(sys.argv[2]), DIVERGENCES[sys.argv[3]], int(sys.argv[4]), int(sys.argv[5])
torch.manual_seed(0)
V, ds, dt = 49152, 576, 960
s_h, s_w = torch.randn(n, ds, requires_grad=True), (torch.randn(V, ds) * 0.05).requires_grad_()
t_h, t_w = torch.randn(n, dt), torch.randn(V, dt) * 0.05
kb = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base = kb()
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    loss = chunked_kd_loss(s_h, s_w, t_h, t_w, divergence=div, chunk_size=chunk) if impl == "chunked" else plain_kd_loss(s_h, s_w, t_h, t_w, divergence=div)
    loss.backward()
    times.append(time.perf_counter() - t0)
    s_h.grad = s_w.grad = None
print(json.dumps({"peak_mb": (kb() - base) / 1024, "seconds": min(times), "loss": loss.item()}))
'''

def measure(impl, n, div, chunk, reps):
    r = subprocess.run([sys.executable, "-c", CHILD, impl, str(n), div, str(chunk), str(reps)], capture_output=True, text=True)
    if r.returncode: raise SystemExit(f"{impl} at {n} tokens failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokens", type=int, nargs="+", default=[1024, 8192])
    p.add_argument("--divergence", default="forward_kl")
    p.add_argument("--chunk-size", type=int, default=256)
    p.add_argument("--reps", type=int, default=2)
    a = p.parse_args()
    import torch
    print(f"V=49152, d_s=576, d_t={960}, fp32, {a.divergence}, chunk {a.chunk_size}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| tokens | plain peak MB | chunked peak MB | memory ratio | plain s | chunked s | time ratio | same loss |")
    print("|---|---|---|---|---|---|---|---|")
    for n in a.tokens:
        pl, ch = measure("plain", n, a.divergence, a.chunk_size, a.reps), measure("chunked", n, a.divergence, a.chunk_size, a.reps)
        same = abs(pl["loss"] - ch["loss"]) <= 1e-5 * abs(pl["loss"])
        print(f"| {n} | {pl['peak_mb']:,.0f} | {ch['peak_mb']:,.0f} | {ch['peak_mb']/pl['peak_mb']:.1%} | "
              f"{pl['seconds']:.2f} | {ch['seconds']:.2f} | {ch['seconds']/pl['seconds']:.2f}× | {same} |", flush=True)

if __name__ == "__main__": main()
