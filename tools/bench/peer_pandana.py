#!/usr/bin/env python3
"""The network peer: what an analyst scripts with pandana 0.8 (+ GeoPandas/Shapely 2) for

    doorstep coverage --level all --kind canteen --format json --network network.geojson

i.e. the covered elderly per unit when distance is walked along the street network.

- The network is built from the same usable lines as Doorstep's (issue 9, the network model, item 1):
  LineStrings and MultiLineStrings, without highway=motorway/motorway_link/trunk/trunk_link unless
  foot=yes/designated, without foot=no, without features lacking highway when the layer has highways,
  without highway=construction/proposed (tags compared trimmed and in lower case; `foot` may come from
  GDAL's other_tags).
- Nodes are the line vertices rounded to 7 decimals; edges join consecutive vertices, weighted by their
  length in metres in the same projection as Doorstep: transverse Mercator on the WGS84 ellipsoid,
  central meridian the CGCS2000 3° zone of the units' middle (120 for the sample).
- precompute(RADIUS), set_pois with the canteens, nearest_pois(RADIUS, num_pois=1) at the demand points'
  nearest nodes: a demand point is covered when that distance is <= RADIUS. pandana joins points (demand
  and canteens) to the nearest NODE and has no access legs, nor a snap limit.
- Per-unit sums by a spatial join in longitude/latitude (intersects: boundary included).

Writes OUT_DIR/peer-pandana-coverage.json: [{code, name, level, elderly_total, elderly_covered}, ...]
and, with --points FILE (for the analysis, not in the timed run), per demand point its id, nearest node,
its straight leg to that node, the node's distance to the nearest canteen, whether it is covered, and
the distance with access legs added at both ends; plus OUT_DIR/peer-pandana-coverage-legs.json, the
per-unit covered elderly with those legs.

With --densify DEGREES (analysis only) the lines get extra vertices at most DEGREES apart first, so
that the nearest node approaches the nearest point on the nearest segment; the legs then approach
doorstep's model (legs over 300 m, doorstep's --snap-max, count as off the network there).

usage: peer_pandana.py SAMPLE_DIR NETWORK OUT_DIR [RADIUS] [--points FILE.csv] [--densify DEGREES]
"""
import json
import re
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pandana
import pyproj
import shapely

args = sys.argv[1:]
points_path = None
if "--points" in args:  # not in the timed run
    at = args.index("--points")
    points_path = args[at + 1]
    del args[at:at + 2]
densify = None
if "--densify" in args:  # analysis only: extra vertices every DEGREES along the lines
    at = args.index("--densify")
    densify = float(args[at + 1])
    del args[at:at + 2]
sample, network_path, out = args[0], args[1], args[2]
radius = float(args[3]) if len(args) > 3 else 500.0

units = gpd.read_file(f"{sample}/units.geojson")
facilities = gpd.read_file(f"{sample}/facilities.geojson")
demand = gpd.read_file(f"{sample}/demand.geojson")
lines = gpd.read_file(network_path)


# --- usable lines (the walkability rules) ---------------------------------------------------------
def tag_column(frame, key):
    values = frame[key] if key in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    values = values.astype("object").where(values.notna(), None)
    if "other_tags" in frame.columns:  # GDAL's OSM driver: "foot"=>"yes","lit"=>"no"
        pattern = re.compile(r'"%s"=>"([^"]*)"' % re.escape(key))
        from_other = frame["other_tags"].map(lambda t: (m.group(1) if isinstance(t, str) and (m := pattern.search(t)) else None))
        values = values.where(values.notna(), from_other)
    return values.map(lambda v: (str(v).strip().lower() or None) if v is not None else None)


highway = tag_column(lines, "highway")
foot = tag_column(lines, "foot")
is_line = lines.geometry.geom_type.isin(["LineString", "MultiLineString"])
motorway = highway.isin(["motorway", "motorway_link", "trunk", "trunk_link"]) & ~foot.isin(["yes", "designated"])
usable = is_line & ~motorway & (foot != "no")
if highway.notna().any():
    usable &= highway.notna() & ~highway.isin(["construction", "proposed"])
parts = lines[usable].geometry.explode(index_parts=False).reset_index(drop=True)
if densify:
    parts = gpd.GeoSeries(shapely.segmentize(parts.values, densify))

# --- graph: rounded vertices as nodes, consecutive vertices as edges -----------------------------
coords, part_of = shapely.get_coordinates(parts.values, return_index=True)
keys = np.rint(coords * 1e7).astype(np.int64)
unique_keys, vertex_node = np.unique(keys, axis=0, return_inverse=True)
vertex_node = vertex_node.reshape(-1)
node_lonlat = unique_keys / 1e7

minx, miny, maxx, maxy = units.total_bounds
meridian = 3 * round((minx + maxx) / 2 / 3)
to_metres = pyproj.Transformer.from_crs(
    "EPSG:4326", f"+proj=tmerc +lat_0=0 +lon_0={meridian} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +type=crs",
    always_xy=True)
node_x, node_y = to_metres.transform(node_lonlat[:, 0], node_lonlat[:, 1])

same_part = part_of[1:] == part_of[:-1]
edge_from, edge_to = vertex_node[:-1][same_part], vertex_node[1:][same_part]
edge_length = np.hypot(node_x[edge_to] - node_x[edge_from], node_y[edge_to] - node_y[edge_from])
distinct = edge_from != edge_to
edges = pd.DataFrame({"from": edge_from[distinct], "to": edge_to[distinct], "length": edge_length[distinct]})
# One edge per node pair (the shortest), in either direction.
edges[["from", "to"]] = np.sort(edges[["from", "to"]].to_numpy(), axis=1)
edges = edges.groupby(["from", "to"], as_index=False)["length"].min()

network = pandana.Network(pd.Series(node_x), pd.Series(node_y), edges["from"], edges["to"], edges[["length"]],
                          twoway=True)
network.precompute(radius)

# --- canteens as POIs, demand at its nearest node ------------------------------------------------
canteens = facilities[facilities["kind"] == "canteen"]
cx, cy = to_metres.transform(canteens.geometry.x.to_numpy(), canteens.geometry.y.to_numpy())
network.set_pois("canteen", radius, 1, pd.Series(cx), pd.Series(cy))
nearest = network.nearest_pois(radius, "canteen", num_pois=1, max_distance=np.inf)[1]

dx, dy = to_metres.transform(demand.geometry.x.to_numpy(), demand.geometry.y.to_numpy())
demand_node = network.get_node_ids(pd.Series(dx), pd.Series(dy))
demand["node_distance"] = nearest.reindex(demand_node.to_numpy()).to_numpy()
demand["covered"] = demand["node_distance"] <= radius
demand["elderly_covered"] = demand["elderly"].where(demand["covered"], 0)

# --- per unit ------------------------------------------------------------------------------------
joined = gpd.sjoin(demand[["elderly", "elderly_covered", "geometry"]], units[["code", "geometry"]],
                   predicate="intersects")
sums = joined.groupby("code")[["elderly", "elderly_covered"]].sum()
table = units[["code", "name", "level"]].set_index("code").join(sums).fillna(0)
rows = [{"code": code, "name": r["name"], "level": r["level"], "kind": "canteen", "radius_m": radius,
         "elderly_total": float(r["elderly"]), "elderly_covered": float(r["elderly_covered"])}
        for code, r in table.iterrows()]
with open(f"{out}/peer-pandana-coverage.json", "w") as f:
    json.dump(rows, f, ensure_ascii=False)
if points_path:
    # The analysis: the same with straight access legs to the nearest nodes added (demand to its node,
    # canteen to its node; the best of the 5 nearest canteens by node distance), which is what the
    # node join leaves out compared with doorstep's model.
    node_x, node_y = pd.Series(node_x), pd.Series(node_y)
    canteen_node = network.get_node_ids(pd.Series(cx), pd.Series(cy)).to_numpy()
    canteen_leg = np.hypot(cx - node_x[canteen_node].to_numpy(), cy - node_y[canteen_node].to_numpy())
    canteen_leg[canteen_leg > 300] = np.inf  # doorstep's --snap-max: off the network
    demand_leg = np.hypot(dx - node_x[demand_node.to_numpy()].to_numpy(), dy - node_y[demand_node.to_numpy()].to_numpy())
    network.set_pois("canteen", radius, 5, pd.Series(cx), pd.Series(cy))
    five = network.nearest_pois(radius, "canteen", num_pois=5, max_distance=np.inf, include_poi_ids=True)
    best = np.full(len(five), np.inf)
    for k in range(1, 6):
        poi = five[f"poi{k}"].to_numpy()
        has = ~np.isnan(poi)
        leg = np.full(len(five), np.inf)
        leg[has] = canteen_leg[poi[has].astype(np.int64)]
        best = np.minimum(best, five[k].to_numpy() + leg)
    best = pd.Series(best, index=five.index)
    demand["with_legs"] = best.reindex(demand_node.to_numpy()).to_numpy() + np.where(demand_leg > 300, np.inf, demand_leg)
    demand["elderly_covered_legs"] = demand["elderly"].where(demand["with_legs"] <= radius, 0)
    joined = gpd.sjoin(demand[["elderly_covered_legs", "geometry"]], units[["code", "geometry"]], predicate="intersects")
    legs = joined.groupby("code")["elderly_covered_legs"].sum()
    with open(f"{out}/peer-pandana-coverage-legs.json", "w") as f:
        json.dump([{"code": code, "level": r["level"], "elderly_covered": float(legs.get(code, 0.0))}
                   for code, r in table.iterrows()], f)
    pd.DataFrame({"id": demand["id"] if "id" in demand.columns else range(len(demand)),
                  "elderly": demand["elderly"], "node": demand_node.to_numpy(), "demand_leg": demand_leg,
                  "node_distance": demand["node_distance"], "with_legs": demand["with_legs"],
                  "covered": demand["covered"]}).to_csv(points_path, index=False)
print(f"peer: {len(node_x)} nodes, {len(edges)} edges, {len(canteens)} canteens, {len(demand)} demand points, "
      f"{len(rows)} units, meridian {meridian}", file=sys.stderr)
