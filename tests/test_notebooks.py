"""The notebooks in ``notebooks/`` are stored clean, paired with their scripts, and run.

Each notebook is kept twice: a jupytext percent-format ``.py`` (the source)
and the ``.ipynb`` generated from it with ``jupytext --to ipynb``, stored
without outputs.  Every notebook is executed here with nbclient on the
``python3`` kernel, from the ``notebooks/`` folder as a user would open it,
with few replications (``SUPPLYSHOCK_NB_REPLICATIONS``) and results written
to a temporary folder (``SUPPLYSHOCK_NB_OUT``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = (
    "01-quickstart",
    "02-joint-stockpile",
    "03-network",
    "04-stockpile-sizing",
    "05-where-policies-fail",
    "06-hidden-exposure",
)
TIMEOUT_SECONDS = 300
REPLICATIONS = "8"
MIN_IMAGES = {
    "01-quickstart": 1,
    "02-joint-stockpile": 4,
    "03-network": 1,
    "04-stockpile-sizing": 2,
    "05-where-policies-fail": 1,
    "06-hidden-exposure": 0,
}
"""Figures each notebook draws (each must reach the notebook as an image)."""


def _code_sources(notebook: nbformat.NotebookNode) -> list[str]:
    return [c.source.strip() for c in notebook.cells if c.cell_type == "code"]


def test_every_notebook_has_its_script() -> None:
    notebooks = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    scripts = sorted(p.stem for p in NOTEBOOKS.glob("*.py"))
    assert notebooks == scripts
    assert set(EXPECTED) <= set(notebooks)


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a code cell has outputs"
            assert cell.execution_count is None, f"{name}: a code cell has an execution count"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_matches_its_percent_script(name: str) -> None:
    """The .ipynb was generated from the current .py (regenerate with jupytext --to ipynb)."""
    script = jupytext.read(NOTEBOOKS / f"{name}.py")
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert _code_sources(notebook) == _code_sources(script)
    assert [c.cell_type for c in notebook.cells] == [c.cell_type for c in script.cells]


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLYSHOCK_NB_REPLICATIONS", REPLICATIONS)
    monkeypatch.setenv("SUPPLYSHOCK_NB_WORKERS", "1")
    monkeypatch.setenv("SUPPLYSHOCK_NB_OUT", str(tmp_path / "results"))
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    # Every notebook shows at least one figure as an image, not as "<Figure size …>".
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {}) or "image/svg+xml" in output.get("data", {})
    ]
    assert len(images) >= MIN_IMAGES[name]
    texts = [
        str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" not in output.get("data", {})
    ]
    assert not any(t.startswith("<Figure size") for t in texts)


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_uses_only_the_public_api(name: str) -> None:
    """``import simulator as ss`` and names of ``simulator.__all__`` only."""
    import simulator

    tree = ast.parse((NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("simulator"), ast.unparse(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("simulator"):
                    assert (alias.name, alias.asname) == ("simulator", "ss"), ast.unparse(node)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "ss"
        ):
            assert node.attr in simulator.__all__, f"{name}: ss.{node.attr} is not public"
