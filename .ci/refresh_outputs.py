"""Save a notebook's outputs again: run its fast cells in order with nbclient (cells marked `#| slow` are not run
and keep the outputs they have), then drop stderr streams and progress-bar widgets. Run `nbdev_clean` after.

    python .ci/refresh_outputs.py nbs/02_distill/03_kd.ipynb [more notebooks]
"""
import copy, json, os, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/"tests"))
from lessons import SLOW  # one definition of a slow cell, the lesson checker's

def refresh(path:str):
    nb = nbformat.read(path, as_version=4)
    slow = {i for i, c in enumerate(nb.cells) if c.cell_type == "code" and SLOW.search(c.source)}
    saved = {i: copy.deepcopy(nb.cells[i]) for i in slow}
    for i in slow: nb.cells[i] = nbformat.v4.new_raw_cell(nb.cells[i].source)  # nbclient runs code cells only
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
    for i, c in saved.items(): nb.cells[i] = c
    bar = lambda o: (o["output_type"] == "display_data" and "application/vnd.jupyter.widget-view+json" in o.get("data", {})
                     and any(k in json.dumps(o["data"].get("text/plain", "")) for k in ("%", "it/s", "Progress")))
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code" and i not in slow:
            c.outputs = [o for o in c.get("outputs", [])
                         if not (o["output_type"] == "stream" and o.get("name") == "stderr") and not bar(o)]
    if not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])):
        nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)

if __name__ == "__main__":
    for p in sys.argv[1:]: refresh(p); print(f"refreshed {p}")
