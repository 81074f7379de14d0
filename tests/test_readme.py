"""The README stays true: every setting config.py reads is in its settings table, every folder of
review_service/ is in its folder table, and every command of the image's entry point is documented."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = README.index(heading)
    following = README.find("\n## ", start + len(heading))
    return README[start:following if following != -1 else None]


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_every_setting_config_reads_is_in_the_settings_table():
    read = set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (ROOT / "review_service" / "config.py").read_text()))
    assert len(read) > 15
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(_table_rows(_section("## Settings")))))
    assert read - documented == set(), "settings config.py reads that the README's table leaves out"


def test_every_package_folder_is_in_the_folder_table():
    folders = {path.name for path in (ROOT / "review_service").iterdir()
               if path.is_dir() and not path.name.startswith(("_", ".")) and any(path.glob("*.py"))}
    assert {"engine", "web", "cases", "migrations"} <= folders
    table = "\n".join(_table_rows(_section("## How it is built")))
    missing = {name for name in folders if f"`{name}`" not in table and f"`review_service/{name}/`" not in table}
    assert missing == set(), "review_service/ folders the README's folder table leaves out"


def test_every_entry_point_command_is_documented():
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    commands = set(re.findall(r"^    ([a-z|]+)\)", entrypoint, re.MULTILINE)) - {"help|*"}
    assert {"web", "worker", "migrate", "backup", "restore", "verify"} <= commands
    deployment = _section("## Production deployment")
    assert all(f"`{command}" in deployment for command in commands), commands
