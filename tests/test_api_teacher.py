"APITeacher against a real OpenAI-compatible HTTP server on 127.0.0.1 serving a tiny model, faults included."
import time
import pytest
from distill_nb.core.serve import ChatServer
from distill_nb.core.teachers import WhiteBoxError
from distill_nb.core.api import APITeacher

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

def test_timeout_is_a_total_deadline_even_for_a_trickling_or_hung_server(tiny_teacher):
    with ChatServer(tiny_teacher) as srv:
        api = APITeacher(srv.url, "tiny", max_retries=0, timeout=2)
        for fault in ({"trickle": 0.5}, {"hang": 30}):
            srv.fail_next(1, status=200, **fault)
            t0 = time.monotonic()
            with pytest.raises(RuntimeError, match="within the total deadline of 2 s"): api.generate(["hi"], max_new_tokens=4)
            assert time.monotonic() - t0 < 4, fault

@pytest.mark.parametrize("body, why", [('{"id": "x", "choices": [{"mess', "not JSON"), ('{"id": "x"}', "without choices"),
                                       ('{"choices": []}', "without choices"), ("<html><body>Bad gateway</body></html>", "not JSON"),
                                       ('{"choices": [{"message": {"content": 3}}]}', "without message text")])
def test_malformed_answers_are_clear_errors_naming_server_and_model(tiny_teacher, body, why):
    with ChatServer(tiny_teacher) as srv:
        srv.fail_next(1, status=200, body=body)
        with pytest.raises(RuntimeError, match=f"teacher 'tiny' at {srv.url} sent a .*{why}"):
            APITeacher(srv.url, "tiny", max_retries=0).generate(["hi"])

class Boom:
    "A served teacher that fails on one prompt."
    def __init__(self, inner): self.inner = inner
    def generate(self, prompts, **gen):
        if "boom" in prompts[0][-1]["content"]: raise RuntimeError("the model crashed")
        return self.inner.generate(prompts, **gen)

def test_a_failure_keeps_the_answers_already_produced(tiny_teacher):
    from distill_nb.core.teachers import TeacherError
    with ChatServer(Boom(tiny_teacher)) as srv:
        api = APITeacher(srv.url, "tiny", max_retries=0, max_concurrency=1)
        with pytest.raises(TeacherError, match=r"1 of 4 prompts failed .*prompt 2.*HTTP 500.*\d answers were produced") as e:
            api.generate(["What is 2+3?", "hi", "boom", "What is gravity?"], max_new_tokens=6)
        want = tiny_teacher.generate(["What is 2+3?", "hi"], max_new_tokens=6)
        assert e.value.answers[:3] == want + [None] and list(e.value.errors) == [2]  # the 4th may have been in flight

def test_secrets_never_reach_an_error_message(tiny_teacher, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with ChatServer(tiny_teacher) as srv:
        srv.fail_next(1, status=401, body='{"error": {"message": "invalid api key sk-live-0123456789"}}')
        api = APITeacher(srv.url, "tiny", api_key="sk-live-0123456789", max_retries=0)
        with pytest.raises(RuntimeError) as e: api.generate(["hi"])
        assert "HTTP 401" in str(e.value) and "sk-live-0123456789" not in str(e.value) and "***" in str(e.value)
    host = srv.url.split("//")[1]
    for url in (f"http://user:hunter2-secret@{host}", f"http://{host}/v1?api_key=hunter2-secret"):
        with pytest.raises(ValueError, match="give it as api_key=") as e: APITeacher(url, "tiny")
        assert "hunter2-secret" not in str(e.value) and "***" in str(e.value)  # a key travels in a header only


def _raw_server(reply):
    "A one-connection HTTP server on 127.0.0.1 that answers with `reply(sock)` (bounded: it stops within 60 s)."
    import socket, threading
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1); srv.settimeout(60)
    def run():
        try:
            conn, _ = srv.accept(); conn.settimeout(5); conn.recv(65536)
            try: reply(conn)
            except OSError: pass  # the client hung up: what a deadline does
            finally: conn.close()
        except OSError: pass
        finally: srv.close()
    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{srv.getsockname()[1]}/v1"

def test_headers_dripped_a_byte_at_a_time_cannot_outlast_the_deadline():
    def drip(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(200): conn.sendall(b"a"); time.sleep(0.3)  # 60 s of header, unless cut off
    api = APITeacher(_raw_server(drip), "slow", max_retries=0, timeout=2)
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="within the total deadline of 2 s"): api.generate(["hi"])
    assert time.monotonic() - t0 < 3.5

def test_a_huge_or_compressed_answer_is_refused(tiny_teacher):
    import gzip
    with ChatServer(tiny_teacher) as srv:
        srv.fail_next(1, status=200, body='{"choices": [{"message": {"content": "' + "x" * (3 << 20) + '"}}]}')
        with pytest.raises(RuntimeError, match="sent an answer over 1 MB"):
            APITeacher(srv.url, "tiny", max_retries=2, max_response_mb=1).generate(["hi"])
        assert srv.requests == 1  # not retried: it would only come again
    bomb = gzip.compress(b" " * (8 << 20))  # 8 MB of spaces in a few kilobytes
    def gzipped(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                     + f"Content-Length: {len(bomb)}\r\n\r\n".encode() + bomb)
    with pytest.raises(RuntimeError, match="compressed answer"):
        APITeacher(_raw_server(gzipped), "bomb", max_retries=0, timeout=5).generate(["hi"])
    with pytest.raises(ValueError, match="max_response_mb must be"): APITeacher(srv.url, "tiny", max_response_mb=0)
