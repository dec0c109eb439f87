#!/usr/bin/env python3
"""Siting benchmark: `doorstep site` against PySAL spopt's MCLP (exact, PuLP + CBC), side by side.

    python3 tools/bench/siting.py [--sizes 1000x100,5000x500,10000x1000] [--large 100000x5000]

For each size it generates the same instance for both (uniform demand points with 1-50 elderly and
uniform candidates in a 12 km square near Hangzhou, no existing facilities, radius 750 m, p = m/20),
runs spopt (cost matrix in the same transverse Mercator metres doorstep uses, then MCLP + CBC), and
`doorstep site --solver exact`, and prints time and covered elderly of both. The large instance (a
40 km square, p = m/50) runs `doorstep site --solver heuristic` alone and reports its gap to the
Lagrangian bound.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "bench-out", "siting")
CENTRE = (120.16, 30.27)
RADIUS = 750.0


def write_instance(n, m, seed, side_km=12):
    rng = random.Random(seed)
    folder = os.path.join(OUT, f"{n}x{m}")
    os.makedirs(folder, exist_ok=True)
    # Degrees per km at 30.27°N: 1/96.2 of longitude, 1/110.9 of latitude.
    half_x, half_y = side_km / 96.2 / 2, side_km / 110.9 / 2
    x0, y0, x1, y1 = CENTRE[0] - half_x, CENTRE[1] - half_y, CENTRE[0] + half_x, CENTRE[1] + half_y
    unit = {"type": "Feature", "properties": {"code": "339901001", "name": "测试街道", "level": "street"},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
    points = [(round(rng.uniform(x0, x1), 7), round(rng.uniform(y0, y1), 7), rng.randint(1, 50)) for _ in range(n)]
    candidates = [(round(rng.uniform(x0, x1), 7), round(rng.uniform(y0, y1), 7)) for _ in range(m)]
    def fc(features):
        return {"type": "FeatureCollection", "features": features}
    with open(f"{folder}/units.geojson", "w") as f:
        json.dump(fc([unit]), f, ensure_ascii=False)
    with open(f"{folder}/demand.geojson", "w") as f:
        json.dump(fc([{"type": "Feature", "properties": {"id": f"D{i}", "elderly": w}, "geometry": {"type": "Point", "coordinates": [x, y]}}
                      for i, (x, y, w) in enumerate(points)]), f)
    with open(f"{folder}/facilities.geojson", "w") as f:
        json.dump(fc([]), f)
    with open(f"{folder}/candidates.geojson", "w") as f:
        json.dump(fc([{"type": "Feature", "properties": {"id": f"C{j}"}, "geometry": {"type": "Point", "coordinates": [x, y]}}
                      for j, (x, y) in enumerate(candidates)]), f)
    return folder, points, candidates


def run_spopt(points, candidates, p):
    import numpy as np
    import pulp
    from pyproj import Transformer
    from spopt.locate import MCLP
    started = time.perf_counter()
    # The projection doorstep chooses: transverse Mercator, scale 1 on the units' middle meridian.
    tm = Transformer.from_crs("EPSG:4326", f"+proj=tmerc +lat_0=0 +lon_0={CENTRE[0]} +k=1 +x_0=0 +y_0=0 +ellps=WGS84", always_xy=True)
    px, py = tm.transform([q[0] for q in points], [q[1] for q in points])
    cx, cy = tm.transform([c[0] for c in candidates], [c[1] for c in candidates])
    demand = np.column_stack([px, py])
    sites = np.column_stack([cx, cy])
    cost = np.sqrt(((demand[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2))
    weights = np.array([q[2] for q in points], dtype=float)
    model = MCLP.from_cost_matrix(cost, weights, service_radius=RADIUS, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    chosen = [j for j in range(len(candidates)) if model.fac_vars[j].value() > 0.5]
    covered = weights[(cost[:, chosen] <= RADIUS).any(axis=1)].sum()
    return seconds, covered, pulp.LpStatus[model.problem.status]


def run_doorstep(folder, p, solver, time_limit=600):
    binary = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True).strip() + "/doorstep"
    args = [binary, "site", "--kind", "canteen", "--units", f"{folder}/units.geojson", "--facilities", f"{folder}/facilities.geojson",
            "--demand", f"{folder}/demand.geojson", "--candidates", f"{folder}/candidates.geojson", "--radius", f"canteen={RADIUS}",
            "--add", str(p), "--solver", solver, "--time-limit", str(time_limit), "--format", "json"]
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(out.stderr)
    summary = json.loads(out.stdout)
    return seconds, summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000x100,5000x500,10000x1000")
    parser.add_argument("--large", default="100000x5000")
    parser.add_argument("--large-side-km", type=float, default=40)
    args = parser.parse_args()
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "doorstep"], cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"{'instance':>14} {'p':>4} | {'spopt s':>8} {'spopt covered':>14} | {'doorstep s':>10} {'doorstep covered':>16} {'status':>8} | speed-up")
    for size in filter(None, args.sizes.split(",")):
        n, m = map(int, size.split("x"))
        p = max(5, m // 20)
        folder, points, candidates = write_instance(n, m, seed=n + m)
        d_seconds, summary = run_doorstep(folder, p, "exact")
        s_seconds, s_covered, s_status = run_spopt(points, candidates, p)
        print(f"{size:>14} {p:>4} | {s_seconds:8.2f} {s_covered:14.0f} | {d_seconds:10.2f} {summary['covered_after']:16.0f} {summary['status']:>8} | {s_seconds / d_seconds:6.1f}x  (spopt: {s_status})")
    if args.large:
        n, m = map(int, args.large.split("x"))
        p = max(5, m // 50)
        # A city-sized square (40 km, like a main urban area): about 5 candidates within reach of a point.
        folder, _, _ = write_instance(n, m, seed=n + m, side_km=args.large_side_km)
        d_seconds, summary = run_doorstep(folder, p, "heuristic")
        bound = summary["bound"]
        print(f"{args.large:>14} {p:>4} | heuristic {d_seconds:.2f} s, covered {summary['covered_after']:.0f}, Lagrangian bound {bound:.0f}, gap {summary['gap'] * 100:.2f}% ({summary['status']})")


if __name__ == "__main__":
    main()
