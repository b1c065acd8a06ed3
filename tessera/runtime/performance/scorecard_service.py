"""Reading results: a person's scorecard and a scheme's leaderboard, for a viewer.

The numbers are computed in system context (the official numbers, the same whoever
asks); what the viewer may see is decided before anything is computed, and a person the
viewer may not watch is "not found".
"""

from sqlalchemy import select

from tessera.i18n import Message

from ..errors import InvalidQuery, ScorecardNotFound
from ..paging import parse_limit
from ..identity.units import tree
from ..schema.system_tables import user
from . import periods as P
from .schemes import applies_to_users, history, schemes_for_period, version_for
from .adjustments import adjustment_lines
from .board_cache import BoardCache, board_key, settled
from .explain_arithmetic import arithmetic, sentence, target_source
from .explain_lines import record_lines
from .kpis import kpi_definition
from .scorecard_json import card_json, fixed, label_of, person_json, team_json
from .scorecards import covered_days, credited, measured_people, ranked, score_people, window_periods
from .team_scores import score_teams, team_scopes
from .watching import may_watch, members_of, people_below, team_and_below, watches_everyone


def parse_user_id(text, ctx, field="user"):
    """The user id a query parameter names (the caller's own when left out); raises InvalidQuery naming ``field``."""
    if text is None and ctx.user_id is not None:
        return ctx.user_id
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 18:
        raise InvalidQuery("performance.scorecard.bad_user",
                           errors={field: [Message("performance.scorecard.user_id")]})
    return int(text)


def not_found(code="performance.scorecard.not_found", **params):
    """The one answer for what does not exist or may not be seen."""
    return ScorecardNotFound(code, **params)


def display_names(conn, user_ids):
    """{user id: display name or username} of ``user_ids``."""
    if not user_ids:
        return {}
    query = select(user.c.id, user.c.display_name, user.c.username).where(user.c.id.in_(sorted(user_ids)))
    return {row.id: row.display_name or row.username for row in conn.execute(query)}


def scheme_named(conn, period, name):
    """The version of scheme ``name`` that applies to ``period``; raises ScorecardNotFound."""
    found = schemes_for_period(conn, period, name).get(name)
    if found is None:
        raise not_found("performance.scheme.not_in_force", scheme=name, period=period.id)
    return found


def scheme_of_person(conn, period, user_id):
    """(scheme, windows) of the scheme measuring ``user_id`` in ``period`` on the most days
    (then by name); raises ScorecardNotFound when none does."""
    best = None
    for name, scheme in sorted(schemes_for_period(conn, period).items()):
        windows = measured_people(conn, scheme, period, [user_id]).get(user_id)
        if windows and (best is None or covered_days(windows) > covered_days(best[1])):
            best = (scheme, windows)
    if best is None:
        raise not_found("performance.scorecard.not_measured", user=user_id, period=period.id)
    return best


#: Per-person totals kept for trends: 200 people's last few periods, in a few schemes.
OWN_TOTALS_SIZE = 4096


class ScorecardService:
    """Scorecards and leaderboards over one runtime's database."""

    def __init__(self, runtime, performance):
        self.runtime = runtime
        self.performance = performance
        self.boards = BoardCache()
        #: One person's total in a period (the dashboard's trend), under the board's key and
        #: their id: {key: (total,)}.
        self.own_totals = BoardCache(size=OWN_TOTALS_SIZE)

    def _board(self, conn, model, scheme, period):
        """(cards, ranking) of everyone ``scheme`` measures in ``period``: from the board cache
        when nothing it depends on has moved since it was computed (see board_cache)."""
        return self._cached(self.boards, conn, model, scheme, period, (),
                            lambda: self._compute_board(conn, model, scheme, period))

    def _cached(self, cache, conn, model, scheme, period, extra, compute):
        """``compute()``, or what it gave before under the key of ``scheme``'s board in ``period``
        (plus ``extra``) when nothing that key names has moved since (see board_cache)."""
        memo = self.runtime.connections.memo()
        key, objects = (None, ()) if memo and memo.get("writing") else \
            board_key(conn, self.runtime, model, scheme, period)
        key = None if key is None else (*key, *extra)
        found = cache.get(key) if key is not None else None
        if found is None:
            keep = key is not None and settled(conn, model, objects)
            found = compute()
            if keep:
                cache.put(key, found)
        return found

    def _compute_board(self, conn, model, scheme, period):
        people = measured_people(conn, scheme, period)
        cards = score_people(conn, model, scheme, period, people, env=self.runtime.eval_env(),
                             timezone=self.runtime.timezone)
        return cards, ranked(cards)

    def scorecard(self, ctx, user_text, period_id, scheme_name=None, locale=None):
        """The scorecard of a person for a period, under ``scheme_name`` or the scheme measuring them."""
        return self._scorecard(ctx, user_text, period_id, scheme_name, locale)[0]

    def scorecard_and_leaderboard(self, ctx, user_text, period_id, scheme_name=None, locale=None):
        """``{"scorecard", "leaderboard"}`` from one computation of the board: the scorecard as
        ``scorecard`` answers it, and the scheme's leaderboard as ``leaderboard`` answers it to
        ``ctx`` (None where the scheme shows ``ctx`` none)."""
        card, scheme, period, order = self._scorecard(ctx, user_text, period_id, scheme_name, locale)
        with self.runtime.read() as conn:
            try:
                shown = self._leaderboard_viewers(conn, ctx, scheme)
            except ScorecardNotFound:
                return {"scorecard": card, "leaderboard": None}
            return {"scorecard": card, "leaderboard": self._rows(conn, scheme, period, order, shown)}

    def _scorecard(self, ctx, user_text, period_id, scheme_name, locale):
        user_id = parse_user_id(user_text, ctx)
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            period = P.parse(self.performance.calendar(model), period_id)
            if not may_watch(conn, ctx, user_id):
                raise not_found()
            scheme = scheme_named(conn, period, scheme_name) if scheme_name else \
                scheme_of_person(conn, period, user_id)[0]
            cards, order = self._board(conn, model, scheme, period)
            if user_id not in cards:
                raise not_found("performance.scorecard.not_measured", user=user_id, period=period.id)
            ranks = {key: rank for key, _, rank in order}
            ranked_count = sum(1 for _, _, rank in order if rank is not None)
            person = person_json(user_id, display_names(conn, [user_id]))
            card = card_json(model, cards[user_id], person=person, period=period, scheme=scheme,
                             rank=ranks[user_id], ranked=ranked_count, locale=(locale or ctx.locale))
            return card, scheme, period, order

    def totals(self, ctx, user_text, scheme_name, period_ids):
        """``[{"period", "total"}]``: a person's weighted totals under scheme ``scheme_name`` in each
        period (null where the scheme is not in force or does not measure them), from their own
        numbers only (no board, no rank), for the same viewers as ``scorecard``. The scheme's
        versions and whom they apply to are read once for all the periods."""
        user_id = parse_user_id(user_text, ctx)
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            calendar = self.performance.calendar(model)
            if not may_watch(conn, ctx, user_id):
                raise not_found()
            versions, applied = history(conn, scheme_name).get(scheme_name, []), {}
            found = []
            for period in [P.parse(calendar, text) for text in period_ids]:
                scheme = version_for(scheme_name, versions, period)
                found.append({"period": period.id,
                              "total": scheme and self._own_total(conn, model, scheme, period, user_id, applied)})
            return found

    def _own_total(self, conn, model, scheme, period, user_id, applied):
        return self._cached(self.own_totals, conn, model, scheme, period, ("own_total", user_id),
                            lambda: (self._compute_own_total(conn, model, scheme, period, user_id, applied),))[0]

    def _compute_own_total(self, conn, model, scheme, period, user_id, applied):
        key = repr(scheme.doc.get("applies_to"))
        if key not in applied:
            applied[key] = applies_to_users(conn, scheme.doc.get("applies_to"))
        windows = measured_people(conn, scheme, period, [user_id], applied=applied[key]).get(user_id)
        if not windows:
            return None
        cards = score_people(conn, model, scheme, period, {user_id: windows}, env=self.runtime.eval_env(),
                             timezone=self.runtime.timezone)
        return fixed(cards[user_id].total, 2)

    def _leaderboard_viewers(self, conn, ctx, scheme):
        """The ids whose rows ``ctx`` may see on ``scheme``'s leaderboard, or None for every row."""
        if scheme.leaderboard == "all" or watches_everyone(ctx):
            return None
        below = people_below(conn, ctx)
        if scheme.leaderboard == "managers":
            if not below:
                raise not_found("performance.leaderboard.managers_only", scheme=scheme.name)
            return None
        own_team = members_of(conn, team_and_below(conn, ctx.team)) if ctx.team else set()
        return own_team | below | {ctx.user_id}

    def leaderboard(self, ctx, scheme_name, period_id, team=None):
        """``{"period", "scheme", "rows": [{"user", "total", "rank"}]}``: names and totals only."""
        if not scheme_name:
            raise InvalidQuery("performance.leaderboard.scheme_required",
                               errors={"scheme": [Message("performance.leaderboard.scheme")]})
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            period = P.parse(self.performance.calendar(model), period_id)
            scheme = scheme_named(conn, period, scheme_name)
            shown = self._leaderboard_viewers(conn, ctx, scheme)
            if team is not None:
                in_team = members_of(conn, team_and_below(conn, team))
                shown = in_team if shown is None else shown & in_team
            _, order = self._board(conn, model, scheme, period)
            return self._rows(conn, scheme, period, order, shown)

    @staticmethod
    def _rows(conn, scheme, period, order, shown):
        rows = [(key, value, rank) for key, value, rank in order if shown is None or key in shown]
        names = display_names(conn, [key for key, _, _ in rows])
        return {"period": period.to_json(), "scheme": scheme.to_json(),
                "rows": [{"user": person_json(key, names), "total": fixed(value, 2), "rank": rank}
                         for key, value, rank in rows]}

    def _team_scheme(self, conn, period, members, scheme_name):
        """The scheme named, or the one measuring the most of ``members`` in ``period`` (then by name)."""
        if scheme_name:
            return scheme_named(conn, period, scheme_name)
        best, best_count = None, 0
        for name, scheme in sorted(schemes_for_period(conn, period).items()):
            count = len(set(measured_people(conn, scheme, period)) & members)
            if count > best_count:
                best, best_count = scheme, count
        if best is None:
            raise not_found("performance.scorecard.team_not_measured", period=period.id)
        return best

    def team_scorecard(self, ctx, team, period_id, scheme_name=None, locale=None):
        """The team's items and those of every team below it: Σ actual / Σ target, members reaching target."""
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            period = P.parse(self.performance.calendar(model), period_id)
            units = tree(conn, "team")
            team_ids = team_and_below(conn, team)
            if not team_ids:
                raise not_found()
            scopes = team_scopes(conn, sorted(team_ids))
            top = next(i for i in team_ids if units[i][0] == team)
            everyone = scopes[top].members
            if not watches_everyone(ctx) and not (everyone and everyone <= people_below(conn, ctx) | {ctx.user_id}):
                raise not_found()
            scheme = self._team_scheme(conn, period, everyone, scheme_name)
            teams = {units[i][0]: scopes[i] for i in team_ids}
            scored = score_teams(conn, model, scheme, period, teams, env=self.runtime.eval_env(),
                                 timezone=self.runtime.timezone)
            below = sorted(name for name in teams if name != team)
            return {**team_json(model, team, scored[team], (locale or ctx.locale)), "period": period.to_json(),
                    "scheme": scheme.to_json(),
                    "teams": [team_json(model, name, scored[name], (locale or ctx.locale)) for name in below]}

    def explain(self, ctx, args, locale=None):
        """How one KPI of a person's scorecard was reached: the records and adjustments behind the
        actual (keyset-paged), where the target came from, and the arithmetic to the score."""
        user_id, locale = parse_user_id(args.get("user"), ctx), locale or ctx.locale
        limit = parse_limit(args.get("limit"))
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            period = P.parse(self.performance.calendar(model), args.get("period"))
            if not may_watch(conn, ctx, user_id):
                raise not_found()
            scheme, windows = self._scheme_and_windows(conn, period, user_id, args.get("scheme"))
            item = self._item(scheme, args.get("kpi"))
            definition = kpi_definition(model, item["kpi"])
            card = score_people(conn, model, scheme, period, {user_id: windows}, env=self.runtime.eval_env(),
                                timezone=self.runtime.timezone)[user_id]
            line = next(found for found in card.lines if found.kpi == item["kpi"])
            data = arithmetic(line, definition.doc.get("direction", "higher"), item, definition.scale)
            kpi = {"name": item["kpi"], "label": label_of(definition.doc, locale)}
            answer = {"user": person_json(user_id, display_names(conn, [user_id])), "period": period.to_json(),
                      "scheme": scheme.to_json(), "kpi": kpi,
                      "actual": data["actual"], "target": data["target"],
                      "target_source": target_source(line.target_source, line.prorated),
                      "arithmetic": data, "sentence": sentence(data, locale)}
            answer.update(self._behind(conn, ctx, model, definition, user_id, period, windows, args, limit, locale))
            return answer

    def _scheme_and_windows(self, conn, period, user_id, scheme_name):
        if not scheme_name:
            return scheme_of_person(conn, period, user_id)
        scheme = scheme_named(conn, period, scheme_name)
        windows = measured_people(conn, scheme, period, [user_id]).get(user_id)
        if not windows:
            raise not_found("performance.scorecard.not_measured", user=user_id, period=period.id)
        return scheme, windows

    @staticmethod
    def _item(scheme, kpi_name):
        found = next((item for item in scheme.items if item["kpi"] == kpi_name), None)
        if found is None:
            raise not_found("performance.explain.not_in_scheme", kpi=kpi_name, scheme=scheme.name)
        return found

    def _behind(self, conn, ctx, model, definition, user_id, period, windows, args, limit, locale):
        """``{"lines", "adjustments", "next_cursor"}`` of a measured KPI, or ``{"parts"}`` of a ratio."""
        wanted = window_periods(period, windows)
        env, timezone = self.runtime.eval_env(), self.runtime.timezone
        if definition.derived is not None:
            values = credited(conn, model, definition.parts, period, {user_id: windows}, env=env, timezone=timezone)
            parts = [{"kpi": name, "actual": fixed(values[name][user_id], kpi_definition(model, name).scale)}
                     for name in definition.parts]
            return {"parts": parts, "lines": [], "adjustments": [], "next_cursor": None}
        cursor = args.get("cursor")
        lines, following = record_lines(conn, self.runtime, ctx, model, definition, user_id, wanted,
                                        cursor=cursor, limit=limit)
        for line in lines:
            if "label" in line:
                line["label"] = line["label"].render(locale)
        adjustments = [] if cursor else [
            {**found, "type": "adjustment", "contribution": found["value"]}
            for window in wanted for found in adjustment_lines(conn, definition.name, user_id, window)]
        return {"lines": lines, "adjustments": adjustments, "next_cursor": following}
