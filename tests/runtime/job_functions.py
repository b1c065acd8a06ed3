"""Jobs the job tests enqueue: module-level so an rq worker can import them."""

from sqlalchemy import create_engine, text


def record_value(database_url, value):
    """Write ``value`` into a scratch table of ``database_url``; return it doubled."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS job_marks (value INTEGER)"))
        conn.execute(text("INSERT INTO job_marks (value) VALUES (:v)"), {"v": value})
    engine.dispose()
    return value * 2


def read_values(database_url):
    """Every value the jobs wrote, in order."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        values = [row[0] for row in conn.execute(text("SELECT value FROM job_marks ORDER BY value"))]
    engine.dispose()
    return values
