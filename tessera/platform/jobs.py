"""Where the web app's background jobs run: on rq workers when REDIS_URL is set, else in
a thread of the web process itself. Publishes that touch many rows and imports run so."""

import threading

from tessera.runtime.errors import ServiceUnavailable

from .config import load_settings

#: Seconds rq lets a publish or an import job run before it stops the worker's work horse.
PUBLISH_JOB_TIMEOUT = 3600
IMPORT_JOB_TIMEOUT = 6 * 3600


def launcher(app):
    """The function that starts publish job ``job_id`` for ``app`` (made once per app)."""
    return _launcher(app, "publish", lambda runtime: runtime.publish_jobs.run, run_publish_job, PUBLISH_JOB_TIMEOUT)


def import_launcher(app):
    """The function that starts import job ``job_id`` for ``app`` (made once per app)."""
    return _launcher(app, "import", lambda runtime: runtime.imports.run, run_import_job, IMPORT_JOB_TIMEOUT)


def _launcher(app, kind, local_run, task, timeout):
    key = f"tessera.launch_{kind}"
    launch = app.extensions.get(key)
    if launch is None:
        launch = app.extensions[key] = _make_launcher(app, kind, local_run, task, timeout)
    return launch


def _make_launcher(app, kind, local_run, task, timeout):
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from tessera.runtime.events.jobs import JobQueue  # rq loads slowly; only a Redis set-up needs it

        queue = JobQueue(redis_url)
        return lambda job_id: _enqueue(queue, task, job_id, timeout)
    run = local_run(app.extensions["tessera"])

    def in_thread(job_id):
        threading.Thread(target=run, args=(job_id,), name=f"tessera-{kind}-{job_id}", daemon=True).start()
    return in_thread


def _enqueue(queue, task, job_id, timeout):
    from redis import RedisError

    try:
        queue.enqueue(task, job_id, job_timeout=timeout)
    except RedisError as error:
        raise ServiceUnavailable("api.jobs.queue_down") from error


def _worker_runtime():
    from .timer_jobs import settings_runtime  # the one builder of a worker's Runtime

    return settings_runtime(load_settings())


def run_publish_job(job_id):
    """The rq task: run publish job ``job_id`` on the database this worker is configured for."""
    runtime = _worker_runtime()
    try:
        runtime.publish_jobs.run(job_id)
    finally:
        runtime.dispose()


def run_import_job(job_id):
    """The rq task: run import job ``job_id`` on the database this worker is configured for."""
    runtime = _worker_runtime()
    try:
        runtime.imports.run(job_id)
    finally:
        runtime.dispose()
