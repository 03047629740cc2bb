"play feeds the tools' results back between the student's turns; episode_loss grades only the student's turns."
import json
import torch
from torch import nn
from distill_nb.core.data import Record
from distill_nb.core.models import tiny_lm, tiny_tokenizer
from distill_nb.core.scoring import Scored
from distill_nb.skills.environment import episode_loss, play

TOK = tiny_tokenizer()


class Scripted(nn.Module):
    "A 'student' whose turns are given texts, in order (the same for every row of a batch)."
    def __init__(self, turns):
        super().__init__(); self.w, self.turns, self.calls = nn.Parameter(torch.zeros(1)), turns, 0
    def generate(self, input_ids, attention_mask=None, max_new_tokens=8, **kw):
        ids = TOK(self.turns[self.calls], add_special_tokens=False)["input_ids"] + [TOK.eos_token_id]
        self.calls += 1
        return torch.cat([input_ids, torch.tensor([ids] * len(input_ids))], 1)


def task(expr="6 * 7", ref="42"):
    call = {"name": "calculator", "arguments": {"expression": expr}}
    return Record(id=expr, instruction="What is it?", meta={"call": call, "reference": ref})


def test_the_tools_reply_comes_back_between_the_turns_and_is_not_the_students():
    call = json.dumps({"name": "calculator", "arguments": {"expression": "6 * 7"}})
    (ep,) = play(Scripted([call, "The answer is 42."]), TOK, [task()], max_new_tokens=64)
    assert ep.verdicts == ["right", "answer"] and ep.solved
    between = TOK.decode(ep.ids[ep.turns[0][1]:ep.turns[1][0]])
    assert "tool\n42" in between, between  # the calculator's result, in the template's tool turn
    assert TOK.decode(ep.ids[slice(*ep.turns[1])]).startswith("The answer is 42.")


def test_a_failing_call_sends_its_error_back_and_a_wrong_answer_does_not_solve():
    bad = json.dumps({"name": "calculator", "arguments": {"expression": "1/0"}})
    (ep,) = play(Scripted([bad, "The answer is 42."]), TOK, [task()], max_new_tokens=64)
    assert ep.verdicts[0].startswith("failed") and not ep.solved
    assert "Error: the tool failed" in TOK.decode(ep.ids[ep.turns[0][1]:ep.turns[1][0]])
    tools = {"calculator": lambda expression: "7777"}  # the student's own tools are what run
    call = json.dumps({"name": "calculator", "arguments": {"expression": "6 * 7"}})
    (ep,) = play(Scripted([call, "It is 7777."]), TOK, [task()], tools=tools, max_new_tokens=64)
    assert ep.verdicts == ["wrong", "answer"] and not ep.solved
    assert "7777" in TOK.decode(ep.ids[ep.turns[0][1]:ep.turns[1][0]])


def test_the_teachers_grades_move_the_loss_only_on_weighted_student_turns():
    call = json.dumps({"name": "calculator", "arguments": {"expression": "6 * 7"}})
    (ep,) = play(Scripted([call, "The answer is 42."]), TOK, [task()], max_new_tokens=64)
    class T:
        capabilities = frozenset({"score"})
        def __init__(self, f): self.f = f
        def score(self, prompts, completions, **kw):
            return [Scored(c, [self.f(j) for j in range(len(c))]) for c in completions]
    lm, (a0, a1), (b0, _) = tiny_lm(), ep.turns[0], ep.turns[1]
    loss = lambda f, w=None: episode_loss(lm, T(f), [ep], w)["loss"].item()
    flat = loss(lambda j: -1.0)
    assert abs(loss(lambda j: -9.0 if a1 <= j < b0 else -1.0) - flat) < 1e-6   # tool tokens
    assert abs(loss(lambda j: -9.0 if j < a1 else -1.0) - flat) > 1e-3         # the call is graded
    assert abs(loss(lambda j: -9.0 if j < a1 else -1.0, [0, 1]) - loss(lambda j: -1.0, [0, 1])) < 1e-6


def test_bad_inputs_are_refused_clearly():
    import pytest
    call = json.dumps({"name": "calculator", "arguments": {"expression": "6 * 7"}})
    with pytest.raises(ValueError, match="no meta\\['reference'\\]"):
        play(Scripted([call]), TOK, [Record(id="x", instruction="hi")])
    with pytest.raises(ValueError, match="temperature"):
        play(Scripted([call]), TOK, [task()], temperature=0)
    with pytest.raises(ValueError, match="no tasks"):
        play(Scripted([call]), TOK, [])


def test_the_judge_reads_whole_demonstrated_episodes_the_student_never_sees():
    from distill_nb.skills.agent import TOOL_DEMOS, tool_messages
    from distill_nb.skills.environment import episode_demos
    demos = episode_demos(TOOL_DEMOS[:1])
    assert demos == [[{"role": "user", "content": TOOL_DEMOS[0][0]}, {"role": "assistant", "content": TOOL_DEMOS[0][1]},
                      {"role": "tool", "content": "372"}, {"role": "assistant", "content": "The answer is 372."}]]
    call = json.dumps({"name": "calculator", "arguments": {"expression": "6 * 7"}})
    (ep,) = play(Scripted([call, "The answer is 42."]), TOK, [task()], max_new_tokens=64)
    read = []
    class Judge:
        capabilities = frozenset({"score"})
        def score(self, prompts, completions, **kw):
            read.extend(prompts); return [Scored(c, [-1.0] * len(c)) for c in completions]
    episode_loss(tiny_lm(), Judge(), [ep], teacher_demos=demos, exact=False)
    assert read == [tool_messages(ep.task.instruction, demos)] and {"role": "tool", "content": "372"} in read[0]
    assert all(m["role"] != "tool" for m in tool_messages(ep.task.instruction))  # the student's prompt: no demos


def test_a_malformed_demonstration_is_refused_clearly():
    import pytest
    from distill_nb.skills.agent import tool_messages
    from distill_nb.skills.environment import episode_demos
    for bad in ([], ("q",), [{"role": "user"}], ("q", 3)):
        with pytest.raises(ValueError, match="a demonstration is a .question, call. pair"):
            tool_messages("q", [bad])
    with pytest.raises(ValueError, match="division by zero"):
        episode_demos([("q", json.dumps({"name": "calculator", "arguments": {"expression": "1/0"}}))])
