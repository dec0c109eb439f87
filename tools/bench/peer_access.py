"""PySAL `access` (two_stage_fca) on the sample: the peer of `doorstep access` (tools/bench/access.sh).

Reads the same GeoJSON layers, projects them to the transverse Mercator Doorstep measures in (the 3°
zone of 120°E on the WGS84 ellipsoid), builds the cost matrix of straight-line metres within R with a
k-d tree, runs access's 2SFCA, and averages the scores per unit (points inside, boundary included),
weighted by the elderly. Prints `code,access_mean` rows.
    python3 peer_access.py SAMPLE_DIR KIND RADIUS LEVEL
"""
import sys
import time

started = time.perf_counter()
import geopandas as gpd
import numpy as np
import pandas as pd
from access import Access
from scipy.spatial import cKDTree

folder, kind, radius, level = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
metric = "+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
units = gpd.read_file(f"{folder}/units.geojson")
units = units[units["level"] == level]
facilities = gpd.read_file(f"{folder}/facilities.geojson")
facilities = facilities[facilities["kind"] == kind].reset_index(drop=True)
demand = gpd.read_file(f"{folder}/demand.geojson").reset_index(drop=True)
demand["did"] = np.arange(len(demand))
facilities["fid"] = np.arange(len(facilities))
d_xy = demand.to_crs(metric).geometry
f_xy = facilities.to_crs(metric).geometry
d_pts = np.column_stack([d_xy.x.values, d_xy.y.values])
f_pts = np.column_stack([f_xy.x.values, f_xy.y.values])
tree = cKDTree(d_pts)
origins, dests, costs = [], [], []
for j, hits in enumerate(tree.query_ball_point(f_pts, r=radius)):
    if not hits:
        continue
    hits = np.asarray(hits)
    dist = np.hypot(d_pts[hits, 0] - f_pts[j, 0], d_pts[hits, 1] - f_pts[j, 1])
    origins.append(hits)
    dests.append(np.full(len(hits), j))
    costs.append(dist)
cost = pd.DataFrame({"origin": np.concatenate(origins), "dest": np.concatenate(dests), "cost": np.concatenate(costs)})
model = Access(
    demand_df=pd.DataFrame({"did": demand["did"], "elderly": demand["elderly"].astype(float)}),
    demand_index="did", demand_value="elderly",
    supply_df=pd.DataFrame({"fid": facilities["fid"], "capacity": facilities["capacity"].astype(float)}),
    supply_index="fid", supply_value="capacity",
    cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
scores = model.two_stage_fca(name="fca", max_cost=radius)
score = scores.iloc[:, 0].reindex(demand["did"]).fillna(0).values
demand["weighted"] = demand["elderly"].astype(float) * score
joined = gpd.sjoin(demand[["did", "elderly", "weighted", "geometry"]], units[["code", "geometry"]], predicate="intersects")
sums = joined.groupby("code")[["elderly", "weighted"]].sum()
print("code,access_mean")
for code, row in sums.sort_index().iterrows():
    if row["elderly"] > 0:
        print(f"{code},{float(row['weighted'] / row['elderly'])!r}")
print(f"# seconds {time.perf_counter() - started:.3f}", file=sys.stderr)
