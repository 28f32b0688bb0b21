"""Copy-paste amplification: clusters of near-duplicate reports, built for each reader from the near-duplicate links
between reports it may read (a hidden report never joins two visible ones, nor counts in a size)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from liaison_hub.errors import NotFound
from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.schemas import ClusterMember, ClusterRead, ClusterSummary
from liaison_hub.policy.principal import Principal


def cluster_of(session: Session, principal: Principal, report_id: int) -> set[int]:
    """The reports linked to this one, directly or through others, that the principal may read (itself included)."""
    seen, frontier = {report_id}, {report_id}
    while frontier:
        found = set()
        for one, other, _ in repo.near_duplicate_links(session, principal, frontier):
            found |= {one, other}
        frontier = found - seen
        seen |= frontier
    return seen


def cluster(session: Session, principal: Principal, report_id: int) -> ClusterRead:
    """Which outlets carried the same text, in what order: every appearance of the cluster, earliest first."""
    if repo.get_report(session, principal, report_id) is None:
        raise NotFound(f"no report {report_id}")
    members = cluster_of(session, principal, report_id)
    reports = repo.reports_by_ids(session, principal, members)
    direct = {
        (b if a == report_id else a): s
        for a, b, s in repo.near_duplicate_links(session, principal, [report_id])
        if report_id in (a, b)
    }
    rows = [
        ClusterMember(
            report_id=a.report_id,
            title=reports[a.report_id].title,
            outlet=a.outlet,
            outlet_country=a.outlet_country,
            url=a.url,
            published_at=a.published_at,
            similarity=1.0 if a.report_id == report_id else direct.get(a.report_id),
        )
        for a in repo.appearances(session, principal, reports)
    ]
    rows.sort(key=lambda m: (m.published_at, m.outlet))
    return ClusterRead(size=len(reports), outlets=len({m.outlet for m in rows}), members=rows)


def _components(links: list[tuple[int, int, float]]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for one, other, _ in links:
        parent[find(one)] = find(other)
    groups: dict[int, set[int]] = {}
    for node in list(parent):
        groups.setdefault(find(node), set()).add(node)
    return list(groups.values())


def list_clusters(session: Session, principal: Principal, *, limit: int = 100) -> list[ClusterSummary]:
    """Clusters of two reports or more among those the principal may read, largest first."""
    groups = sorted(_components(repo.near_duplicate_links(session, principal)), key=len, reverse=True)[:limit]
    wanted = set().union(*groups) if groups else set()
    reports = repo.reports_by_ids(session, principal, wanted)
    outlets: dict[int, set[str]] = {}
    for appearance in repo.appearances(session, principal, wanted):
        outlets.setdefault(appearance.report_id, set()).add(appearance.outlet)
    found = []
    for group in groups:
        members = [reports[i] for i in group if i in reports]
        first = min(members, key=lambda r: (r.published_at, r.id))
        found.append(
            ClusterSummary(
                report_id=first.id,
                title=first.title,
                size=len(members),
                outlets=len(set().union(*(outlets.get(r.id, set()) for r in members))),
                first_published=first.published_at,
                member_audience_ids=sorted({r.audience_id for r in members}),
            )
        )
    return found
