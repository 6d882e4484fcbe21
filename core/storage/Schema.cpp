#include "storage/Schema.h"

namespace ym::storage {

namespace {

QList<Migration> buildMigrations()
{
    QList<Migration> list;

    // Version 1: the event log, and the tables behind builders, the build
    // queue, builds, steps and their logs.
    list.append(Migration{
        1,
        QStringLiteral("create the event log and build tables (schema 1)"),
        {
            // The user-facing event log: attach, detach, refused logins,
            // duplicates, reloads. `count` > 1 summarises repeats.
            QStringLiteral("CREATE TABLE worker_events ("
                           " id {ID},"
                           " time_ms BIGINT NOT NULL,"
                           " kind TEXT NOT NULL,"
                           " worker TEXT NOT NULL DEFAULT '',"
                           " peer TEXT NOT NULL DEFAULT '',"
                           " message TEXT NOT NULL DEFAULT '',"
                           " count INTEGER NOT NULL DEFAULT 1)"),
            QStringLiteral("CREATE INDEX worker_events_time ON worker_events (time_ms)"),
            QStringLiteral("CREATE INDEX worker_events_worker ON worker_events (worker, id)"),

            // Build requests queue per builder in `position` order (lowest
            // first). A new request takes MAX(position)+1 of its builder; a
            // request put back after a lost worker takes MIN(position)-1, so
            // it runs next. Rows stay after they are done (history).
            QStringLiteral("CREATE TABLE build_requests ("
                           " id {ID},"
                           " builder TEXT NOT NULL,"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " properties_json TEXT NOT NULL DEFAULT '{}',"
                           " submitted_ms BIGINT NOT NULL,"
                           " position BIGINT NOT NULL,"
                           " state TEXT NOT NULL DEFAULT 'queued'"
                           "  CHECK (state IN ('queued', 'claimed', 'done')),"
                           " claimed_by_build BIGINT,"
                           " claimed_ms BIGINT,"
                           " retries INTEGER NOT NULL DEFAULT 0,"
                           " finished_ms BIGINT,"
                           " result TEXT)"),
            QStringLiteral(
                "CREATE INDEX build_requests_queue ON build_requests (state, builder, position)"),

            // One row per build attempt. `result` is NULL while it runs.
            // A retried request gets a new build (new number) each attempt.
            QStringLiteral("CREATE TABLE builds ("
                           " id {ID},"
                           " builder TEXT NOT NULL,"
                           " number INTEGER NOT NULL,"
                           " worker TEXT NOT NULL,"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " properties_json TEXT NOT NULL DEFAULT '{}',"
                           " request_id BIGINT REFERENCES build_requests (id),"
                           " requested_ms BIGINT NOT NULL,"
                           " started_ms BIGINT NOT NULL,"
                           " finished_ms BIGINT,"
                           " result TEXT,"
                           " UNIQUE (builder, number))"),
            QStringLiteral("CREATE INDEX builds_worker_started ON builds (worker, started_ms)"),
            QStringLiteral("CREATE INDEX builds_request ON builds (request_id)"),
            QStringLiteral("CREATE INDEX builds_unfinished ON builds (finished_ms)"),

            QStringLiteral("CREATE TABLE steps ("
                           " id {ID},"
                           " build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,"
                           " number INTEGER NOT NULL,"
                           " name TEXT NOT NULL,"
                           " started_ms BIGINT,"
                           " finished_ms BIGINT,"
                           " result TEXT,"
                           " summary TEXT NOT NULL DEFAULT '',"
                           " UNIQUE (build_id, number))"),

            // Logs arrive in chunks (one `update` or a few merged). `stream`
            // is 'stdout', 'stderr', 'header' or a named log. Lines are
            // numbered per (step, stream) from 0; `line_times` holds one
            // little-endian uint32 per line: milliseconds after `time_ms`
            // (NULL: every line at `time_ms`). Read a log in `id` order.
            QStringLiteral("CREATE TABLE log_chunks ("
                           " id {ID},"
                           " step_id BIGINT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,"
                           " stream TEXT NOT NULL,"
                           " first_line INTEGER NOT NULL,"
                           " line_count INTEGER NOT NULL,"
                           " time_ms BIGINT NOT NULL,"
                           " line_times {BLOB},"
                           " text TEXT NOT NULL)"),
            QStringLiteral("CREATE INDEX log_chunks_step ON log_chunks (step_id, id)"),
        }});

    // Version 2: connection losses of workers that have notify_on_missing,
    // so a notice is sent once per loss, also across a master restart.
    list.append(Migration{
        2,
        QStringLiteral("create the worker loss table for missing-worker notices (schema 2)"),
        {
            // `state`: pending (waiting for missing_timeout, or for the mail
            // to go through), returned (reconnected in time), notified (the
            // SMTP server took the notice), failed (refused for good, or out
            // of retries), cancelled (the worker or its addresses were
            // removed from the config). `info_json` keeps what the worker
            // reported (admin, host...) for a notice sent after a restart.
            QStringLiteral("CREATE TABLE worker_losses ("
                           " id {ID},"
                           " worker TEXT NOT NULL,"
                           " lost_ms BIGINT NOT NULL,"
                           " last_seen_ms BIGINT,"
                           " peer TEXT NOT NULL DEFAULT '',"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " info_json TEXT NOT NULL DEFAULT '{}',"
                           " state TEXT NOT NULL DEFAULT 'pending'"
                           "  CHECK (state IN ('pending', 'returned', 'notified', 'failed',"
                           " 'cancelled')),"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " last_error TEXT NOT NULL DEFAULT '',"
                           " finished_ms BIGINT,"
                           " UNIQUE (worker, lost_ms))"),
            QStringLiteral("CREATE INDEX worker_losses_state ON worker_losses (state, worker)"),
        }});

    // Version 3: the ledger of latent instances (virtual machines started
    // for latent workers), so none is forgotten across a master crash.
    list.append(Migration{
        3,
        QStringLiteral("create the latent instance ledger (schema 3)"),
        {
            // One row per instance start. A row is written before each
            // provider call and updated after it; `id` is allocated by the
            // master and is the driver's idempotency token. Open states:
            // starting, running, stopping, stop_failed; closed: stopped,
            // start_failed, gone. `instance_id` is the provider's name for it
            // (empty until known); `attributes_json` holds driver facts.
            QStringLiteral("CREATE TABLE latent_instances ("
                           " id {ID},"
                           " worker TEXT NOT NULL,"
                           " driver TEXT NOT NULL,"
                           " instance_id TEXT NOT NULL DEFAULT '',"
                           " state TEXT NOT NULL DEFAULT 'starting'"
                           "  CHECK (state IN ('starting', 'running', 'stopping', 'stopped',"
                           " 'start_failed', 'gone', 'stop_failed')),"
                           " requested_ms BIGINT NOT NULL,"
                           " started_ms BIGINT,"
                           " attached_ms BIGINT,"
                           " stop_requested_ms BIGINT,"
                           " stopped_ms BIGINT,"
                           " last_error TEXT NOT NULL DEFAULT '',"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " attributes_json TEXT NOT NULL DEFAULT '{}')"),
            QStringLiteral("CREATE INDEX latent_instances_open ON latent_instances (state, id)"),
            QStringLiteral("CREATE INDEX latent_instances_worker ON latent_instances (worker, id)"),
        }});

    return list;
}

} // namespace

const QList<Migration>& migrations()
{
    static const QList<Migration> list = buildMigrations();
    return list;
}

int currentSchemaVersion()
{
    return migrations().isEmpty() ? 0 : migrations().constLast().version;
}

} // namespace ym::storage
