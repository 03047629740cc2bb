"""The environment lesson's real run (lesson 3.6) over more seeds: is an agent distilled in its environment better
on held-out tasks than one given more SFT on the teacher's traces, and does showing the judge whole episodes help?

Per seed s: Qwen2.5-Coder-0.5B-Instruct writes tool calls for 60 of `tool_tasks(84, seed=s)` (24 held out); the
shuffles and samples of `split`, SFT and the environment use seed s - 1, so seed 1 is the lesson's saved run. The
student is the teacher cut to 16 of its 24 blocks, fitted to the kept traces for 40 SFT steps. From that start,
20 more steps each way: SFT on the traces; `environment_distill` with turns weighted 1 : 1 and the teacher shown
call demonstrations (`TOOL_DEMOS`); the same with the teacher shown whole episodes (`episode_demos`). Every row is
judged as in the lesson: the 24 held-out tasks played greedily without demonstrations (call right, solved) and each
turn's reverse KL under the calls-only judge. The lesson's call-only row is left out here. Rows are appended to a
JSONL file as they finish; a rerun skips the rows it has.

    python benchmarks/environment_seeds.py --seeds 2 3 [--out benchmarks/out]   (about 25 minutes a seed, 2 cores)
"""
import argparse, copy, json, time
from pathlib import Path
import torch
from distill_nb.core.ladder import load_teacher
from distill_nb.core.models import shrink
from distill_nb.distill.sft import sft
from distill_nb.recipes import split
from distill_nb.skills.agent import TOOL_DEMOS, tool_tasks, tool_traces
from distill_nb.skills.context import tokenize_dialogue
from distill_nb.skills.environment import environment_distill, episode_demos, episode_loss, play

ROWS = ["start: 16 blocks, SFT 40 steps", "SFT on the traces, 20 more steps", "environment, turns 1 : 1",
        "environment, 1 : 1, judge shown episodes"]

def judged(model, tok, teacher, held):
    "Held-out tasks played greedily, no demonstrations: calls right, solved, each turn's grade."
    eps = play(model, tok, held, greedy=True)
    with torch.no_grad(): terms = episode_loss(model, teacher, eps, teacher_demos=TOOL_DEMOS)
    return {"call right": sum(e.verdicts[0] == "right" for e in eps) / len(eps),
            "solved": sum(e.solved for e in eps) / len(eps),
            **{f"turn {t} KL": round(terms[f"reverse_kl_turn{t}"].item(), 3) for t in (1, 2)
               if f"reverse_kl_turn{t}" in terms}}

def run_seed(seed, qwen, path, done):
    tok, t0 = qwen.tokenizer, time.time()
    train_t, held_t = split(tool_tasks(84, seed=seed), n_held=24, seed=seed - 1)
    traces = tool_traces(qwen, train_t)
    examples = tokenize_dialogue(traces.records, tok, max_len=384)
    print(f"seed {seed}: {traces.report()} | {time.time() - t0:.0f} s", flush=True)
    start = shrink(qwen.model, keep=16).float()
    sft(start, tok, examples, steps=40, batch_size=4, lr=2e-4, seed=seed - 1, progress=False)
    for row in ROWS:
        if (seed, row) in done: continue
        s, t1 = copy.deepcopy(start), time.time()
        if row.startswith("SFT"):
            sft(s, tok, examples, steps=20, batch_size=4, lr=2e-4, seed=seed - 1, progress=False)
        elif row.startswith("environment"):
            demos = episode_demos() if "episodes" in row else TOOL_DEMOS
            environment_distill(s, tok, qwen, train_t, steps=20, batch_size=4, lr=2e-5, seed=seed - 1,
                                teacher_demos=demos, progress=False)
        rec = {"seed": seed, "row": row, "traces": len(examples), **judged(s, tok, qwen, held_t),
               "seconds": round(time.time() - t1)}
        with open(path, "a") as f: f.write(json.dumps(rec) + "\n")
        print(json.dumps(rec), flush=True)

def table(path):
    "Each row's results by seed, and their mean."
    recs = [json.loads(l) for l in path.read_text().splitlines()] if path.exists() else []
    seeds = sorted({r["seed"] for r in recs})
    print(f"\n{'held-out (24 tasks a seed)':42s}" + "".join(f"  seed {s}: call/solved" for s in seeds)
          + "   mean call/solved")
    for row in ROWS:
        got = {r["seed"]: r for r in recs if r["row"] == row}
        cells = "".join(f"  {got[s]['call right']:6.2f} / {got[s]['solved']:.2f}    " if s in got
                        else f"  {'-':>6s}           " for s in seeds)
        mean = [sum(g[k] for g in got.values()) / len(got) for k in ("call right", "solved")] if got else None
        print(f"{row:42s}{cells}" + (f"  {mean[0]:.2f} / {mean[1]:.2f} ({len(got)} seeds)" if mean else ""))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    p.add_argument("--out", default="benchmarks/out")
    a = p.parse_args()
    path = Path(a.out)/"environment_seeds.jsonl"; path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text().splitlines() if path.exists() else []
    done = {(r["seed"], r["row"]) for r in map(json.loads, lines)}
    todo = [s for s in a.seeds if any((s, row) not in done for row in ROWS)]
    if todo:
        qwen = load_teacher("qwen2.5-coder-0.5b", progress=False)
        for seed in todo: run_seed(seed, qwen, path, done)
    table(path)

if __name__ == "__main__": main()
