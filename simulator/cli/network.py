"""``supplyshock network [SCENARIO]``: dependency tables of the baseline trade network.

For each commodity (or the one named by ``--commodity``) it prints three
tables: the importers (imports, dependence, self-sufficiency, concentration of
sources, vulnerability, and the sources themselves), the chokepoints (what the
others lose if one exporter stops, and its export power), and, with
``--exporter``, every country's dependence on that exporter.  ``--exposure``
adds, for each commodity made from inputs, every country's direct and
indirect exposure to the exporter (China unless ``--exporter`` says
otherwise) and the inputs that carry it.  ``--commodity`` and ``--country``
may be repeated, as in the other commands: only those commodities, only the
rows about those countries.  ``--json`` prints one object instead; ``--plot``
also draws the network.  Formulas: ``docs/network-analytics.md``,
:mod:`simulator.analysis.network_metrics` and :mod:`simulator.analysis.exposure`.

Without SCENARIO the embedded dataset is read (``data: builtin``).  Unknown
commodities or countries are usage errors (exit 2); an invalid scenario file
exits 3 with every issue located.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from simulator.cli import app, json_text, stdout_console
from simulator.cli.tables import Column, fitted_table

if TYPE_CHECKING:
    from rich.console import Console

    from simulator.model.network import CommodityNetwork, TradeNetwork

__all__ = ["BUILTIN_SCENARIO", "network", "network_report"]

BUILTIN_SCENARIO = (
    "name: builtin\ndescription: embedded dataset\nhorizon_days: 365\ndata: builtin\n"
)
"""The scenario read when none is given: the embedded dataset, every commodity."""


def network_report(
    trade: TradeNetwork,
    commodities: list[str],
    *,
    countries: Collection[str] | None = None,
    exporter: str | None = None,
) -> dict[str, Any]:
    """The ``--json`` sections of each commodity, as plain data.

    Parameters
    ----------
    trade : TradeNetwork
        The scenario's network.
    commodities : list of str
        Commodities to report, each in ``trade``.
    countries : collection of str, optional
        Keep only these countries' entries in the per-country sections, and
        only their losses in each chokepoint (default: every country).
    exporter : str, optional
        Report every country's dependence on this exporter; ``null`` for a
        commodity in which it is not a node.

    Returns
    -------
    dict
        ``{commodity: {section: ...}}`` with the sections ``import_shares``,
        ``import_dependence``, ``self_sufficiency``, ``hhi``, ``hhi_points``,
        ``exporter_dependence``, ``chokepoints`` and ``scores``.  Each
        chokepoint carries its rank, the fields of
        :class:`~simulator.analysis.network_metrics.Chokepoint` and the
        exporter's ``export_power``; ``scores`` holds ``export_power`` and
        ``import_vulnerability`` per country.
    """
    from simulator.analysis import network_metrics as nm

    def only(values: dict[str, Any]) -> dict[str, Any]:
        return values if countries is None else {k: v for k, v in values.items() if k in countries}

    out: dict[str, Any] = {}
    for c in commodities:
        net = trade[c]
        power = nm.export_power(net)
        vulnerability = nm.import_vulnerability(net)
        dependence_on: dict[str, Any] | None = None
        if exporter is not None and exporter in net.index:
            rows = nm.exporter_dependence(net, exporter)
            dependence_on = {
                "exporter": exporter,
                "importers": only(
                    {
                        j: {
                            "flow_per_year": d.flow_per_year,
                            "share_of_imports": d.share_of_imports,
                            "share_of_demand": d.share_of_demand,
                        }
                        for j, d in rows.items()
                    }
                ),
            }
        out[c] = {
            "import_shares": only(nm.import_shares(net)),
            "import_dependence": only(nm.import_dependence(net)),
            "self_sufficiency": only(nm.self_sufficiency(net)),
            "hhi": only(nm.import_hhi(net)),
            "hhi_points": only(nm.import_hhi(net, points=True)),
            "exporter_dependence": dependence_on,
            "chokepoints": [
                {
                    "rank": rank,
                    "country": p.country,
                    "lost_per_year": p.lost_per_year,
                    "lost_share_of_world_demand": p.lost_share_of_world_demand,
                    "max_share_of_demand": p.max_share_of_demand,
                    "export_power": power[p.country],
                    "losses": only(dict(p.losses)),
                }
                for rank, p in enumerate(nm.chokepoints(net), start=1)
            ],
            "scores": only(
                {
                    k: {"export_power": power[k], "import_vulnerability": vulnerability[k]}
                    for k in net.countries
                }
            ),
        }
    return out


@app.command()
def network(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML file (default: the embedded dataset).",
            metavar="SCENARIO",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    commodity: Annotated[
        list[str] | None,
        typer.Option("--commodity", "-k", help="A commodity (repeat; default: all)."),
    ] = None,
    country: Annotated[
        list[str] | None,
        typer.Option(
            "--country", "-c", help="Only the rows about this country (repeat; e.g. -c KOR -c JPN)."
        ),
    ] = None,
    exporter: Annotated[
        str | None, typer.Option(help="Show every country's dependence on this exporter.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Also draw the network to this .png, .svg or .pdf file.")
    ] = None,
    exposure: Annotated[
        bool,
        typer.Option(
            "--exposure",
            help="For products made from inputs: exposure to the exporter (CHN unless"
            " --exporter) through suppliers' inputs, and the chokepoint inputs.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import shares, concentration, chokepoints and exposure of the baseline trade network."""
    from simulator.io.scenario_file import load_scenario, load_scenario_text
    from simulator.model.network import TradeNetwork

    if scenario is None:
        spec = load_scenario_text(BUILTIN_SCENARIO, "<builtin>")
    else:
        spec = load_scenario(scenario)
    trade = TradeNetwork.from_scenario(spec)

    commodities = _commodities(trade, commodity or [])
    countries: list[str] | None = None
    if country:
        named = (_country(trade, commodities, code, "--country") for code in country)
        countries = list(dict.fromkeys(named))
        commodities = [c for c in commodities if any(k in trade[c].index for k in countries)]
    if exporter is not None:
        exporter = _country(trade, commodities, exporter, "--exporter")

    report = network_report(trade, commodities, countries=countries, exporter=exporter)
    exposed: dict[str, Any] | None = None
    if exposure:
        from simulator.analysis.exposure import exposure_report

        exposed = exposure_report(trade, commodities, exporter or "CHN", countries)
    if plot is not None:
        # Imported here: matplotlib takes longer to import than the rest of the command.
        from simulator.analysis.network_plot import plot_network

        try:
            plot_network(trade, commodities if commodity else None, path=plot)
        except ValueError as error:  # the file suffix: the rest was checked above
            raise typer.BadParameter(str(error), param_hint="'--plot'") from None
        except OSError as error:
            raise typer.BadParameter(
                f"cannot write {str(plot)!r}: {error}", param_hint="'--plot'"
            ) from None
        print(f"wrote {plot}", file=sys.stderr)
    if as_json:
        payload = {
            "scenario": spec.name,
            "countries": countries,
            "exporter": exporter,
            "plot": str(plot) if plot is not None else None,
            "commodities": report,
        }
        if exposed is not None:
            payload["exposure"] = {"exporter": exporter or "CHN", "commodities": exposed}
        typer.echo(json_text(payload))
        return
    console = stdout_console()
    for c, sections in report.items():
        unit = spec.commodities[c].unit
        _importers_table(console, trade[c], c, unit, sections, countries)
        console.print(_chokepoints_table(c, unit, sections, countries))
        if sections["exporter_dependence"] is not None:
            console.print(_exporter_table(c, unit, sections["exporter_dependence"]))
        elif exporter is not None:
            console.print(
                escape(f"{c}: {exporter} is not in this commodity's network"), style="dim"
            )
        if exposed is not None and exposed[c] is not None:
            console.print(_exposure_table(c, exporter or "CHN", exposed[c]))


def _exposure_table(commodity: str, exporter: str, section: dict[str, Any]) -> Table:
    table = _table(f"{commodity}: exposure to {exporter} — share of supply, through inputs")
    table.add_column("country")
    for header in ("direct", "indirect", "total"):
        table.add_column(header, justify="right")
    table.add_column("chokepoint inputs: exposure if only that one stops")
    rows = sorted(section.items(), key=lambda kv: (-kv[1]["total"], kv[0]))
    for k, e in rows:
        inputs = [r for r in e["chokepoint_inputs"] if r["exposure"] > 0][:3]
        table.add_row(
            k,
            _pct(e["direct"]),
            _pct(e["indirect"]),
            _pct(e["total"]),
            ", ".join(f"{r['input']} {_pct(r['exposure'])}" for r in inputs) or "—",
        )
    return table


def _commodities(trade: TradeNetwork, names: Sequence[str]) -> list[str]:
    """``names`` (default: every commodity of ``trade``), each checked, without repeats."""
    known = list(trade.commodities)
    for name in names:
        if name not in trade:
            raise typer.BadParameter(
                f"unknown commodity {name!r}; expected one of {', '.join(known)}",
                param_hint="'--commodity'",
            )
    return list(dict.fromkeys(names)) if names else known


def _country(trade: TradeNetwork, commodities: list[str], code: str, option: str) -> str:
    """``code`` as a node name (exact, else case-insensitive) of one of ``commodities``."""
    known = sorted({k for c in commodities for k in trade[c].countries})
    if code in known:
        return code
    matches = [k for k in known if k.lower() == code.lower()]
    if len(matches) == 1:
        return matches[0]
    where = f"commodity {commodities[0]}" if len(commodities) == 1 else "any commodity"
    raise typer.BadParameter(
        f"unknown country {code!r} in {where}; expected one of {', '.join(known)}",
        param_hint=f"'{option}'",
    )


def _qty(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _sources(shares: dict[str, float], top: int = 3) -> str:
    parts = [f"{k} {_pct(s)}" for k, s in list(shares.items())[:top]]
    if len(shares) > top:
        parts.append(f"+{len(shares) - top} more")
    return ", ".join(parts) or "—"


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)


def _importers_table(
    console: Console,
    net: CommodityNetwork,
    commodity: str,
    unit: str,
    s: dict[str, Any],
    countries: Sequence[str] | None,
) -> None:
    columns = [
        Column("country", numeric=False),
        Column("demand"),
        Column("imports"),
        Column("dep."),
        Column("HHI", drop=2),
        Column("HHI pts", drop=3),
        Column("vuln."),
        Column("sources: share of imports", numeric=False, drop=1),
    ]
    imports = net.imports_per_year
    order = sorted(
        s["import_dependence"],
        key=lambda k: (-s["scores"][k]["import_vulnerability"], -s["import_dependence"][k], k),
    )
    body: list[list[str]] = []
    for k in order:
        hhi = s["hhi"].get(k)
        if hhi is None and (countries is None or k not in countries):
            continue  # no imports: nothing to show (unless asked for by name)
        i = net.index[k]
        body.append(
            [
                k,
                _qty(float(net.demand_per_year[i])),
                _qty(float(imports[i])),
                _pct(s["import_dependence"][k]),
                "—" if hhi is None else f"{hhi:.3f}",
                "—" if hhi is None else f"{s['hhi_points'][k]:,.0f}",
                f"{s['scores'][k]['import_vulnerability']:.3f}",
                _sources(s["import_shares"][k]),
            ]
        )
    table, dropped = fitted_table(console, f"{commodity}: importers ({unit}/yr)", columns, body)
    console.print(table)
    if dropped:
        console.print(f"(left out to fit: {', '.join(dropped)}; see --json)", style="dim")


def _chokepoints_table(
    commodity: str, unit: str, s: dict[str, Any], countries: Sequence[str] | None
) -> Table:
    table = _table(f"{commodity}: chokepoints — if one exporter stops")
    table.add_column("#", justify="right")
    table.add_column("exporter")
    table.add_column(f"lost {unit}/yr", justify="right")
    table.add_column("of world demand", justify="right")
    if countries is None:
        table.add_column("most hit: share of own demand")
    elif len(countries) == 1:
        table.add_column(f"{countries[0]} loses", justify="right")
    else:
        table.add_column("losses: share of own demand")
    table.add_column("exp. power", justify="right")
    for p in s["chokepoints"]:
        losses: dict[str, float] = p["losses"]
        if countries is None:
            hit = ", ".join(f"{k} {_pct(v)}" for k, v in list(losses.items())[:3]) or "—"
        elif len(countries) == 1:
            hit = _pct(losses.get(countries[0], 0.0))
        else:
            hit = ", ".join(f"{k} {_pct(losses.get(k, 0.0))}" for k in countries)
        table.add_row(
            str(p["rank"]),
            p["country"],
            _qty(p["lost_per_year"]),
            _pct(p["lost_share_of_world_demand"]),
            hit,
            f"{p['export_power']:.3f}",
        )
    return table


def _exporter_table(commodity: str, unit: str, section: dict[str, Any]) -> Table:
    exporter = section["exporter"]
    table = _table(f"{commodity}: dependence on {exporter}")
    table.add_column("importer")
    table.add_column(f"from {exporter} {unit}/yr", justify="right")
    table.add_column("share of imports", justify="right")
    table.add_column("share of demand", justify="right")
    for j, d in section["importers"].items():
        if d["flow_per_year"] <= 0 and len(section["importers"]) > 1:
            continue  # keep the table to the exporter's customers (or the one --country)
        table.add_row(
            j, _qty(d["flow_per_year"]), _pct(d["share_of_imports"]), _pct(d["share_of_demand"])
        )
    return table
