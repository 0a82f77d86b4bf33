"""Throughput of the Spark job against the CLI on the same WARC files, same run.

    python examples/spark/bench.py --sites ../shared/real-pages/sites \
        --pairs ../shared/real-pages/pairs.jsonl --copies 4 --files 4 --runs 3

Writes the pages of every site directory under --sites (each site on its own host,
--copies times over) into --files gzipped WARC files, builds an index (the brands of
--pairs, one per distinct legitimate site, or --brands), then alternates runs of
`clonehound scan --format jsonl` and of the Spark job in local[2] mode on those files,
and prints MB/s of each (medians) and their ratio. The job's figure is its scan and
write phase as it reports it (SparkSession start excluded) and, apart, its whole
process. It also prints each Python worker's peak memory next to the index size.
"""

import argparse
import io
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def write_warcs(sites, copies, files, out_dir):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = []
    for c in range(copies):
        for site in sites:
            for page in sorted(site.rglob("*.htm*")):
                url = f"http://{site.name.lower()[:60]}-{c}.example/{page.relative_to(site).as_posix()}"
                pages.append((url, page.read_bytes()))
    paths = [out_dir / f"crawl-{i}.warc.gz" for i in range(files)]
    writers = [open(p, "wb") for p in paths]
    try:
        ws = [WARCWriter(f, gzip=True) for f in writers]
        for i, (url, body) in enumerate(pages):
            w = ws[i % files]
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    finally:
        for f in writers:
            f.close()
    return paths, sum(len(b) for _, b in pages), len(pages)


def brands_from_pairs(pairs, out):
    """One [[brand]] per distinct legitimate site of a pairs file, with its domains."""
    seen, lines = set(), []
    base = pairs.parent
    for line in pairs.read_text().splitlines():
        p = json.loads(line)
        if p["legit"] in seen or not p.get("brand"):
            continue
        seen.add(p["legit"])
        site = (base / p["legit"]).resolve()
        lines.append("[[brand]]")
        lines.append(f"name = {json.dumps(p['brand'])}")
        lines.append(f"domains = {json.dumps(p.get('domains', []))}")
        lines.append(f"pages = [{json.dumps(str(site))}]")
        lines.append("")
    out.write_text("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", default=str(ROOT / "corpus" / "sites"))
    ap.add_argument("--pairs", help="pairs.jsonl whose legitimate sites are the brands")
    ap.add_argument("--brands", default=str(ROOT / "corpus" / "brands.toml"))
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, help="rayon threads per Spark worker")
    ap.add_argument("--cli", default=os.environ.get("CLONEHOUND", str(ROOT / "target" / "release" / "clonehound")))
    args = ap.parse_args()

    import clonehound

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="clonehound-bench-"))
    try:
        sites = sorted(p for p in pathlib.Path(args.sites).iterdir() if p.is_dir())
        warcs, html_bytes, n_pages = write_warcs(sites, args.copies, args.files, tmp)
        brands = pathlib.Path(args.brands)
        if args.pairs:
            brands = tmp / "brands.toml"
            brands_from_pairs(pathlib.Path(args.pairs), brands)
        index = tmp / "brands.idx"
        clonehound.Index.build(brands).save(index)
        mb = html_bytes / 1e6
        print(f"{n_pages} pages, {mb:.1f} MB of HTML in {len(warcs)} WARC files; "
              f"index {index.stat().st_size / 1e6:.1f} MB ({len(clonehound.Index.load(index))} brands)")

        # Spark's own fixed cost (session, first stages, writers), measured on an empty
        # WARC file in the same run: the job's marginal time is what scales with input.
        empty = tmp / "empty.warc.gz"
        empty.write_bytes(b"")
        cli_times, job_times, job_walls, fixed_times = [], [], [], []
        peaks = {"full": [], "empty": []}
        env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
        for run in range(args.runs):
            start = time.perf_counter()
            subprocess.run([args.cli, "scan", "-q", "--index", str(index), "--format", "jsonl", *map(str, warcs)],
                           stdout=subprocess.DEVNULL, check=False)
            cli_times.append(time.perf_counter() - start)

            def job(inputs, name, kind):
                out, log = tmp / f"out-{name}", tmp / f"log-{name}"
                cmd = [sys.executable, str(ROOT / "examples" / "spark" / "clonehound_job.py"), "--master", "local[2]",
                       "--index", str(index), "--out", str(out), "--load-log", str(log), "--warc", *map(str, inputs)]
                if args.threads:
                    cmd += ["--threads", str(args.threads)]
                start = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True, env=env)
                wall = time.perf_counter() - start
                if done.returncode != 0:
                    sys.exit(done.stderr[-3000:])
                took = float(re.search(r"rows in ([0-9.]+) s", done.stderr).group(1))
                for f in log.glob("mem-*"):
                    peaks[kind].append(int(f.read_text()))
                return took, wall

            took, wall = job(warcs, run, "full")
            job_times.append(took)
            job_walls.append(wall)
            fixed_times.append(job([empty] * len(warcs), f"empty-{run}", "empty")[0])
        cli, phase, wall, fixed = (statistics.median(x) for x in (cli_times, job_times, job_walls, fixed_times))
        marginal = max(phase - fixed, 1e-9)
        print(f"CLI scan:  {cli:.2f} s  {mb / cli:.1f} MB/s (whole process, median of {args.runs})")
        print(f"Spark job: {phase:.2f} s {mb / phase:.1f} MB/s scan and write phase; "
              f"{wall:.2f} s {mb / wall:.1f} MB/s whole process with JVM start")
        print(f"Spark job on an empty WARC (fixed cost): {fixed:.2f} s; marginal {marginal:.2f} s "
              f"{mb / marginal:.1f} MB/s")
        print(f"throughput ratio job/CLI: marginal {cli / marginal:.2f}, scan and write phase {cli / phase:.2f}, "
              f"whole process {cli / wall:.2f}")
        if peaks["full"] and peaks["empty"]:
            print(f"peak Python worker memory: {max(peaks['full']) / 2**20:.0f} MiB scanning, "
                  f"{max(peaks['empty']) / 2**20:.0f} MiB on the empty input "
                  f"(index file {index.stat().st_size / 2**20:.1f} MiB)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
