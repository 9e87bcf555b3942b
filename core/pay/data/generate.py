#!/usr/bin/env python3
"""Builds hoso's table of Vietnam's banks by their NAPAS BIN
(core/pay/data/banks.tsv) from a pinned npm package.

Source: `vietnam-qr-pay` 1.5.1 (MIT, xuannghia), an encoder and decoder of
VietQR payloads whose package ships the banks VietQR names, each with its
6-digit BIN (the acquirer / beneficiary bank id of tag 38), short name and
full Vietnamese name, in `dist/constants/banks.js`. The file is read as
text here (never run); see README.md beside this file.

Usage:
  python3 core/pay/data/generate.py               # download, check, write
  python3 core/pay/data/generate.py --tarball T   # use a tarball already here
  python3 core/pay/data/generate.py --check       # fail if banks.tsv differs

Needs python3 (3.9+) and npm (its `npm pack` downloads the tarball, whose
SHA-256 is checked before anything in it is read); nothing is installed.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "banks.tsv")

PACKAGE = "vietnam-qr-pay"
PACKAGE_VERSION = "1.5.1"
TARBALL = "vietnam-qr-pay-1.5.1.tgz"
TARBALL_SHA256 = "c70224cc8c5440ac775cac01f56a0655e36b3528307d624ebe727493cb451c6c"
MEMBER = "package/dist/constants/banks.js"
LICENSE_MEMBER = "package/LICENSE"

# Entries the package keeps for a BIN that another, current entry also
# has: the bank renamed, the old name kept beside the new one. Each is
# dropped, and the generator fails if one of these no longer shares its BIN
# with the entry named (the source changed: look again).
#   DongA Bank (970406) became Vikki Bank in 2025; the package keeps DongA
#   Bank, receive-only, beside Vikki Bank and does not mark it deprecated.
SUPERSEDED = {"DONG_A_BANK": "VIKKI"}

# What 1.5.1 gives, so a newer source that drops or adds banks is noticed.
EXPECTED_BANKS = 58

FIELD = re.compile(r"^\s*(key|name|bin|shortName|vietQRStatus|deprecated):\s*(.*?),?\s*$")


def fail(message):
    sys.exit(f"generate.py: {message}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def download(into):
    path = os.path.join(into, TARBALL)
    if not os.path.exists(path):
        subprocess.run(
            ["npm", "pack", "--silent", "--pack-destination", into, f"{PACKAGE}@{PACKAGE_VERSION}"],
            check=True, stdout=subprocess.DEVNULL,
        )
    return path


def read_tarball(path):
    if sha256(path) != TARBALL_SHA256:
        fail(f"{path}: SHA-256 is not the pinned {TARBALL_SHA256}")
    with tarfile.open(path, "r:gz") as tar:
        banks = tar.extractfile(MEMBER)
        licence = tar.extractfile(LICENSE_MEMBER)
        if banks is None or licence is None:
            fail(f"{path}: no {MEMBER} or {LICENSE_MEMBER}")
        return banks.read().decode("utf-8"), licence.read().decode("utf-8")


def js_string(value, what):
    """The text of a single-quoted JavaScript literal (no escapes expected)."""
    m = re.fullmatch(r"'([^'\\]*)'", value)
    if not m:
        fail(f"{what}: {value!r} is not a plain string literal")
    return m.group(1)


def parse(source):
    """The entries of `exports.BanksObject`, each a dict of the fields read."""
    start = source.find("exports.BanksObject = {")
    end = source.find("exports.Banks = Object.values(exports.BanksObject);")
    if start < 0 or end < 0:
        fail(f"{MEMBER}: BanksObject not found (the file's shape changed)")
    entries, current = [], None
    for line in source[start:end].splitlines()[1:]:
        if re.match(r"^\s*\[bank_key_1\.BankKey\.[A-Z0-9_]+\]: \{\s*$", line):
            if current is not None:
                fail(f"{MEMBER}: an entry opens inside another")
            current = {}
            continue
        if re.match(r"^\s*\},?\s*$", line):
            if current is None:
                fail(f"{MEMBER}: a closing brace outside an entry")
            entries.append(current)
            current = None
            continue
        if current is None:
            if line.strip() in ("", "};"):
                continue
            fail(f"{MEMBER}: unexpected line {line.strip()!r}")
        m = FIELD.match(line)
        if not m:
            continue  # code, lookupSupported, swiftCode, keywords: not kept
        field, value = m.groups()
        if field in current:
            fail(f"{MEMBER}: {field} twice in one entry")
        current[field] = value
    if current is not None:
        fail(f"{MEMBER}: the last entry is not closed")
    return entries


def clean(text, what, max_chars, normalised):
    """`text` in NFC (the source writes a few names decomposed: counted in
    `normalised`), checked for control characters, spaces and length."""
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        normalised.append(what)
        text = nfc
    if any(unicodedata.category(c).startswith("C") for c in text):
        fail(f"{what} {text!r}: control or format character")
    if not text or text != text.strip() or "  " in text:
        fail(f"{what} {text!r}: empty or stray spaces")
    if len(text) > max_chars:
        fail(f"{what} {text!r}: longer than {max_chars} characters")
    return text


def build(entries):
    """(bin, short name, full name) rows, sorted by BIN, one per BIN."""
    by_key = {}
    for e in entries:
        key = e.get("key", "")
        m = re.fullmatch(r"bank_key_1\.BankKey\.([A-Z0-9_]+)", key)
        if not m:
            fail(f"entry key {key!r} is not a BankKey")
        if m.group(1) in by_key:
            fail(f"entry {m.group(1)} twice")
        by_key[m.group(1)] = e
    kept, dropped, normalised = {}, [], []
    for key, e in by_key.items():
        for field in ("name", "bin", "shortName", "vietQRStatus"):
            if field not in e:
                fail(f"{key}: no {field}")
        bin_ = js_string(e["bin"], f"{key} bin")
        if e.get("deprecated") == "true":
            dropped.append(f"{key} (deprecated)")
            continue
        if bin_ == "":
            if e["vietQRStatus"] != "VietQRStatus.NOT_SUPPORTED":
                fail(f"{key}: no BIN but VietQR status {e['vietQRStatus']}")
            dropped.append(f"{key} (no BIN, not in VietQR)")
            continue
        if key in SUPERSEDED:
            newer = by_key.get(SUPERSEDED[key])
            if newer is None or js_string(newer["bin"], f"{SUPERSEDED[key]} bin") != bin_:
                fail(f"{key}: listed as superseded by {SUPERSEDED[key]}, which no longer has BIN {bin_}")
            dropped.append(f"{key} (superseded by {SUPERSEDED[key]})")
            continue
        if not re.fullmatch(r"[0-9]{6}", bin_):
            fail(f"{key}: BIN {bin_!r} is not 6 digits")
        if bin_ in kept:
            fail(f"BIN {bin_}: both {kept[bin_][0]} and {key}")
        short = clean(js_string(e["shortName"], f"{key} shortName"), f"{key} short name", 40, normalised)
        name = clean(js_string(e["name"], f"{key} name"), f"{key} name", 120, normalised)
        kept[bin_] = (key, short, name)
    if len(kept) != EXPECTED_BANKS:
        fail(f"{len(kept)} banks, not the expected {EXPECTED_BANKS}")
    rows = [(b, short, name) for b, (_, short, name) in sorted(kept.items())]
    return rows, dropped, normalised


def render(rows):
    lines = [
        "# hoso bank table: Vietnam's banks by NAPAS BIN (VietQR tag 38, beneficiary bank id).",
        f"# Source: {PACKAGE} {PACKAGE_VERSION} (npm, MIT, xuannghia), {MEMBER}.",
        "# Written by core/pay/data/generate.py: do not edit by hand (README.md beside it).",
        "bin\tshort_name\tname",
    ]
    lines += ["\t".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tarball", help="the pinned tarball, already downloaded")
    ap.add_argument("--check", action="store_true", help="fail if banks.tsv is not what this writes")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, licence = read_tarball(args.tarball or download(tmp))
    if not licence.startswith("MIT License"):
        fail("the package's LICENSE is no longer the MIT licence")
    rows, dropped, normalised = build(parse(source))
    text = render(rows)
    print(f"{len(rows)} banks; left out: {', '.join(sorted(dropped))}")
    if normalised:
        print(f"normalised to NFC: {', '.join(normalised)}")
    if args.check:
        with open(OUT, "rb") as f:
            if f.read() != text:
                fail(f"{OUT} is not what the generator writes: regenerate it")
        print(f"{os.path.relpath(OUT)} is up to date")
        return
    with open(OUT, "wb") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
