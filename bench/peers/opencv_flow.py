#!/usr/bin/env python3
"""OpenCV optical-flow peers for `npm run bench -- flow` (dev-only; needs python3-opencv).

Usage: opencv_flow.py METHOD REPS THREADS OUT_DIR FRAME1 FRAME2 [FRAME1 FRAME2 ...]
THREADS 0 keeps OpenCV's default thread pool; cpu_ms is process CPU time per call.
Reads each pair as 8-bit grayscale, times only the flow call (median of REPS after one
warm-up), writes OUT_DIR/<index>.flo and prints one JSON line per pair:
{"pair": i, "samples": [ms...], "cpu": [ms...], "first_cpu": ms, "flo": path}.
With FLOW_PEER_WARMUP_PASS=1 every pair is first run once, in order, before any pair's
timed calls (as the bench does for its own presets); first_cpu is the CPU of the method's
first call on the pair (that pass's, or else the warm-up call's).
"""
import json
import os
import statistics
import sys
import time

import cv2
import numpy as np


def make(method):
    if method == 'deepflow':
        return cv2.optflow.createOptFlow_DeepFlow().calc
    if method == 'dis-medium':
        return cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc
    if method == 'tvl1':
        return cv2.optflow.DualTVL1OpticalFlow_create().calc
    if method == 'farneback':
        return lambda a, b, _: cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    raise SystemExit(f'unknown method {method}')


def write_flo(path, flow):
    h, w = flow.shape[:2]
    with open(path, 'wb') as f:
        np.array([202021.25], np.float32).tofile(f)
        np.array([w, h], np.int32).tofile(f)
        flow.astype(np.float32).tofile(f)


def main():
    method, reps, threads, out_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    paths = sys.argv[5:]
    if threads > 0:
        cv2.setNumThreads(threads)
    calc = make(method)
    first_cpu = {}
    if os.environ.get('FLOW_PEER_WARMUP_PASS') == '1':
        for i in range(0, len(paths), 2):
            a = cv2.imread(paths[i], cv2.IMREAD_GRAYSCALE)
            b = cv2.imread(paths[i + 1], cv2.IMREAD_GRAYSCALE)
            start_cpu = time.process_time()
            calc(a, b, None)
            first_cpu[i] = (time.process_time() - start_cpu) * 1000
    for i in range(0, len(paths), 2):
        a = cv2.imread(paths[i], cv2.IMREAD_GRAYSCALE)
        b = cv2.imread(paths[i + 1], cv2.IMREAD_GRAYSCALE)
        start_cpu = time.process_time()
        flow = calc(a, b, None)
        first_cpu.setdefault(i, (time.process_time() - start_cpu) * 1000)
        samples = []
        cpu = []
        for _ in range(reps):
            start, start_cpu = time.perf_counter(), time.process_time()
            flow = calc(a, b, None)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        out = os.path.join(out_dir, f'{method}-{i // 2}.flo')
        write_flo(out, flow)
        print(json.dumps({'pair': i // 2, 'samples': samples, 'cpu': cpu, 'first_cpu': first_cpu[i], 'flo': out}), flush=True)


if __name__ == '__main__':
    main()
