"""The llama.cpp teacher against llama.cpp's real OpenAI-compatible server (`python -m llama_cpp.server`, started on
127.0.0.1 and stopped by the fixture): answers in order and none lost, an offline top-k cache and soft labels
from the served teacher's log-probs equal to the in-process teacher's. Needs the [llamacpp] extra (the test
command installs it) and the embedded GGUF file."""
import os
from collections import Counter
import pytest
import torch
if not os.environ.get("DISTILL_NB_REQUIRE_LLAMACPP"):  # CI sets it: there, a missing llama.cpp fails
    pytest.importorskip("llama_cpp", reason="llama.cpp is not installed: pip install -e '.[llamacpp]' runs these")
from distill_nb.core.data import Record
from distill_nb.core.examples import tokenize_chat
from distill_nb.core.llamacpp import LlamaCppServer, LlamaCppTeacher
from distill_nb.core.models import default_teacher_path
from distill_nb.core.scoring import token_texts
from distill_nb.core.api import APITeacher
from distill_nb.distill.offline import cache_topk
from distill_nb.recipes import soft_labels

pytestmark = pytest.mark.llamacpp

@pytest.fixture(scope="module")
def teacher(): return LlamaCppTeacher(default_teacher_path(), n_ctx=1024)

@pytest.fixture(scope="module")
def server():
    with LlamaCppServer(default_teacher_path(), model_name="smollm2", n_ctx=2048) as srv: yield srv

def test_many_prompts_in_order(server):
    "24 prompts at concurrency 4: every answer arrives, each in its prompt's place (it repeats that prompt's number)."
    numbers = [str(1000 + 37 * i) for i in range(24)]
    api = APITeacher(server.url, "smollm2", max_concurrency=4, timeout=300)
    answers = api.generate([f"Repeat this number and nothing else: {n}" for n in numbers], max_new_tokens=12)
    assert len(answers) == 24 and all(a is not None for a in answers)
    own = sum(n in a for n, a in zip(numbers, answers))
    other = sum(m in a for i, a in enumerate(answers) for j, m in enumerate(numbers) if i != j)
    assert own >= 12 and other == 0, (own, other, answers)  # SmolLM2 does not always repeat; it never mixes them up

def test_served_cache_is_the_teachers(server, teacher):
    "An offline top-k cache from the served teacher holds the in-process teacher's tokens and log-probs."
    tok = teacher.tokenizer
    answers = teacher.generate(["What is 2+3?", "Name a red fruit."], max_new_tokens=24)
    ex = tokenize_chat([Record(id=str(i), instruction=q, output=a) for i, (q, a) in
                        enumerate(zip(["What is 2+3?", "Name a red fruit."], answers))], tok, max_len=128)
    served = cache_topk(APITeacher(server.url, "smollm2", tokenizer=tok), ex, k=8)
    local = cache_topk(teacher, ex, k=8)
    texts = token_texts(tok); seen = Counter(texts)
    special = set(tok.all_special_ids)  # llama-cpp-python names them '' in top_logprobs: their mass stays in the tail
    checked = 0
    for a, b in zip(served, local):
        for i in range(len(b["labels"]) - 1):
            if b["labels"][i + 1] == -100: continue
            got = {t: l for t, l in zip(a["topk_indices"][i], a["topk_logprobs"][i]) if l > -float("inf")}
            want = {t: l for t, l in zip(b["topk_indices"][i], b["topk_logprobs"][i]) if seen[texts[t]] == 1 and t not in special}
            assert sorted(got) == sorted(want)
            assert max(abs(got[t] - want[t]) for t in want) < 2e-3
            checked += 1
    assert checked > 10

def test_served_soft_labels(server, teacher):
    "Soft labels over options from the served teacher's top_logprobs = the in-process teacher's."
    qs = ["Is the sky blue? Answer Yes or No.", "Is fire cold? Answer Yes or No."]
    api = APITeacher(server.url, "smollm2", tokenizer=teacher.tokenizer)
    torch.testing.assert_close(soft_labels(api, qs, ["Yes", "No"], k=50), soft_labels(teacher, qs, ["Yes", "No"], k=50),
                               atol=2e-3, rtol=0)
