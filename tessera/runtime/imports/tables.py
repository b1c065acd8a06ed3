"""The files of imports started over the API, kept in the database until their job ends.

A job may run on another host (an rq worker), so the uploaded file travels through the
database: in chunks of ``CHUNK_BYTES``, read back one at a time into a temporary file
where the job runs. The job's own state is its ``tessera_job`` row (kind ``import``).
"""

from sqlalchemy import Column, Integer, LargeBinary, Table, delete, insert, select

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

CHUNK_BYTES = 1 << 20

import_file = Table(
    "tessera_import_file",
    runtime_schema,
    Column("job_id", ID_TYPE, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)


def store_file(conn, job_id, handle):
    """Copy the open binary file ``handle`` into job ``job_id``'s chunks."""
    seq = 0
    while chunk := handle.read(CHUNK_BYTES):
        conn.execute(insert(import_file).values(job_id=job_id, seq=seq, data=chunk))
        seq += 1


def restore_file(conn, job_id, handle):
    """Write job ``job_id``'s file into the open binary file ``handle``, one chunk at a time."""
    seqs = conn.execute(select(import_file.c.seq).where(import_file.c.job_id == job_id)
                        .order_by(import_file.c.seq)).scalars().all()
    for seq in seqs:
        data = conn.execute(select(import_file.c.data).where(import_file.c.job_id == job_id,
                                                             import_file.c.seq == seq)).scalar_one()
        handle.write(data)


def drop_file(conn, job_id):
    """Forget job ``job_id``'s file."""
    conn.execute(delete(import_file).where(import_file.c.job_id == job_id))
