"""A separate process issuing review opinions (for the concurrent numbering test; not a test module)."""
import threading


def issue_opinions(database_url: str, work: list[tuple[str, int]], threads: int, start, results) -> None:
    """Complete the given review tasks as their assignees, `threads` at a time, after `start` is set."""
    from review_service import create_app
    from review_service.accounts.models import User
    from review_service.extensions import db
    from review_service.tasks.service import complete_task
    from review_service.unit_of_work import unit_of_work

    from ..factories import review

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    lock, done, failures = threading.Lock(), [], []

    def run(share):
        with app.app_context():
            for task_id, user_id in share:
                try:
                    with unit_of_work():
                        complete_task(task_id, actor=db.session.get(User, user_id), data=review("approve"))
                    done.append(task_id)
                except Exception as exc:  # noqa: BLE001  (reported to the test)
                    with lock:
                        failures.append(f"{task_id}: {type(exc).__name__}: {exc}")
                finally:
                    db.session.remove()

    start.wait(60)
    workers = [threading.Thread(target=run, args=(work[n::threads],)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((len(done), failures))
