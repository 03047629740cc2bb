"""Our losses against TRL's own functions (trl is a dev dependency; imported here, never copied).

Each test feeds the same student logits (or hidden states) and teacher to both sides and compares the value and
the gradient with respect to the student's input, with peaked teachers and padding masks included."""
import collections, math, types
import pytest
import torch
import torch.nn.functional as F

trl_gkd = pytest.importorskip("trl.experimental.gkd.gkd_trainer")
from trl.experimental.server_distillation import server_distillation_trainer as trl_server
from trl.trainer.distillation_trainer import _chunked_divergence_loss
from trl.trainer.dpo_trainer import DPOTrainer

from distill_nb.distill.chunked import chunked_kd_loss
from distill_nb.core.topk import TopK
from distill_nb.distill.divergences import forward_kl, js_divergence
from distill_nb.distill.ranking import dpo_loss

BETAS = [0.0, 0.1, 0.5, 0.9, 1.0]

def _inputs(peaked:bool, seed:int=0, B=3, T=7, V=50):
    g = torch.Generator().manual_seed(seed)
    s = torch.randn(B, T, V, generator=g, dtype=torch.float64) * 2
    t = torch.randn(B, T, V, generator=g, dtype=torch.float64) * 2
    if peaked: t[..., 7] += 40  # the teacher is all but certain of token 7 at every position
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[0, :3] = -100; labels[2, 5:] = -100  # a prompt and right padding
    return s, t, labels

def _value_and_grad(f, s):
    x = s.clone().requires_grad_()
    v = f(x); v.backward()
    return v.detach(), x.grad

@pytest.mark.parametrize("peaked", [False, True])
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("temperature", [1.0, 2.0])
def test_generalized_jsd_matches_trl(beta, peaked, temperature):
    s, t, labels = _inputs(peaked)
    ours = _value_and_grad(lambda x: js_divergence(x, t, labels != -100, temperature, mix=beta), s)
    trl = _value_and_grad(lambda x: trl_gkd.GKDTrainer.generalized_jsd_loss(x, t, labels, beta, temperature), s)
    torch.testing.assert_close(ours[0], trl[0], rtol=1e-7, atol=1e-9)
    torch.testing.assert_close(ours[1], trl[1], rtol=1e-6, atol=1e-10)

@pytest.mark.parametrize("peaked", [False, True])
@pytest.mark.parametrize("beta", BETAS)
def test_chunked_loss_matches_trl(beta, peaked):
    g = torch.Generator().manual_seed(1)
    B, T, d_s, d_t, V = 2, 9, 16, 24, 64
    h_s, h_t = torch.randn(B, T, d_s, generator=g), torch.randn(B, T, d_t, generator=g) * (12 if peaked else 1)
    w_s, w_t = torch.randn(V, d_s, generator=g) / 4, torch.randn(V, d_t, generator=g) / 4
    mask = torch.ones(B, T, dtype=torch.bool); mask[1, 6:] = False
    ours = _value_and_grad(lambda x: chunked_kd_loss(x, w_s, h_t, w_t, mask, js_divergence, 1.0, 4, mix=beta), h_s)
    trl = _value_and_grad(lambda x: _chunked_divergence_loss(x, h_t, w_s, w_t, mask.long(), beta)[0], h_s)
    torch.testing.assert_close(ours[0], trl[0], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(ours[1], trl[1], rtol=1e-4, atol=1e-6)

@pytest.mark.parametrize("peaked", [False, True])
@pytest.mark.parametrize("k", [1, 4, 16])
def test_topk_tail_loss_matches_trl_server_distillation(k, peaked):
    "Forward KL over k cached tokens + a tail bucket: TRL's `loss_add_tail` path of server distillation."
    s, t, labels = _inputs(peaked)
    s, t = s.float(), t.float()
    cache = TopK.from_logits(t, k)
    mask = labels != -100
    def trl_loss(x):
        student_lp = F.log_softmax(x, -1).gather(-1, cache.indices)
        valid = torch.ones_like(student_lp, dtype=torch.bool)
        s_sparse, support = trl_server._add_tail_bucket(student_lp, valid)
        t_sparse, _ = trl_server._add_tail_bucket(cache.logprobs, valid)
        per_token = trl_server._jsd_divergence(s_sparse, t_sparse, beta=0.0, support_mask=support).sum(-1)
        return trl_server.ServerDistillationTrainer._reduce_divergence_loss(per_token, mask)
    ours = _value_and_grad(lambda x: forward_kl(x, cache, mask), s)
    trl = _value_and_grad(trl_loss, s)
    torch.testing.assert_close(ours[0], trl[0], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(ours[1], trl[1], rtol=1e-3, atol=1e-6)
    assert torch.isfinite(ours[1]).all()

class _Outputs(types.SimpleNamespace): pass

def _trl_dpo(per_token_logps, ref_per_token_logps, completion_mask, beta, sft_weight):
    "TRL's own DPOTrainer._compute_loss, driven with a stand-in model that returns the given per-token log-probs."
    n = per_token_logps.shape[0]
    def model_out(lp):
        z = torch.zeros_like(lp.detach())
        return _Outputs(log_probs=lp, entropy=z, mean_logits=z, is_top1=torch.zeros_like(z, dtype=torch.bool), aux_loss=0.0)
    model = lambda **kw: model_out(per_token_logps)
    model.training = True
    identity = types.SimpleNamespace(gather_for_metrics=lambda x: x, gather=lambda x: x, device="cpu")
    me = types.SimpleNamespace(
        model=model, accelerator=identity, aux_loss_enabled=False, ld_alpha=None, precompute_ref_logps=True,
        f_divergence_type="reverse_kl", beta=beta, label_smoothing=0.0, use_weighting=False,
        loss_types=["sigmoid", "sft"] if sft_weight else ["sigmoid"], loss_weights=[1.0, sft_weight] if sft_weight else [1.0],
        _metrics={"train": collections.defaultdict(list)}, _total_train_tokens=0, _tp_size=1, args=types.SimpleNamespace())
    # completion_mask covers the full sequence; TRL shifts it by one (position i predicts token i + 1)
    full_mask = torch.cat([torch.zeros(n, 1, dtype=completion_mask.dtype), completion_mask], 1)
    ref_seq = ref_per_token_logps.sum(1)
    inputs = {"input_ids": torch.zeros_like(full_mask), "attention_mask": torch.ones_like(full_mask), "completion_mask": full_mask,
              "ref_chosen_logps": ref_seq[:n // 2], "ref_rejected_logps": ref_seq[n // 2:]}
    return DPOTrainer._compute_loss(me, model, inputs, return_outputs=False)

@pytest.mark.parametrize("sft_weight", [0.0, 0.5])
@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_dpo_sigmoid_and_sft_match_trl(beta, sft_weight):
    g = torch.Generator().manual_seed(2)
    B, T = 3, 6  # batch is [chosen…, rejected…] as in TRL
    logps = -torch.rand(2 * B, T, generator=g, dtype=torch.float64) * 3
    ref = -torch.rand(2 * B, T, generator=g, dtype=torch.float64) * 3
    mask = torch.ones(2 * B, T, dtype=torch.long); mask[0, 4:] = 0; mask[4, 2:] = 0  # answers of different lengths
    def ours(lp):
        seq, ref_seq = (lp * mask).sum(1), (ref * mask).sum(1)
        return dpo_loss(seq[:B], seq[B:], ref_seq[:B], ref_seq[B:], beta, sft_weight, mask[:B].sum(1))
    a = _value_and_grad(ours, logps)
    b = _value_and_grad(lambda lp: _trl_dpo(lp * mask, ref * mask, mask, beta, sft_weight), logps)
    torch.testing.assert_close(a[0], b[0].to(a[0].dtype))
    torch.testing.assert_close(a[1], b[1])


# --- cross-tokenizer KD against TRL's GOLD (ULDLoss) ---
trl_gold = pytest.importorskip("trl.experimental.gold.gold_trainer")
from distill_nb.distill.cross_tokenizer import align_tokens, uld_distance

def _uld_config(**kw):
    c = dict(uld_crossentropy_weight=0.0, uld_distillation_weight=1.0, uld_student_temperature=1.0,
             uld_teacher_temperature=1.0, uld_skip_student_eos=False, uld_skip_teacher_eos=False,
             use_extended_uld=False, uld_token_merge_strategy="observed")
    return types.SimpleNamespace(**{**c, **kw})

@pytest.mark.parametrize("seed", range(5))
def test_byte_alignment_matches_trl(seed):
    "Two random tokenizations of one 60-byte text: the same groups as TRL's byte-offset walk."
    g = torch.Generator().manual_seed(seed)
    def cuts(): return sorted(set(torch.randint(1, 60, (15,), generator=g).tolist()) | {60})
    s_ends, t_ends = cuts(), cuts()
    offsets = lambda ends: [[a, b] for a, b in zip([0] + ends[:-1], ends)]
    theirs = trl_gold.ULDLoss._align_by_byte_offsets(offsets(s_ends), offsets(t_ends))
    assert [tuple(x) for x in zip(*theirs)] == align_tokens(s_ends, t_ends)

@pytest.mark.parametrize("vs, vt", [(50, 50), (40, 70)])
def test_uld_distance_matches_trl(vs, vt):
    "ULD's sorted-probability L1, same-length answers, different vocabularies: TRL's value and gradient."
    g = torch.Generator().manual_seed(0)
    s, t = torch.randn(2, 6, vs, generator=g, dtype=torch.float64), torch.randn(2, 6, vt, generator=g, dtype=torch.float64)
    labels = torch.zeros(2, 6, dtype=torch.long)
    ids_s, ids_t = torch.randint(0, vs, (2, 6), generator=g), torch.randint(0, vt, (2, 6), generator=g)
    trl_loss = trl_gold.ULDLoss(_uld_config())
    theirs = _value_and_grad(lambda x: trl_loss(x, t, labels, labels, ids_s, ids_t), s)
    ours = _value_and_grad(lambda x: uld_distance(x.softmax(-1).flatten(0, 1), t.softmax(-1).flatten(0, 1)), s)
    torch.testing.assert_close(ours[0], theirs[0]); torch.testing.assert_close(ours[1], theirs[1])
