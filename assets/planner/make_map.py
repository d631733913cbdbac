"""Writes uzbekistan-50m.txt, the planner's base map, from world-atlas's countries-50m.json.

world-atlas 2.0.2 (npm, ISC licence) redistributes Natural Earth 1:50m admin-0 boundaries
(public domain) as TopoJSON. Usage: python3 make_map.py path/to/countries-50m.json > uzbekistan-50m.txt
Output lines: `ring` (Uzbekistan outline, lon,lat pairs), `tri` (triangles of the preceding ring,
by vertex index, from ear clipping) and `border` (neighbouring countries' outlines in view).
"""

import json
import sys

VIEW = (54.5, 36.0, 75.5, 46.5)  # lon_min, lat_min, lon_max, lat_max
NEIGHBOURS = ("Kazakhstan", "Turkmenistan", "Kyrgyzstan", "Tajikistan", "Afghanistan")


def decode_arcs(topo):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(arcs, ring):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points[:-1] if points and points[0] == points[-1] else points


def area2(a, b, c):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def inside(p, a, b, c):
    return area2(a, b, p) >= 0 and area2(b, c, p) >= 0 and area2(c, a, p) >= 0


def ear_clip(points):
    signed = sum(area2((0, 0), points[i], points[(i + 1) % len(points)]) for i in range(len(points)))
    order = list(range(len(points))) if signed > 0 else list(reversed(range(len(points))))
    triangles = []
    guard = 0
    while len(order) > 3 and guard < 10 * len(points) ** 2:
        guard += 1
        n = len(order)
        for k in range(n):
            i, j, l = order[k - 1], order[k], order[(k + 1) % n]
            a, b, c = points[i], points[j], points[l]
            if area2(a, b, c) <= 0:
                continue
            if any(inside(points[m], a, b, c) for m in order if m not in (i, j, l)):
                continue
            triangles.append((i, j, l))
            del order[k]
            break
        else:
            break
    if len(order) == 3:
        triangles.append(tuple(order))
    return triangles


def in_view(p):
    return VIEW[0] <= p[0] <= VIEW[2] and VIEW[1] <= p[1] <= VIEW[3]


def fmt(points):
    return ";".join(f"{x:.3f},{y:.3f}" for x, y in points)


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = decode_arcs(topo)
    print("# Uzbekistan and neighbours: Natural Earth 1:50m admin-0 (public domain),")
    print("# via world-atlas 2.0.2 countries-50m.json (ISC). Made by make_map.py.")
    for g in topo["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name")
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        if name == "Uzbekistan":
            for polygon in polygons:
                points = ring_points(arcs, polygon[0])
                print("ring " + fmt(points))
                print("tri " + ";".join(f"{a},{b},{c}" for a, b, c in ear_clip(points)))
        elif name in NEIGHBOURS:
            for polygon in polygons:
                for ring in polygon:
                    points = ring_points(arcs, ring)
                    run = []
                    for p in points + points[:1]:
                        if in_view(p):
                            run.append(p)
                        elif run:
                            if len(run) > 1:
                                print("border " + fmt(run))
                            run = []
                    if len(run) > 1:
                        print("border " + fmt(run))


main()
