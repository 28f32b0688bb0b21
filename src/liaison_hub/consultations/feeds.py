"""Calendar subscriptions: feed URLs carry a random secret stored only as a keyed hash (like API tokens),
revocable at once; a feed shows only what its user may read now."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy.orm import Session

from liaison_hub.audit.service import record
from liaison_hub.consultations import repository as repo
from liaison_hub.consultations.calendar import SeriesFeed, build_calendar
from liaison_hub.consultations.service import series
from liaison_hub.db.types import utcnow
from liaison_hub.directory import repository as directory
from liaison_hub.directory.auth import principal_for
from liaison_hub.directory.security import token_digest
from liaison_hub.errors import Forbidden, NotFound
from liaison_hub.models.consultations import CalendarFeed, ConsultationSeries
from liaison_hub.policy import rights
from liaison_hub.policy.levels import Level
from liaison_hub.policy.principal import Actor, Principal, PrincipalKind, Scope
from liaison_hub.policy.rights import allowed_scopes
from liaison_hub.policy.schemas import marking_read

FEED_PREFIX = "cal_"


def create_feed(session: Session, actor: Actor, *, series_id: int | None, secret_key: str) -> tuple[CalendarFeed, str]:
    """A new subscription for the acting user; the secret is returned once."""
    if actor.principal.user_id is None:
        raise Forbidden("calendar feeds belong to users")
    series_row = series(session, actor.principal, series_id) if series_id is not None else None
    expires_at = actor.principal.credential_expires_at  # a feed lives no longer than the token that made it
    rights.require_within_credential(actor, expires_at, what="a calendar feed")
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    row = CalendarFeed(
        user_id=actor.principal.user_id,
        series_id=series_id,
        prefix=secret[:10],
        secret_hash=token_digest(secret, secret_key),
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        action="consultation.feed.create",
        entity_type="consultation_feed",
        entity_id=row.id,
        details={"series_id": series_id},
        audience_id=series_row.audience_id if series_row is not None else None,
    )
    return row, secret


def feeds_of(session: Session, principal: Principal) -> Sequence[CalendarFeed]:
    """The principal's own calendar feeds (never their secrets)."""
    return repo.feeds_of_user(session, principal.user_id or -1)


def revoke_feed(session: Session, actor: Actor, *, feed_id: int) -> CalendarFeed:
    feeds = {f.id: f for f in repo.feeds_of_user(session, actor.principal.user_id or -1)}
    row = feeds.get(feed_id)
    if row is None:
        raise NotFound(f"no calendar feed {feed_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        record(session, actor, action="consultation.feed.revoke", entity_type="consultation_feed", entity_id=row.id)
    return row


def feed_principal(
    session: Session, secret: str, *, secret_key: str, accreditation: Level
) -> tuple[CalendarFeed, Principal]:
    """Who a feed URL speaks for; unknown and revoked secrets, and inactive users, all look missing."""
    found = repo.feed_by_hash(session, token_digest(secret, secret_key)) if secret.startswith(FEED_PREFIX) else None
    expired = found is not None and found[0].expires_at is not None and found[0].expires_at <= utcnow()
    if found is None or found[0].revoked_at is not None or not found[1].is_active or expired:
        raise NotFound("no such calendar feed")
    feed, user = found
    account = directory.get_user_by_id(session, user.id)
    if account is None:
        raise NotFound("no such calendar feed")
    principal = principal_for(
        account,
        scopes=frozenset({Scope.read}) & allowed_scopes(account.roles),
        accreditation=accreditation,
        kind=PrincipalKind.feed,
    )
    return feed, principal


def series_feeds(session: Session, principal: Principal, rows: Sequence[ConsultationSeries]) -> list[SeriesFeed]:
    """Everything the principal may read about these series, ready for ``build_calendar``."""
    ids = [s.id for s in rows]
    meetings = repo.meetings_of_series(session, principal, ids)
    names = repo.organisation_names(session)
    audiences = repo.audiences(session, [s.audience_id for s in rows])
    people: dict[int, list[tuple[str, str]]] = {}
    for participant, org in repo.participants(session, ids):
        people.setdefault(participant.series_id, []).append((org.short_name, participant.zone))
    actions = repo.actions_of_meetings(session, principal, [m.id for m in meetings])
    meeting_series = {m.id: m.series_id for m in meetings}
    return [
        SeriesFeed(
            series=s,
            meetings=[m for m in meetings if m.series_id == s.id],
            label=marking_read(audiences[s.audience_id], names).label,
            participants=people.get(s.id, []),
            actions=[a for a in actions if meeting_series[a.meeting_id] == s.id],
        )
        for s in rows
    ]


def calendar_for(session: Session, principal: Principal, *, series_id: int | None) -> bytes:
    """The .ics of one series, or of every series the principal may read."""
    rows = (
        [series(session, principal, series_id)] if series_id is not None else list(repo.list_series(session, principal))
    )
    name = rows[0].title if series_id is not None and rows else "Consultations"
    calendar = build_calendar(name, series_feeds(session, principal, rows), repo.organisation_names(session))
    return bytes(calendar.to_ical())


def feed_calendar(session: Session, secret: str, *, secret_key: str, accreditation: Level) -> bytes:
    feed, principal = feed_principal(session, secret, secret_key=secret_key, accreditation=accreditation)
    return calendar_for(session, principal, series_id=feed.series_id)
