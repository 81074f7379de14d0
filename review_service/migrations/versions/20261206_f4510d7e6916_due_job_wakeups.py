"""due jobs: PostgreSQL NOTIFYs the queue's workers when a job comes due within five minutes

A row trigger on INSERT and on UPDATE of next_attempt_at (scheduling, moving, retrying, a failure's backoff;
not leasing) sends NOTIFY review_jobs_<queue> in the transaction that made the job due: the workers
LISTEN, and wake when it commits instead of polling (review_service.jobs.wakeups). Identical
notifications of one transaction are sent once, so a thousand due rows wake each worker once. Jobs due
later than five minutes are found by the workers' own wake-up at the next due time (at most five
minutes apart). SQLite has no NOTIFY: its workers poll.

Revision ID: f4510d7e6916
Revises: e984fe5e99ae
Create Date: 2026-12-06 06:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4510d7e6916'
down_revision = 'e984fe5e99ae'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""CREATE FUNCTION due_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN
                      PERFORM pg_notify('review_jobs_' || NEW.queue, '');
                      RETURN NULL;
                  END $$""")
    op.execute("""CREATE TRIGGER due_jobs_notify AFTER INSERT OR UPDATE OF next_attempt_at ON due_jobs
                  FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.next_attempt_at <= now() + interval '5 minutes')
                  EXECUTE FUNCTION due_jobs_notify()""")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS due_jobs_notify ON due_jobs")
    op.execute("DROP FUNCTION IF EXISTS due_jobs_notify()")
