"""The reader's work in the navigation (approval inbox with its count, performance, feedback)
and how long ago something happened, in words."""

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app

from tessera.i18n import Message

#: The inbox badge counts this far, then says "99+".
BADGE_CEILING = 99


@dataclass(frozen=True)
class WorkLink:
    """One entry of the "Work" part of the navigation."""

    endpoint: str
    label: str  # message code
    count: str | None = None


def work_navigation(ctx):
    """The reader's work entries: the inbox (with how many items wait), notifications (with how
    many are unread), performance, feedback;
    administrators also get the feedback triage page."""
    pending = current_app.extensions["tessera"].approvals.inbox_count(ctx, at_most=BADGE_CEILING)
    links = [WorkLink("ui.approvals", "ui.nav.approvals", badge(pending)),
             WorkLink("ui.notifications", "ui.nav.notifications", badge(unread_notifications(ctx))),
             WorkLink("ui.performance", "ui.nav.performance"), WorkLink("ui.my_feedback", "ui.nav.my_feedback")]
    links.append(WorkLink("ui.tokens", "ui.nav.tokens"))
    if ctx.is_admin:
        links.append(WorkLink("ui.feedback_triage", "ui.nav.feedback_triage"))
    return links


def badge(count):
    """A count as a badge shows it: None for nothing, "99+" past the ceiling."""
    return None if not count else (f"{BADGE_CEILING}+" if count > BADGE_CEILING else str(count))


def unread_notifications(ctx):
    """How many of the reader's notifications are unread, counting no further than the badge shows."""
    if ctx.user_id is None:
        return 0
    found = current_app.extensions["tessera"].notifications.unread_count(ctx, at_most=BADGE_CEILING)
    return found["unread_count"]


def parse_stamp(text):
    """A JSON date-time (``2026-12-03T09:00:00Z``) as an aware datetime, or None."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def now_utc():
    """The runtime clock's time, aware, in UTC (tests freeze the clock)."""
    moment = current_app.extensions["tessera"].clock()
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def age(text, now=None):
    """How long ago the date-time ``text`` was, as a Message ("3 days", "5 hours", "just now")."""
    moment = parse_stamp(text)
    if moment is None:
        return Message("ui.age.unknown")
    seconds = max(0, int(((now or now_utc()) - moment).total_seconds()))
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            amount = seconds // size
            return Message(f"ui.age.{unit}" if amount != 1 else f"ui.age.one_{unit[:-1]}", count=amount)
    return Message("ui.age.now")


def stamp(text):
    """A JSON date-time as the pages show it: ``2026-12-03 09:00 UTC``."""
    return f"{text[:16].replace('T', ' ')} UTC" if text else ""
