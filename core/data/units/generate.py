#!/usr/bin/env python3
"""Builds hoso's bundled table of Vietnam's administrative units
(core/data/units/units.tsv.gz) from a pinned PyPI package.

Source: `vietnamadminunits` 1.0.4 (MIT, Tran Ngoc Minh Hieu), whose wheel
ships `data/dataset.db` (the 34 provinces and 3,321 commune-level units in
force since 1 July 2025, and the 63 provinces, their districts and communes
before it, with the statistics office's codes) and
`data/converter_2025.json` (each former commune -> the new unit(s) it became
part of, the default marked where it was split). See README.md beside this
file for what is checked and why.

Usage:
  python3 core/data/units/generate.py              # download, check, write
  python3 core/data/units/generate.py --wheel W    # use a wheel already here
  python3 core/data/units/generate.py --tsv OUT    # also write the plain text
  python3 core/data/units/generate.py --check      # fail if units.tsv.gz differs
  python3 core/data/units/generate.py --cross-check
      # also compare the new units with vietnam-provinces 2026.9.0 (GPL,
      # read only, nothing of it is written)

Needs python3 (3.9+) and pip; no other package.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "units.tsv.gz")

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
WHEEL = "vietnamadminunits-1.0.4-py3-none-any.whl"
WHEEL_SHA256 = "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"

CROSS_PACKAGE = "vietnam-provinces"
CROSS_VERSION = "2026.9.0"
CROSS_WHEEL = "vietnam_provinces-2026.9.0-py3-none-any.whl"
CROSS_SHA256 = "b5f3540a98937d38b9bebcbdb792fa4f5b9712737d41b05c7254beb2308ebcd1"

# The table's own version: the date the units are in force from, then
# hoso's revision of the table for that date. Bump the revision whenever
# the written table changes (a newer source, a fix).
TABLE_FORMAT = "1"
TABLE_VERSION = "2025-07-01.1"

EXPECTED = {
    "provinces": 34,
    "communes": 3321,
    "former_provinces": 63,
    "former_districts": 696,
    "former_communes": 10035,
}

# Unit words as the name starts with them (the official name is the word,
# a space, then the proper name). The source's own type columns disagree
# with the name in a few rows (e.g. "Phường Việt Hòa" typed "Xã"); the name
# is the official text, so the type is read from it.
PROVINCE_TYPES = ["Thành phố", "Tỉnh"]
COMMUNE_TYPES = ["Đặc khu", "Phường", "Xã"]
DISTRICT_TYPES = ["Thành phố", "Thị xã", "Quận", "Huyện"]
FORMER_COMMUNE_TYPES = ["Thị trấn", "Phường", "Xã"]


def keep(table, key, value, message):
    """Records `value` under `key`, failing with `message` when another is there."""
    if table.setdefault(key, value) != value:
        fail(message)


def fail(message):
    sys.exit(f"generate.py: {message}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def download(package, version, wheel, digest, into):
    path = os.path.join(into, wheel)
    if not os.path.exists(path):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
             "--python-version", "3.12", "-d", into, f"{package}=={version}"],
            check=True,
        )
    if sha256(path) != digest:
        fail(f"{wheel}: SHA-256 is not the pinned {digest}")
    return path


def split_type(name, types, what):
    """('Phường', 'Ba Đình') from 'Phường Ba Đình' (the unit word's case
    normalised: the source writes 'Thị Trấn', 'Thành Phố' in some rows)."""
    for t in types:
        if name.lower().startswith(t.lower() + " "):
            rest = name[len(t) + 1:]
            if not rest or rest != rest.strip() or "  " in rest:
                fail(f"{what} {name!r}: no proper name after the unit word")
            return t, rest
    fail(f"{what} {name!r}: does not start with one of {types}")


def clean(text, what):
    if text is None:
        fail(f"{what}: missing")
    if unicodedata.normalize("NFC", text) != text:
        fail(f"{what} {text!r}: not NFC")
    if any(c in text for c in "\t\r\n") or any(unicodedata.category(c).startswith("C") for c in text):
        fail(f"{what} {text!r}: control character")
    if text != text.strip() or "  " in text:
        fail(f"{what} {text!r}: stray spaces")
    return text


def code(value, width, what):
    if value is None or not re.fullmatch(r"[0-9]{%d}" % width, value):
        fail(f"{what}: code {value!r} is not {width} digits")
    return value


def read_source(wheel_path):
    with zipfile.ZipFile(wheel_path) as z:
        db_bytes = z.read("vietnamadminunits/data/dataset.db")
        converter = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "dataset.db")
        with open(db_path, "wb") as f:
            f.write(db_bytes)
        db = sqlite3.connect(db_path)
        new_rows = db.execute(
            "SELECT provinceCode, province, provinceKey, wardCode, ward, wardKey FROM admin_units"
        ).fetchall()
        old_rows = db.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtKey,"
            " wardCode, ward, wardKey FROM admin_units_legacy"
        ).fetchall()
        db.close()
    return new_rows, old_rows, converter


def build(new_rows, old_rows, converter):
    provinces = {}  # code -> (type, name)
    province_key = {}  # source key -> code
    communes = {}  # code -> (province, type, name)
    commune_key = {}  # (province key, ward key) -> code
    for p_code, p_name, p_key, w_code, w_name, w_key in new_rows:
        p_code = code(p_code, 2, "province")
        w_code = code(w_code, 5, "commune")
        p = split_type(clean(p_name, "province"), PROVINCE_TYPES, "province")
        keep(provinces, p_code, p, f"province {p_code}: two names")
        keep(province_key, p_key, p_code, f"province key {p_key}: two codes")
        if w_code in communes:
            fail(f"commune {w_code}: twice")
        communes[w_code] = (p_code,) + split_type(clean(w_name, "commune"), COMMUNE_TYPES, "commune")
        if (p_key, w_key) in commune_key:
            fail(f"commune key {p_key}/{w_key}: twice")
        commune_key[(p_key, w_key)] = w_code

    former_provinces = {}  # code -> (type, name)
    former_province_key = {}
    districts = {}  # code -> (province, type, name)
    former_communes = {}  # code -> (district, type, name)
    old_key = {}  # "province_district_ward" source key -> ("c", code) or ("d", code)
    for p_code, p_name, p_key, d_code, d_name, d_key, w_code, w_name, w_key in old_rows:
        p_code = code(p_code, 2, "former province")
        d_code = code(d_code, 3, "former district")
        p = split_type(clean(p_name, "former province"), PROVINCE_TYPES, "former province")
        keep(former_provinces, p_code, p, f"former province {p_code}: two names")
        keep(former_province_key, p_key, p_code, f"former province key {p_key}: two codes")
        d = (p_code,) + split_type(clean(d_name, "former district"), DISTRICT_TYPES, "former district")
        keep(districts, d_code, d, f"former district {d_code}: two names or provinces")
        key = f"{p_key}_{d_key}_{w_key or ''}"
        if key in old_key:
            fail(f"former key {key}: twice")
        if w_code is None:
            # An island district with no commune level (Bạch Long Vĩ, Cồn
            # Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): it maps as a whole.
            if w_name is not None:
                fail(f"former commune {w_name!r} without a code")
            old_key[key] = ("d", d_code)
            continue
        w_code = code(w_code, 5, "former commune")
        if w_code in former_communes:
            fail(f"former commune {w_code}: twice")
        former_communes[w_code] = (d_code,) + split_type(
            clean(w_name, "former commune"), FORMER_COMMUNE_TYPES, "former commune")
        old_key[key] = ("c", w_code)

    # Former province -> new province.
    province_now = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        if new_key not in province_key:
            fail(f"mapping names an unknown province {new_key}")
        for k in old_keys:
            if k not in former_province_key:
                fail(f"mapping names an unknown former province {k}")
            fp = former_province_key[k]
            if fp in province_now:
                fail(f"former province {fp} mapped twice")
            province_now[fp] = province_key[new_key]

    # Former commune (or communeless district) -> new communes, default first.
    successors = defaultdict(list)  # ("c"|"d", code) -> [(new code, default)]
    for new_p_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_w_key, olds in wards.items():
            target = commune_key.get((new_p_key, new_w_key))
            if target is None:
                fail(f"mapping names an unknown commune {new_p_key}/{new_w_key}")
            for k in olds:
                if k not in old_key:
                    fail(f"mapping names an unknown former unit {k}")
                successors[old_key[k]].append((target, None))
    for new_p_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for k, news in olds.items():
            if k not in old_key:
                fail(f"mapping names an unknown former unit {k}")
            for n in news:
                target = commune_key.get((new_p_key, n["newWardKey"]))
                if target is None:
                    fail(f"mapping names an unknown commune {new_p_key}/{n['newWardKey']}")
                successors[old_key[k]].append((target, bool(n["isDefaultNewWard"])))
    return (provinces, communes, former_provinces, province_now, districts,
            former_communes, old_key, successors)


def check(provinces, communes, former_provinces, province_now, districts,
          former_communes, old_key, successors):
    counts = {
        "provinces": len(provinces),
        "communes": len(communes),
        "former_provinces": len(former_provinces),
        "former_districts": len(districts),
        "former_communes": len(former_communes),
    }
    if counts != EXPECTED:
        fail(f"counts {counts} are not the expected {EXPECTED}")
    for c, (p, _, _) in communes.items():
        if p not in provinces:
            fail(f"commune {c}: province {p} unknown")
    for fp in former_provinces:
        if province_now.get(fp) not in provinces:
            fail(f"former province {fp}: not mapped to a province")
    for d, (p, _, _) in districts.items():
        if p not in former_provinces:
            fail(f"former district {d}: province {p} unknown")
    for w, (d, _, _) in former_communes.items():
        if d not in districts:
            fail(f"former commune {w}: district {d} unknown")
    for unit in old_key.values():
        targets = successors.get(unit)
        if not targets:
            fail(f"former unit {unit}: mapped to nothing")
        codes = [t for t, _ in targets]
        if len(set(codes)) != len(codes):
            fail(f"former unit {unit}: a target twice")
        if len(targets) > 1 and sum(1 for _, d in targets if d) != 1:
            fail(f"former unit {unit}: split without exactly one default")
        for t in codes:
            if t not in communes:
                fail(f"former unit {unit}: target {t} unknown")
        # The new unit is in the province the former one's province became.
        kind, c = unit
        district = c if kind == "d" else former_communes[c][0]
        now = province_now[districts[district][0]]
        for t in codes:
            if communes[t][0] != now:
                fail(f"former unit {unit}: target {t} outside province {now}")
    covered = {t for ts in successors.values() for t, _ in ts}
    if covered != set(communes):
        fail(f"{len(set(communes) - covered)} new communes have no former unit")
    types = Counter(t for _, t, _ in communes.values())
    return counts, types


def render(provinces, communes, former_provinces, province_now, districts,
           former_communes, old_key, successors):
    def targets(unit):
        ts = successors[unit]
        if len(ts) == 1:
            return ts[0][0]
        ordered = sorted(ts, key=lambda t: (not t[1], t[0]))
        return ",".join(t + ("*" if d else "") for t, d in ordered)

    island = {c: targets(("d", c)) for kind, c in old_key.values() if kind == "d"}
    lines = [
        f"hoso-units\t{TABLE_FORMAT}",
        f"version\t{TABLE_VERSION}",
        f"source\t{PACKAGE} {PACKAGE_VERSION} (PyPI, MIT)",
        "counts\t" + "\t".join(str(len(x)) for x in
                               (provinces, communes, former_provinces, districts, former_communes)),
    ]
    for c in sorted(provinces):
        lines.append("\t".join(("P", c) + provinces[c]))
    for c in sorted(communes, key=lambda c: (communes[c][0], c)):
        lines.append("\t".join(("C", c) + communes[c]))
    for c in sorted(former_provinces):
        lines.append("\t".join(("p", c) + former_provinces[c] + (province_now[c],)))
    for c in sorted(districts):
        lines.append("\t".join(("d", c) + districts[c] + (island.get(c, ""),)))
    for c in sorted(former_communes):
        lines.append("\t".join(("c", c) + former_communes[c] + (targets(("c", c)),)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def compress(text):
    buf = io.BytesIO()
    # mtime 0 and no file name: the same table gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buf, mtime=0) as g:
        g.write(text)
    return buf.getvalue()


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "d").replace("’", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def cross_check(communes, provinces, into):
    wheel = download(CROSS_PACKAGE, CROSS_VERSION, CROSS_WHEEL, CROSS_SHA256, into)
    with zipfile.ZipFile(wheel) as z:
        nested = json.loads(z.read("vietnam_provinces/data/nested-divisions.json"))
    other = {}
    other_p = {}
    for p in nested:
        other_p[f"{p['code']:02d}"] = p["name"]
        for w in p["wards"]:
            other[f"{w['code']:05d}"] = (f"{p['code']:02d}", w["name"])
    ours = {c: (p, f"{t} {n}") for c, (p, t, n) in communes.items()}
    problems = []
    if set(other_p) != set(provinces):
        problems.append(f"province codes differ: {sorted(set(other_p) ^ set(provinces))}")
    if set(other) != set(ours):
        problems.append(f"commune codes differ: {sorted(set(other) ^ set(ours))[:20]}")
    spelled = 0
    for c in sorted(set(other) & set(ours)):
        if other[c][0] != ours[c][0]:
            problems.append(f"commune {c}: province {ours[c][0]} here, {other[c][0]} there")
        elif other[c][1] != ours[c][1]:
            if fold(other[c][1]) != fold(ours[c][1]):
                problems.append(f"commune {c}: {ours[c][1]!r} here, {other[c][1]!r} there")
            else:
                spelled += 1
    print(f"cross-check with {CROSS_PACKAGE} {CROSS_VERSION}: {len(ours)} communes, "
          f"{spelled} spelled differently (tone mark placement, apostrophe, case), "
          f"{len(problems)} disagreements")
    for p in problems:
        print("  " + p)
    if problems:
        fail("cross-check failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", help="the pinned wheel, already downloaded")
    ap.add_argument("--tsv", help="also write the plain table here")
    ap.add_argument("--check", action="store_true", help="fail if units.tsv.gz is not what this writes")
    ap.add_argument("--cross-check", action="store_true", help=f"compare with {CROSS_PACKAGE} {CROSS_VERSION}")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.wheel:
            if sha256(args.wheel) != WHEEL_SHA256:
                fail(f"{args.wheel}: SHA-256 is not the pinned {WHEEL_SHA256}")
            wheel = args.wheel
        else:
            wheel = download(PACKAGE, PACKAGE_VERSION, WHEEL, WHEEL_SHA256, tmp)
        tables = build(*read_source(wheel))
        counts, types = check(*tables)
        if args.cross_check:
            cross_check(tables[1], tables[0], tmp)
    text = render(*tables)
    packed = compress(text)
    if args.tsv:
        with open(args.tsv, "wb") as f:
            f.write(text)
    links = sum(len(v) for v in tables[7].values())
    split = sum(1 for v in tables[7].values() if len(v) > 1)
    print(f"{counts['provinces']} provinces, {counts['communes']} communes "
          f"({', '.join(f'{n} {t}' for t, n in sorted(types.items()))}); "
          f"{counts['former_provinces']} former provinces, {counts['former_districts']} districts, "
          f"{counts['former_communes']} communes; {links} links, {split} former units split")
    print(f"table {TABLE_VERSION}: {len(text)} bytes as text, {len(packed)} bytes gzipped")
    if args.check:
        with open(OUT, "rb") as f:
            if f.read() != packed:
                fail(f"{OUT} is not what the generator writes: regenerate it")
        print(f"{os.path.relpath(OUT)} is up to date")
        return
    with open(OUT, "wb") as f:
        f.write(packed)
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
