"""schemathesis hooks for the hoso-portal conformance run.

Binary bodies: tus chunks (`application/offset+octet-stream`) are random
bytes; admin catalog bundles (`application/gzip`) are gzip files of random
bytes or plain junk, so both the bundle checks and the gzip reader are hit.

Bearer operations get the run's access token (schemathesis.toml); this file
keeps it usable. `POST /v1/auth/logout` revokes the session it is called
with, so each logout that carries the run's token gets a session of its
own, logged in just before. `POST /v1/admin/clock/advance` moves the portal
clock past the token's 15 minutes, so after one the next bearer request
logs in again (as does any request 10 real minutes after the last login).
`GET /v1/team/dossiers` is for an approved team leader, which the run's
citizen is not: its requests that carry the run's token carry a leader's
instead (a volunteer registered and approved on first use), so its 200
answers are checked too. Requests that carry another token (or none, for
the auth checks) are left alone.
"""

import gzip
import os
import threading
import time

import portal_client
import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
schemathesis.openapi.media_type(
    "application/gzip", st.binary(max_size=2048).map(gzip.compress) | st.binary(max_size=256)
)


def _from_second_address(log_in):
    """`log_in` from 127.0.0.2 when loopback allows it: the login throttle
    counts failures per client IP, and the fuzzed logins fail from
    127.0.0.1."""
    try:
        return log_in(source=("127.0.0.2", 0))
    except RuntimeError:
        return log_in(source=None)


def _login() -> str:
    """A fresh session of the run's account."""
    return _from_second_address(portal_client.login)


class _Session:
    """The access token bearer requests carry in place of the run's first one."""

    def __init__(self, log_in):
        self.log_in = log_in
        self.lock = threading.Lock()
        self.token = None
        self.since = 0.0

    def token_now(self) -> str:
        with self.lock:
            if self.token is None or time.monotonic() - self.since > 600:
                self.token = _from_second_address(self.log_in)
                self.since = time.monotonic()
            return self.token

    def clock_moved(self):
        with self.lock:
            self.token = None


_SESSION = _Session(portal_client.login)
_LEADER = _Session(portal_client.leader)


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    run_token = "Bearer " + os.environ["HOSO_CONFORMANCE_TOKEN"]
    if not case.headers or case.headers.get("Authorization") != run_token:
        return
    if case.operation.method.upper() == "POST" and case.operation.path == "/v1/auth/logout":
        case.headers["Authorization"] = "Bearer " + _login()
    elif case.operation.path == "/v1/team/dossiers":
        case.headers["Authorization"] = "Bearer " + _LEADER.token_now()
    else:
        case.headers["Authorization"] = "Bearer " + _SESSION.token_now()


@schemathesis.hook
def after_call(ctx, case, response):
    if case.operation.path == "/v1/admin/clock/advance" and response.status_code == 200:
        _SESSION.clock_moved()
        _LEADER.clock_moved()
