"""Job handlers, task effects and the calendar listener are registered by the packages' init_app, explicitly:
importing their modules registers nothing, and no API or page module has to be loaded (the worker needs none)."""
import subprocess
import sys
import textwrap

CHECK = textwrap.dedent("""
    import sys
    from flask import Flask
    from review_service import deadlines
    from review_service.cases import effects
    from review_service.deadlines import alerts, extension_requests, recompute, withdrawals
    from review_service.deadlines.service import BREACH_JOB, REMINDER_JOB
    from review_service.jobs.registry import handler_for
    from review_service.workdays import service as workdays

    def registered():
        kinds = []
        for kind in (REMINDER_JOB, BREACH_JOB):
            try:
                kinds.append(handler_for(kind).__name__)
            except LookupError:
                pass
        kinds += [kind for kind in (extension_requests.APPROVAL_KIND, withdrawals.WITHDRAWAL_KIND)
                  if kind in effects._EFFECTS]
        kinds += [f.__name__ for f in workdays._listeners if f is recompute.recompute_open_deadlines]
        return kinds

    assert registered() == [], "importing the modules registered " + repr(registered())
    deadlines.init_app(Flask("worker"))
    assert handler_for(REMINDER_JOB) is alerts.send_reminder and handler_for(BREACH_JOB) is alerts.flag_overdue
    assert effects._EFFECTS[extension_requests.APPROVAL_KIND] is extension_requests.decide_extension
    assert effects._EFFECTS[withdrawals.WITHDRAWAL_KIND] is withdrawals.withdrawn
    assert workdays._listeners.count(recompute.recompute_open_deadlines) == 1
    deadlines.init_app(Flask("again"))  # a second app (tests, the CLI) registers nothing twice
    assert workdays._listeners.count(recompute.recompute_open_deadlines) == 1
    loaded = sorted(name for name in sys.modules if name.startswith("review_service.")
                    and (name.endswith(".api") or name.startswith(("review_service.web.tasks",
                                                                   "review_service.web.withdrawals"))))
    assert loaded == [], "loaded " + repr(loaded)
    print("registered", registered())
""")


def test_init_app_registers_handlers_effects_and_listener_without_any_api_module():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("registered", 1)[1].strip() == (
        "['send_reminder', 'flag_overdue', 'extension_approval', 'withdrawal', 'recompute_open_deadlines']")


def test_the_app_factory_registers_them(app):
    from review_service.deadlines.alerts import send_reminder
    from review_service.deadlines.service import REMINDER_JOB
    from review_service.jobs.registry import handler_for
    assert handler_for(REMINDER_JOB) is send_reminder
