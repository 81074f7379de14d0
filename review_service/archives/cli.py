"""`flask review verify-archive FILE`: check an archive package; exit 1 naming what is wrong."""
import json

import click

from .verify import verify_package


def register(group) -> None:
    @group.command("verify-archive")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
    def verify_archive(file, as_json):
        """检查电子案卷：列出被修改、缺失或多出的文件（有问题时退出码为 1）。"""
        result = verify_package(file)
        if as_json:
            click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        else:
            for line in result.lines():
                click.echo(line)
        raise SystemExit(0 if result.ok else 1)

