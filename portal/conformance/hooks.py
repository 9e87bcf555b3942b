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
import http.client
import json
import os
import urllib.parse

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
schemathesis.openapi.media_type(
    "application/gzip", st.binary(max_size=2048).map(gzip.compress) | st.binary(max_size=256)
)


def _login() -> str:
    """A fresh session of the run's account.

    Sent from 127.0.0.2 when loopback allows it: the login throttle counts
    failures per client IP, and the fuzzed logins fail from 127.0.0.1.
    """
    url = urllib.parse.urlsplit(os.environ["HOSO_CONFORMANCE_URL"])
    body = json.dumps(
        {
            "phone": os.environ["HOSO_CONFORMANCE_PHONE"],
            "password": os.environ["HOSO_CONFORMANCE_PASSWORD"],
        }
    )
    headers = {"Content-Type": "application/json"}
    for source in (("127.0.0.2", 0), None):
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=source)
        try:
            connection.request("POST", "/v1/auth/login", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except OSError:
            if source is None:
                raise
            continue
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"conformance login answered {response.status}: {payload[:200]!r}")
        return json.loads(payload)["access_token"]
    raise RuntimeError("unreachable")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.operation.method.upper() != "POST" or case.operation.path != "/v1/auth/logout":
        return
    run_token = "Bearer " + os.environ["HOSO_CONFORMANCE_TOKEN"]
    if case.headers and case.headers.get("Authorization") == run_token:
        case.headers["Authorization"] = "Bearer " + _login()
