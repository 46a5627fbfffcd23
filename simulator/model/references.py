"""Cross-references of a scenario, each problem located at its own path.

Checked after the scenario's keys are valid (and the dataset merged), before
the trade network is built: every referenced commodity and coalition exists,
ids are unique, country codes are known, joint-stockpile shares and locations
fit the coalition, and days are not negative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from simulator.errors import Issue, PathPart
from simulator.model.countries import country_code_hint
from simulator.model.distributions import RandomQuantity, range_issue
from simulator.model.limits import DAYS, DELAY_DAYS, INVESTMENT_DELAY_DAYS, DayRange
from simulator.model.scenario import Scenario

__all__ = ["reference_issues"]

Path = tuple[PathPart, ...]


def reference_issues(scenario: Scenario, known_codes: Collection[str]) -> list[Issue]:
    """Every broken cross-reference of ``scenario``.

    ``known_codes`` are the country codes a node may have (ISO 3166-1 alpha-3
    and the scenario's regions).
    """
    issues: list[Issue] = []
    policies = scenario.policies
    commodities = sorted(scenario.commodities)
    coalitions = scenario.coalitions

    def commodity(path: Path, name: str) -> None:
        if name not in scenario.commodities:
            issues.append(
                Issue(
                    path,
                    f"expected one of the scenario's commodities {', '.join(commodities)};"
                    f" found {name!r}",
                )
            )

    def country(path: Path, code: str) -> None:
        if code not in known_codes:
            issues.append(
                Issue(
                    path,
                    "expected an ISO 3166-1 alpha-3 code (e.g. KOR) or a region declared"
                    f" under regions:; found {code!r}{country_code_hint(code, known_codes)}",
                )
            )

    def coalition(path: Path, name: str) -> list[str]:
        if name not in coalitions:
            issues.append(
                Issue(
                    path,
                    f"expected one of the coalitions {', '.join(sorted(coalitions)) or '(none)'};"
                    f" found {name!r}",
                )
            )
            return []
        return coalitions[name]

    def days(path: Path, q: RandomQuantity | None, valid: DayRange) -> None:
        problem = None if q is None else range_issue(q, valid)
        if problem is not None:
            issues.append(Issue(path, problem))

    for name, spec in scenario.commodities.items():
        where_delay: Path = ("commodities", name, "contracting_delay_days")
        days(where_delay, spec.contracting_delay_days, DELAY_DAYS)
    for i, node in enumerate(scenario.network.nodes):
        path: Path = ("network", "nodes", i, "contracting_delay_days")
        days(path, node.contracting_delay_days, DELAY_DAYS)
    for i, link in enumerate(scenario.network.links):
        path = ("network", "links", i, "contracting_delay_days")
        days(path, link.contracting_delay_days, DELAY_DAYS)

    seen: Counter[str] = Counter()
    for i, shock in enumerate(scenario.shocks):
        where: Path = ("shocks", i)
        seen[shock.id] += 1
        commodity((*where, "commodity"), shock.commodity)
        country((*where, "exporter"), shock.exporter)
        if isinstance(shock.targets, list):
            for k, code in enumerate(shock.targets):
                country((*where, "targets", k), code)
        elif not isinstance(shock.targets, str):
            for k, code in enumerate(shock.targets.all_except):
                country((*where, "targets", "all_except", k), code)
        if shock.leakage is not None:
            country((*where, "leakage", "via"), shock.leakage.via)
        days((*where, "effective_day"), shock.effective_day, DAYS)
        days((*where, "duration_days"), shock.duration_days, DAYS)
        if shock.licence is not None:
            days((*where, "licence", "processing_days"), shock.licence.processing_days, DAYS)

    if isinstance(scenario.market, dict):
        for name in scenario.market:
            commodity(("market", name), name)

    for i, node in enumerate(scenario.network.nodes):
        if node.expansion is not None:
            days(
                ("network", "nodes", i, "expansion", "delay_days"),
                node.expansion.delay_days,
                INVESTMENT_DELAY_DAYS,
            )

    for name, members in coalitions.items():
        for k, code in enumerate(members):
            country(("coalitions", name, k), code)
        if len(members) < 2 or len(set(members)) != len(members):
            issues.append(
                Issue(
                    ("coalitions", name),
                    f"expected at least two distinct members, found {members}",
                )
            )

    for i, sp in enumerate(policies.stockpiles):
        where = ("policies", "stockpiles", i)
        seen[sp.id] += 1
        commodity((*where, "commodity"), sp.commodity)
        country((*where, "country"), sp.country)
        days((*where, "decision_delay_days"), sp.decision_delay_days, DELAY_DAYS)

    for i, pool in enumerate(policies.joint_stockpiles):
        where = ("policies", "joint_stockpiles", i)
        seen[pool.id] += 1
        commodity((*where, "commodity"), pool.commodity)
        days((*where, "decision_delay_days"), pool.decision_delay_days, DELAY_DAYS)
        members = coalition((*where, "coalition"), pool.coalition)
        nodes = {n.country for n in scenario.network.nodes if n.commodity == pool.commodity}
        if members and not nodes.intersection(members):
            issues.append(
                Issue(
                    (*where, "coalition"),
                    f"expected a coalition with a member in the {pool.commodity} network, found"
                    f" {pool.coalition} ({', '.join(members)}), none of whom is a node of"
                    f" {pool.commodity}",
                )
            )
        if members and pool.location not in members:
            issues.append(
                Issue(
                    (*where, "location"),
                    f"expected a member of {pool.coalition} ({', '.join(members)}),"
                    f" found {pool.location!r}",
                )
            )
        if pool.allocation.value == "shares" and pool.shares is None:
            issues.append(Issue(where, "allocation shares needs shares: {MEMBER: share, ...}"))
        if pool.shares is not None and members:
            if sorted(pool.shares) != sorted(members):
                issues.append(
                    Issue(
                        (*where, "shares"),
                        f"expected a share for exactly the members {sorted(members)},"
                        f" found {sorted(pool.shares)}",
                    )
                )
            elif abs(sum(pool.shares.values()) - 1) > 1e-9:
                issues.append(
                    Issue(
                        (*where, "shares"),
                        f"expected shares summing to 1, found {sum(pool.shares.values()):g}",
                    )
                )

    for i, transfer in enumerate(policies.mutual_transfers):
        where = ("policies", "mutual_transfers", i)
        seen[transfer.id] += 1
        for k, name in enumerate(transfer.commodities):
            commodity((*where, "commodities", k), name)
        members = coalition((*where, "coalition"), transfer.coalition)
        if isinstance(transfer.honour_probability, dict) and members:
            for code in transfer.honour_probability:
                if code not in members:
                    issues.append(
                        Issue(
                            (*where, "honour_probability", code),
                            f"expected a member of {transfer.coalition}"
                            f" ({', '.join(members)}), found {code!r}",
                        )
                    )

    for i, buy in enumerate(policies.joint_procurement):
        where = ("policies", "joint_procurement", i)
        seen[buy.id] += 1
        for k, name in enumerate(buy.commodities):
            commodity((*where, "commodities", k), name)
        coalition((*where, "coalition"), buy.coalition)

    for policy_id, count in seen.items():
        if count > 1:
            issues.append(
                Issue(
                    _first_with_id(scenario, policy_id),
                    f"id {policy_id!r} is used {count} times; ids of shocks and policies"
                    " must be unique",
                )
            )
    return issues


def _first_with_id(scenario: Scenario, wanted: str) -> Path:
    for i, shock in enumerate(scenario.shocks):
        if shock.id == wanted:
            return ("shocks", i, "id")
    for group in ("stockpiles", "joint_stockpiles", "mutual_transfers", "joint_procurement"):
        for i, policy in enumerate(getattr(scenario.policies, group)):
            if policy.id == wanted:
                return ("policies", group, i, "id")
    return ()
