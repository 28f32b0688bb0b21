"""Correlation of reports with intelligence: the URLs and domains a report names (and the URLs it appeared at),
looked up in the intel correlation index, among the objects the reader may read."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from liaison_hub.fimi import repository as repo
from liaison_hub.fimi.service import report
from liaison_hub.intel.correlation import service as correlation
from liaison_hub.intel.correlation.normalise import DOMAIN, URL
from liaison_hub.intel.correlation.schemas import RecordRead
from liaison_hub.policy.principal import Principal

MAX_VALUES = 50


class ValueRecords(BaseModel):
    kind: str
    value: str
    records: list[RecordRead]


def correlations(session: Session, principal: Principal, report_id: int) -> list[ValueRecords]:
    """For each URL and domain the report names, the intel objects the principal may read that mention it."""
    row = report(session, principal, report_id)
    values = sorted({(m.kind, m.ref) for m in repo.mentions(session, principal, row.id) if m.kind in (URL, DOMAIN)})
    found = []
    for kind, value in values[:MAX_VALUES]:
        result = correlation.search(session, principal, value=value, limit=20)
        records = [r for r in result.records if any(v.kind == kind for v in result.values)]
        if records:
            found.append(ValueRecords(kind=kind, value=value, records=records))
    return found
