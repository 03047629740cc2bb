"APITeacher against a real OpenAI-compatible HTTP server on 127.0.0.1 serving a tiny model, faults included."
import time
import pytest
from distill_nb.core.serve import ChatServer
from distill_nb.core.teachers import APITeacher, WhiteBoxError

def test_answers_match_the_served_model(tiny_teacher):
    prompts = ["What is 2+3?", "What is gravity?", "Name three fruits that are red.", "What is an atom?", "hi"]
    with ChatServer(tiny_teacher) as srv:
        api = APITeacher(srv.url, "tiny", max_concurrency=3)
        assert api.generate(prompts, max_new_tokens=10) == tiny_teacher.generate(prompts, max_new_tokens=10)  # in order

@pytest.mark.parametrize("status", [500, 503, 429])
def test_retries_on_server_errors_and_rate_limits(tiny_teacher, status):
    with ChatServer(tiny_teacher) as srv:
        api = APITeacher(srv.url, "tiny", max_retries=3)
        srv.fail_next(2, status=status)
        assert api.generate(["What is 2+3?"], max_new_tokens=6) == tiny_teacher.generate(["What is 2+3?"], max_new_tokens=6)
        assert srv.requests == 3  # two failures, then the answer

def test_gives_up_after_max_retries_with_a_clear_error(tiny_teacher):
    with ChatServer(tiny_teacher) as srv:
        srv.fail_next(5, status=500)
        with pytest.raises(RuntimeError, match="answered HTTP 500"):
            APITeacher(srv.url, "tiny", max_retries=1).generate(["hi"])
        assert srv.requests == 2

def test_client_errors_are_not_retried(tiny_teacher):
    with ChatServer(tiny_teacher) as srv:
        srv.fail_next(1, status=404)
        with pytest.raises(RuntimeError, match="answered HTTP 404"):
            APITeacher(srv.url, "tiny", max_retries=3).generate(["hi"])
        assert srv.requests == 1

def test_unreachable_server_and_black_box_limits():
    api = APITeacher("http://127.0.0.1:9/v1", "nobody", max_retries=0, timeout=2)
    with pytest.raises(RuntimeError, match="could not be reached"): api.generate(["hi"])
    with pytest.raises(WhiteBoxError, match="black-box teacher"): api.logits({})
    with pytest.raises(WhiteBoxError, match="black-box teacher"): api.hidden_states({})
