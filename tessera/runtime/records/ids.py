"""Reserving record ids before a batch insert, so the insert is a plain executemany.

``INSERT ... RETURNING`` over a batch is several times slower than an executemany on
both databases (psycopg re-parses one huge statement; SQLite runs one per row).
"""

from sqlalchemy import column, func, select, table

_sqlite_sequence = table("sqlite_sequence", column("name"), column("seq"))


def reserve_ids(conn, target, count):
    """Return ``count`` new ids for ``target``, never used before, in ascending order.

    On SQLite the caller's write transaction holds the database lock, so nobody else can
    take the same ids; inserting them advances the AUTOINCREMENT counter.
    """
    if conn.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(target.name, "id")
        query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(conn.execute(query).scalars())
    counter = conn.execute(select(_sqlite_sequence.c.seq).where(_sqlite_sequence.c.name == target.name)).scalar()
    highest = conn.execute(select(func.max(target.c.id))).scalar()
    start = max(counter or 0, highest or 0) + 1
    return list(range(start, start + count))
