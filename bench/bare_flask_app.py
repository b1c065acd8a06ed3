"""The baseline of bench/get_by_id.py: a bare Flask app that reads one row and returns JSON.

No authentication, no metadata, no runtime: one SQLAlchemy Core SELECT by primary key
on the table named by BENCH_TABLE (default ``obj_opportunity``) in BENCH_DATABASE_URL,
rendered with ``json.dumps``. Serve it with

    gunicorn -w 2 -b 127.0.0.1:8001 --chdir bench 'bare_flask_app:create_app()'
"""

import json
import os
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask, Response


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def create_app():
    """The bare app: GET /records/<id> and GET /health."""
    engine = sa.create_engine(os.environ["BENCH_DATABASE_URL"])
    table = sa.Table(os.environ.get("BENCH_TABLE", "obj_opportunity"), sa.MetaData(), autoload_with=engine)
    by_id = sa.select(table).where(table.c.id == sa.bindparam("record_id"))
    app = Flask("bare")

    @app.get("/records/<int:record_id>")
    def get_record(record_id):
        with engine.connect() as conn:
            row = conn.execute(by_id, {"record_id": record_id}).mappings().first()
        if row is None:
            return Response('{"error":"not found"}', status=404, mimetype="application/json")
        body = json.dumps(dict(row), ensure_ascii=False, separators=(",", ":"), default=_default)
        return Response(body, mimetype="application/json")

    @app.get("/health")
    def health():
        return Response('{"status":"ok"}', mimetype="application/json")

    return app
