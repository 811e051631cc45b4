"""Watch the real network system calls of a process tree with strace.

Patching Python's `socket` misses native code (onnxruntime's telemetry resolves its
collector with glibc directly), so the network tests run the real command under
`strace -f` and read every connect/sendto/sendmsg/sendmmsg the kernel was asked for.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.service_fixtures import wait_for

TRACED = "connect,sendto,sendmsg,sendmmsg"
# Every IPv4/IPv6 socket address strace prints, whatever call or message holds it.
_SOCKADDR = re.compile(r"\{sa_family=(AF_INET6?),([^{}]*)\}")
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
_ADDR = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')
# Variables that make onnxruntime's telemetry keep quiet on CI machines (the list in its
# binary): removed, so a test run on CI sees what an office's server would do.
CI_MARKERS = (
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "CIRCLECI",
    "TRAVIS",
    "JENKINS_URL",
    "CODEBUILD_BUILD_ID",
    "BUILDKITE",
    "TEAMCITY_VERSION",
    "APPVEYOR",
    "BITBUCKET_BUILD_NUMBER",
)


def strace(log: Path) -> list[str]:
    """The command prefix that traces a process and all its children into `log`."""
    binary = shutil.which("strace")
    if binary is None:
        pytest.fail("strace is missing: apt-get install strace (make install-test installs it)")
    return [
        binary,
        "-f",
        "--seccomp-bpf",
        "-qq",
        "-e",
        f"trace={TRACED}",
        "-e",
        "signal=none",
        "-s",
        "48",
        "-o",
        str(log),
    ]


def office_env(env: dict[str, str]) -> dict[str, str]:
    """`env` as a careless office server might have it: no CI markers, and each of ketluan's
    offline switches turned the other way (telemetry on, hub online), which ketluan must
    override itself."""
    from ketluan.offline import OFFLINE_ENV

    flipped = {"1": "0", "0": "1", "true": "false", "false": "true"}
    office = {k: v for k, v in env.items() if k not in CI_MARKERS}
    office.update({k: flipped[v] for k, v in OFFLINE_ENV.items()})
    return office


def outside_calls(log: Path, allowed_ports: set[int]) -> list[str]:
    """Calls that reached for anything but loopback `allowed_ports` (the test's own Redis and
    PostgreSQL). A DNS query is one of them even to a resolver on loopback (port 53 is never
    allowed); AF_UNIX and netlink sockets stay on the machine and are not listed."""
    found = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        for _family, body in _SOCKADDR.findall(line):
            port = _PORT.search(body)
            addr = _ADDR.search(body)
            host = (addr.group(1) or addr.group(2)) if addr else "?"
            if not (_loopback(host) and port and int(port.group(1)) in allowed_ports):
                found.append(line.strip()[:300])
                break
    return found


def traced_child(strace_pid: int, timeout: float = 10) -> int:
    """The pid of the command strace started (strace's only direct child)."""
    children = Path(f"/proc/{strace_pid}/task/{strace_pid}/children")
    found = wait_for(lambda: children.read_text().split(), timeout, "strace to start its command", step=0.05)
    return int(found[0])


def _loopback(host: str) -> bool:
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")


def check_tracing_works(tmp: Path) -> None:
    """The trace catches a name lookup made by native code (glibc, not Python's socket), so a
    clean trace means something."""
    import subprocess
    import sys

    log = tmp / "probe.strace"
    code = "import ctypes; ctypes.CDLL(None).gethostbyname(b'mobile.events.data.microsoft.com')"
    subprocess.run([*strace(log), sys.executable, "-c", code], check=True, env=dict(os.environ), timeout=60)
    assert outside_calls(log, set()), log.read_text()
