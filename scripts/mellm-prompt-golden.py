#!/usr/bin/env python3
"""Golden MELLM prompts: the reference's prompt text for recorded ROI statistics.

This follows the formatting rules of the MELLM reference pipeline (zyzhangUstc/MELLM,
MELLM_pipeline/flow_feature.py `PROMPT` and `get_prompt`, roi_combine.py
`describe_flow_direction`, `roi_name_map` and the region order of `get_roi_flow`) with
Python's own number printing, so that the TypeScript prompt builder can be checked
against it byte for byte. Standard library only.

Input: a JSON file {"cases": [{"name": ..., "rois": [...]}, ...]} where each ROI is a
stored ROI report of the workstation: {"region": <our ROI name>, "stats": {"pixels",
"mean", "max", "concentration", "angle"}} (other fields are ignored). The statistics are
what the reference computes before it formats: the box's pixel count, the mean and max
flow magnitude, the concentration |sum of flow| / (sum of |flow| + 1e-12) and the angle of
the summed flow in degrees [0, 360) counter-clockwise from right with y up.

  python3 scripts/mellm-prompt-golden.py STATS.json --case NAME   # one prompt to stdout
  python3 scripts/mellm-prompt-golden.py STATS.json --out-dir DIR # DIR/<name>.txt for every case
"""
import argparse
import json
import math
import os
import sys

# The reference's template: the ROI lines go in {}, each ending in a newline, so an empty
# line stands before "Follow these steps".
PROMPT = """Based on the following information, analyze the facial action unit(s) and micro-expression:
{}
Follow these steps for the analysis:
### 1. Analyze ROIs (Regions of Interest) that are significantly related to facial micro-expressions:
* Provide a brief analysis for regions showing clear movement in **magnitude and/or direction**, and infer the associated Action Unit(s).
* For regions without significant movement, **no attention or analysis is required**.
* For regions with noticeable movement but unrelated to micro-expressions, provide only a brief note without further analysis.
### 2. Infer the micro-expression category from the overall movement pattern (descriptive reasoning):
* Based on the combined movement of all significant ROIs (direction and magnitude distribution), provide step-by-step causal/inductive reasoning that explains how local movements converge into a specific micro-expression conclusion.
### 3. **Summarize the AUs and the micro-expression ( Negative | Positive | Surprise ).**
"""

# The reference's regions in the order get_roi_flow builds them, with roi_name_map's text,
# and the workstation ROI each one is. The reference names sides as the image shows them
# (its "left" eye is on the image's left); the workstation names the subject's sides.
ROIS = [
    ("left_eye_down_left", "Left Lower Eyelid (Left Side)", "Right Lower Eyelid Outer"),
    ("left_eye_down_center", "Left Lower Eyelid (Center)", "Right Lower Eyelid Center"),
    ("left_eye_down_right", "Left Lower Eyelid (Right Side)", "Right Lower Eyelid Inner"),
    ("right_eye_down_left", "Right Lower Eyelid (Left Side)", "Left Lower Eyelid Inner"),
    ("right_eye_down_center", "Right Lower Eyelid (Center)", "Left Lower Eyelid Center"),
    ("right_eye_down_right", "Right Lower Eyelid (Right Side)", "Left Lower Eyelid Outer"),
    ("left_eye_upper_left", "Left Upper Eyelid (Left Side)", "Right Upper Eyelid Outer"),
    ("left_eye_upper_center", "Left Upper Eyelid (Center)", "Right Upper Eyelid Center"),
    ("left_eye_upper_right", "Left Upper Eyelid (Right Side)", "Right Upper Eyelid Inner"),
    ("right_eye_upper_left", "Right Upper Eyelid (Left Side)", "Left Upper Eyelid Inner"),
    ("right_eye_upper_center", "Right Upper Eyelid (Center)", "Left Upper Eyelid Center"),
    ("right_eye_upper_right", "Right Upper Eyelid (Right Side)", "Left Upper Eyelid Outer"),
    ("left_outer_brow", "Left Outer Eyebrow", "Right Outer Eyebrow"),
    ("left_inner_brow", "Left Inner Eyebrow", "Right Inner Eyebrow"),
    ("right_outer_brow", "Right Outer Eyebrow", "Left Outer Eyebrow"),
    ("right_inner_brow", "Right Inner Eyebrow", "Left Inner Eyebrow"),
    ("left_wing", "Left Nostril Wing", "Right Nasal Wing"),
    ("right_wing", "Right Nostril Wing", "Left Nasal Wing"),
    ("left_corner", "Left Mouth Corner", "Right Mouth Corner"),
    ("right_corner", "Right Mouth Corner", "Left Mouth Corner"),
    ("upper_78_90", "Upper Lip (Left Side)", "Upper Lip Right"),
    ("upper_80_91", "Upper Lip (Center)", "Upper Lip Center"),
    ("upper_82_92", "Upper Lip (Right Side)", "Upper Lip Left"),
    ("lower_96_87_88", "Lower Lip (Left Side)", "Lower Lip Right"),
    ("lower_94_85_84", "Lower Lip (Right Side)", "Lower Lip Left"),
    ("lower_95_86", "Lower Lip (Center)", "Lower Lip Center"),
    ("chin_17", "Chin", "Chin"),
    ("left_cheek", "Left Cheek", "Right Cheek"),
    ("right_cheek", "Right Cheek", "Left Cheek"),
]

OCTANT_CENTERS = [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0]
OCTANT_LABELS = ["right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right"]


def numpy_round(value, decimals):
    """round(np.float64(value), decimals): NumPy's rint(value * 10**d) / 10**d, halves to even.

    The reference rounds NumPy scalars (`round(mag.mean(), 3)`), which do not use Python's
    correctly rounded round(float, d): 0.0125 gives 0.012 here, 0.013 in plain Python.
    """
    if not math.isfinite(value):
        return value
    factor = 10.0 ** decimals
    scaled = value * factor
    return math.copysign(float(round(scaled)), scaled) / factor


def direction(mean, concentration, angle):
    """describe_flow_direction's text for the statistics of one ROI."""
    if mean < 1e-4:
        return f"No significant motion detected (mean magnitude ≈ {mean:.6g})."
    distances = [abs(((angle - centre + 180) % 360) - 180) for centre in OCTANT_CENTERS]
    label = OCTANT_LABELS[distances.index(min(distances))]  # np.argmin: the first minimum
    if concentration < 0.15:
        return (
            f"No clear dominant direction (motion is more isotropic or noisy; "
            f"mean magnitude ≈ {mean:.6g}, concentration ≈ {concentration:.3f})."
        )
    return f"{label}({int(round(angle)) % 360}°))"


def prompt(rois):
    by_region = {}
    for roi in rois:
        if roi["region"] in by_region:
            raise ValueError(f'ROI "{roi["region"]}" is listed twice')
        by_region[roi["region"]] = roi
    known = {ours for _, _, ours in ROIS}
    unknown = sorted(set(by_region) - known)
    if unknown:
        raise ValueError(f"not MELLM ROIs: {unknown}")
    feat_info = ""
    for _, name, ours in ROIS:
        roi = by_region.get(ours)
        if roi is None:
            continue
        stats = roi["stats"]
        # JSON writes 1.0 as 1: read every statistic back as a float, as NumPy holds it.
        pixels = int(stats["pixels"])
        mean, peak = float(stats["mean"]), float(stats["max"])
        concentration, angle = float(stats["concentration"]), float(stats["angle"])
        if pixels == 0:
            continue  # the reference: `if arr.size == 0: continue`
        feat_info += (
            f'{{"region":"{name},"mean_magnitude":{numpy_round(mean, 3)},'
            f'"max_magnitude":{numpy_round(peak, 3)},"direction":{direction(mean, concentration, angle)}}}\n'
        )
    return PROMPT.format(feat_info)


def main():
    parser = argparse.ArgumentParser(description="MELLM reference prompts for recorded ROI statistics.")
    parser.add_argument("stats", help="the statistics JSON ({cases: [{name, rois}]})")
    parser.add_argument("--case", help="print this case's prompt to stdout")
    parser.add_argument("--out-dir", help="write <name>.txt for every case into this folder")
    args = parser.parse_args()
    with open(args.stats, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    if args.out_dir:
        for case in cases:
            with open(os.path.join(args.out_dir, f'{case["name"]}.txt'), "w", encoding="utf-8", newline="") as f:
                f.write(prompt(case["rois"]))
        return 0
    chosen = [case for case in cases if case["name"] == args.case]
    if len(chosen) != 1:
        parser.error(f"--case must name one of: {', '.join(case['name'] for case in cases)}")
    sys.stdout.buffer.write(prompt(chosen[0]["rois"]).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
