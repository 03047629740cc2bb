"""Time of one training step: SFT vs offline KD (top-k cache) vs online KD (teacher forward + full-vocabulary KL).

Same student, same tokens, side by side in one process. Shapes are SmolLM2-135M's (30 layers, width 576,
V=49152) and the student is `shrink(teacher, 16)`; weights are random because timing does not depend on them.

    python benchmarks/kd_step.py [--batch 4] [--seq 256] [--k 16] [--reps 3]
"""
import argparse, statistics, time
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from distill_nb.core.models import shrink
from distill_nb.core.topk import TopK
from distill_nb.distill.kd import kd_loss

def smollm2_shape():
    cfg = LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
                      num_key_value_heads=3, max_position_embeddings=2048, tie_word_embeddings=True, rope_theta=100000)
    torch.manual_seed(0)
    return LlamaForCausalLM(cfg).eval()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=4); p.add_argument("--seq", type=int, default=256)
    p.add_argument("--k", type=int, default=16); p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    teacher = smollm2_shape(); student = shrink(teacher, 16).train()
    ids = torch.randint(0, 49152, (a.batch, a.seq)); labels = ids.clone(); labels[:, : a.seq // 4] = -100
    with torch.no_grad(): cache = TopK.from_logits(teacher(input_ids=ids).logits, a.k)
    opt = torch.optim.AdamW(student.parameters(), lr=1e-5)

    def step(kind):
        logits = student(input_ids=ids).logits
        if kind == "sft": loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1))
        elif kind == "offline": loss = kd_loss(logits, cache, labels)["loss"]
        else:
            with torch.no_grad(): t = teacher(input_ids=ids).logits
            loss = kd_loss(logits, t, labels)["loss"]
        opt.zero_grad(); loss.backward(); opt.step()

    kinds = ["sft", "offline", "online"]
    times = {k: [] for k in kinds}
    for k in kinds: step(k)                      # warm-up
    for _ in range(a.reps):                      # interleaved, so drift hits every kind alike
        for k in kinds:
            t0 = time.perf_counter(); step(k); times[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"student 16/30 layers of SmolLM2-135M shape, batch {a.batch}×{a.seq} tokens, top-k {a.k}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| step | median s | vs SFT | goal |")
    print("|---|---|---|---|")
    for k, goal in (("sft", "—"), ("offline", "≤ 1.10×"), ("online", "≤ 2.0×")):
        print(f"| {k} | {med[k]:.2f} | {med[k]/med['sft']:.2f}× | {goal} |")

if __name__ == "__main__": main()
