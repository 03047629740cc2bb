"""Bad inputs across the public API: each gets a specific error that says what is wrong, before anything is lost.

A case is (what it calls, the exception type, a phrase the message must hold). The CLI cases at the end check that
a user error is one line on stderr, never a Python traceback."""
import json, math
import pytest
import torch

from distill_nb.core.data import JsonlStore, Record, fill, load_seed
from distill_nb.core.examples import check_examples, pad_batch, tokenize_chat
from distill_nb.core.models import shrink, tiny_lm, tiny_tokenizer
from distill_nb.core.teachers import HFTeacher, WhiteBoxError, as_messages, CapabilityError
from distill_nb.core.scoring import Scored
from distill_nb.core.api import APITeacher
from distill_nb.core.ladder import fake_rung, load_teacher, teacher_file
from distill_nb.distill.cross_tokenizer import cross_tokenizer_cache, cross_tokenizer_distill, uld_distance
from distill_nb.evaluate.tasks import answer_accuracy, final_number, word_problems
from distill_nb.distill.chunked import chunked_kd_loss
from distill_nb.classic.prune import layer_importance, neuron_importance, prune_depth, prune_width
from distill_nb.core.topk import TopK
from distill_nb.distill.divergences import forward_kl, js_divergence, reverse_kl, skew_kl
from distill_nb.distill.offline import cache_topk
from distill_nb.distill.kd import distill, kd_loss
from distill_nb.distill.ranking import dpo_loss, pro_loss, rank_train
from distill_nb.distill.sft import sft
from distill_nb.elicit.curation import curate
from distill_nb.elicit.expansion import expand
from distill_nb.elicit.features import extract_features
from distill_nb.elicit.feedback import judge, preference_pairs
from distill_nb.elicit.labeling import Malformed, build_prompt, label, parse_cot
from distill_nb.elicit.self_knowledge import self_generate
from distill_nb.evaluate.metrics import rouge_l, teacher_kl
from distill_nb.evaluate.report import accuracy, exact_match, fidelity
from distill_nb.inspect.distributions import DistributionExplorer, divergence_strip, position_view
from distill_nb.inspect.topk import topk_mass
from distill_nb.core.teachers import FunctionTeacher
from distill_nb.recipes import split
from distill_nb.skills.agent import calculator, convert_units, execute, lookup, tool_tasks
from distill_nb.skills.alignment import critique_revise
from distill_nb.skills.context import dialogues
from distill_nb.skills.nlp import extract_code, mrr
from distill_nb.core.sandbox import run_tests
from conftest import run

TOK = tiny_tokenizer()
LM = tiny_lm()
T = HFTeacher(LM, TOK)
API = APITeacher("http://127.0.0.1:9/v1", "remote", max_retries=0, timeout=1)
ECHO = FunctionTeacher(lambda p: "an answer")
REC = Record(id="r1", instruction="What is 2+3?", output="5")
EX = tokenize_chat([REC], TOK, max_len=64)
S, TL = torch.randn(2, 4, 11), torch.randn(2, 4, 11)
CACHE = TopK.from_logits(TL, 3)

def _nan_record(): return Record(id="n", instruction="x", meta={"score": math.nan})

def _store(tmp_path, *records):
    s = JsonlStore(tmp_path/"s.jsonl"); s.add(list(records)); return s

CASES = {
    # core: records, the store, seeds, tokenization
    "record id not a string":      (lambda p: Record(id=3, instruction="x"), ValueError, "id must be a non-empty string, got 3"),
    "record empty instruction":    (lambda p: Record(id="a", instruction="  "), ValueError, "has an empty instruction"),
    "record null output":          (lambda p: Record(id="a", instruction="x", output=None), ValueError, "output must be a string"),
    "record meta not a dict":      (lambda p: Record(id="a", instruction="x", meta=[1]), ValueError, "meta must be a dict"),
    "record unknown key":          (lambda p: Record.from_dict({"id": "a", "instruction": "x", "answer": "y"}), ValueError, "unknown record keys ['answer']"),
    "store is a folder":           (lambda p: JsonlStore(p), IsADirectoryError, "is a folder"),
    "store gets a dict":           (lambda p: JsonlStore(p/"s.jsonl").add({"id": "a"}), TypeError, "stores Record objects, got dict"),
    "store gets NaN":              (lambda p: JsonlStore(p/"s.jsonl").add(_nan_record()), ValueError, "NaN or infinite number"),
    "store id twice":              (lambda p: _store(p, REC).add(REC), ValueError, "'r1' is already in"),
    "store id twice in one add":   (lambda p: JsonlStore(p/"s.jsonl").add([REC, REC]), ValueError, "appears twice in one add"),
    "fill batch size 0":           (lambda p: fill(JsonlStore(p/"s.jsonl"), [{"id": "a"}], lambda b: [], batch_size=0), ValueError, "batch_size must be an integer >= 1, got 0"),
    "fill item without id":        (lambda p: fill(JsonlStore(p/"s.jsonl"), [{"q": 1}], lambda b: []), ValueError, "needs an 'id' to be resumable"),
    "fill other settings":         (lambda p: fill(_store(p, Record(id="r1", instruction="x", meta={"settings": {"max_new_tokens": 8}})),
                                                   [{"id": "r1"}], lambda b: [], settings={"max_new_tokens": 64}), ValueError, "max_new_tokens: stored 8, now 64"),
    "seed set unknown":            (lambda p: load_seed("no_such_set"), FileNotFoundError, "shipped ones: ["),
    "seed file null line":         (lambda p: load_seed(_write(p, '{"id": "a", "instruction": "x"}\nnull\n')), ValueError, "s.jsonl:2: a record is a JSON object"),
    "seed file duplicate id":      (lambda p: load_seed(_write(p, '{"id": "a", "instruction": "x"}\n{"id": "a", "instruction": "y"}')), ValueError, "id 'a' was already used on line 1"),
    "seed file bool id":           (lambda p: load_seed(_write(p, '{"id": true, "instruction": "x"}')), ValueError, "id must be a non-empty string, got True"),
    "seed file null instruction":  (lambda p: load_seed(_write(p, '{"id": "a", "instruction": null}')), ValueError, "instruction must be a string"),
    "seed file not UTF-8":         (lambda p: load_seed(_write(p, '{"id": "a", "instruction": "caf\xe9"}', "latin-1")), ValueError, "s.jsonl:1: not UTF-8"),
    "seed file not JSON":          (lambda p: load_seed(_write(p, "id: a")), ValueError, "s.jsonl:1: not JSON (Expecting value"),
    "tokenize without output":     (lambda p: tokenize_chat([Record(id="x", instruction="hi")], TOK), ValueError, "has no output to learn from"),
    "tokenize prompt too long":    (lambda p: tokenize_chat([REC], TOK, max_len=8), ValueError, "its prompt alone has"),
    "pad no examples":             (lambda p: pad_batch([], 0), ValueError, "needs at least one example"),
    "examples are records":        (lambda p: check_examples([REC]), ValueError, "must be tokenized examples with input_ids and labels"),
    "shrink keep 0":               (lambda p: shrink(LM, keep=0), ValueError, "keep must name distinct layers"),
    # core: teachers
    "prompt empty list":           (lambda p: as_messages([]), ValueError, "a prompt is a string or a non-empty list"),
    "prompts a string":            (lambda p: T.generate("hello"), ValueError, "prompts must be a list of prompts, got a str"),
    "temperature NaN":             (lambda p: T.generate(["hi"], temperature=math.nan), ValueError, "temperature must be a finite number >= 0"),
    "top_p above 1":               (lambda p: T.generate(["hi"], temperature=0.7, top_p=1.5), ValueError, "top_p must be in (0, 1], got 1.5"),
    "max_new_tokens 0":            (lambda p: T.generate(["hi"], max_new_tokens=0), ValueError, "max_new_tokens must be an integer >= 1"),
    "system not a string":         (lambda p: T.generate(["hi"], system=["be brief"]), ValueError, "system must be a string"),
    "teacher batch size 0":        (lambda p: HFTeacher(LM, TOK, batch_size=0), ValueError, "batch_size must be an integer >= 1"),
    "teacher not a model":         (lambda p: HFTeacher("gpt2", TOK), TypeError, "needs a causal LM with generate()"),
    "hidden layer out of range":   (lambda p: T.hidden_states(TOK(["hi"], return_tensors="pt"), layers=[9]), ValueError, "out of range"),
    "api url without scheme":      (lambda p: APITeacher("localhost:8000/v1", "m"), ValueError, "base_url must start with http:// or https://"),
    "api empty model":             (lambda p: APITeacher("http://127.0.0.1:9/v1", ""), ValueError, "model must be a non-empty string"),
    "api timeout 0":               (lambda p: APITeacher("http://127.0.0.1:9/v1", "m", timeout=0), ValueError, "timeout must be a finite number of seconds > 0"),
    "api concurrency 0":           (lambda p: APITeacher("http://127.0.0.1:9/v1", "m", max_concurrency=0), ValueError, "max_concurrency must be >= 1"),
    "api logits":                  (lambda p: API.logits({}), WhiteBoxError, "black-box teacher"),
    "api unreachable":             (lambda p: API.generate(["hi"]), RuntimeError, "teacher 'remote' at http://127.0.0.1:9/v1 could not be reached"),
    # elicit
    "system key misspelled":       (lambda p: build_prompt("x", system="step_by_stpe"), ValueError, "unknown system message key 'step_by_stpe'"),
    "label an int":                (lambda p: label(ECHO, [3]), TypeError, "inputs are strings or Records, got int"),
    "cot reply empty":             (lambda p: parse_cot(""), Malformed, "empty"),
    "expand too few seeds":        (lambda p: expand(ECHO, ["a", "b"], n=2), ValueError, "need at least num_demos=3"),
    "expand threshold 0":          (lambda p: expand(ECHO, ["a", "b", "c"], n=2, rouge_threshold=0), ValueError, "rouge_threshold must be in (0, 1]"),
    "curate no topics":            (lambda p: curate(ECHO, [], n=2), ValueError, "needs at least one topic"),
    "judge scale 0":               (lambda p: judge(ECHO, [REC], scale=0), ValueError, "scale must be an integer >= 2, got 0"),
    "pairs of other lengths":      (lambda p: preference_pairs(ECHO, ["q"], ["a"], []), ValueError, "must have the same length"),
    "features from an API":        (lambda p: extract_features(API, [REC], p), WhiteBoxError, "feature extraction needs a white-box teacher"),
    "features top_k 0":            (lambda p: extract_features(T, [REC], p, top_k=0), ValueError, "top_k must be >= 1"),
    "self n 0":                    (lambda p: self_generate(LM, TOK, ["q"], n=0), ValueError, "n must be >= 1"),
    "self unknown filter":         (lambda p: self_generate(LM, TOK, ["q"], filter="magic"), ValueError, "filter must be 'majority', 'arithmetic' or a function"),
    "self majority of 2":          (lambda p: self_generate(LM, TOK, ["q"], n=2), ValueError, "needs n >= 3 samples"),
    # distill
    "divergence T NaN":            (lambda p: forward_kl(S, TL, temperature=math.nan), ValueError, "temperature must be > 0 and finite, got nan"),
    "divergence T inf":            (lambda p: reverse_kl(S, TL, temperature=math.inf), ValueError, "finite, got inf"),
    "divergence vocabularies":     (lambda p: forward_kl(S, torch.randn(2, 4, 12)), ValueError, "vocabularies differ"),
    "divergence shapes":           (lambda p: forward_kl(S, torch.randn(2, 3, 11)), ValueError, "shapes differ"),
    "divergence NaN teacher":      (lambda p: forward_kl(S, torch.full_like(TL, math.nan)), ValueError, "teacher logits contain NaN or inf"),
    "divergence empty mask":       (lambda p: forward_kl(S, TL, torch.zeros(2, 4).bool()), ValueError, "mask selects no position"),
    "divergence not a tensor":     (lambda p: forward_kl(S, TL.tolist()), TypeError, "teacher logits must be a tensor or a TopK cache"),
    "jsd beta 1.5":                (lambda p: js_divergence(S, TL, mix=1.5), ValueError, "mix must be in [0, 1], got 1.5"),
    "skew alpha -0.1":             (lambda p: skew_kl(S, TL, skew=-0.1), ValueError, "skew must be in [0, 1], got -0.1"),
    "topk with T 2":               (lambda p: forward_kl(S, CACHE, temperature=2), ValueError, "temperature must be 1"),
    "topk corrupted tail":         (lambda p: forward_kl(S, TopK(CACHE.indices, CACHE.logprobs, CACHE.tail * 0.5)), ValueError, "not 1 (corrupted cache?)"),
    "topk tail above 1":           (lambda p: forward_kl(S, TopK(CACHE.indices, CACHE.logprobs, CACHE.tail + 1)), ValueError, "tail mass must be a finite number in [0, 1]"),
    "topk NaN tail":               (lambda p: forward_kl(S, TopK(CACHE.indices, CACHE.logprobs, CACHE.tail * math.nan)), ValueError, "tail mass must be"),
    "topk positive log-prob":      (lambda p: forward_kl(S, TopK(CACHE.indices, CACHE.logprobs + 5, CACHE.tail)), ValueError, "log-probs must be ≤ 0"),
    "topk id outside vocabulary":  (lambda p: forward_kl(S, TopK(CACHE.indices + 20, CACHE.logprobs, CACHE.tail)), ValueError, "names token 30"),
    "topk k above vocabulary":     (lambda p: TopK.from_logits(TL, k=12), ValueError, "k must be in [1, 11]"),
    "kd alpha_ce 1.5":             (lambda p: kd_loss(torch.zeros(1, 3, 5), torch.zeros(1, 3, 5), torch.tensor([[1, 2, 3]]), alpha_ce=1.5), ValueError, "alpha_ce must be in [0, 1]"),
    "chunk size 0":                (lambda p: chunked_kd_loss(torch.randn(4, 8), torch.randn(11, 8), torch.randn(4, 8), torch.randn(11, 8), chunk_size=0), ValueError, "chunk_size must be >= 1"),
    "distill from an API":         (lambda p: distill(shrink(LM, 1), API, EX, steps=1), WhiteBoxError, "token-level KD needs a white-box teacher"),
    "distill lr inf":              (lambda p: distill(shrink(LM, 1), T, EX, lr=math.inf), ValueError, "lr must be a finite number > 0"),
    "distill T NaN":               (lambda p: distill(shrink(LM, 1), T, EX, temperature=math.nan), ValueError, "temperature must be > 0 and finite"),
    "distill on_policy_fraction 1.5": (lambda p: distill(shrink(LM, 1), T, EX, on_policy_fraction=1.5), ValueError,
                                       "on_policy_fraction must be in [0, 1]"),
    "distill old name lmbda":         (lambda p: distill(shrink(LM, 1), T, EX, lmbda=0.5), TypeError, "is now `on_policy_fraction`"),
    "distill records":             (lambda p: distill(shrink(LM, 1), T, [REC]), ValueError, "must be tokenized examples"),
    "distill no cache offline":    (lambda p: distill(shrink(LM, 1), None, EX), ValueError, "need a top-k cache"),
    "distill unknown divergence":  (lambda p: distill(shrink(LM, 1), T, EX, divergence="kl"), ValueError, "unknown divergence 'kl'"),
    "distill other vocabulary":    (lambda p: distill(tiny_lm(vocab_size=300), T, EX, steps=1), ValueError, "the student predicts over 300 tokens, the teacher over 259"),
    "cache from an API":           (lambda p: cache_topk(API, EX), CapabilityError, "caching top-k log-probs needs a teacher's score"),
    "dpo beta 0":                  (lambda p: dpo_loss(*torch.zeros(4, 1), beta=0), ValueError, "beta must be > 0"),
    "dpo sft without lengths":     (lambda p: dpo_loss(*torch.zeros(4, 1), sft_weight=1.0), ValueError, "needs chosen_tokens"),
    "pro unsorted":                (lambda p: pro_loss(torch.zeros(1, 3), torch.tensor([[1.0, 2.0, 3.0]])), ValueError, "sorted best first"),
    "rank unknown loss":           (lambda p: rank_train(LM, TOK, ["q"], [["a", "b"]], loss="ppo"), ValueError, "loss must be 'dpo', 'rrhf' or 'pro'"),
    "dpo with 3 candidates":       (lambda p: rank_train(LM, TOK, ["q"], [["a", "b", "c"]]), ValueError, "DPO needs exactly 2 candidates"),
    "sft no records":              (lambda p: sft(LM, TOK, []), ValueError, "no records to fine-tune on"),
    # evaluate
    "teacher_kl from an API":      (lambda p: teacher_kl(API, LM, EX), WhiteBoxError, "teacher_kl needs a white-box teacher"),
    "fidelity from an API":        (lambda p: fidelity(API, LM, EX), WhiteBoxError, "fidelity needs a white-box teacher"),
    "teacher_kl no examples":      (lambda p: teacher_kl(T, LM, []), ValueError, "must be a non-empty list of tokenized examples"),
    "exact match of nothing":      (lambda p: exact_match([], []), ValueError, "nothing to score"),
    "accuracy of nothing":         (lambda p: accuracy([], []), ValueError, "nothing to score"),
    "rouge other lengths":         (lambda p: rouge_l(["a"], []), ValueError, "1 predictions but 0 references"),
    # inspect
    "view k above vocabulary":     (lambda p: position_view(TL[0], S[0], 0, k=20), ValueError, "k must be in 1..11"),
    "view position outside":       (lambda p: position_view(TL[0], S[0], 9), ValueError, "position 9 outside 0..3"),
    "view temperature 0":          (lambda p: position_view(TL[0], S[0], 0, temperature=0), ValueError, "temperature must be > 0"),
    "strip unknown divergence":    (lambda p: divergence_strip(TL[0], S[0], "kl"), ValueError, "unknown divergence 'kl'"),
    "explorer empty text":         (lambda p: DistributionExplorer(LM, LM, TOK, ""), ValueError, "text must be a non-empty string"),
    "topk mass k 0":               (lambda p: topk_mass(TL, 0), ValueError, "k must be an integer >= 1"),
    # skills and recipes
    "split hold out all":          (lambda p: split([1, 2], n_held=2), ValueError, "n_held must be between 1 and 1"),
    "calculator code":             (lambda p: calculator("__import__('os').system('ls')"), ValueError, "only numbers and + - * / // ** % are allowed"),
    "calculator huge power":       (lambda p: calculator("(((9**99)**99)**99)**99"), ValueError, "more than 60 digits"),
    "calculator tower":            (lambda p: calculator("2**2**2**2**2**2"), ValueError, "more than 60 digits"),
    "calculator too long":         (lambda p: calculator("(" * 150 + "1" + ")" * 150), ValueError, "at most 200 characters"),
    "calculator nested":           (lambda p: calculator("-" * 190 + "1e999"), ValueError, "not a real number of at most 60 digits"),
    "calculator not arithmetic":   (lambda p: calculator("2 +"), ValueError, "not an arithmetic expression"),
    "units unknown":               (lambda p: convert_units(1, "parsec-ish", "m"), ValueError, "cannot convert 1 parsec-ish to m"),
    "units pint syntax error":     (lambda p: convert_units(1, "m**(", "m"), ValueError, "cannot convert"),
    "element unknown":             (lambda p: lookup("unobtainium", "symbol"), ValueError, "no element 'unobtainium'"),
    "call unknown tool":           (lambda p: execute({"name": "rm", "arguments": {}}), Malformed, "unknown tool"),
    "call not a dict":             (lambda p: execute(["calculator"]), Malformed, "not a call with a 'name' and 'arguments'"),
    "call tool fails":             (lambda p: execute({"name": "convert_units", "arguments": {"value": 1, "from_unit": "m**(", "to_unit": "m"}}), Malformed, "the tool failed"),
    "tool tasks 0":                (lambda p: tool_tasks(0), ValueError, "n must be >= 1"),
    "tests empty":                 (lambda p: run_tests("x = 1", []), ValueError, "tests must be a non-empty list of strings"),
    "tests timeout 0":             (lambda p: run_tests("x = 1", ["assert x"], timeout=0), ValueError, "timeout must be a number of seconds > 0"),
    "code nowhere":                (lambda p: extract_code("I cannot."), Malformed, "no code"),
    "mrr of nothing":              (lambda p: mrr([]), ValueError, "no ranks"),
    "dialogue 0 turns":            (lambda p: dialogues(ECHO, ["hi"], turns=0), ValueError, "turns must be >= 1"),
    "critique no principles":      (lambda p: critique_revise(ECHO, [REC], principles=[]), ValueError, "needs at least one principle"),
    "rung unknown":                (lambda p: teacher_file("gpt-5", folder=p), ValueError, "the ladder has smollm2-135m"),
    "teacher unknown":             (lambda p: load_teacher("nonsense"), ValueError, "unknown teacher 'nonsense'"),
    "teacher backend":             (lambda p: load_teacher(backend="vllm"), ValueError, "backend must be 'hf' or 'llamacpp'"),
    "teacher gguf missing":        (lambda p: load_teacher(p/"none.gguf"), FileNotFoundError, "GGUF file not found"),
    "llamacpp needs gguf":         (lambda p: load_teacher("owner/model", backend="llamacpp"), ValueError, "needs a rung or a .gguf file"),
    "part unreachable":            (lambda p: teacher_file(fake_rung(p/"idx"), p/"c", find_links=p/"none", progress=False), ConnectionError, "could not download fake-teacher-part1"),
    "word problems split":         (lambda p: word_problems("dev"), ValueError, "split must be 'train' or 'test'"),
    "answers vs problems":         (lambda p: answer_accuracy(["1"], []), ValueError, "1 answers for 0 problems"),
    "final number not text":       (lambda p: final_number(42), TypeError, "text must be a string"),
    "uld widths":                  (lambda p: uld_distance(torch.ones(2, 3), torch.ones(3, 3)), ValueError, "cover different positions"),
    "cross cache no top-k":        (lambda p: cross_tokenizer_cache(EX, TOK, TOK, [Scored([1], [0.0])]), ValueError, "need a top-k"),
    "cross cache count":           (lambda p: cross_tokenizer_cache(EX, TOK, TOK, []), ValueError, "0 teacher scores for 1 examples"),
    "cross distill uncached":      (lambda p: cross_tokenizer_distill(tiny_lm(), TOK, EX, torch.arange(259)), ValueError, "need a `cross` entry"),
    "importance no calibration":   (lambda p: layer_importance(tiny_lm(), []), ValueError, "calibration needs at least one example"),
    "neurons no calibration":      (lambda p: neuron_importance(tiny_lm(), []), ValueError, "calibration needs at least one example"),
    "prune depth to zero":         (lambda p: prune_depth(tiny_lm(), 0, torch.ones(2)), ValueError, "k must be in 1..2"),
    "prune width shape":           (lambda p: prune_width(tiny_lm(), 8, torch.ones(2, 8)), ValueError, "the MLPs (2, 64)"),
}

def _write(folder, text, encoding="utf-8"):
    (f := folder/"s.jsonl").write_bytes(text.encode(encoding)); return f

@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gets_a_specific_error(name, tmp_path):
    call, exc, msg = CASES[name]
    with pytest.raises(exc) as e: call(tmp_path)
    assert msg in str(e.value), f"{name}: {e.value}"

def test_there_are_enough_cases():
    assert len(CASES) >= 60

CLI = [(["demo", "--temperature", "0"], 2, "argument --temperature: must be > 0, got 0"),
       (["demo", "--quick", "--seed-set", "{bad}"], 1, "bad.jsonl:2: a record is a JSON object"),
       (["demo", "--quick", "--seed-set", "{dup}"], 1, "dup.jsonl:2: id 'a' was already used on line 1"),
       (["docs", "--out", "{full}"], 1, "holds files that distill_nb did not build")]

def test_the_cli_never_prints_a_traceback_for_a_user_error(tmp_path):
    (tmp_path/"bad.jsonl").write_text('{"id": "a", "instruction": "x"}\nnull\n')
    (tmp_path/"dup.jsonl").write_text('{"id": "a", "instruction": "x"}\n{"id": "a", "instruction": "y"}\n')
    (full := tmp_path/"full").mkdir(); (full/"thesis.tex").write_text("years of work")
    for args, code, msg in CLI:
        args = [a.format(bad=tmp_path/"bad.jsonl", dup=tmp_path/"dup.jsonl", full=full) for a in args]
        r = run("distill_nb", *args, *(["--out", str(tmp_path/"demo")] if args[0] == "demo" else []))
        assert r.returncode == code, (args, r.stderr)
        assert msg in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    assert (full/"thesis.tex").read_text() == "years of work"  # nothing deleted
