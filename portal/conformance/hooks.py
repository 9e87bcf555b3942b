"""schemathesis hooks for the hoso-portal conformance run.

Binary bodies: tus chunks (`application/offset+octet-stream`) are random
bytes; admin catalog bundles (`application/gzip`) are gzip files of random
bytes or plain junk, so both the bundle checks and the gzip reader are hit.

`POST /v1/auth/logout` revokes the session of the token it is called with.
Every bearer operation gets the run's one access token (schemathesis.toml),
so each logout that carries it is switched to a session of its own, logged
in just before; the other operations keep working with the run's token.
"""

import gzip
import os

import portal_client
import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
schemathesis.openapi.media_type(
    "application/gzip", st.binary(max_size=2048).map(gzip.compress) | st.binary(max_size=256)
)


def _login() -> str:
    """A fresh session of the run's account, from 127.0.0.2 when loopback
    allows it: the login throttle counts failures per client IP, and the
    fuzzed logins fail from 127.0.0.1."""
    try:
        return portal_client.login(source=("127.0.0.2", 0))
    except RuntimeError:
        return portal_client.login()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.operation.method.upper() != "POST" or case.operation.path != "/v1/auth/logout":
        return
    run_token = "Bearer " + os.environ["HOSO_CONFORMANCE_TOKEN"]
    if case.headers and case.headers.get("Authorization") == run_token:
        case.headers["Authorization"] = "Bearer " + _login()
