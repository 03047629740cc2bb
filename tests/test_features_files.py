"""A features folder is data from disk, read with care (issue #32): a shard named in the index must lie inside the
folder, and records whose ids hold dots (or slashes) keep their own tensors."""
import json
import pytest
import torch
from safetensors.torch import save_file
from distill_nb.core.data import Record
from distill_nb.core.teachers import tiny_teacher
from distill_nb.elicit.features import extract_features, load_features, bytes_per_token
from distill_nb.distill.offline import read_features

@pytest.fixture(scope="module")
def teacher(): return tiny_teacher(steps=10)

def test_ids_with_dots_and_slashes_keep_their_own_tensors(teacher, tmp_path):
    recs = [Record(id=i, instruction=f"What is {n}?", output="It is " * (n + 1))
            for n, i in enumerate(["a", "a.b", "../a/b"])]
    extract_features(teacher, recs, tmp_path, top_k=4, batch_size=3)
    assert [p.parent for p in tmp_path.glob("*.safetensors")] == [tmp_path]  # no id made a path
    for r in recs: assert set(load_features(tmp_path, r.id)) == {"indices", "logprobs", "tail"}, r.id
    sizes = [load_features(tmp_path, r.id)["indices"].shape[0] for r in recs]
    assert sizes == [len(load_features(tmp_path, r.id)["tail"]) for r in recs]
    assert len(set(sizes)) == 3, sizes  # three answers of three lengths: nothing mixed between "a" and "a.b"
    assert bytes_per_token(tmp_path) > 0

def test_a_shard_outside_the_folder_is_refused(teacher, tmp_path):
    outside = tmp_path/"planted.safetensors"
    save_file({"x.indices": torch.zeros(1, 4, dtype=torch.int32)}, outside)
    feats = tmp_path/"features"; feats.mkdir()
    row = {"id": "x", "instruction": "q", "output": "a",
           "meta": {"shard": "../planted.safetensors", "tokens": 1, "settings": {"max_len": 64}}}
    (feats/"features.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match="a shard must be a file name inside the features folder"):
        load_features(feats, "x")
    with pytest.raises(ValueError, match="a shard must be a file name inside the features folder"):
        read_features(feats, teacher.tokenizer)
    for name in ["/etc/passwd", str(outside)]:
        (feats/"features.jsonl").write_text(json.dumps({**row, "meta": {**row["meta"], "shard": name}}) + "\n")
        with pytest.raises(ValueError, match="inside the features folder"): load_features(feats, "x")
