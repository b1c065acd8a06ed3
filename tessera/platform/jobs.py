"""Where the web app's background jobs run: on rq workers when REDIS_URL is set, else in
a thread of the web process itself."""

import threading

from tessera.runtime import Runtime
from tessera.runtime.errors import ServiceUnavailable

from .config import load_settings
from .plugins import plugged_runtime_options

#: Seconds rq lets a publish job run before it stops the worker's work horse.
PUBLISH_JOB_TIMEOUT = 3600


def launcher(app):
    """The function that starts publish job ``job_id`` for ``app`` (made once per app)."""
    launch = app.extensions.get("tessera.launch_publish")
    if launch is None:
        launch = app.extensions["tessera.launch_publish"] = _make_launcher(app)
    return launch


def _make_launcher(app):
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from tessera.runtime.events.jobs import JobQueue  # rq loads slowly; only a Redis set-up needs it

        queue = JobQueue(redis_url)
        return lambda job_id: _enqueue(queue, job_id)
    runtime = app.extensions["tessera"]

    def in_thread(job_id):
        threading.Thread(target=runtime.publish_jobs.run, args=(job_id,), name=f"tessera-publish-{job_id}",
                         daemon=True).start()
    return in_thread


def _enqueue(queue, job_id):
    from redis import RedisError

    try:
        queue.enqueue(run_publish_job, job_id, job_timeout=PUBLISH_JOB_TIMEOUT)
    except RedisError as error:
        raise ServiceUnavailable("api.jobs.queue_down") from error


def run_publish_job(job_id):
    """The rq task: run publish job ``job_id`` on the database this worker is configured for."""
    settings = load_settings()
    runtime = Runtime(settings["DATABASE_URL"], timezone=settings["TIMEZONE"],
                      fiscal_year_start_month=settings["FISCAL_YEAR_START_MONTH"], **plugged_runtime_options())
    try:
        runtime.publish_jobs.run(job_id)
    finally:
        runtime.dispose()
