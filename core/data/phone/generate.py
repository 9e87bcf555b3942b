#!/usr/bin/env python3
"""Builds hoso's table of Vietnam's numbering plan
(core/forms/src/validate/phone/plan.rs) and the test fixture of numbers with
libphonenumber's verdict (core/data/phone/verdicts.tsv) from a pinned PyPI
package.

Source: `phonenumbers` 9.0.43 (Apache-2.0, David Drysdale's Python port of
Google's libphonenumber), whose wheel ships `phonenumbers/data/region_VN.py`
(Vietnam's metadata: a regular expression per kind of number). The mobile,
fixed-line and other patterns are expanded here into plain prefixes, so the
Rust side never parses a regular expression. See README.md beside this file.

Usage:
  python3 core/data/phone/generate.py              # download, check, write
  python3 core/data/phone/generate.py --wheel W    # use a wheel already here
  python3 core/data/phone/generate.py --check      # fail if what is committed differs

Needs python3 (3.9+) and pip; no other package (the wheel is pure Python and
is imported from the zip file itself, after its SHA-256 is checked).
"""

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PLAN = os.path.join(ROOT, "core", "forms", "src", "validate", "phone", "plan.rs")
VERDICTS = os.path.join(HERE, "verdicts.tsv")

PACKAGE = "phonenumbers"
PACKAGE_VERSION = "9.0.43"
WHEEL = "phonenumbers-9.0.43-py2.py3-none-any.whl"
WHEEL_SHA256 = "349bc799f15e010e35bd2c7d28149950ae74479cb1e11fb054ed9a95ecb4b437"

# The blocks the national numbering plan reserves for mobile numbers
# (national form with the trunk 0, 10 digits): 03, 05, 07, 08 and 09 since
# the 11 -> 10 digit conversion of 2018 (Circular 22/2014/TT-BTTTT as
# amended; Decision 798/QĐ-BTTTT). libphonenumber lists what is allocated
# inside them; a number in a block but outside its list is accepted with a
# warning, so a newly allocated prefix never locks anyone out.
MOBILE_BLOCKS = ["03", "05", "07", "08", "09"]
MOBILE_LENGTH = 10

# The fixture: how many numbers of each shape, and the seed.
SEED = 2100
SAMPLES = [
    # (count, leading digits to choose from, digits after them)
    (1500, ["03", "05", "07", "08", "09"], 8),  # the mobile blocks, 10 digits
    (600, ["0"], 9),  # any 10-digit national number
    (500, ["02"], 9),  # landline shape, 11 digits
    (200, ["01"], 8),  # 10 digits starting 01 (a few are mobile)
]


def fail(message):
    sys.exit(f"generate.py: {message}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def download(into):
    path = os.path.join(into, WHEEL)
    if not os.path.exists(path):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
             "--python-version", "3.12", "-d", into, f"{PACKAGE}=={PACKAGE_VERSION}"],
            check=True,
        )
    return path


def load(wheel):
    """The `phonenumbers` module from the checked wheel (zip import)."""
    if sha256(wheel) != WHEEL_SHA256:
        fail(f"{wheel}: SHA-256 is not the pinned {WHEEL_SHA256}")
    sys.path.insert(0, wheel)
    import phonenumbers  # noqa: E402 (from the wheel just put first)

    if phonenumbers.__version__ != PACKAGE_VERSION:
        fail(f"imported phonenumbers {phonenumbers.__version__}, not {PACKAGE_VERSION}")
    if not os.path.abspath(phonenumbers.__file__).startswith(os.path.abspath(wheel)):
        fail(f"phonenumbers was imported from {phonenumbers.__file__}, not the wheel")
    return phonenumbers


# --- expanding libphonenumber's patterns -----------------------------------
#
# The patterns use a small subset of regular expressions: digits, \d,
# [classes] with ranges, (?:groups) with |, and {n} / {n,m} counts. A
# pattern becomes a list of sequences, each a tuple of digit sets, one per
# position; anything else in a pattern stops the generator.

DIGITS = frozenset("0123456789")


class Parser:
    def __init__(self, text):
        self.text, self.i = text, 0

    def peek(self):
        return self.text[self.i] if self.i < len(self.text) else None

    def take(self, expected=None):
        c = self.peek()
        if c is None or (expected is not None and c != expected):
            fail(f"pattern {self.text!r}: expected {expected!r} at {self.i}")
        self.i += 1
        return c

    def alternation(self):
        options = self.sequence()
        while self.peek() == "|":
            self.take("|")
            options = options + self.sequence()
        return options

    def sequence(self):
        result = [()]
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            low, high = self.count()
            repeated = []
            for n in range(low, high + 1):
                seqs = [()]
                for _ in range(n):
                    seqs = [a + b for a in seqs for b in atom]
                repeated += seqs
            result = [a + b for a in result for b in repeated]
        return result

    def atom(self):
        c = self.take()
        if c.isdigit():
            return [(frozenset(c),)]
        if c == "\\":
            if self.take() != "d":
                fail(f"pattern {self.text!r}: only \\d is understood")
            return [(DIGITS,)]
        if c == "[":
            chosen = set()
            while self.peek() != "]":
                a = self.take()
                if self.peek() == "-":
                    self.take("-")
                    b = self.take()
                    chosen |= {str(d) for d in range(int(a), int(b) + 1)}
                else:
                    chosen.add(a)
            self.take("]")
            if not chosen <= DIGITS:
                fail(f"pattern {self.text!r}: a class with non-digits")
            return [(frozenset(chosen),)]
        if c == "(":
            self.take("?")
            self.take(":")
            inner = self.alternation()
            self.take(")")
            return inner
        fail(f"pattern {self.text!r}: {c!r} is not understood")

    def count(self):
        if self.peek() != "{":
            return 1, 1
        self.take("{")
        spec = ""
        while self.peek() != "}":
            spec += self.take()
        self.take("}")
        low, _, high = spec.partition(",")
        return int(low), int(high or low)


def expand(pattern):
    """{(national prefix with the trunk 0, length with the 0)} for a pattern."""
    p = Parser(pattern)
    seqs = p.alternation()
    if p.peek() is not None:
        fail(f"pattern {pattern!r}: unparsed from {p.i}")
    found = set()
    for seq in seqs:
        fixed = list(seq)
        while fixed and fixed[-1] == DIGITS:
            fixed.pop()
        prefixes = [""]
        for digits in fixed:
            prefixes = [a + d for a in prefixes for d in sorted(digits)]
        found |= {("0" + a, len(seq) + 1) for a in prefixes}
    return minimal(found)


def minimal(prefixes):
    """The same set of numbers with the fewest prefixes: ten siblings become
    their parent, and a prefix inside another is dropped."""
    items = set(prefixes)
    changed = True
    while changed:
        changed = False
        for prefix, length in sorted(items):
            parent = prefix[:-1]
            if len(parent) < 2:
                continue
            siblings = {(parent + d, length) for d in "0123456789"}
            if siblings <= items:
                items = (items - siblings) | {(parent, length)}
                changed = True
                break
    return sorted(
        (p, n) for p, n in items
        if not any(q != p and m == n and p.startswith(q) for q, m in items)
    )


def matches(prefixes, number):
    return any(len(number) == n and number.startswith(p) for p, n in prefixes)


# --- the table ----------------------------------------------------------------

def build(pn):
    meta = pn.PhoneMetadata.metadata_for_region("VN")
    if meta is None or meta.country_code != 84 or meta.national_prefix != "0":
        fail("no VN metadata with country code 84 and trunk prefix 0")
    mobile = expand(meta.mobile.national_number_pattern)
    landline = expand(meta.fixed_line.national_number_pattern)
    for prefix, length in mobile:
        in_block = any(prefix.startswith(b) for b in MOBILE_BLOCKS)
        if in_block and length != MOBILE_LENGTH:
            fail(f"mobile prefix {prefix}: length {length} inside a mobile block")
        if not in_block and not prefix.startswith("01"):
            fail(f"mobile prefix {prefix}: outside the blocks {MOBILE_BLOCKS} and 01")
    for prefix, length in landline:
        if not prefix.startswith("02") or length != 11:
            fail(f"landline prefix {prefix} ({length} digits): not 11 digits in 02")
    for block in MOBILE_BLOCKS:
        if not any(p.startswith(block) for p, _ in mobile):
            fail(f"block {block}: libphonenumber allocates nothing in it")
    # Every expansion agrees with libphonenumber itself on the first and
    # last number of each prefix.
    for prefixes, kind in ((mobile, pn.PhoneNumberType.MOBILE),
                           (landline, pn.PhoneNumberType.FIXED_LINE)):
        for prefix, length in prefixes:
            for fill in "09":
                n = prefix + fill * (length - len(prefix))
                if pn.number_type(pn.parse(n, "VN")) != kind:
                    fail(f"{n}: libphonenumber does not call it {kind}")
    return meta, mobile, landline


def render(meta, mobile):
    blocks = ", ".join(f'"{b}"' for b in MOBILE_BLOCKS)
    mobile_rows = "".join(f'    ("{p}", {n}),\n' for p, n in mobile)
    return (
        "//! Vietnam's numbering plan as libphonenumber describes it: the blocks\n"
        "//! the plan reserves for mobile numbers and the prefixes allocated to\n"
        "//! mobile, in the national form with the trunk 0. (Landlines need no\n"
        "//! table: all of them start with 02.)\n"
        "//!\n"
        f"//! Generated by `core/data/phone/generate.py` from `{PACKAGE}` {PACKAGE_VERSION}\n"
        "//! (PyPI, Apache-2.0), Vietnam's metadata expanded from its patterns to\n"
        "//! prefixes. Do not edit: change the generator and run it.\n"
        "//!\n"
        "//! Mobile pattern:\n"
        f"//! `{meta.mobile.national_number_pattern}`\n"
        "\n"
        "/// The blocks the plan reserves for mobile numbers; a number in one has\n"
        "/// [`MOBILE_LENGTH`] digits.\n"
        "pub(super) const MOBILE_BLOCKS: [&str; %d] = [%s];\n" % (len(MOBILE_BLOCKS), blocks)
        + "\n"
        "/// The length of a mobile number in a block, the trunk 0 included.\n"
        f"pub(super) const MOBILE_LENGTH: usize = {MOBILE_LENGTH};\n"
        "\n"
        "/// Prefixes allocated to mobile numbers, with the number's length.\n"
        "pub(super) const MOBILE: [(&str, usize); %d] = [\n%s];\n" % (len(mobile), mobile_rows)
    ).encode("utf-8")


# --- the fixture --------------------------------------------------------------

def verdict(pn, number):
    try:
        parsed = pn.parse(number, "VN")
    except pn.NumberParseException:
        return "invalid"
    if not pn.is_valid_number_for_region(parsed, "VN"):
        return "invalid"
    kind = pn.number_type(parsed)
    names = {
        pn.PhoneNumberType.MOBILE: "mobile",
        pn.PhoneNumberType.FIXED_LINE: "fixed_line",
        pn.PhoneNumberType.TOLL_FREE: "toll_free",
        pn.PhoneNumberType.PREMIUM_RATE: "premium_rate",
        pn.PhoneNumberType.VOIP: "voip",
        pn.PhoneNumberType.UAN: "uan",
    }
    if kind not in names:
        fail(f"a VN number of type {kind}: not expected")
    return names[kind]


def fixture(pn, mobile, landline):
    rng = random.Random(SEED)
    numbers = []
    for count, leads, rest in SAMPLES:
        for _ in range(count):
            lead = leads[rng.randrange(len(leads))]
            numbers.append(lead + "".join(str(rng.randrange(10)) for _ in range(rest)))
    lines = [
        f"# {len(numbers)} numbers (seed {SEED}) and libphonenumber's verdict "
        f"({PACKAGE} {PACKAGE_VERSION}, region VN).",
        "# Written by core/data/phone/generate.py; read by core/forms/tests/phone_plan.rs.",
    ]
    counts = {}
    for n in numbers:
        v = verdict(pn, n)
        # The expanded table says the same as libphonenumber on each.
        if (v == "mobile") != matches(mobile, n):
            fail(f"{n}: libphonenumber says {v}, the mobile table disagrees")
        if (v == "fixed_line") != matches(landline, n):
            fail(f"{n}: libphonenumber says {v}, the landline table disagrees")
        counts[v] = counts.get(v, 0) + 1
        lines.append(f"{n}\t{v}")
    return ("\n".join(lines) + "\n").encode("utf-8"), counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", help="the pinned wheel, already downloaded")
    ap.add_argument("--check", action="store_true", help="fail if the committed files are not what this writes")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pn = load(args.wheel or download(tmp))
        meta, mobile, landline = build(pn)
        plan = render(meta, mobile)
        verdicts, counts = fixture(pn, mobile, landline)
    in_blocks = [p for p, _ in mobile if any(p.startswith(b) for b in MOBILE_BLOCKS)]
    print(f"{PACKAGE} {PACKAGE_VERSION}: {len(mobile)} mobile prefixes "
          f"({len(in_blocks)} in the blocks {', '.join(MOBILE_BLOCKS)}), "
          f"{len(landline)} landline prefixes")
    print("fixture: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())))
    outputs = [(PLAN, plan), (VERDICTS, verdicts)]
    if args.check:
        for path, data in outputs:
            with open(path, "rb") as f:
                if f.read() != data:
                    fail(f"{os.path.relpath(path)} is not what the generator writes: regenerate it")
            print(f"{os.path.relpath(path)} is up to date")
        return
    for path, data in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print(f"wrote {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
