"""One step of a migration plan, as ``plan.py`` and the field types build them."""


def plan_step(op, obj, field=None, **extra):
    """A plan step: operation ``op`` on object ``obj`` (and ``field``), with its details."""
    target = f"{obj}.{field}" if field else obj
    return {"op": op, "object": obj, "field": field, "target": target, **extra}
