"""Every route × every role, generated from the app's routes, so a new endpoint cannot escape.

Each route must declare its roles with `Depends(Allow(...))` (api/deps.py) unless it is in
PUBLIC. A role outside the rule gets 403, an anonymous caller 401, and a role inside it
anything but 401/403.
"""

import uuid

import pytest
from fastapi.routing import APIRoute

import db
from api.deps import Allow
from tests.service_fixtures import ROLE_NAMES
from tests.tracking_helpers import tracking_params

PUBLIC = {("GET", "/api/health"), ("POST", "/api/auth/login")}
FRAMEWORK = {"/openapi.json", "/docs", "/docs-assets", "/static"}


def api_routes(routes) -> list[APIRoute]:
    """All APIRoutes, looking inside included routers (FastAPI ≥ 0.160 keeps them nested)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(api_routes(route.original_router.routes))
    return found


def rule_of(route: APIRoute) -> Allow | None:
    stack, rules = list(route.dependant.dependencies), []
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            rules.append(dep.call)
        stack.extend(dep.dependencies)
    assert len(rules) <= 1, f"{route.path}: several role rules {rules}"
    return rules[0] if rules else None


def test_every_route_has_a_role_rule_or_is_public(pg_stack):
    app = pg_stack.api.app
    routes = api_routes(app.routes)
    operations = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    walked = {(m, r.path) for r in routes for m in r.methods}
    assert operations <= walked, f"routes the walk missed: {operations - walked}"
    unguarded = [
        (sorted(r.methods), r.path)
        for r in routes
        if rule_of(r) is None and not {(m, r.path) for m in r.methods} <= PUBLIC
    ]
    assert unguarded == [], f"routes with no Allow(...) rule: {unguarded}"
    assert len(routes) >= 25


def test_matrix_every_route_every_role(pg_stack):
    stack = pg_stack
    routes = [r for r in api_routes(stack.api.app.routes) if r.path not in FRAMEWORK]
    checked = 0
    with stack.client() as c:
        for route in routes:
            rule = rule_of(route)
            for method in sorted(route.methods - {"HEAD"}):
                for role in (None, *ROLE_NAMES):
                    path = route.path.format(**_params(stack))  # a fresh meeting per call
                    headers = _fresh_auth(stack, role) if role else {}  # logout revokes
                    r = c.request(method, path, headers=headers, json=_body(method))
                    where = f"{method} {route.path} as {role or 'anonymous'}: {r.status_code}"
                    if rule is None:
                        assert r.status_code not in (401, 403), where
                    elif role is None:
                        assert r.status_code == 401, where
                        assert r.json()["detail"]["code"] == "unauthorized", where
                    elif role in rule.roles:
                        assert r.status_code not in (401, 403), f"{where} {r.text[:300]}"
                    else:
                        assert r.status_code == 403, where
                        assert "Vai trò" in r.json()["detail"]["message"], where
                    checked += 1
    assert checked >= 25 * 6


# The voiceprint registry: read by whoever handles meetings' speakers, changed by drafters.
VOICEPRINT_RULES = {
    ("GET", "/api/speakers"): {"admin", "van_thu", "tong_hop"},
    ("POST", "/api/speakers"): {"admin", "tong_hop"},
    ("DELETE", "/api/speakers/{speaker_id}"): {"admin", "tong_hop"},
    ("GET", "/api/voiceprints"): {"admin", "van_thu", "tong_hop"},
    ("DELETE", "/api/voiceprints/{voiceprint_id}"): {"admin", "tong_hop"},
    ("POST", "/api/speakers/{speaker_id}/voiceprints"): {"admin", "tong_hop"},
    ("POST", "/api/meetings/{meeting_id}/speakers/{label}/voiceprint"): {"admin", "tong_hop"},
    ("PATCH", "/api/meetings/{meeting_id}/transcript"): {"admin", "tong_hop"},  # rename can enrol
}


def test_voiceprint_routes_have_the_expected_roles(pg_stack):
    routes = api_routes(pg_stack.api.app.routes)
    found = {(m, r.path): set(rule_of(r).roles) for r in routes for m in r.methods if (m, r.path) in VOICEPRINT_RULES}
    assert {k: found.get(k) for k in VOICEPRINT_RULES} == VOICEPRINT_RULES


def test_units_only_see_their_own_meetings(pg_stack):
    stack = pg_stack
    params = _params(stack)
    with stack.client() as c:
        for role in ROLE_NAMES:
            if role == "admin":
                continue
            h = {"Authorization": f"Bearer {stack.other_unit_tokens[role]}"}
            r = c.get(f"/api/meetings/{params['meeting_id']}", headers=h)
            assert r.status_code == 404, (role, r.text)
            r = c.get(f"/api/meetings/{params['meeting_id']}/drafts/1", headers=h)
            assert r.status_code in (403, 404), (role, r.text)
        r = c.get(f"/api/meetings/{params['meeting_id']}", headers=stack.auth("admin"))
        assert r.status_code == 200


@pytest.fixture(autouse=True)
def _quiet_sender(pg_stack):
    """Retry/generate calls in the matrix must not queue real work for the shared worker.
    Tracking imports and exports (small, on the cpu queue) do go: the GET export addresses
    wait for their file."""
    app = pg_stack.api.app
    real = app.state.send
    app.state.send = lambda job_id, stage: real(job_id, stage) if stage == "tracking" else None
    yield
    app.state.send = real


def _params(stack) -> dict:
    """A meeting of unit VP-UBND with audio, a failed job, a transcript and a draft."""
    from db import accounts
    from transcribe import AudioInfo, Segment, Transcript

    store = stack.api.app.state.store
    with db.session(stack.engine) as s:
        unit = s.query(db.Unit).filter_by(code="VP-UBND").one()
        audio = db.AudioFile(
            sha256=uuid.uuid4().hex * 2,
            size=4,
            duration=1.0,
            format="wav",
            storage_path="x",
            original_name="a.wav",
        )
        s.add(audio)
        s.flush()
        meeting = db.Meeting(unit_id=unit.id, title="Họp thử quyền", audio_id=audio.id)
        s.add(meeting)
        s.flush()
        job = db.Job(meeting_id=meeting.id, audio_id=audio.id, state=db.FAILED, log=[], error_message="thử")
        transcript = Transcript(AudioInfo(duration=1.0), [Segment(0, 0.0, 1.0, "Xin chào")])
        s.add(db.TranscriptVersion(meeting_id=meeting.id, version=1, source="asr", data=transcript.to_dict()))
        path = store.root / "authz.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")
        s.add(
            db.DraftVersion(
                meeting_id=meeting.id,
                version=1,
                source="uploaded",
                sha256="0",
                size=2,
                storage_path="authz.docx",
            )
        )
        s.add(job)
        speaker = db.Speaker(unit_id=unit.id, name="Người Thử Quyền")
        s.add(speaker)
        s.flush()
        voiceprint = db.Voiceprint(speaker_id=speaker.id, model="m", dim=1, vector=b"\0\0\x80?")
        s.add(voiceprint)
        s.flush()
        ids = {"meeting_id": meeting.id, "job_id": job.id, "version": 1, "fmt": "txt", "unit_id": unit.id}
        ids |= {"speaker_id": speaker.id, "voiceprint_id": voiceprint.id, "label": "S1"}
        other = s.query(db.User).filter_by(username="lanh_dao.vp-tu").one()  # the matrix sends {}: unchanged
        accounts.issue_token(s, other, "api", None, label="authz")
        token = s.query(db.AuthToken).filter_by(user_id=other.id).order_by(db.AuthToken.id.desc()).first()
        ids |= {"user_id": other.id, "token_id": token.id}
    return ids | tracking_params(stack.engine, store)  # task_id, import_id, ... (tracking routes)


def _fresh_auth(stack, role: str) -> dict[str, str]:
    from db import accounts

    with db.session(stack.engine) as s:
        user = s.query(db.User).filter_by(username=f"{role}.vp-ubnd").one()
        return {"Authorization": f"Bearer {accounts.issue_token(s, user, 'session', 1)}"}


def _body(method: str):
    return {} if method in ("POST", "PATCH", "PUT") else None


def test_api_docs_load_nothing_from_the_network(pg_stack):
    import re

    with pg_stack.client() as c:
        assert c.get("/docs").status_code == 401  # settings.api_docs = "admin" by default
        assert c.get("/openapi.json").status_code == 401
        c.headers.update(pg_stack.auth("admin"))
        page = c.get("/docs")
        assert page.status_code == 200
        assert re.findall(r"https?://", page.text) == [], "a CDN URL in /docs"
        for asset in re.findall(r"(/docs-assets/[\w.-]+)", page.text):
            assert c.get(asset).status_code == 200, asset
        assert c.get("/openapi.json").json()["info"]["title"] == "ketluan"
