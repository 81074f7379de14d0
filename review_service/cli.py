"""`flask review ...` commands. Each command is one unit of work (unit_of_work.py)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .accounts.models import User
from .accounts.passwords import one_time_password, password_problems
from .accounts.roles import Role
from .accounts.service import create_user
from .agencies.models import Agency
from .archives.cli import register as register_archive_commands
from .attachments.cli import register as register_attachment_commands
from .case_migration.cli import register as register_migration_commands
from .cases.cli import register as register_case_commands
from .engine import ProcessDefinitionError
from .extensions import db
from .jobs.cli import register as register_job_commands
from .observability.cli import register as register_observability_commands
from .processes.cli import register as register_process_commands
from .processes.service import publish_default_version, version_for_new_case
from .staffing.cli import register as register_staffing_commands
from .staffing.cli import seed_demo_staff
from .unit_of_work import transactional, unit_of_work
from .users.cli import register as register_user_commands
from .workdays.cli import register as register_calendar_commands

review_cli = AppGroup("review", help="法制审核服务的管理命令")
register_job_commands(review_cli)
register_observability_commands(review_cli)
register_calendar_commands(review_cli)
register_staffing_commands(review_cli)
register_process_commands(review_cli)
register_migration_commands(review_cli)
register_case_commands(review_cli)
register_attachment_commands(review_cli)
register_user_commands(review_cli)
register_archive_commands(review_cli)

DEMO_AGENCIES = [
    ("demo-city-samr", "示例市市场监督管理局", "city", None),
    ("demo-county-samr", "示例县市场监督管理局", "county", "demo-city-samr"),
    ("demo-city-eco", "示例市生态环境局", "city", None),
    # These two have their own folders under workflows/ (Guangdong words and limits; Anhui words), see README.
    ("demo-gd-samr", "广东省示例市市场监督管理局", "city", None),
    ("demo-ah-samr", "安徽省示例县市场监督管理局", "county", None),
]
DEMO_USERS: list[tuple[str, str, list[str], str]] = [  # username, full name, roles, agency
    ("handler", "张承办", [Role.HANDLER], "demo-city-samr"),
    ("handler2", "李承办", [Role.HANDLER], "demo-city-samr"),
    ("reviewer", "王审核", [Role.REVIEWER], "demo-city-samr"),
    ("reviewer2", "赵审核", [Role.REVIEWER], "demo-city-samr"),
    ("review.head", "刘科长", [Role.REVIEW_HEAD], "demo-city-samr"),
    ("deputy", "黄副局长", [Role.DEPUTY_HEAD], "demo-city-samr"),
    ("head", "陈局长", [Role.HEAD], "demo-city-samr"),
    ("designer", "周设计", [Role.DESIGNER], "demo-city-samr"),
    ("supervisor", "吴监督", [Role.SUPERVISOR], "demo-city-samr"),
    ("admin", "郑管理", [Role.ADMIN], "demo-city-samr"),
    ("county.handler", "孙承办", [Role.HANDLER], "demo-county-samr"),
    ("county.reviewer", "钱审核", [Role.REVIEWER], "demo-county-samr"),
    ("eco.handler", "冯承办", [Role.HANDLER], "demo-city-eco"),
    ("gd.handler", "陈承办", [Role.HANDLER], "demo-gd-samr"),
    ("gd.reviewer", "林审核", [Role.REVIEWER], "demo-gd-samr"),
    ("gd.deputy", "梁副局长", [Role.DEPUTY_HEAD], "demo-gd-samr"),
    ("gd.head", "何局长", [Role.HEAD], "demo-gd-samr"),
    ("ah.handler", "汪承办", [Role.HANDLER], "demo-ah-samr"),
    ("ah.reviewer", "程审核", [Role.REVIEWER], "demo-ah-samr"),
    ("ah.head", "方局长", [Role.HEAD], "demo-ah-samr"),
]


@review_cli.command("publish-defaults")
@transactional
def publish_defaults_command():
    """Parse workflows/default and store it as a new version if it changed."""
    try:
        version = publish_default_version()
    except ProcessDefinitionError as exc:
        for problem in exc.problems:
            location = f"{problem.file}:{problem.line or '-'}: {problem.element_id or '-'}"
            click.echo(f"{location}: {problem.message}", err=True)
        raise click.exceptions.Exit(1) from exc
    click.echo(f"national default process: version {version.number} ({version.content_hash[:12]})")


@review_cli.command("seed-demo")
@click.option("--password-file", type=click.Path(path_type=Path), default=None,
              help="Where demo passwords are kept (default: instance/demo-passwords.txt, not in git).")
def seed_demo_command(password_file: Path | None):
    """Create demo agencies and one user per role (demo only), and print their passwords."""
    password_file = password_file or Path(current_app.root_path).parent / "instance" / "demo-passwords.txt"
    passwords = _read_passwords(password_file)
    with unit_of_work():
        _seed_demo(passwords)
        # the file before the commit: when it cannot be written nothing is stored (no accounts whose
        # passwords nobody saw, as happened in the image when /app/instance was not writable)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text("".join(f"{u}\t{p}\n" for u, p in sorted(passwords.items())), encoding="utf-8")
        password_file.chmod(0o600)
    click.echo(f"Demo users (DEMO ONLY - passwords kept in {password_file}):")
    for username, full_name, roles, agency_code in DEMO_USERS:
        click.echo(f"  {username:<16} {passwords.get(username, '(set elsewhere)'):<18} {','.join(roles):<10} "
                   f"{full_name} @ {agency_code}")


def _seed_demo(passwords: dict[str, str]) -> None:
    """The demo agencies, users (new passwords added to `passwords`), staff and published processes."""
    agencies: dict[str, Agency] = {}
    for code, name, level, parent in DEMO_AGENCIES:
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            agency = Agency(code=code, name=name, level=level, parent_id=agencies[parent].id if parent else None)
            db.session.add(agency)
            db.session.flush()
        agencies[code] = agency
    for username, full_name, roles, agency_code in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            kept = passwords.get(username)
            passwords[username] = kept if kept and not password_problems(kept, username=username) \
                else one_time_password(username)
            create_user(agency_id=agencies[agency_code].id, username=username, full_name=full_name,
                        password=passwords[username], roles=roles)
    seed_demo_staff()
    publish_default_version()
    for agency in agencies.values():  # publishes the folders under workflows/<code>/ (demo-gd-samr, demo-ah-samr)
        version_for_new_case(agency)


def _read_passwords(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return dict(pairs)
