"""clonehound on Spark: scan WARC files or a Parquet table of pages against an index.

    spark-submit --master 'local[2]' examples/spark/clonehound_job.py \
        --index brands.idx --warc crawl-1.warc.gz crawl-2.warc.gz --out findings/

    spark-submit ... clonehound_job.py --index brands.idx --parquet pages/ --out findings/

How it runs:

- The index travels to the executors with ``SparkContext.addFile``; each Python worker
  process loads it once, on its first task, and keeps it at module level
  (``clonehound.spark.load_index``).
  A loaded index holds only its retrieval tables in memory and reads a brand's record
  from the file when that brand is a candidate, so it is never pickled per task.
- WARC input: the files are spread over one task per core. A task reads records with warcio, keeps the
  HTML responses (``clonehound.is_html``, the CLI's rule), groups them by host in
  order of first appearance, as ``clonehound scan`` does, and hands whole hosts to
  ``Index.scan_batch`` in Arrow batches (``mapInArrow``). A host becomes one suspect
  named ``FILE#HOST``, exactly as the CLI names it, so the findings equal
  ``clonehound scan --format jsonl FILE``.
- Parquet input (columns ``url`` and ``html``, optionally ``content_type``): one suspect
  per row, named by its URL, as the CLI names JSON Lines records; Spark's partitions
  and Arrow batches carry the rows straight to ``Index.scan_batch``.
- The findings, one row per reported match (a row with a null ``brand`` for a suspect
  with none), are written as Parquet (``OUT/parquet``) and JSON Lines (``OUT/jsonl``).

Each worker's scan runs on a rayon pool of ``--threads`` threads (default: Spark's
``spark.task.cpus`` when set, else every core), with the GIL released, while the next
batch is read on another thread.
"""

import argparse
import functools
import os
import sys
import time

from clonehound import spark as ch


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="index file (clonehound index build)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--warc", nargs="+", help="WARC files (.warc, .warc.gz)")
    source.add_argument("--parquet", help="Parquet pages: url, html[, content_type]")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--master", help="Spark master when not given by spark-submit")
    parser.add_argument("--partitions", type=int, help="tasks to scan in (default: WARC files over the cores; Parquet as read)")
    parser.add_argument("--threads", type=int, help="rayon threads per worker (default: spark.task.cpus)")
    parser.add_argument("--load-log", help="directory where each index load leaves a file (tests)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("clonehound")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    # rayon threads per worker: as asked, or spark.task.cpus when it is set, or else
    # rayon's default (every core: a local[N] run with fewer files than cores).
    threads = args.threads or sc.getConf().get("spark.task.cpus")
    index_path = os.path.abspath(args.index)
    sc.addFile(index_path)
    name = os.path.basename(index_path)

    start = time.perf_counter()
    if args.warc:
        # The CLI names suspects by the path it was given: keep the caller's spelling
        # (on a cluster, give paths every executor can open).
        paths = list(args.warc)
        # Files spread over as many tasks as there are cores (fewer tasks, less
        # per-task cost; a worker reads its next file while it scans this one), or
        # --partitions; no shuffle.
        tasks = min(len(paths), args.partitions or sc.defaultParallelism)
        files = spark.createDataFrame(sc.parallelize([(p,) for p in paths], tasks), "path string")
        run = functools.partial(ch.scan_warc_partition, name, args.load_log, threads)
        findings = files.mapInArrow(run, ch.FINDINGS_SCHEMA)
    else:
        pages = spark.read.parquet(args.parquet)
        if args.partitions:
            pages = pages.repartition(args.partitions)
        run = functools.partial(ch.scan_rows_partition, name, args.load_log, threads)
        findings = pages.mapInArrow(run, ch.FINDINGS_SCHEMA)
    findings = findings.cache()
    findings.write.mode("overwrite").parquet(os.path.join(args.out, "parquet"))
    findings.write.mode("overwrite").json(os.path.join(args.out, "jsonl"))
    took = time.perf_counter() - start
    rows = findings.count()
    suspects = findings.select("suspect").distinct().count()
    print(f"clonehound: {suspects} suspects, {rows} rows in {took:.2f} s (scan and write)", file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
