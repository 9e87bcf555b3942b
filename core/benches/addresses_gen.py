#!/usr/bin/env python3
"""Writes the address picker's query set (core/benches/addresses.tsv) from
the units table's real names, before any engine ran on it.

Each line: query<TAB>expected code<TAB>kind[<TAB>province scope code].
The expected code is a province's 2-digit code (kind `province`) or a new
commune-level unit's 5-digit code; for a former unit, the default new unit
it became part of. Queries are phrased as people type: without diacritics
or with some, unit-type words and their abbreviations, a word typed
halfway, one typo, the province after the commune, extra spaces, case.

A name is asked for without a province only when it names one unit in the
whole country (folded: no diacritics, đ/d, y/i, case); names shared by
several units are asked with the province typed after them or with the
province chosen (scope). Deterministic (fixed seed): rerunning writes the
same file. Standard library only.

Usage: core/benches/addresses_gen.py [units.tsv] > core/benches/addresses.tsv
(default input: gunzip of core/data/units/units.tsv.gz).
"""

import collections
import gzip
import os
import random
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "data", "units", "units.tsv.gz")
PER_PROVINCE = 1  # queries of each commune kind per province


def fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    s = s.lower().replace("y", "i").replace("'", "").replace("\u2019", "")
    s = "".join(c if c.isalnum() else " " for c in s)
    return " ".join(s.split())


def plain(s):
    """Diacritics off, đ → d, case kept: what a phone without a Vietnamese
    keyboard types."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    provinces, communes, fprov, fdist, fcomm = {}, [], {}, {}, []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = line.rstrip("\n").split("\t")
            if r[0] == "P":
                provinces[r[1]] = (r[2], r[3])
            elif r[0] == "C":
                communes.append({"code": r[1], "prov": r[2], "kind": r[3], "name": r[4]})
            elif r[0] == "p":
                fprov[r[1]] = {"kind": r[2], "name": r[3], "now": r[4]}
            elif r[0] == "d":
                fdist[r[1]] = {"prov": r[2], "kind": r[3], "name": r[4]}
            elif r[0] == "c":
                succ = r[5].split(",")
                default = next((s.rstrip("*") for s in succ if s.endswith("*")), succ[0])
                fcomm.append(
                    {"code": r[1], "dist": r[2], "kind": r[3], "name": r[4], "default": default}
                )
    return provinces, communes, fprov, fdist, fcomm


ABBREV = {"Phường": ["P.", "P", "p.", "p", "F."], "Xã": ["X.", "x.", "X", "x"], "Đặc khu": ["ĐK", "dk"]}
KIND_PLAIN = {"Phường": "phuong", "Xã": "xa", "Đặc khu": "dac khu", "Thị trấn": "thi tran"}
PROVINCE_TYPED = {
    "Hồ Chí Minh": ["hcm", "tp hcm", "tp.hcm", "ho chi minh", "Hồ Chí Minh"],
    "Hà Nội": ["ha noi", "hà nội", "HN", "tp ha noi"],
}


# Written by hand: well-known units and the ways people reach them.
HAND = [
    ("ben nghe", "26740", "former"),
    ("phuc xa", "00097", "former"),
    ("tt dong anh", "00466", "former"),
    ("huyen con dao", "26732", "former"),
    ("p ben thanh", "26743", "abbreviation"),
    ("dac khu phu quoc", "31078", "abbreviation"),
    ("dk con dao", "26732", "abbreviation"),
    ("ba dinh ha noi", "00004", "with-province"),
    ("ba dinh thanh hoa", "16171", "with-province"),
    ("hai chau da nang", "20242", "with-province"),
    ("ninh kieu can tho", "31135", "with-province"),
    ("hai chau", "20242", "scoped", "48"),
    ("hai chau", "17419", "scoped", "40"),
    ("sai gon", "26740", "no-diacritics"),
    ("thu duc", "26824", "no-diacritics"),
    ("cau giay", "00166", "no-diacritics"),
    ("PHUONG CAU GIAY", "00166", "exact"),
    ("Phường  Tân   Định", "26737", "type-word"),
    ("xa tan dinh", "22576", "type-word"),
    ("TP.HCM", "79", "province"),
    ("tphcm", "79", "province"),
    ("thanh pho ha noi", "01", "province"),
]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else TABLE
    provinces, communes, fprov, fdist, fcomm = read(path)
    rnd = random.Random(2025)
    new_names = collections.Counter(fold(c["name"]) for c in communes)
    prov_names = {fold(n) for _, n in provinces.values()}
    former_names = collections.Counter(fold(c["name"]) for c in fcomm)
    by_prov = collections.defaultdict(list)
    for c in communes:
        by_prov[c["prov"]].append(c)
    code_of_commune = {c["code"]: c for c in communes}
    out = []

    def add(query, code, kind, scope=""):
        q = query.replace("\t", " ")
        out.append("\t".join([q, code, kind] + ([scope] if scope else [])))

    def unique(c):
        k = fold(c["name"])
        return new_names[k] == 1 and k not in prov_names

    def prefix_unique(prefix, code):
        """No other new unit or province has a proper name starting with
        `prefix` (folded, by words)."""
        p = fold(prefix)
        hits = [c["code"] for c in communes if fold(c["name"]).startswith(p)]
        hits += [k for k, (_, n) in provinces.items() if fold(n).startswith(p)]
        return hits == [code]

    def typo(word):
        """One edit: a swap of two neighbours, a letter dropped, or one
        doubled, never the first letter."""
        w = list(word)
        i = rnd.randrange(1, len(w) - 1)
        how = rnd.choice(["swap", "drop", "double"])
        if how == "swap" and w[i] != w[i + 1]:
            w[i], w[i + 1] = w[i + 1], w[i]
        elif how == "drop":
            del w[i]
        else:
            w.insert(i, w[i])
        return "".join(w)

    for pcode in sorted(provinces):
        pkind, pname = provinces[pcode]
        units = sorted(by_prov[pcode], key=lambda c: c["code"])
        uniq = [c for c in units if unique(c)]
        rnd.shuffle(uniq)
        picks = iter(uniq)

        # exact: the official name as written.
        c = next(picks)
        add(f"{c['kind']} {c['name']}", c["code"], "exact")
        # no-diacritics: the proper name, lower case, nothing else.
        c = next(picks)
        add(plain(c["name"]).lower(), c["code"], "no-diacritics")
        # abbreviation: P. / X. / ĐK before the name.
        c = next(picks)
        a = rnd.choice(ABBREV[c["kind"]])
        sep = rnd.choice(["", " "]) if a.endswith(".") else " "
        add(f"{a}{sep}{plain(c['name'])}", c["code"], "abbreviation")
        # partial: typed until the name is the only one it can be.
        for c in picks:
            words = plain(c["name"]).lower().split()
            typed = None
            for n in range(2, len(" ".join(words))):
                cand = " ".join(words)[:n]
                if cand.endswith(" "):
                    continue
                if prefix_unique(cand, c["code"]) and len(cand) < len(" ".join(words)):
                    typed = cand
                    break
            if typed:
                add(typed, c["code"], "partial")
                break
        # typo: one edit in a word of 4 letters or more.
        for c in picks:
            words = plain(c["name"]).lower().split()
            long = [i for i, w in enumerate(words) if len(w) >= 4]
            if not long:
                continue
            i = rnd.choice(long)
            words[i] = typo(words[i])
            q = " ".join(words)
            if fold(q) in new_names or fold(q) in former_names or fold(q) == fold(c["name"]):
                continue
            add(q, c["code"], "typo")
            break
        # with-province: a name shared across provinces, the province typed after.
        shared = [
            c
            for c in units
            if new_names[fold(c["name"])] > 1
            and sum(1 for o in units if fold(o["name"]) == fold(c["name"])) == 1
        ]
        rnd.shuffle(shared)
        if shared:
            c = shared[0]
            ptyped = rnd.choice(PROVINCE_TYPED.get(pname, [plain(pname).lower(), pname, f"tinh {plain(pname).lower()}"]))
            if pkind == "Thành phố" and ptyped.startswith("tinh "):
                ptyped = "tp " + ptyped[5:]
            add(f"{plain(c['name']).lower()} {ptyped}", c["code"], "with-province")
        # scoped: a shared name, the province chosen in the picker.
        if len(shared) > 1:
            c = shared[1]
            add(plain(c["name"]).lower(), c["code"], "scoped", pcode)
        # province: the province itself as people type it.
        typed = rnd.choice(
            PROVINCE_TYPED.get(pname, [plain(pname).lower(), pname, f"{'tp' if pkind == 'Thành phố' else 'tinh'} {plain(pname).lower()}"])
        )
        add(typed, pcode, "province")

    # former: the commune on people's papers, named nowhere else, now part
    # of another unit (the default one when it was split).
    ffirst = collections.defaultdict(list)
    for c in fcomm:
        k = fold(c["name"])
        if former_names[k] == 1 and k not in new_names and k not in prov_names:
            prov_now = code_of_commune[c["default"]]["prov"]
            ffirst[prov_now].append(c)
    for pcode in sorted(provinces):
        cands = ffirst[pcode]
        rnd.shuffle(cands)
        for c in cands[:2]:
            style = rnd.choice(["plain", "kind", "abbr"])
            name = plain(c["name"]).lower()
            if style == "kind":
                q = f"{KIND_PLAIN[c['kind']]} {name}"
            elif style == "abbr":
                q = {"Phường": "p.", "Xã": "x.", "Thị trấn": "tt"}[c["kind"]] + " " + name
            else:
                q = name
            add(q, c["default"], "former")
    # former provinces, now part of another.
    for fcode in sorted(fprov):
        p = fprov[fcode]
        if p["now"] != fcode and fold(p["name"]) not in new_names and rnd.random() < 0.5:
            add(plain(p["name"]).lower(), p["now"], "former-province")

    # numbered wards: the three left after 2025, typed every way people do.
    for c in communes:
        if c["name"][0].isdigit():
            num, rest = c["name"].split(" ", 1)
            for q in [f"P{num} {plain(rest)}", f"phuong {num} {plain(rest).lower()}", f"Phường 0{num} {rest}"]:
                add(q, c["code"], "numbered")
    # numbered former wards where the province held only one of that number.
    numbered = collections.defaultdict(list)
    for c in fcomm:
        if c["kind"] == "Phường" and c["name"].isdigit():
            prov_now = code_of_commune[c["default"]]["prov"]
            numbered[(prov_now, int(c["name"]))].append(c)
    single = sorted(k for k, v in numbered.items() if len(v) == 1)
    rnd.shuffle(single)
    for (pcode, num) in single[:8]:
        c = numbered[(pcode, num)][0]
        q = rnd.choice([f"p{num}", f"phuong {num}", f"P.{num:02d}", f"phường {num}"])
        add(q, c["default"], "numbered", pcode)

    for line in HAND:
        add(*line)

    print("# The address picker's query set (core/benches/addresses_gen.py; docs/performance.md).")
    print("# query<TAB>expected code<TAB>kind[<TAB>province scope]")
    for line in out:
        print(line)


if __name__ == "__main__":
    main()
