"""A bounded fuzz pass over the API's own OpenAPI description (schemathesis on Hypothesis):
every operation gets generated requests, valid and invalid, sent over loopback to the app
served by uvicorn as an admin; any 5xx answer is a finding, printed with the request.

    python -m bench.fuzz --seconds 300 --examples 25      # `make fuzz`

The app runs on a throw-away SQLite data directory with a little content (a unit, a meeting
with a transcript and a draft, a tracked task) so that small ids hit real rows. Tracking jobs
run inline; pipeline jobs (transcription) are not started. tests/test_fuzz.py runs a short
pass in the test suite.
"""

import argparse
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Calls that would end the fuzzer's own session, or stream for an hour.
SKIP = {
    ("POST", "/api/auth/logout"),
    ("DELETE", "/api/auth/tokens/{token_id}"),
    ("PATCH", "/api/users/{user_id}"),
    ("GET", "/api/jobs/{job_id}/events"),
    ("GET", "/api/tracking/jobs/{tracking_job_id}/events"),
}


@dataclass
class Report:
    operations: int = 0
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # "METHOD path → status: body"
    seconds: float = 0.0
    left_out: list[str] = field(default_factory=list)  # not reached within the time bound

    def summary(self) -> str:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"{self.operations} operations, {self.requests} requests in {self.seconds:.0f} s "
            f"({codes}); {len(self.failures)} 5xx; {len(self.left_out)} operations not reached"
        )


def run(seconds: float = 60.0, examples: int = 10, data_dir: Path | None = None) -> Report:
    """Fuzz every operation until `seconds` have passed; returns what was sent and found."""
    with tempfile.TemporaryDirectory(prefix="ketluan-fuzz-") as tmp:
        app, token = _app(Path(data_dir or tmp))
        with _serve(app) as url:
            return _fuzz(app, url, {"Authorization": f"Bearer {token}"}, seconds, examples)


def _fuzz(app, url: str, auth: dict, seconds: float, examples: int) -> Report:
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis.errors import Unsatisfiable

    schema = schemathesis.openapi.from_dict(app.openapi())
    report, started = Report(), time.monotonic()
    operations = [
        (m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops if (m.upper(), p) not in SKIP
    ]
    session = requests.Session()
    for n, (method, path) in enumerate(operations):
        if time.monotonic() - started > seconds:
            report.left_out = [f"{m} {p}" for m, p in operations[n:]]
            break
        report.operations += 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = schema[path][method].as_strategy(generation_mode=mode)

            @given(strategy)
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
                phases=_phases(),
                verbosity=Verbosity.quiet,
            )
            def send(case) -> None:
                try:
                    r = case.call(base_url=url, headers=auth, session=session, timeout=60)
                except requests.RequestException as exc:  # the server dropped the connection
                    report.failures.append(f"{case.method} {case.formatted_path} → {type(exc).__name__}")
                    return
                report.requests += 1
                report.statuses[r.status_code] = report.statuses.get(r.status_code, 0) + 1
                if r.status_code >= 500:
                    report.failures.append(
                        f"{case.method} {case.formatted_path} query={case.query} "
                        f"body={str(case.body)[:200]!r} → {r.status_code}: {r.text[:300]}"
                    )

            try:
                send()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                continue
    report.seconds = time.monotonic() - started
    return report


def _phases():
    from hypothesis import Phase

    return [Phase.explicit, Phase.generate]  # no shrinking: a 5xx is recorded, not raised


def _app(root: Path):
    """The app on a fresh SQLite database, with an admin and a little content; (app, token)."""
    import db
    from api import create_app
    from db import accounts
    from ketluan.settings import Settings

    settings = Settings(data_dir=root, api_docs="admin")
    app = create_app(settings, send=lambda job_id, stage: None)
    engine = app.state.engine

    def send(job_id: int, stage: str) -> None:  # tracking imports and exports run at once
        if stage == "tracking":
            from services import tracking_jobs

            tracking_jobs.run(engine, settings, job_id)

    app.state.send = send
    with db.session(engine) as s:
        admin = accounts.create_user(s, "quantri", "fuzz-Mat-khau-9", "admin")
        token = accounts.issue_token(s, admin, "api", None, label="fuzz")
        _content(s, app.state.store)
    return app, token


def _content(s, store) -> None:
    from datetime import date

    import db
    from db import accounts
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask
    from transcribe import AudioInfo, Segment, Transcript

    unit = accounts.ensure_unit(s, "VP", "Văn phòng")
    accounts.create_user(s, "vanthu", "fuzz-Mat-khau-9", "van_thu", "VP")
    meeting = db.Meeting(unit_id=unit.id, title="Họp giao ban", date=date(2026, 8, 20))
    s.add(meeting)
    s.flush()
    t = Transcript(AudioInfo(duration=2.0), [Segment(0, 0.0, 2.0, "Giao Sở Tài chính báo cáo trước ngày 30/9/2026.")])
    s.add(db.TranscriptVersion(meeting_id=meeting.id, version=1, source="asr", data=t.to_dict()))
    notice = ParsedNotice(
        "1-TB/VP",
        date(2026, 8, 25),
        [ParsedTask("Báo cáo tiến độ giải ngân", "Sở Tài chính", deadline_kind="co_han", due=date(2026, 9, 30))],
    )
    imports.confirm(s, imports.preview(s, [notice], unit.id).id)


class _serve:
    """uvicorn on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        import socket

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="critical"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="time bound (default 300)")
    parser.add_argument("--examples", type=int, default=25, help="requests per operation and mode")
    args = parser.parse_args()
    report = run(args.seconds, args.examples)
    print(report.summary())
    for failure in report.failures:
        print("5xx:", failure)
    raise SystemExit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
