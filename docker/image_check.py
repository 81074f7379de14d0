"""`make image-check`: run the built image's entry points against a real PostgreSQL, the way
docker/compose.yaml and the README's runbook use them, and fail on any error.

Steps (host networking; the databases DATABASE and DATABASE_damaged are created and dropped here):
migrate -> seed-demo (as the README) -> two web nodes (gunicorn) and a worker -> /healthz, /readyz,
/metrics on both nodes, the worker's health check -> a page login and its session on the other node ->
an API login, an upload and a submitted case -> the README's runbook: a backup while everything runs
(`backup -`), a refused restore into the live database, stop, the database renamed to DATABASE_damaged
and an empty one created, `restore -` with a fresh attachments volume, `verify` (history chains,
attachment checksums), migrate -> a web node on the restored database serves the case and its file. Every line a process writes to stderr must be a JSON log event
(REVIEW_LOG_FORMAT=json, the image's default) below ERROR, and no output may show a traceback.
Only the Python standard library is used; the engine is docker/engine.sh's (docker, else podman).
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ["sh", str(ROOT / "docker" / "engine.sh")]
SECRET = uuid.uuid4().hex
BAD_OUTPUT = re.compile(r"traceback|permission denied|\berror\b", re.IGNORECASE)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class CheckFailed(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to check, not to follow


OPENER = urllib.request.build_opener(_NoRedirect)


class ImageCheck:
    def __init__(self, args):
        self.image, self.postgres, self.database = args.image, args.postgres.rstrip("/"), args.database
        self.ports = [int(port) for port in args.ports.split(",")]
        self.prefix = f"review-check-{uuid.uuid4().hex[:8]}"
        self.work = Path(tempfile.mkdtemp(prefix="review-image-check-"))
        self.outputs: list[tuple[str, str, str]] = []  # (step, stream, text) scanned at the end
        self.containers: list[str] = []
        self.volumes = [f"{self.prefix}-attachments", f"{self.prefix}-restored"]
        self.started = time.monotonic()

    # ------------------------------------------------------------------ plumbing
    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)

    def engine(self, *args, step: str, stdin=None, expect: int | None = 0, scan: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*ENGINE, *args], stdin=stdin, capture_output=True)
        stdout = result.stdout.decode(errors="replace") if step != "backup" else ""
        stderr = result.stderr.decode(errors="replace")
        if scan:
            self.outputs += [(step, "stdout", stdout), (step, "stderr", stderr)]
        if expect is not None and result.returncode != expect:
            raise CheckFailed(f"{step}: exit {result.returncode} (expected {expect})\n{stdout[-3000:]}\n{stderr[-3000:]}")
        return result

    def url(self, database: str) -> str:
        return f"{self.postgres}/{database}"

    def run(self, step: str, *command, database: str | None = None, volume: str | None = None, extra=(), **kwargs):
        """`docker compose run --rm --no-deps SERVICE COMMAND`: one short-lived container."""
        env = ["-e", f"DATABASE_URL={self.url(database or self.database)}", "-e", f"REVIEW_SECRET_KEY={SECRET}"]
        mount = ["-v", f"{volume or self.volumes[0]}:/data/attachments"]
        return self.engine("run", "--rm", "--network=host", *env, *mount, *extra, self.image, *command,
                           step=step, **kwargs)

    def start(self, name: str, *command, volume: str | None = None, extra=()) -> None:
        """A long-running service container (detached), as compose starts web and worker."""
        full = f"{self.prefix}-{name}"
        self.engine("run", "-d", "--name", full, "--network=host", "-e", f"DATABASE_URL={self.url(self.database)}",
                    "-e", f"REVIEW_SECRET_KEY={SECRET}", "-v", f"{volume or self.volumes[0]}:/data/attachments", *extra,
                    self.image, *command, step=f"start {name}", scan=False)
        self.containers.append(full)

    def psql(self, sql: str) -> None:
        """Administration of the check's own databases: the host's psql, else the image's."""
        if shutil.which("psql"):
            command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url("postgres"), "-c", sql]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode:
                raise CheckFailed(f"psql {sql}: {result.stderr}")
        else:
            self.engine("run", "--rm", "--network=host", "--entrypoint", "psql", self.image, "-X", "-q",
                        "-v", "ON_ERROR_STOP=1", "-d", self.url("postgres"), "-c", sql, step="psql", scan=False)

    def drop_databases(self) -> None:
        for name in (self.database, f"{self.database}_damaged"):
            self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # ------------------------------------------------------------------ HTTP
    def http(self, port: int, path: str, *, data: bytes | None = None, headers=None, method=None, expect=200):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {},
                                         method=method)
        try:
            with OPENER.open(request, timeout=30) as response:
                status, body, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, answer_headers = error.code, error.read(), error.headers
        if expect is not None and status != expect:
            raise CheckFailed(f"{method or ('POST' if data else 'GET')} :{port}{path}: {status} (expected {expect}) "
                              f"{body[:500]!r}")
        return status, body, answer_headers

    def json_call(self, port: int, path: str, payload=None, token=None, expect=200) -> dict:
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(payload).encode() if payload is not None else None
        return json.loads(self.http(port, path, data=data, headers=headers, expect=expect)[1])

    def wait_until_serving(self, ports: list[int]) -> None:
        deadline = time.monotonic() + 180
        for port in ports:
            while True:
                try:
                    if self.http(port, "/healthz", expect=None)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise CheckFailed(f"web node on port {port} did not answer /healthz within 180 s")
                time.sleep(1)

    # ------------------------------------------------------------------ the steps
    def prepare(self) -> None:
        self.drop_databases()
        self.psql(f'CREATE DATABASE "{self.database}"')
        for volume in self.volumes:
            self.engine("volume", "create", volume, step="volume", scan=False)

    def migrate_and_seed(self) -> dict[str, str]:
        self.run("migrate", "migrate")
        seeded = self.run("seed-demo", "flask", "review", "seed-demo").stdout.decode()
        passwords = dict(re.findall(r"^\s+(\S+)\s+(\S+)\s+\S+\s+.+@", seeded, re.MULTILINE))
        if not passwords.get("handler"):
            raise CheckFailed(f"seed-demo printed no password for handler:\n{seeded}")
        return passwords

    def start_services(self) -> None:
        for number, port in enumerate(self.ports, start=1):
            self.start(f"web{number}", "web", extra=["-e", f"REVIEW_WEB_BIND=127.0.0.1:{port}"])
        self.start("worker", "worker", extra=["-e", "REVIEW_WORKER_POLL_SECONDS=1"])
        self.wait_until_serving(self.ports)

    def check_probes(self) -> None:
        for port in self.ports:
            ready = self.json_call(port, "/readyz")
            if ready["status"] != "ready":
                raise CheckFailed(f"/readyz on {port}: {ready}")
            _, body, headers = self.http(port, "/metrics")
            if headers["Content-Type"] != "text/plain; version=1.0.0; charset=utf-8":
                raise CheckFailed(f"/metrics Content-Type: {headers['Content-Type']}")
            if b"review_http_requests_total{" not in body or b"review_worker_lag_seconds" not in body:
                raise CheckFailed(f"/metrics on {port} lacks the request counter or the gauges")
            self.http(port, "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")  # built in stage 1
        self.engine("exec", f"{self.prefix}-worker", "/app/docker/entrypoint.sh", "ready", step="worker health")

    def page_login_shared_by_both_nodes(self, passwords: dict) -> None:
        first, second = self.ports[0], self.ports[-1]
        _, page, headers = self.http(first, "/login")
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": "reviewer", "password": passwords["reviewer"], "csrf_token": token})
        _, _, answer = self.http(first, "/login", data=form.encode(), expect=302, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        cookie = answer["Set-Cookie"].split(";", 1)[0]
        _, inbox, _ = self.http(second, "/inbox", headers={"Cookie": cookie})  # the other node knows the session
        if b'name="csrf_token"' not in inbox and "reviewer".encode() not in inbox:
            raise CheckFailed("the inbox page of the second node does not show the logged-in reviewer")

    def submit_a_case(self, passwords: dict) -> int:
        first, second = self.ports[0], self.ports[-1]
        token = self.json_call(first, "/api/v1/auth/login", {"username": "handler", "password": passwords["handler"]})["token"]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\n"
                f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
        _, answer, _ = self.http(second, "/api/v1/attachments", data=body, expect=201, headers={
            "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        attachment = json.loads(answer)["id"]
        today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 - 30 * 86400))
        case = self.json_call(first, "/api/v1/cases", token=token, expect=201, payload={
            "case_number": f"镜像检查〔2026〕{uuid.uuid4().hex[:6]}号", "title": "某公司销售不合格产品案",
            "decision_type": "administrative_penalty", "party": {"type": "legal_person", "name": "某某贸易有限公司"},
            "proposed_decision": "罚款十五万元。", "fine_amount": 150000, "filed_on": today,
            "materials": [{"name": "调查终结报告", "category": "investigation_report", "attachment_ids": [attachment]}]})
        again = self.json_call(second, f"/api/v1/cases/{case['id']}", token=token)
        if again["status"] != "awaiting_acceptance" or not again["open_tasks"]:
            raise CheckFailed(f"the submitted case reads back as {again['status']}")
        return case["id"]

    def backup_while_serving(self) -> Path:
        """Runbook "Back up": the tar stream of `backup -` into a file the host's shell writes."""
        backups = self.work / "backups"
        backups.mkdir()
        archive = backups / "backup.tar"
        with archive.open("wb") as out:
            result = subprocess.run([*ENGINE, "run", "--rm", "--network=host", "-e", f"DATABASE_URL={self.url(self.database)}",
                                     "-v", f"{self.volumes[0]}:/data/attachments", self.image, "backup", "-"],
                                    stdout=out, stderr=subprocess.PIPE)
        self.outputs.append(("backup", "stderr", result.stderr.decode(errors="replace")))
        if result.returncode or archive.stat().st_size < 1000:
            raise CheckFailed(f"backup: exit {result.returncode}, {archive.stat().st_size} bytes\n{result.stderr.decode()}")
        with archive.open("rb") as stream:  # a database that is not empty is refused, and left as it was
            refused = self.engine("exec", "-i", f"{self.prefix}-worker", "/app/docker/entrypoint.sh", "restore", "-",
                                  step="restore refused", stdin=stream, expect=1, scan=False)
        if b"not empty" not in refused.stderr:
            raise CheckFailed(f"restore into a database with tables: {refused.stderr.decode()}")
        return archive

    def restore_as_the_runbook_says(self, archive: Path) -> None:
        """Runbook "Restore": services stopped, the damaged database renamed, an empty one created, restore,
        verify, migrate. The attachments go into a fresh volume, so every file must come from the backup."""
        self.psql(f'ALTER DATABASE "{self.database}" RENAME TO "{self.database}_damaged"')
        self.psql(f'CREATE DATABASE "{self.database}"')
        with archive.open("rb") as stream:
            self.run("restore", "restore", "-", volume=self.volumes[1], extra=["-i"], stdin=stream)
        out = self.run("verify", "verify", volume=self.volumes[1]).stdout.decode()
        if "1 cases checked, 0 broken" not in out or "1 files checked, 0 missing or changed" not in out:
            raise CheckFailed(f"verify after restore:\n{out}")
        self.run("migrate after restore", "migrate", volume=self.volumes[1])

    def serve_the_restored_case(self, passwords: dict, case_id: int) -> None:
        """Runbook step 5: a web node on the restored database and volume serves the case and its file."""
        port = self.ports[0]
        self.start("restored-web", "web", volume=self.volumes[1], extra=["-e", f"REVIEW_WEB_BIND=127.0.0.1:{port}"])
        self.wait_until_serving([port])
        if self.json_call(port, "/readyz")["status"] != "ready":
            raise CheckFailed("the restored database is not ready after migrate")
        token = self.json_call(port, "/api/v1/auth/login", {"username": "handler", "password": passwords["handler"]})["token"]
        case = self.json_call(port, f"/api/v1/cases/{case_id}", token=token)
        attachments = [a["id"] for material in case["materials"] for a in material["attachments"]]
        if len(attachments) != 1:
            raise CheckFailed(f"the restored case has {len(attachments)} attachments, not 1")
        _, content, _ = self.http(port, f"/api/v1/attachments/{attachments[0]}", headers={"Authorization": f"Bearer {token}"})
        if content != PDF:
            raise CheckFailed("the restored attachment differs from the uploaded file")

    def stop_services(self, names: list[str]) -> None:
        for name in names:
            self.engine("stop", "-t", "30", name, step=f"stop {name}", scan=False)
            logs = self.engine("logs", name, step=f"logs {name}", scan=False)
            self.outputs.append((name, "stderr", logs.stdout.decode(errors="replace") + logs.stderr.decode(errors="replace")))
        worker_log = "".join(text for step, _, text in self.outputs if step.endswith("-worker"))
        if names and names[-1].endswith("-worker") and "stopped after" not in worker_log:
            raise CheckFailed("the worker did not log its orderly stop")

    def scan_outputs(self) -> None:
        """Every stderr line a JSON event below ERROR; no traceback or error anywhere."""
        problems = []
        for step, stream, text in self.outputs:
            for line in text.splitlines():
                if not line.strip():
                    continue
                if stream == "stderr":
                    try:
                        event = json.loads(line)
                    except ValueError:
                        problems.append(f"{step}: not a JSON log line: {line[:300]}")
                        continue
                    if event.get("level") in ("ERROR", "CRITICAL") or "exception" in event:
                        problems.append(f"{step}: {line[:500]}")
                elif BAD_OUTPUT.search(line):
                    problems.append(f"{step} ({stream}): {line[:300]}")
        if problems:
            raise CheckFailed("error lines in the logs:\n" + "\n".join(problems[:40]))
        self.say(f"{sum(len(t.splitlines()) for _, s, t in self.outputs if s == 'stderr')} log lines, all JSON, none an error")

    def cleanup(self) -> None:
        for name in self.containers:
            subprocess.run([*ENGINE, "rm", "-f", name], capture_output=True)
        for volume in self.volumes:
            subprocess.run([*ENGINE, "volume", "rm", "-f", volume], capture_output=True)
        try:
            self.drop_databases()
        except CheckFailed as exc:
            print(f"cleanup: {exc}", file=sys.stderr)
        shutil.rmtree(self.work, ignore_errors=True)

    def main(self) -> None:
        try:
            self.say("databases and volumes")
            self.prepare()
            self.say("migrate, seed-demo")
            passwords = self.migrate_and_seed()
            self.say("two web nodes and a worker")
            self.start_services()
            self.say("/healthz, /readyz, /metrics on both nodes; the worker's health check")
            self.check_probes()
            self.say("page login on one node, its session on the other")
            self.page_login_shared_by_both_nodes(passwords)
            self.say("API login, upload, submitted case")
            case_id = self.submit_a_case(passwords)
            self.say("backup while serving; restore refused into a database that is not empty")
            archive = self.backup_while_serving()
            self.say("stop the web nodes and the worker")
            self.stop_services(list(self.containers))
            self.say("runbook restore: rename, empty database, restore, verify, migrate")
            self.restore_as_the_runbook_says(archive)
            self.say("a web node on the restored database serves the case and its file")
            self.serve_the_restored_case(passwords, case_id)
            self.stop_services([f"{self.prefix}-restored-web"])
            self.scan_outputs()
        finally:
            self.cleanup()
        self.say(f"image-check passed: {self.image}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="localhost/review-service:latest")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432",
                        help="server URL without a database; the check creates and drops its own databases")
    parser.add_argument("--database", default="review_image_check")
    parser.add_argument("--ports", default="5171,5172", help="the two web nodes' ports (host network)")
    args = parser.parse_args()
    try:
        ImageCheck(args).main()
    except CheckFailed as exc:
        print(f"image-check FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
