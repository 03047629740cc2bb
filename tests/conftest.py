import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing in the tests may reach a model hub
if os.environ.get("PYTEST_XDIST_WORKER"):  # `pytest -n 2` on two cores: one thread per worker and its subprocesses,
    os.environ["OMP_NUM_THREADS"] = "1"     # set before torch is imported (two threads each would oversubscribe)

@pytest.fixture(scope="session")
def tiny_teacher():
    from distill_nb.core.teachers import tiny_teacher
    return tiny_teacher(n_layers=4)

def run(*args, timeout=600, **kw):
    "Run a command in the repo root; returns the CompletedProcess (text)."
    import subprocess
    return subprocess.run(list(args), cwd=kw.pop("cwd", ROOT), capture_output=True, text=True, timeout=timeout, **kw)
