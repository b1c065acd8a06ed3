"""Running one import: rows in batches through the records service, each row's failure
recorded against its line.

A batch of new records is created at once (``create_many_in``) inside a savepoint; when
that is refused, each half is tried again in a savepoint of its own, down to single rows,
so a bad row is named exactly and the good ones still go in. Rows whose external id names an
existing record update it, each in its own savepoint. Every write goes through the
records service, so validation, access, field history and outbox events are exactly
those of the API.

Modes: ``all_or_nothing`` runs the whole file in one transaction and rolls it back when
any row failed; ``valid_rows`` commits batch by batch and keeps the rows that passed. A
dry run is ``all_or_nothing`` that always rolls back: its report is what the import would
do, checked by the database itself (unique values included).
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..errors import RuntimeFailure
from ..events.job_problems import failure_json

MODES = ("all_or_nothing", "valid_rows")


class _Rollback(Exception):
    """Ends an all-or-nothing transaction that must not commit."""


@dataclass
class Progress:
    """What an import has done so far; ``errors`` keeps the first ``max_errors`` failed rows."""

    total: int = 0
    done: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    max_errors: int = 1000
    errors: list = field(default_factory=list)

    def fail(self, line, error):
        self.failed += 1
        if len(self.errors) < self.max_errors:
            self.errors.append({"row": line, **failure_json(error.status, error.code, error.message, error.errors)})

    def counts(self):
        """The counters as the job's result shows them while it runs."""
        return {"created": self.created, "updated": self.updated, "failed": self.failed}


@dataclass
class ImportRun:
    """One import of ``rows`` (an iterator of ``(line, cells)``) into ``obj`` as ``ctx``."""

    runtime: object
    ctx: object
    object_name: str
    mapping: object
    progress: Progress
    batch_rows: int = 500
    on_batch: object = None  # on_batch(conn, progress) after each batch, on the batch's connection

    def run(self, rows, *, mode="all_or_nothing", dry_run=False):
        """Import every row; return the Progress. Nothing is kept when ``dry_run`` or when an
        all-or-nothing import had a failed row."""
        if dry_run or mode == "all_or_nothing":
            try:
                with self.runtime.write() as conn:
                    for batch in self._batches(rows):
                        self._write_batch(conn, batch)
                    if dry_run or self.progress.failed:
                        raise _Rollback
            except _Rollback:
                pass
        else:
            for batch in self._batches(rows):
                with self.runtime.write() as conn:
                    self._write_batch(conn, batch)
        return self.progress

    def _batches(self, rows):
        """Batches of ``(line, key, payload)``; a key seen earlier in the batch starts a new one,
        so a file naming one record twice creates it, then updates it."""
        batch, keys = [], set()
        for line, cells in rows:
            key = self.mapping.key(cells)
            if len(batch) >= self.batch_rows or (key is not None and key in keys):
                yield batch
                batch, keys = [], set()
            batch.append((line, key, self.mapping.payload(cells)))
            if key is not None:
                keys.add(key)
        if batch:
            yield batch

    def _write_batch(self, conn, batch):
        existing = self._existing_ids(conn, [key for _, key, _ in batch if key is not None])
        new = [(line, payload) for line, key, payload in batch if existing.get(key) is None]
        self._create(conn, new)
        for line, key, payload in batch:
            if existing.get(key) is not None:
                self._update(conn, line, existing[key], payload)
        self.progress.done += len(batch)
        if self.on_batch is not None:
            self.on_batch(conn, self.progress)

    def _existing_ids(self, conn, keys):
        """``{external id: record id}`` of the records the keys name (a key as text)."""
        if not keys:
            return {}
        _, obj = self.runtime.object_for(conn, self.object_name)
        column = obj.table.c[self.mapping.external_id]
        values = [_typed(obj, self.mapping.external_id, key) for key in keys]
        found = conn.execute(select(column, obj.table.c.id).where(column.in_(values)))
        return {str(value): record_id for value, record_id in found}

    def _create(self, conn, rows):
        """Create ``rows`` at once; when refused, halve and retry each half, down to the bad rows
        (a batch with k bad rows costs about k·log2(batch) attempts, not one per row)."""
        if not rows:
            return
        single = len(rows) == 1
        try:
            with conn.begin_nested():
                self.runtime.records.create_many_in(conn, self.ctx, self.object_name, [p for _, p in rows],
                                                    single=single)
            self.progress.created += len(rows)
        except RuntimeFailure as error:
            if error.status >= 500 or single:
                return self._row_failed(rows[0][0], error)
            middle = len(rows) // 2
            self._create(conn, rows[:middle])
            self._create(conn, rows[middle:])

    def _update(self, conn, line, record_id, payload):
        try:
            with conn.begin_nested():
                self.runtime.records.update_in(conn, self.ctx, self.object_name, record_id, payload)
            self.progress.updated += 1
        except RuntimeFailure as error:
            self._row_failed(line, error)

    def _row_failed(self, line, error):
        if error.status >= 500:
            raise error
        self.progress.fail(line, error)


def _typed(obj, name, key):
    """An external id as its column holds it: integers stay integers."""
    if obj.fields[name]["type"] in ("integer", "number") and key.lstrip("-").isdigit():
        return int(key)
    return key
