"""Figures: each function returns a Figure on its own Agg canvas and saves as SVG and PNG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from results_fixture import write_results

from simulator.analysis import plots
from simulator.analysis.compare import ResultsFolder, compare_results, open_results
from simulator.analysis.sweep import sweep_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PATH = "policies.joint_stockpiles.kj-pool.size_days"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> ResultsFolder:
    protection = {"national": 0.0, "pooled": 0.35, "$cheap$ & <b>": 0.6}
    path = write_results(tmp_path_factory.mktemp("plots"), replications=10, protection=protection)
    return open_results(path)


def _axes_with_data(figure: object) -> int:
    return sum(ax.get_visible() and (ax.has_data()) for ax in figure.axes)  # type: ignore[attr-defined]


def test_plots_touch_no_global_matplotlib_state() -> None:
    # Importing the module imports no matplotlib; drawing a figure never imports pyplot.
    code = (
        "import sys; import pandas as pd; import simulator.analysis.plots as p;"
        " print('matplotlib' in sys.modules);"
        " s = pd.DataFrame({'variant': ['a'] * 2, 'country': 'K', 'commodity': 'c',"
        " 'shortfall': [1.0, 2.0]});"
        " f = p.loss_ecdf(s, 'K', 'c', 'shortfall'); p.figure_svg(f);"
        " print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]


def test_fan_chart_has_a_panel_per_variant(folder: ResultsFolder) -> None:
    daily = folder.read_daily(countries=["KOR"])
    figure = plots.fan_chart(daily, "coverage_days", "KOR", "gallium", folder.variants,
                             shock_day=20)  # fmt: skip
    assert _axes_with_data(figure) == 3
    assert figure.canvas.__class__.__name__ == "FigureCanvasAgg"
    # Each panel: two bands and the median.
    ax = figure.axes[0]
    assert len(ax.collections) == 2
    assert len(ax.lines) >= 1


def test_fan_chart_quantiles_are_ordered(folder: ResultsFolder) -> None:
    daily = folder.read_daily(countries=["JPN"])
    figure = plots.fan_chart(daily, "fill_rate", "JPN", "gallium", ["national"])
    ax = figure.axes[0]
    outer, inner = (c.get_paths()[0].vertices for c in ax.collections)
    # fill_between polygons: the upper edge is never below the lower one.
    for vertices in (outer, inner):
        y = vertices[:, 1]
        assert np.all(np.isfinite(y))
    median = ax.lines[0].get_ydata()
    assert np.all((np.asarray(median) >= 0) & (np.asarray(median) <= 1))


def test_resilience_triangle_lost_area_is_the_mean_lost_days(folder: ResultsFolder) -> None:
    daily = folder.read_daily(countries=["KOR"])
    figure = plots.resilience_triangle(daily, "national", "KOR", "gallium", shock_day=20)
    (ax,) = figure.axes
    title = ax.get_title()
    kor = daily[(daily["variant"] == "national")]
    lost = (1 - kor.groupby("day")["fill_rate"].mean()).sum()
    assert f"lost {lost:,.1f} days of demand" in title
    assert any(line.get_xdata()[0] == 20 for line in ax.lines if len(line.get_xdata()) == 2)
    many = plots.resilience_triangles(daily, folder.variants, "KOR", "gallium", shock_day=20)
    assert _axes_with_data(many) == 3


def test_loss_ecdf_steps_reach_one(folder: ResultsFolder) -> None:
    figure = plots.loss_ecdf(folder.summary, "KOR", "gallium", variants=folder.variants)
    (ax,) = figure.axes
    curves = [line for line in ax.lines if len(line.get_ydata()) > 2]
    assert len(curves) == 3
    for line in curves:
        y = np.asarray(line.get_ydata())
        assert y[0] == 0.0
        assert y[-1] == pytest.approx(1.0)
        assert np.all(np.diff(y) >= 0)


def test_difference_bars_and_survival(folder: ResultsFolder) -> None:
    report = compare_results(folder, metrics=["fill_rate", "tts_days"], n_resamples=200)
    bars = plots.difference_bars(report.comparisons, "fill_rate", folder.variants)
    (ax,) = bars.axes
    assert len(ax.patches) == len(report.comparisons)
    survival = plots.survival_plot(report.survival, "KOR", "gallium", variants=folder.variants,
                                   censor_day=100)  # fmt: skip
    (ax,) = survival.axes
    for line in ax.lines:
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert x[0] == 0
        assert y[0] == 1.0
        assert x[-1] == 100
        assert np.all(np.diff(y) <= 0)
    with pytest.raises(ValueError, match="no comparison rows"):
        plots.difference_bars(report.comparisons, "shortfall")


def test_sweep_response(tmp_path: Path) -> None:
    path = write_results(tmp_path / "s", sweep=(PATH, [0, 15, 60]), replications=8, daily=False)
    results = open_results(path)
    table = sweep_table(results.summary, results.sweep_parameters, ["fill_rate"])
    figure = plots.sweep_response(table, PATH, "fill_rate", countries=["KOR", "KJ"])
    (ax,) = figure.axes
    assert len(ax.lines) == 2
    assert list(ax.lines[0].get_xdata()) == [0, 15, 60]


def test_save_figure_writes_svg_and_png(folder: ResultsFolder, tmp_path: Path) -> None:
    figure = plots.loss_ecdf(folder.summary, "JPN", "gallium")
    svg, png = plots.save_figure(figure, tmp_path / "figs" / "ecdf")
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert png.read_bytes()[:8] == PNG_MAGIC
    assert png.stat().st_size > 5_000


def test_inline_svg_is_namespaced_and_carries_no_user_text(folder: ResultsFolder) -> None:
    figure = plots.loss_ecdf(folder.summary, "KOR", "gallium", variants=folder.variants)
    svg = plots.figure_svg(figure, prefix="f7")
    assert svg.startswith("<svg")
    assert "<!--" not in svg
    assert "<?xml" not in svg
    assert "<metadata" not in svg
    assert "<b>" not in svg
    assert "cheap" not in svg
    ids = [part.split('"')[0] for part in svg.split(' id="')[1:]]
    assert ids
    assert all(i.startswith("f7-") for i in ids)
    assert 'href="#' not in svg.replace('href="#f7-', "")
    assert plots.figure_png_data_uri(figure).startswith("data:image/png;base64,iVBOR")


def test_empty_selection_is_a_clear_error(folder: ResultsFolder) -> None:
    daily = folder.read_daily(countries=["KOR"])
    with pytest.raises(ValueError, match="no daily rows for variant 'national', JPN"):
        plots.fan_chart(daily, "fill_rate", "JPN", "gallium", ["national"])
    with pytest.raises(ValueError, match="no sweep rows"):
        plots.sweep_response(pd.DataFrame(columns=["parameter", "metric"]), PATH, "fill_rate")


@pytest.mark.parametrize(("count", "rows", "columns"), [(1, 1, 1), (2, 1, 2), (4, 2, 2), (5, 2, 3)])
def test_small_multiples_have_a_panel_per_pair_and_one_legend(
    folder: ResultsFolder, count: int, rows: int, columns: int
) -> None:
    pairs = [("KOR", "gallium"), ("JPN", "gallium"), ("KJ", "gallium")] * 2
    pairs = pairs[:count]
    figure = plots.loss_ecdfs(folder.summary, pairs, "shortfall", folder.variants)
    assert len(figure.axes) == count  # the cells a last row leaves over are removed
    assert {ax.get_subplotspec().get_geometry()[:2] for ax in figure.axes} == {(rows, columns)}
    assert [ax.get_title() for ax in figure.axes] == [f"{c} · {k}" for c, k in pairs]
    # One curve per variant in each panel, the legend once for the figure.
    for ax in figure.axes:
        assert len([line for line in ax.lines if len(line.get_ydata()) > 2]) == 3
        assert ax.get_legend() is None
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == list(folder.variants)
    if count > 1:  # one y scale for every panel
        assert len({ax.get_ylim() for ax in figure.axes}) == 1


def test_survival_small_multiples_share_axes_and_end_at_each_horizon(
    folder: ResultsFolder,
) -> None:
    report = compare_results(folder, metrics=["tts_days"], n_resamples=50)
    pairs = [("KOR", "gallium"), ("JPN", "gallium"), ("KJ", "gallium")]
    figure = plots.survival_plots(
        report.survival, pairs, variants=folder.variants, censor_days={"gallium": 100}
    )
    assert len(figure.axes) == 3
    assert len({ax.get_xlim() for ax in figure.axes}) == 1
    for ax in figure.axes:
        for line in ax.lines:
            x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
            assert (x[0], y[0], x[-1]) == (0, 1.0, 100)
            assert np.all(np.diff(y) <= 0)
    # Five panels on a grid of six: the panel above the empty cell keeps its day labels.
    five = plots.survival_plots(report.survival, [*pairs, *pairs[:2]], variants=folder.variants)
    labelled = [any(t.get_visible() for t in ax.get_xticklabels()) for ax in five.axes]
    assert labelled == [False, False, True, True, True]
    with pytest.raises(ValueError, match="no \\(country, commodity\\) pair"):
        plots.survival_plots(report.survival, [])
