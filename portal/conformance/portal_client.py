"""The few portal calls the conformance run makes itself: wait for health,
register the accounts, log in. Retries what the API says to retry (429, 500,
503, a dropped connection), so the run also works against a server with
fault injection; a registration answered 409 already exists (a 5xx may come
after the commit).

`python portal_client.py setup` prints the run account's access token.
`leader()` makes a volunteer the commune approved as its team's leader (the
team list needs one; the run's account is a citizen) and answers its token.
Environment: HOSO_CONFORMANCE_URL, HOSO_CONFORMANCE_PHONE,
HOSO_CONFORMANCE_PASSWORD, HOSO_CONFORMANCE_ADMIN_TOKEN.
"""

import http.client
import json
import os
import sys
import time
import urllib.parse

RETRIED = {429, 500, 503}


def _request(method, path, body=None, source=None, token=None):
    url = urllib.parse.urlsplit(os.environ["HOSO_CONFORMANCE_URL"])
    for attempt in range(50):
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=source)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if token is not None:
                headers["Authorization"] = "Bearer " + token
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
            continue
        finally:
            connection.close()
        if response.status in RETRIED:
            time.sleep(min(float(response.getheader("Retry-After") or 0.1), 2.0))
            continue
        return response.status, payload
    raise RuntimeError(f"conformance: {method} {path} kept failing")


def login(source=None, phone=None):
    """A fresh access token of the run's account (or of `phone`'s, with the
    run's password)."""
    status, payload = _request(
        "POST",
        "/v1/auth/login",
        {
            "phone": phone or os.environ["HOSO_CONFORMANCE_PHONE"],
            "password": os.environ["HOSO_CONFORMANCE_PASSWORD"],
        },
        source,
    )
    if status != 200:
        raise RuntimeError(f"conformance: login answered {status}: {payload[:200]!r}")
    return json.loads(payload)["access_token"]


def register(phone, password, full_name, kind="citizen", **extra):
    status, payload = _request(
        "POST",
        "/v1/accounts",
        {"kind": kind, "phone": phone, "password": password, "full_name": full_name, **extra},
    )
    if status not in (201, 409):
        raise RuntimeError(f"conformance: registration answered {status}: {payload[:200]!r}")
    return json.loads(payload) if status == 201 else None


# The leader's phone: like the run's, one the fuzzer will not guess.
LEADER_PHONE = "0398765433"


def leader(source=None):
    """An access token of a volunteer approved as its team's leader,
    registered and approved (through the admin API) on first use."""
    created = register(
        LEADER_PHONE,
        os.environ["HOSO_CONFORMANCE_PASSWORD"],
        "Hồ Thị Lan",
        kind="volunteer",
        volunteer={
            "team": "Tổ công nghệ số cộng đồng phường Trường Vinh",
            "province": "Nghệ An",
            "commune": "Phường Trường Vinh",
        },
    )
    if created is not None:
        status, payload = _request(
            "POST",
            f"/v1/admin/volunteers/{created['id']}/approve",
            {"role": "leader"},
            token=os.environ["HOSO_CONFORMANCE_ADMIN_TOKEN"],
        )
        if status != 200:
            raise RuntimeError(f"conformance: approval answered {status}: {payload[:200]!r}")
    return login(source, phone=LEADER_PHONE)


def setup():
    deadline = time.monotonic() + 30
    while _request("GET", "/v1/health")[0] != 200:
        if time.monotonic() > deadline:
            raise SystemExit("conformance: /v1/health never answered 200")
        time.sleep(0.1)
    # The spec's example citizen, so the spec's login example logs in.
    register("0912345678", "khai-sinh-2026!", "Nguyễn Văn An", email="nguyenvanan@example.vn")
    register(os.environ["HOSO_CONFORMANCE_PHONE"], os.environ["HOSO_CONFORMANCE_PASSWORD"], "Lê Thị Hoa")
    print(login())


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    setup()
