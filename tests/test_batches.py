"pick_batch_size: the fastest measured batch, the stop rule, a GPU's memory limit, the cache (decode_rate faked)."
import json
import pytest, torch
from distill_nb.core import batches
from distill_nb.core.models import tiny_lm, tiny_tokenizer


@pytest.fixture
def fake(monkeypatch, tmp_path):
    "decode_rate replaced by a table of tokens/s (None: out of memory); the cache in tmp_path."
    monkeypatch.setenv("DISTILL_NB_CACHE", str(tmp_path))
    tried = []
    def use(table):
        def rate(model, tok, b, **kw):
            tried.append(b)
            if table.get(b) is None: raise torch.OutOfMemoryError("fake")
            return table[b]
        monkeypatch.setattr(batches, "decode_rate", rate)
        return tried
    return use


def test_the_fastest_is_kept_and_growth_stops_when_it_no_longer_pays(fake):
    tried = fake({1: 5.0, 8: 50.0, 16: 90.0, 32: 95.0, 64: 300.0})
    # 32 is less than 10% faster than 16: 64 is never tried, 16 is kept (32 costs memory for 5%)
    assert batches.pick_batch_size(tiny_lm(), tiny_tokenizer()) == 16
    assert tried == [1, 8, 16, 32]


def test_out_of_memory_keeps_the_largest_that_fit(fake):
    fake({1: 5.0, 8: 50.0, 16: 90.0, 32: None})
    assert batches.pick_batch_size(tiny_lm(), tiny_tokenizer()) == 16


def test_out_of_memory_at_the_smallest_is_raised(fake):
    fake({1: 5.0, 8: None})
    with pytest.raises(torch.OutOfMemoryError):
        batches.pick_batch_size(tiny_lm(), tiny_tokenizer())


def test_the_choice_is_cached_per_machine_and_read_back(fake, tmp_path):
    tried = fake({1: 5.0, 8: 50.0, 16: 40.0})
    m = tiny_lm()
    assert batches.pick_batch_size(m, tiny_tokenizer()) == 8
    n = len(tried)
    assert batches.pick_batch_size(m, tiny_tokenizer()) == 8 and len(tried) == n  # not measured again
    (entry,) = json.loads((tmp_path / "batch_sizes.json").read_text()).values()
    assert entry["batch"] == 8 and entry["tokens_per_s"] == {"8": 50.0, "16": 40.0}
    # other candidates: measured anew
    assert batches.pick_batch_size(m, tiny_tokenizer(), candidates=(8, 16)) == 8 and len(tried) > n


def test_a_gain_below_one_is_refused(fake):
    fake({1: 5.0, 8: 50.0})
    with pytest.raises(ValueError, match="gain"):
        batches.pick_batch_size(tiny_lm(), tiny_tokenizer(), gain=0.5)
