"""Overhead of the toolkit's training loop (`distill_nb.core.train.train`, on accelerate) against a hand-written
PyTorch loop: the same model, batch and AdamW, rounds of steps alternating between the two in one process.

    python benchmarks/loop_overhead.py [--layers 6] [--batch 4] [--seq 128] [--steps 4] [--rounds 3]
"""
import argparse, statistics, time
import torch
from transformers import LlamaConfig, LlamaForCausalLM
from distill_nb.core.train import train

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", type=int, default=6); p.add_argument("--batch", type=int, default=4)
    p.add_argument("--seq", type=int, default=128); p.add_argument("--steps", type=int, default=4)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    cfg = LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=a.layers,
                      num_attention_heads=9, num_key_value_heads=3, tie_word_embeddings=True)
    torch.manual_seed(0); model = LlamaForCausalLM(cfg).train()
    ids = torch.randint(0, cfg.vocab_size, (a.batch, a.seq))
    loss = lambda m: m(input_ids=ids, labels=ids).loss
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def hand(n):
        out = []
        for _ in range(n):
            t0 = time.perf_counter(); opt.zero_grad(); loss(model).backward(); opt.step(); out.append(time.perf_counter() - t0)
        return out
    def looped(n):
        starts, out = [], []
        def loss_fn(m, step, micro): starts.append(time.perf_counter()); return {"loss": loss(m)}
        train(model, loss_fn, steps=n + 1, lr=1e-5, progress=False, callback=lambda r: out.append(time.perf_counter() - starts[-1]))
        model.train()
        return out[1:]  # the first step of a call allocates its optimizer state

    hand(1); looped(1)  # warm-up
    t_hand, t_loop = [], []
    for _ in range(a.rounds): t_hand += hand(a.steps); t_loop += looped(a.steps)
    h, l = statistics.median(t_hand), statistics.median(t_loop)
    print(f"Llama {a.layers} layers × 576 wide, V=49152, batch {a.batch}×{a.seq}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| loop | median s / step | vs hand-written |")
    print("|---|---|---|")
    print(f"| hand-written PyTorch | {h:.3f} | 1.00× |")
    print(f"| distill_nb.core.train (accelerate) | {l:.3f} | {l / h:.2f}× |")

if __name__ == "__main__": main()
