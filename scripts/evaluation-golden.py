#!/usr/bin/python3
"""Golden figures for `mellm evaluate`, computed with scikit-learn (Debian: python3-sklearn).

    /usr/bin/python3 scripts/evaluation-golden.py <cases.json> test/fixtures/evaluation/golden.json

<cases.json> is what test/integration/evaluate-goldens.test.ts writes with
MELLM_EVALUATION_CASES=<cases.json>: the settings and, per labelled event, the label and the
model's reading. This script re-derives every figure independently of the TypeScript code:
the label rule (first alternative, `12?` present, `?` left out), the MEGC mapping, sklearn's
precision / recall / F1, UF1 (macro F1), UAR (macro recall), confusion matrices, numpy
quantiles, MEGC interval matching, and the seeded percentile bootstrap (mulberry32, the
same draws as src/main/corpus/evaluate/bootstrap.ts: every resample draws all labelled
events and each section scores the drawn events it covers; spotting draws its clips).
"""
import json
import math
import re
import sys

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support, recall_score
from sklearn.preprocessing import MultiLabelBinarizer

INTENSITIES = "ABCDE"
MEGC = ["negative", "positive", "surprise"]
MEGC_OF = {w: "negative" for w in ["disgust", "repression", "sadness", "fear", "anger", "contempt", "negative"]}
MEGC_OF.update({"happiness": "positive", "happy": "positive", "positive": "positive", "surprise": "surprise"})
CASME2 = ["happiness", "disgust", "repression", "surprise", "others"]
CASME2_OF = {"happiness": "happiness", "disgust": "disgust", "repression": "repression", "surprise": "surprise", "others": "others", "sadness": "others", "fear": "others"}
CODE = re.compile(r"^([LRU])?(\d+)([A-E])?(\?)?$")


def mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def random():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return random


def bootstrap(n, statistic, resamples, seed):
    """Percentile 95 % intervals of each statistic over resampled unit indices (NaN draws left out)."""
    if n == 0 or resamples == 0:
        return None
    random = mulberry32(seed)
    draws = None
    for _ in range(resamples):
        idx = [math.floor(random() * n) for _ in range(n)]
        stats = statistic(idx)
        if draws is None:
            draws = [[] for _ in stats]
        for m, s in enumerate(stats):
            if s is not None and math.isfinite(s):
                draws[m].append(s)
    return [(float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))) if d else None for d in draws]


def estimates(n, statistic, settings):
    values = statistic(list(range(n)))
    intervals = bootstrap(n, statistic, settings["resamples"], settings["seed"]) or [None] * len(values)
    out = []
    for v, iv in zip(values, intervals):
        finite = v is not None and math.isfinite(v)
        out.append({"value": float(v) if finite else None, "low": iv[0] if finite and iv else None, "high": iv[1] if finite and iv else None})
    return out


def label_aus(text, label_min):
    """The label rule: None for `?`, else (aus, sided keys, had alternatives, codes marked ?)."""
    text = text.strip()
    if text == "?":
        return None
    parts = text.split(" or ")
    aus, sided, uncertain = set(), set(), 0
    for code in filter(None, parts[0].split("+")):
        m = CODE.match(code.strip())
        if not m:
            raise SystemExit(f"this script reads plain codes only, not {code!r}")
        side, au, intensity, mark = m.groups()
        if label_min != "any" and intensity and INTENSITIES.index(intensity) < INTENSITIES.index(label_min):
            continue
        uncertain += 1 if mark else 0
        aus.add(int(au))
        sided.add(int(au) * 10 + {"L": 1, "R": 2}.get(side, 0))
    return aus, sided, len(parts) > 1, uncertain


def predicted_aus(prediction, pred_min):
    kept = [a for a in prediction["aus"] if INTENSITIES.index(a["intensity"]) >= INTENSITIES.index(pred_min)]
    return {a["au"] for a in kept}, {a["au"] * 10 + {"B": 0, "L": 1, "R": 2}[a["side"]] for a in kept}


def au_section(cases, settings):
    by_case, uncertain_labels, alternatives, uncertain_codes = [], 0, 0, 0
    for c in cases:
        read = label_aus(c["label"]["aus"], settings["labelMin"]) if c["prediction"] else None
        if c["prediction"] and read is None:
            uncertain_labels += 1
        if read is None:
            by_case.append(None)
            continue
        aus, sided, alt, unc = read
        alternatives += alt
        uncertain_codes += unc
        p_aus, p_sided = predicted_aus(c["prediction"], settings["predMin"])
        by_case.append((aus, p_aus, sided, p_sided))
    scored = [s for s in by_case if s is not None]
    keys = sorted({k for s in scored for k in s[0] | s[1]})

    def macro(rows, t, p):
        labels = sorted({k for r in rows for k in r[t] | r[p]})
        if not labels:
            return float("nan")
        mlb = MultiLabelBinarizer(classes=labels)
        return f1_score(mlb.fit_transform([r[t] for r in rows]), mlb.fit_transform([r[p] for r in rows]), average="macro", zero_division=0)

    def statistic(idx):
        rows = [by_case[i] for i in idx if by_case[i] is not None]
        present = {k for r in rows for k in r[0] | r[1]}
        out = [macro(rows, 0, 1), macro(rows, 2, 3)]
        if present:
            labels = sorted(present)
            mlb = MultiLabelBinarizer(classes=labels)
            _, _, f1, _ = precision_recall_fscore_support(mlb.fit_transform([r[0] for r in rows]), mlb.fit_transform([r[1] for r in rows]), average=None, zero_division=0)
            by = dict(zip(labels, f1))
        else:
            by = {}
        return out + [by.get(k, float("nan")) for k in keys]

    figures = estimates(len(cases), statistic, settings)
    mlb = MultiLabelBinarizer(classes=keys)
    truth, pred = mlb.fit_transform([s[0] for s in scored]), mlb.fit_transform([s[1] for s in scored])
    precision, recall, _, _ = precision_recall_fscore_support(truth, pred, average=None, zero_division=0)
    per_au = []
    for i, k in enumerate(keys):
        tp = int(((truth[:, i] == 1) & (pred[:, i] == 1)).sum())
        fp = int(((truth[:, i] == 0) & (pred[:, i] == 1)).sum())
        fn = int(((truth[:, i] == 1) & (pred[:, i] == 0)).sum())
        per_au.append({"au": k, "tp": tp, "fp": fp, "fn": fn, "precision": float(precision[i]), "recall": float(recall[i]), "f1": figures[2 + i]})
    return {"n": len(scored), "uncertainLabels": uncertain_labels, "alternatives": alternatives, "uncertainCodes": uncertain_codes, "macroF1": figures[0], "sideMacroF1": figures[1], "perAu": per_au}


def class_section(name, classes, pairs, settings):
    by_case = [(pair[0], pair[1] if pair[1] in classes else "none") if pair and pair[0] in classes else None for pair in pairs]
    units = [u for u in by_case if u is not None]
    excluded = sum(1 for pair in pairs if pair) - len(units)

    def statistic(idx):
        t = [by_case[i][0] for i in idx if by_case[i] is not None]
        p = [by_case[i][1] for i in idx if by_case[i] is not None]
        if not t:
            return [float("nan"), float("nan")]
        seen = [c for c in classes if c in t or c in p]
        return [f1_score(t, p, labels=seen, average="macro", zero_division=0), recall_score(t, p, labels=[c for c in classes if c in t], average="macro", zero_division=0)]

    uf1, uar = estimates(len(pairs), statistic, settings)
    t = [u[0] for u in units]
    p = [u[1] for u in units]
    matrix = confusion_matrix(t, p, labels=classes + ["none"])[: len(classes)]
    f1s = f1_score(t, p, labels=classes, average=None, zero_division=0)
    recalls = recall_score(t, p, labels=classes, average=None, zero_division=0)
    figures = []
    for i, c in enumerate(classes):
        support, predicted = t.count(c), p.count(c)
        figures.append({"label": c, "support": support, "predicted": predicted, "f1": float(f1s[i]) if support + predicted else None, "recall": float(recalls[i]) if support else None})
    return {"name": name, "n": len(units), "excluded": excluded, "classes": figures, "uf1": uf1, "uar": uar, "accuracy": float(accuracy_score(t, p)), "confusion": matrix.tolist()}


def timing_section(cases, settings):
    given = not_found = 0
    by_case = []
    for c in cases:
        p, label = c["prediction"], c["label"]
        by_case.append(None)
        if not p:
            continue
        if p["source"] == "user":
            given += 1
        elif p["source"] == "none" or p["apex"] is None or p["onset"] is None:
            not_found += 1
        else:
            apex = None if label["apex"] is None else abs(p["apex"] - label["apex"])
            onset = abs(p["onset"] - label["onset"])
            by_case[-1] = [apex, onset, None if apex is None else apex * 1000 / label["fps"], onset * 1000 / label["fps"]]
    errors = [e for e in by_case if e is not None]

    def statistic(idx):
        out = []
        for m in range(4):
            values = [by_case[i][m] for i in idx if by_case[i] is not None and by_case[i][m] is not None]
            out += [float(np.percentile(values, 50)), float(np.percentile(values, 90))] if values else [float("nan")] * 2
        return out

    figures = estimates(len(cases), statistic, settings)

    def figure(m):
        return {"n": sum(e[m] is not None for e in errors), "median": figures[2 * m], "p90": figures[2 * m + 1]}

    return {"spotted": len(errors), "givenFrames": given, "notFound": not_found, "apexFrames": figure(0), "onsetFrames": figure(1), "apexMs": figure(2), "onsetMs": figure(3)}


def match(truths, proposals):
    """MEGC: pairs with IoU ≥ 0.5, one-to-one, best IoU first."""
    pairs = []
    for i, t in enumerate(truths):
        for j, p in enumerate(proposals):
            inter = min(t[1], p[1]) - max(t[0], p[0]) + 1
            if inter > 0:
                iou = inter / ((t[1] - t[0] + 1) + (p[1] - p[0] + 1) - inter)
                if iou >= 0.5:
                    pairs.append((-iou, i, j))
    used_t, used_p = set(), set()
    for _, i, j in sorted(pairs):
        if i not in used_t and j not in used_p:
            used_t.add(i)
            used_p.add(j)
    return len(used_t)


def spotting_section(cases, settings):
    clips = {}
    for c in cases:
        label, p = c["label"], c["prediction"]
        clip = clips.setdefault(label["clipId"], {"truths": [], "proposals": {}, "spotted": False})
        clip["truths"].append((label["onset"], label["offset"]))
        if p and p["source"] in ("spotting", "none"):
            clip["spotted"] = True
            for iv in p["intervals"]:
                clip["proposals"][(iv["onset"], iv["offset"])] = True
    units = []
    for clip in clips.values():
        if clip["spotted"]:
            tp = match(clip["truths"], list(clip["proposals"]))
            units.append((tp, len(clip["proposals"]) - tp, len(clip["truths"]) - tp))

    def statistic(idx):
        tp, fp, fn = (sum(units[i][k] for i in idx) for k in range(3))
        return [tp / (tp + fp) if tp + fp else float("nan"), tp / (tp + fn) if tp + fn else float("nan"), 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")]

    precision, recall, f1 = estimates(len(units), statistic, settings)
    tp, fp, fn = (sum(u[k] for u in units) for k in range(3))
    return {"clips": len(units), "truths": tp + fn, "proposals": tp + fp, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def main():
    source, target = sys.argv[1], sys.argv[2]
    data = json.load(open(source))
    settings, cases = data["settings"], data["cases"]
    analysed = [c for c in cases if c["prediction"]]
    megc_pairs = [(MEGC_OF.get((c["label"]["emotion"] or "").lower()), (c["prediction"]["label3"] or "none").lower()) if c["prediction"] else None for c in cases]
    casme = [c for c in analysed if c["label"]["dataset"] == "casme2"]
    casme_pairs = [
        (CASME2_OF.get((c["label"]["emotion"] or "").lower()), CASME2_OF.get((c["prediction"]["emotion"] or "").lower(), "none")) if c["prediction"] and c["label"]["dataset"] == "casme2" else None for c in cases
    ]
    expected = {
        "labelled": len(cases),
        "analysed": len(analysed),
        "missingAnalysis": [c["label"]["eventId"] for c in cases if not c["prediction"] and not c.get("unreadable")],
        "aus": au_section(cases, settings),
        "megc": class_section("MEGC 3-class", MEGC, megc_pairs, settings),
        "datasetClasses": [class_section("CASME II 5-class", CASME2, casme_pairs, settings)] if casme else [],
        "timing": timing_section(cases, settings),
        "spotting": spotting_section(cases, settings),
    }
    with open(target, "w") as out:
        json.dump({"command": "/usr/bin/python3 scripts/evaluation-golden.py <cases.json> " + target, "settings": settings, "cases": cases, "expected": expected}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
