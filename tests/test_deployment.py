"""docker/: the compose file parses, sets only settings the app reads, and runs only commands the image has.

Docker itself is not available here; these tests check what can be checked without it.
"""
import os
import re
import runpy
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
ENTRYPOINT = DOCKER / "entrypoint.sh"
NOT_APP_SETTINGS = {"FLASK_APP", "PYTHONPATH", "PYTHONUNBUFFERED"}  # read by flask / the interpreter


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def settings_read_by_config() -> set[str]:
    source = (ROOT / "review_service" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', source))


def app_services() -> dict:
    services = compose()["services"].items()
    return {name: service for name, service in services if service.get("image") != "postgres:15-bookworm"}


def entrypoint(*args: str) -> str:
    """What the image's entry point would run for these arguments (dry run)."""
    result = subprocess.run(["sh", str(ENTRYPOINT), *args], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "REVIEW_ENTRYPOINT_DRY_RUN": "1"})
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout.strip()


def test_compose_has_database_migrate_two_web_nodes_two_timer_workers_and_a_documents_worker():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "documents-worker"}
    assert services["web"]["deploy"]["replicas"] == 2 and services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"] == ["worker", "--queue", "default"]
    assert services["documents-worker"]["command"] == ["worker", "--queue", "documents"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["restart"] == "no"
    assert {"pgdata", "attachments"} <= set(compose()["volumes"])
    assert all("healthcheck" in services[name] for name in ("db", "web", "worker", "documents-worker"))


def test_compose_sets_only_environment_variables_the_app_reads():
    known = settings_read_by_config() | NOT_APP_SETTINGS
    for name, service in app_services().items():
        unknown = set(service["environment"]) - known
        assert not unknown, f"{name} sets variables config.py never reads: {unknown}"
    dockerfile_env = re.findall(r"^\s+([A-Z_]+)=", (DOCKER / "Dockerfile").read_text(), re.MULTILINE)
    assert dockerfile_env and set(dockerfile_env) <= known


def test_no_secret_in_compose_file():
    for name, service in app_services().items():
        for key in ("REVIEW_SECRET_KEY",):
            assert service["environment"][key].startswith("${"), name
        role = ("review_owner:${REVIEW_DB_OWNER_PASSWORD:?" if name == "migrate"
                else "review_app:${REVIEW_DB_APP_PASSWORD:?")
        assert role in service["environment"]["DATABASE_URL"], name


def test_only_migrations_connect_as_the_table_owner():
    """db-init/10-roles.sh: the owner role for migrate, an owner-of-nothing role for web and worker."""
    roles_sql = (DOCKER / "db-init" / "10-roles.sh").read_text(encoding="utf-8")
    assert "CREATE DATABASE review OWNER review_owner" in roles_sql
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO review_app" in roles_sql
    assert "TRUNCATE" not in roles_sql.split("SQL", 1)[1].replace("nor TRUNCATE", "")
    assert "./db-init:/docker-entrypoint-initdb.d:ro" in compose()["services"]["db"]["volumes"]


def _assert_flask_command_exists(runner, words: list[str]):
    assert words[0] == "flask", words
    result = runner.invoke(args=[*words[1:], "--help"])
    assert result.exit_code == 0, (words, result.output)


def test_every_service_command_is_a_command_of_the_entry_point(app):
    runner = app.test_cli_runner()
    for service in app_services().values():
        commands = [service["command"]]
        health = service.get("healthcheck", {}).get("test", [])
        if "/app/docker/entrypoint.sh" in health:
            commands.append(health[health.index("/app/docker/entrypoint.sh") + 1:])
        for command in commands:
            for step in entrypoint(*command).split(" && "):
                words = shlex.split(step)
                if words[0] == "gunicorn":
                    assert words[1:3] == ["-c", "docker/gunicorn.conf.py"] and words[3] == "review_service:create_app()"
                else:
                    _assert_flask_command_exists(runner, words)


def test_entry_point_refuses_an_unknown_command():
    result = subprocess.run(["sh", str(ENTRYPOINT), "serve"], capture_output=True, text=True,
                            env={**os.environ, "REVIEW_ENTRYPOINT_DRY_RUN": "1"})
    assert result.returncode == 2 and "usage" in result.stderr


def test_gunicorn_config_reads_the_settings(monkeypatch):
    settings = runpy.run_path(str(DOCKER / "gunicorn.conf.py"))
    assert settings["bind"] == "0.0.0.0:8000" and settings["worker_class"] == "gthread"
    assert settings["accesslog"] is None and settings["preload_app"] is False


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh", "entrypoint.sh", "db-init/10-roles.sh"])
def test_shell_scripts_parse(script):
    assert subprocess.run(["sh", "-n", str(DOCKER / script)]).returncode == 0


def test_dockerignore_lets_only_the_code_into_the_image():
    """The build context is an allow-list: no .git, .venv, instance/, .env, tests or local build output."""
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"requirements.lock", "review_service", "workflows", "forms", "docker/entrypoint.sh",
                       "docker/gunicorn.conf.py", "docker/backup.sh", "docker/restore.sh", "docker/log.sh"}
    assert {"**/node_modules", "review_service/web/static/vendor"} <= set(lines)


def test_image_runs_as_a_fixed_uid_and_gid_that_owns_no_code():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert "groupadd --system --gid 10001 review" in dockerfile and "--uid 10001 --gid 10001" in dockerfile
    assert dockerfile.rstrip().splitlines()[-1] == "USER 10001:10001"
    # the code stays root's; only /data/attachments, /tmp/prometheus, /app/instance are review's
    assert "--chown" not in dockerfile


def test_image_installs_the_locked_dependencies_before_copying_the_code():
    steps = [line.split()[0:2] for line in (DOCKER / "Dockerfile").read_text().splitlines()
             if line and not line.startswith((" ", "#"))]
    final = steps[max(i for i, step in enumerate(steps) if step[0] == "FROM"):]
    order = [" ".join(step) for step in final]
    assert order.index("COPY requirements.lock") < order.index("RUN PIP_CERT=/etc/ssl/certs/ca-certificates.crt") \
        < order.index("COPY .")
    assert "--require-hashes" in (DOCKER / "Dockerfile").read_text()
    assets = " ".join(" ".join(step) for step in steps[:steps.index(final[0])])
    assert assets.index("COPY review_service/web/assets/package.json") < assets.index("RUN npm")


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", text, re.MULTILINE))
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block), f"{lock.name}: a pin without hashes"
    return {name.lower().replace("_", "-"): version for name, version in pins.items()}


def test_lock_files_pin_every_dependency_of_pyproject_within_its_range():
    """requirements.lock (the image) and requirements-dev.lock (make install, CI) agree with pyproject.toml."""
    from packaging.requirements import Requirement
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    for lock, requirements in ((runtime, project["dependencies"]),
                               (dev, project["dependencies"] + project["optional-dependencies"]["dev"])):
        for line in requirements:
            requirement = Requirement(line)
            name = requirement.name.lower().replace("_", "-")
            assert name in lock, f"{name} is not locked (run make lock)"
            assert requirement.specifier.contains(lock[name], prereleases=True), (name, lock[name])
    assert {name: version for name, version in dev.items() if name in runtime} == runtime
