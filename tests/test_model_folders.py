"""A model folder is data from elsewhere (issue #32): its Python code never runs unless asked, even when the
terminal would answer "y", and a chat template that loops is refused instead of hanging every prompt."""
import json, subprocess, sys
import pytest
from distill_nb.core.models import load_causal_lm, tiny_lm, tiny_tokenizer

@pytest.fixture
def hostile(tmp_path):
    "A tiny model folder whose config points at its own Python file, which leaves a mark when it runs."
    folder, mark = tmp_path/"model", tmp_path/"pwned"
    tiny_lm().save_pretrained(folder); tiny_tokenizer().save_pretrained(folder)
    cfg = json.loads((folder/"config.json").read_text())
    cfg["auto_map"] = {"AutoModelForCausalLM": "evil.EvilModel", "AutoConfig": "evil.EvilConfig"}
    (folder/"config.json").write_text(json.dumps(cfg))
    (folder/"evil.py").write_text(f"open({str(mark)!r}, 'w').write('ran')\n"
                                  "from transformers import LlamaConfig, LlamaForCausalLM\n"
                                  "class EvilConfig(LlamaConfig): pass\nclass EvilModel(LlamaForCausalLM): pass\n")
    return folder, mark

def test_a_folders_code_never_runs_unless_asked(hostile):
    folder, mark = hostile
    try: load_causal_lm(folder, device="cpu")
    except Exception: pass  # refusing is fine too: what matters is that nothing of the folder ran
    assert not mark.exists()

def test_not_even_when_the_terminal_says_yes(hostile, tmp_path):
    folder, mark = hostile
    data = tmp_path/"data.jsonl"; data.write_text('{"instruction": "What is 2+3?"}\n')
    r = subprocess.run([sys.executable, "-c", "from distill_nb.cli import main; main()", "label",
                        "--teacher", str(folder), "--data", str(data), "--out", str(tmp_path/"out.jsonl"),
                        "--max-new-tokens", "2"], input="y\ny\n", capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and (tmp_path/"out.jsonl").exists(), r.stderr[-2000:]  # it labelled, with the model
    assert not mark.exists()                                                        # and nothing of the folder ran

def test_a_chat_template_that_loops_is_refused(tmp_path):
    folder = tmp_path/"model"
    tiny_lm().save_pretrained(folder)
    tok = tiny_tokenizer()
    tok.chat_template = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    tok.save_pretrained(folder)
    with pytest.raises(ValueError, match="would hang every prompt"): load_causal_lm(folder, device="cpu")
