"""DOCX -> PDF by LibreOffice headless: several documents per soffice run, each run in a profile of its own.

A run costs mostly LibreOffice's start (seconds), a document little more, so a caller with several documents
(the archive package) converts them in one run. Each run gets a profile directory of its own, as before, but
copied from a profile template instead of created from nothing: the first successful run of a converter
program leaves its profile (made by LibreOffice on a clean exit; it holds no document) as the template, in
a folder only this user may write under the temporary directory, put in place by one rename (processes
racing to make it never see half a template). The whole process group is killed at the time limit.
"""
import contextlib
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")  # 仿宋_GB2312 etc. -> Noto CJK SC


class ConversionError(Exception):
    """The converter could not start, failed, or ran out of time (message in Chinese)."""


def convert_many(documents: list[bytes], *, timeout: float, command: str) -> list[bytes]:
    """The PDFs of the DOCX documents, in their order, from one soffice run; `timeout` seconds per document."""
    if not documents:
        return []
    template = profile_template(command)
    with tempfile.TemporaryDirectory(prefix="review-pdf-") as work:
        folder = Path(work)
        names = [folder / f"document-{number}.docx" for number in range(1, len(documents) + 1)]
        for name, docx in zip(names, documents, strict=True):
            name.write_bytes(docx)
        copied = template is not None and _copy_profile(template, folder / "profile")
        code, errors = _run([command, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                             "--norestore", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
                             "--outdir", str(folder), *map(str, names)], work, timeout * len(documents))
        pdfs = [name.with_suffix(".pdf") for name in names]
        if code != 0 or not all(pdf.is_file() for pdf in pdfs):
            if copied and template is not None:
                _discard(template, folder / "discarded")  # in case the template is to blame: the next run makes one
            message = errors.decode("utf-8", "replace").strip()[-500:]
            missing = sum(not pdf.is_file() for pdf in pdfs)
            raise ConversionError(f"PDF 转换失败（退出码 {code}，{missing}/{len(pdfs)} 份未生成）：{message}")
        if template is not None and not copied:
            _keep_as_template(folder / "profile", template)
        return [pdf.read_bytes() for pdf in pdfs]


def _run(arguments: list[str], work: str, timeout: float) -> tuple[int, bytes]:
    """Run the converter in a session of its own; kill the whole group after `timeout` seconds."""
    try:
        process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   cwd=work, env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)})
    except OSError as exc:  # no such program
        raise ConversionError(f"无法启动 PDF 转换程序 {arguments[0]}: {exc}") from exc
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group
        process.communicate()
        raise ConversionError(f"PDF 转换超时（{timeout:g} 秒），已终止转换进程") from None
    except OSError as exc:
        raise ConversionError(f"无法启动 PDF 转换程序 {arguments[0]}: {exc}") from exc
    return process.returncode, errors


def profile_template(command: str) -> Path | None:
    """Where the profile template of this converter program is (or will be); None if there is no safe place.

    One per installed program (its path, size and modification time), so an upgraded LibreOffice starts
    from a template of its own."""
    program = shutil.which(command)
    folder = Path(tempfile.gettempdir()) / f"review-soffice-profiles-{os.getuid()}"
    try:
        if program is None:
            return None
        described = os.stat(program)
        folder.mkdir(mode=0o700, exist_ok=True)
        own = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(own.st_mode) or own.st_uid != os.getuid() or own.st_mode & 0o077:
        return None  # another user's folder, or one others may write into: start from nothing instead
    key = hashlib.sha256(f"{os.path.realpath(program)}|{described.st_size}|{described.st_mtime_ns}".encode())
    return folder / key.hexdigest()[:16]


def _copy_profile(template: Path, target: Path) -> bool:
    """A copy of the template as this run's profile; False (and no profile) when there is no template yet."""
    try:
        shutil.copytree(template, target, symlinks=True)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def _discard(template: Path, into: Path) -> None:
    """Take the template away in one rename (no process copies half of it), into a folder about to be removed."""
    with contextlib.suppress(OSError):
        os.rename(template, into)


def _keep_as_template(profile: Path, template: Path) -> None:
    """This run's profile, which LibreOffice made and left on a clean exit, becomes the template unless another
    process got there first (a rename does not replace a directory that is not empty)."""
    with contextlib.suppress(OSError):
        os.rename(profile, template)
