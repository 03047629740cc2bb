"""The sandbox for model-written code, attacked (issue #32): each attack first switches off the in-process layer
(the audit hook's deny-lists live in the worker's `__main__`, which the code can reach), so what is tested is the
OS boundary: bubblewrap's namespaces and the seccomp filter. Run as root in CI, where RLIMIT_NPROC does not bind."""
import os, socket, threading, time, uuid
import pytest
from distill_nb.core.sandbox import run_tests, SandboxUnavailable, encode, decode

ESCAPE = """import __main__, sys
for name in ("NEVER", "PATHS"): getattr(__main__, name).clear()   # the audit hook's deny-lists, emptied
__main__.inside = lambda p, places: True                            # and its path check, answered yes
"""

def attack(body:str, timeout:float=5):
    "Run `def attack(): ...` after the escape; the test asserts the attack worked, so a pass means it did."
    code = ESCAPE + "def attack():\n" + "\n".join("    " + l for l in body.strip().splitlines())
    return run_tests(code, ["assert attack() is True"], timeout=timeout)

def refused(result):
    "The attack did not work: its own assert failed (it did not crash the harness, and it did not pass)."
    passed, message = result
    assert not passed, message
    return message

def test_the_escape_itself_works_on_the_in_process_layer():
    # with the deny-lists cleared, the audit hook lets os.system through: only the OS layer is left to refuse it
    msg = refused(attack("import os\nreturn os.system('true') == 0"))
    assert "not allowed" not in msg and "sandbox:" not in msg, msg

def test_no_shell_command_and_no_file_outside():
    mark = f"/tmp/pwned-{uuid.uuid4().hex}"
    refused(attack(f"import os\nos.system('touch {mark}')\nreturn os.path.exists('{mark}')"))
    assert not os.path.exists(mark)

def test_no_fork_exec_through_posixsubprocess():
    # _posixsubprocess.fork_exec raises no audit event at all: only seccomp can stop it
    body = """import _posixsubprocess, os
r, w = os.pipe()
try:
    _posixsubprocess.fork_exec([b"/bin/true"], [b"/bin/true"], True, (), None, None, -1, -1, -1, -1, -1, -1,
                               r, w, True, False, 0, None, None, None, -1, None, False)
except TypeError:
    _posixsubprocess.fork_exec([b"/bin/true"], [b"/bin/true"], True, (), None, None, -1, -1, -1, -1, -1, -1,
                               r, w, True, False, None, None, None, -1, None, False)
return True"""
    msg = refused(attack(body))
    assert "PermissionError" in msg or "Operation not permitted" in msg, msg

def test_no_new_process_at_all():
    refused(attack("import os\npid = os.fork()\nif pid == 0: os._exit(0)\nreturn True"))
    body = "import os\nmade = 0\nfor _ in range(100):\n    try:\n        if os.fork() == 0: os._exit(0)\n" \
           "        made += 1\n    except OSError: pass\nreturn made > 0"
    refused(attack(body))
    body = "import ctypes\nlibc = ctypes.CDLL(None)\nreturn libc.syscall(57) >= 0 or libc.syscall(58) >= 0"  # fork, vfork
    refused(attack(body))

def test_no_write_outside_and_no_special_files():
    mark = f"/tmp/pwned-{uuid.uuid4().hex}"
    refused(attack(f"open('{mark}', 'w').write('x')\nimport os\nos.mkfifo('{mark}.fifo')\nreturn False"))
    assert not os.path.exists(mark) and not os.path.exists(mark + ".fifo")  # its /tmp is its own
    here = os.path.abspath(__file__)
    refused(attack(f"open({here!r}, 'a').write('x')\nreturn True"))  # the checkout is not even there
    refused(attack("import os, stat\nos.mknod('/work/dev', stat.S_IFCHR | 0o600, os.makedev(1, 3))\nreturn True"))
    refused(attack("import os\nopen('/work/f', 'w').close()\nos.setxattr('/work/f', 'user.x', b'1')\nreturn True"))
    refused(attack("open('/usr/pwned', 'w').write('x')\nreturn True"))  # the system is read-only

def test_no_secrets_no_other_processes(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    refused(attack("return 'root:' in open('/etc/shadow').read()"))
    body = """import os
seen = ""
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try: seen += open(f"/proc/{pid}/environ").read() + open(f"/proc/{pid}/cmdline").read()
        except OSError: pass
return "sk-test-secret" in seen or "pytest" in seen"""
    refused(attack(body))
    refused(attack("import os\nreturn os.getppid() > 1 or len([p for p in os.listdir('/proc') if p.isdigit()]) > 2"))

def test_no_network():
    server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1); server.settimeout(0.2)
    port, got = server.getsockname()[1], []
    def accept():
        try: got.append(server.accept())
        except OSError: pass
    t = threading.Thread(target=accept); t.start()
    refused(attack(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)\nreturn True"))
    t.join(); server.close()
    assert not got

def test_forged_replies_and_false_equality_do_not_pass():
    # the pass is decided by the judge, comparing plain values the code's process never sees the expected side of
    forge = """import os, json
for fd in range(1, 20):
    try: os.write(fd, (json.dumps({"names": {}}) + "\\n" + json.dumps({"value": 2}) + "\\n").encode())
    except OSError: pass
def f(): return 3"""
    refused(run_tests(forge, ["assert f() == 2"]))
    always = "class Yes:\n    def __eq__(self, other): return True\ndef f(): return Yes()"
    assert "not plain data" in refused(run_tests(always, ["assert f() == 2"]))
    sub = "class Int(int):\n    def __eq__(self, other): return True\n    __hash__ = int.__hash__\ndef f(): return Int(3)"
    refused(run_tests(sub, ["assert f() == 2"]))
    frames = "import sys\nf = sys._getframe()\nwhile f.f_back: f = f.f_back\ndef g(): return sorted(f.f_globals)"
    passed, _ = run_tests(frames, ["assert 'token' not in g()"])
    assert passed  # there is no token anywhere to find

def test_returns_by_its_timeout_plus_a_second():
    for code, tests in [("while True: pass", ["assert True"]), ("def f():\n    while True: pass", ["f()"]),
                        ("import time\ndef f(): time.sleep(60)", ["f()"]),
                        (ESCAPE + "import os\ntry: os.fork()\nexcept OSError: pass\nimport time\ntime.sleep(60)",
                         ["assert True"])]:
        start = time.monotonic()
        assert run_tests(code, tests, timeout=2) == (False, "timed out after 2 s")
        assert time.monotonic() - start < 3

def test_resource_limits():
    refused(run_tests("x = bytearray(4 << 30)", ["assert True"], timeout=5))
    refused(run_tests("open('big', 'wb').write(b'0' * (64 << 20))", ["assert True"], timeout=5))

def test_plain_data_round_trip_and_refusals():
    for v in [None, True, 3, 2.5, "é", [1, (2, 3)], {1: "a", (1, 2): [3]}, {4, 5}, frozenset([6]), b"\x00",
              1 + 2j, float("inf")]:
        assert decode(encode(v)) == v and type(decode(encode(v))) is type(v)
    class Int(int): pass
    for bad in [Int(3), object(), [lambda: 1], [[[]]] * 0 + [eval("[" * 70 + "]" * 70)]]:
        with pytest.raises((TypeError, ValueError)): encode(bad)
    for bad in [{"list": 3}, {"x": []}, {"dict": [[1]]}, {"a": 1, "b": 2}, [1]]:
        with pytest.raises((TypeError, ValueError)): decode(bad)

def test_without_an_os_boundary_it_refuses_unless_asked(monkeypatch):
    import distill_nb.core.boundary as boundary, distill_nb.core.sandbox as sb
    monkeypatch.setattr(boundary, "_bwrap", lambda: None)
    sb._probe.cache_clear()
    monkeypatch.delenv(sb.ALLOW_UNSANDBOXED, raising=False)
    with pytest.raises(SandboxUnavailable, match="unsandboxed=True"): run_tests("x = 1", ["assert x == 1"])
    with pytest.warns(UserWarning, match="WITHOUT an OS sandbox"):
        assert run_tests("x = 1", ["assert x == 1"], unsandboxed=True) == (True, "passed")
    sb._probe.cache_clear()
