#!/usr/bin/env python3
"""The peer: what an analyst scripts with GeoPandas + Shapely 2 for the same job as

    doorstep coverage --level all --kind canteen --format json
    doorstep gaps --kind canteen            (level street)

Projects to the local UTM zone, buffers canteens with quad_segs=16, union_all, spatial joins for
totals, covered elderly and facilities per unit, overlay difference for the uncovered areas, explode
for their parts, and a join of the uncovered points into the parts. Writes the same two outputs.

usage: peer_geopandas.py SAMPLE_DIR OUT_DIR [RADIUS]
"""
import json
import sys

import geopandas as gpd
import pandas as pd
import shapely

sample, out = sys.argv[1], sys.argv[2]
radius = float(sys.argv[3]) if len(sys.argv) > 3 else 500.0

units = gpd.read_file(f"{sample}/units.geojson")
facilities = gpd.read_file(f"{sample}/facilities.geojson")
demand = gpd.read_file(f"{sample}/demand.geojson")

utm = units.estimate_utm_crs()
units = units.to_crs(utm)
canteens = facilities[facilities["kind"] == "canteen"].to_crs(utm)
demand = demand.to_crs(utm)

catchment = canteens.buffer(radius, quad_segs=16).union_all()
shapely.prepare(catchment)
demand["covered"] = shapely.intersects(catchment, demand.geometry.values)
demand["elderly_covered"] = demand["elderly"].where(demand["covered"], 0)

joined = gpd.sjoin(demand, units[["code", "geometry"]], predicate="intersects")
sums = joined.groupby("code")[["elderly", "elderly_covered"]].sum()
counts = gpd.sjoin(canteens, units[["code", "geometry"]], predicate="intersects").groupby("code").agg(
    facilities=("id", "count"), capacity=("capacity", "sum"))

catchment_frame = gpd.GeoDataFrame(geometry=[catchment], crs=utm)
uncovered = gpd.overlay(units[["code", "name", "level", "geometry"]], catchment_frame, how="difference")
uncovered_area = uncovered.set_index("code").area

table = units[["code", "name", "level"]].set_index("code").join(sums).join(counts).fillna(0)
table["uncovered_area_m2"] = uncovered_area.reindex(table.index).fillna(0)
table["coverage_ratio"] = (table["elderly_covered"] / table["elderly"]).where(table["elderly"] > 0)
rows = [
    {"code": code, "name": r["name"], "level": r["level"], "kind": "canteen", "radius_m": radius,
     "elderly_total": r["elderly"], "elderly_covered": r["elderly_covered"],
     "coverage_ratio": None if pd.isna(r["coverage_ratio"]) else round(r["coverage_ratio"], 4),
     "facilities": int(r["facilities"]), "capacity": r["capacity"], "uncovered_area_m2": round(r["uncovered_area_m2"], 1)}
    for code, r in table.iterrows()
]
with open(f"{out}/peer-coverage.json", "w") as f:
    json.dump(rows, f, ensure_ascii=False)

# Gaps at street level: units under 90 % or without a canteen, and the uncovered parts.
streets = table[table["level"] == "street"].copy()
streets["elderly_uncovered"] = streets["elderly"] - streets["elderly_covered"]
unit_gaps = streets[(streets["coverage_ratio"] < 0.9) | (streets["facilities"] < 1)].sort_values(
    "elderly_uncovered", ascending=False)
unit_gaps = units.set_index("code").loc[unit_gaps.index, ["geometry"]].join(unit_gaps)
unit_gaps["gap"] = "unit"

parts = uncovered[uncovered["level"] == "street"].explode(index_parts=False)
parts["area_m2"] = parts.area
parts = parts[parts["area_m2"] >= 100].reset_index(drop=True)
parts["part"] = parts.index
left_out = demand[~demand["covered"]]
inside = gpd.sjoin(left_out[["elderly", "geometry"]], parts[["part", "geometry"]], predicate="intersects")
parts["elderly_uncovered"] = inside.groupby("part")["elderly"].sum().reindex(parts["part"]).fillna(0).values
parts = parts.sort_values("elderly_uncovered", ascending=False)
parts["gap"] = "area"

gaps = pd.concat([unit_gaps.reset_index(), parts], ignore_index=True)
gpd.GeoDataFrame(gaps, geometry="geometry", crs=utm).to_crs(4326).to_file(f"{out}/peer-gaps.geojson", driver="GeoJSON")
print(f"peer: {len(rows)} coverage rows, {len(unit_gaps)} unit gaps, {len(parts)} area gaps", file=sys.stderr)
