"""The HTML report: self-contained, escaped, complete, written atomically."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from results_fixture import write_results

from simulator.analysis.compare import ComparisonReport, compare_results, open_results
from simulator.analysis.report import build_report, focus_countries, format_value, write_report
from simulator.analysis.report_figures import Figures
from simulator.analysis.report_sections import left_out_note, sweep_section, targets_section

XSS_NAME = "<script>alert(1)</script>"
XSS_DESCRIPTION = 'Pooling <img src=x onerror="alert(2)"> & transfers'
XSS_VARIANT = "<b>bold</b> & </td>"


class _Tags(HTMLParser):
    """Counts start tags and collects attribute values and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html_text: str) -> _Tags:
    parser = _Tags()
    parser.feed(html_text)
    return parser


@pytest.fixture(scope="module")
def xss_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    protection = {"national": 0.0, XSS_VARIANT: 0.4, "both": 0.6}
    return write_results(
        tmp_path_factory.mktemp("xss"),
        replications=10,
        protection=protection,
        name=XSS_NAME,
        description=XSS_DESCRIPTION,
    )


@pytest.fixture(scope="module")
def page(xss_results: Path) -> str:
    return build_report(xss_results, n_resamples=200)


def test_user_strings_are_escaped(page: str) -> None:
    assert XSS_NAME not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    parsed = _parse(page)
    assert "script" not in parsed.tags
    assert "b" not in parsed.tags
    assert not [a for a in parsed.attributes if a[1].startswith("on")]
    text = "".join(parsed.text)
    assert XSS_NAME in text
    assert XSS_VARIANT in text
    assert "alert(2)" in text


def test_the_page_loads_nothing_from_outside(page: str) -> None:
    parsed = _parse(page)
    for tag, name, value in parsed.attributes:
        if name in {"src", "href", "xlink:href", "action", "poster", "data"}:
            assert value.startswith(("#", "data:")), (tag, name, value)
    assert "@import" not in page
    assert "url(http" not in page
    assert re.search(r"<(script|link|iframe|object|embed)\b", page) is None
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert "default-src 'none'" in policy.group(1)


def test_the_page_has_its_sections_tables_and_figures(page: str) -> None:
    parsed = _parse(page)
    anchors = (
        "headline",
        "comparisons",
        "p-best",
        "statistics",
        "events",
        "trajectories",
        "losses",
        "scenario",
        "glossary",
    )
    for anchor in anchors:
        assert f'id="{anchor}"' in page
        assert f'href="#{anchor}"' in page
    # The answer first, the terms last.
    assert page.index('id="headline"') < page.index('id="comparisons"')
    assert page.index('id="scenario"') < page.index('id="glossary"')
    assert parsed.tags["table"] >= 10
    # Interval figures only for shortfall and economic loss (the rest are tables).
    assert parsed.tags["svg"] >= 10
    assert parsed.tags["figure"] == parsed.tags["svg"]
    assert "Bonferroni" in page
    assert "BCa" in page
    assert "synthetic results for tests" in page  # the resolved scenario's YAML
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/td&gt;" in page


def _section(page: str, anchor: str) -> str:
    return page.split(f'<h2 id="{anchor}">')[1].split("<h2 ")[0]


def test_survival_and_losses_are_one_figure_of_small_multiples_each(page: str) -> None:
    # KJ, KOR and JPN are all short in some replications: one figure, a panel each.
    for anchor, what in (("events", "without shortfall"), ("losses", "Distribution of")):
        section = _section(page, anchor)
        assert section.count("<figure>") == 1, anchor
        (caption,) = re.findall(r"<figcaption>(.*?)</figcaption>", section)
        assert what in caption
        assert caption.endswith("KJ · gallium, KOR · gallium, JPN · gallium")


def test_focus_is_the_coalition_and_its_members(xss_results: Path) -> None:
    assert focus_countries(open_results(xss_results)) == ["KJ", "KOR", "JPN"]


def test_write_report_is_atomic_and_replaces(xss_results: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    output.write_text("old", encoding="utf-8")
    written = write_report(
        xss_results, output, metrics=["fill_rate"], countries=["KOR"], n_resamples=200
    )
    assert written == output
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert output.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_no_temporary(
    xss_results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    def refuse(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_report(xss_results, tmp_path / "r.html", metrics=["fill_rate"], countries=["KOR"])
    assert list(tmp_path.iterdir()) == []


def test_report_without_daily_series(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "nodaily", replications=6, daily=False)
    page = build_report(folder, metrics=["fill_rate"], n_resamples=200)
    assert "did not record daily series" in page


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (float("nan"), "—"),
        (3, "3"),
        (40.0, "40"),
        (0.98765, "0.9877"),
        (123.456, "123.5"),
        (12345.6, "12,346"),
        (-3_008_529.0, "-3.01M"),
        (2.5e9, "2.5B"),
        (True, "yes"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text


def test_report_of_a_single_variant(tmp_path: Path) -> None:
    folder = write_results(tmp_path / "one", protection={"base": 0.0}, replications=6, daily=False)
    page = build_report(folder, metrics=["fill_rate", "tts_days"], n_resamples=200)
    assert 'id="comparisons"' not in page
    assert "<details open><summary>Fill rate (%)</summary>" in page
    assert "only one variant" in page


def test_a_replay_has_a_section_against_history(tmp_path: Path) -> None:
    from simulator.experiments.design import load_plan
    from simulator.experiments.runner import run_batch

    replay = Path(__file__).parents[1] / "scenarios" / "replays" / "urea-korea-2021.yaml"
    run_batch(load_plan(replay, replications=3), tmp_path / "urea")
    page = build_report(tmp_path / "urea", n_resamples=100)
    assert '<h2 id="history">Against history</h2>' in page
    assert "against episode urea-2021 of the bundled history" in page
    # History's values (not the model's) are in the table: November 2021 over November 2020.
    assert f"{23_976 / 40_915:.2f}" in page
    assert "KOR shortage (urea_industrial)" in page


def test_a_plain_scenario_has_no_history_section(page: str) -> None:
    assert 'id="history"' not in page


# --------------------------------------------------------------------------- sweep and targets

SWEEP_PATH = "policies.joint_stockpiles.kj-pool.size_days"


@pytest.fixture(scope="module")
def sweep_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(
        tmp_path_factory.mktemp("sweep"), sweep=(SWEEP_PATH, [0, 30, 90]), replications=8
    )


def _zeroed(sweep: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """``sweep`` with the mean and interval of ``metric`` (default: every metric) set to 0."""
    out = sweep.copy()
    rows = out["metric"] == metric if metric is not None else slice(None)
    out.loc[rows, ["mean", "ci_low", "ci_high"]] = 0.0
    return out


def test_sweep_and_targets_sections_when_present(sweep_results: Path) -> None:
    page = build_report(
        sweep_results, metrics=["shortfall"], targets=["KOR.fill_rate>=0.9@0.5"], n_resamples=100
    )
    for anchor in ("sweep", "targets"):
        assert f'<h2 id="{anchor}">' in page
        assert f'href="#{anchor}"' in page
    assert "left out" not in page.split('id="sweep"')[1].split("<h2")[0]


def test_without_targets_there_is_no_targets_section(sweep_results: Path) -> None:
    page = build_report(sweep_results, metrics=["shortfall"], n_resamples=100)
    assert 'id="sweep"' in page
    assert 'id="targets"' not in page
    assert 'href="#targets"' not in page
    assert targets_section([]) == ""


def test_a_sweep_that_is_zero_everywhere_is_left_out_in_one_line(sweep_results: Path) -> None:
    folder = open_results(sweep_results)
    report = compare_results(folder, metrics=["shortfall", "fill_rate"], n_resamples=100)
    assert report.sweep is not None
    figures = Figures("svg")

    zero = dataclasses.replace(report, sweep=_zeroed(report.sweep))
    assert sweep_section(zero, figures) == ""
    note = left_out_note(zero)
    assert note is not None
    assert f"The sweep of {SWEEP_PATH} is left out" in note
    assert "Shortfall against" in note
    assert "Fill rate against" in note

    # One metric zero everywhere: only its block goes, and one line says so.
    part = dataclasses.replace(report, sweep=_zeroed(report.sweep, "shortfall"))
    html = sweep_section(part, figures)
    assert '<h2 id="sweep">' in html
    assert "<h3>Fill rate against" in html
    assert "<h3>Shortfall against" not in html
    assert html.count("are left out of: Shortfall against") == 1
    assert left_out_note(part) is None
    assert left_out_note(report) is None


def test_the_page_says_the_zero_sweep_is_left_out(
    sweep_results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simulator.analysis.report as report_module

    def zero_sweep(*args: object, **kwargs: object) -> ComparisonReport:
        report = compare_results(*args, **kwargs)
        assert report.sweep is not None
        return dataclasses.replace(report, sweep=_zeroed(report.sweep))

    monkeypatch.setattr(report_module, "compare_results", zero_sweep)
    page = build_report(sweep_results, metrics=["shortfall"], n_resamples=100)
    assert 'id="sweep"' not in page
    assert 'href="#sweep"' not in page
    assert f"<li>The sweep of {SWEEP_PATH} is left out: every series" in page


def test_a_target_without_rows_is_left_out(sweep_results: Path) -> None:
    folder = open_results(sweep_results)
    report = compare_results(
        folder, metrics=["shortfall"], targets=["KOR.fill_rate>=0.9"], n_resamples=100
    )
    (first, *_) = report.targets
    empty = dataclasses.replace(first, table=first.table.iloc[0:0])
    assert targets_section([empty]) == ""
    assert '<h2 id="targets">' in targets_section([empty, first])
