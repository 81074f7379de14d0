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
            for line in describe(result):
                click.echo(line)
        raise SystemExit(0 if result.ok else 1)


def describe(result) -> list[str]:
    """The verification as lines for people."""
    lines = [f"案号：{result.case_number or '（未知）'}；已核对文件 {result.files_checked} 个"]
    lines += [f"已被修改：{path}" for path in result.changed]
    lines += [f"缺失：{path}" for path in result.missing]
    lines += [f"多出（清单中没有）：{path}" for path in result.unexpected]
    lines += [f"问题：{problem}" for problem in result.problems]
    if result.anchored is False:
        lines.append("问题：封存的历史记录链末条与本系统中该案件的历史记录不符")
    elif result.anchored:
        lines.append("封存的历史记录链末条与本系统中该案件的历史记录一致")
    lines.append("校验通过" if result.ok else "校验未通过")
    return lines
