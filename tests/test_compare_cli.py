"""``supplyshock compare`` and ``supplyshock report`` on synthetic results folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from results_fixture import write_results

import simulator.cli.compare
import simulator.cli.report  # noqa: F401  (registers the command)
from simulator.cli import main

PATH = "policies.joint_stockpiles.kj-pool.size_days"


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(tmp_path_factory.mktemp("cli"), replications=16, daily=False)


def test_compare_prints_the_headline_first_and_tables_with_detail(
    results_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compare", str(results_dir), "--resamples", "200"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("KOR · gallium") or lines[2].startswith("KOR · gallium")
    for words in ("pooled: shortfall", "better in", "equal in", "worse in"):
        assert words in out
    assert "CI BCa" not in out  # the tables only with --detail
    assert "--detail" in out

    code = main(["compare", str(results_dir), "-m", "fill_rate", "-m", "tts_days", "--detail",
                 "--resamples", "200"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "fill rate (%; higher is better) against national" in out
    for name in ("national", "pooled", "both", "KOR", "JPN", "KJ", "better / equal / worse"):
        assert name in out
    assert "time to survive (TTS) / to recover (TTR)" in out
    assert "probability of being best" in out


@pytest.mark.parametrize("width", [80, 120])
def test_detail_tables_fit_the_width_without_cutting_a_number(
    results_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    width: int,
) -> None:
    """Piped output honours COLUMNS; columns are dropped, numbers never truncated."""
    monkeypatch.setenv("COLUMNS", str(width))
    code = main(["compare", str(results_dir), "--detail", "--resamples", "200"])
    out = capsys.readouterr().out
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width
    assert "…" not in out
    code = main(["compare", str(results_dir), "--json", "--resamples", "200"])
    data = json.loads(capsys.readouterr().out)
    from simulator.analysis.quantities import format_cell

    for row in data["comparisons"]:  # every mean difference is printed whole
        assert format_cell(row["mean_diff"], row["metric"], difference=True) in out
    if width == 80:
        assert "left out to fit 80 columns" in out
    else:
        assert "CI BCa" in out


def test_compare_json(results_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", str(results_dir), "--json", "--country", "KOR",
                 "--target", "KOR.fill_rate>=0.99@0.5", "--resamples", "200"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {row["country"] for row in data["comparisons"]} == {"KOR"}
    assert {row["variant"] for row in data["comparisons"]} == {"pooled", "both"}
    assert data["p_best"]
    assert data["target"][0]["target"] == "KOR.fill_rate>=0.99@0.5"
    assert data["target"][0]["by"] == "variant"


def test_compare_sweep_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_results(tmp_path / "s", sweep=(PATH, [0, 30, 90]), replications=20, daily=False)
    code = main(["compare", str(folder), "--json", "--metric", "fill_rate",
                 "--target", "KOR.fill_rate>=0.97@0.9", "--resamples", "200"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sweep"]["parameters"] == [PATH]
    (target,) = data["target"]
    assert target["by"] == PATH
    assert [row["value"] for row in target["rows"]] == [0, 30, 90]
    meeting = [row["value"] for row in target["rows"] if row["meets_target"]]
    assert target["smallest_value"] == (meeting[0] if meeting else None)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--target", "KOR.fill_rate=>0.99"], 2, "expected COUNTRY"),
        (["--target", "KOR.fillrate>=0.99"], 2, "unknown metric"),
        (["--metric", "fillrate"], 2, "unknown metric 'fillrate'"),
        (["--baseline", "nope"], 2, "unknown baseline variant 'nope'"),
        (["--country", "XXX"], 2, "unknown country or group 'XXX'"),
    ],
)
def test_compare_usage_errors(
    results_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    assert main(["compare", str(results_dir), *args]) == code
    captured = capsys.readouterr()
    # Typer frames usage errors in a box: drop its borders before matching the text.
    text = (captured.err + captured.out).replace("│", " ")
    assert message in " ".join(text.split())


def test_compare_not_a_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(tmp_path)]) == 3
    assert "not a results folder" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "missing")]) == 2


def test_report_command_writes_the_file(
    results_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "report.html"
    code = main(["report", str(results_dir), "-o", str(output), "--metric", "fill_rate",
                 "--country", "KOR", "--resamples", "200", "--images", "png",
                 "--figures", str(tmp_path / "figures")])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.strip() == str(output)
    text = output.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<svg" not in text
    assert text.count("data:image/png;base64,") == 2  # the interval bars and the ECDF
    assert [p.name for p in output.parent.iterdir()] == ["report.html"]
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written[0].startswith("01-fill-rate-mean-paired-difference-against-national")
    assert len([n for n in written if n.endswith(".png")]) == text.count("data:image/png")


def test_report_command_target_error(results_dir: Path, tmp_path: Path) -> None:
    assert main(["report", str(results_dir), "--target", "nonsense"]) == 2
    assert not (results_dir / "report.html").exists()
