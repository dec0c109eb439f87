#!/usr/bin/env python3
"""Synthetic place names for the registry benchmarks (tools/bench/names.sh, plan.sh, names-serve.sh).

    python3 tools/bench/names_csv.py COUNT OUTPUT.csv [--points]

Writes COUNT distinct names: a two-character 专名 + two Chinese numerals + 路/社区/巷 (road, community,
lane), spread over 13 districts (330102–330114), all in use. With --points each name also gets a
longitude and latitude, drawn (seed 7) in a 0.4° × 0.3° box over Hangzhou.
"""
import argparse
import random
import sys

FIRST = "清云望临翠明东南西北湖江溪桂梅荷松竹兰枫安和宁兴福康乐嘉丰瑞祥文德仁新华春秋金玉石"
SECOND = "湖江溪山苑塘桥浦港岭林园泉湾洲坞庄岗亭坊门"
THIRD = "一二三四五六七八九十"
SUFFIXES = (("路", "road"), ("社区", "community"), ("巷", "lane"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--points", action="store_true", help="add longitude and latitude columns")
    args = parser.parse_args()
    random.seed(7)
    header = "name,type,district,status" + (",longitude,latitude" if args.points else "")
    rows, n = [header], 0
    for a in FIRST:
        for b in SECOND:
            for c in THIRD:
                for d in THIRD:
                    for suffix, kind in SUFFIXES:
                        if n < args.count:
                            row = f"{a}{b}{c}{d}{suffix},{kind},3301{n % 13 + 2:02d},in-use"
                            if args.points:
                                x, y = 120.0 + random.random() * 0.4, 30.1 + random.random() * 0.3
                                row += f",{x:.6f},{y:.6f}"
                            rows.append(row)
                            n += 1
    if n < args.count:
        sys.exit(f"only {n} distinct names can be generated")
    with open(args.output, "w", encoding="utf-8") as file:
        file.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
