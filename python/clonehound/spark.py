"""Worker-side helpers of clonehound's Spark job (``examples/spark/clonehound_job.py``).

They live in the package, not in the job script, so that Spark pickles them by
reference: a worker imports this module once, and the index it loads stays cached
here for every later task of that worker process. Needs pyarrow, pyspark and warcio
(``pip install clonehound[spark]``).
"""

import os
import sys
import time

# Spark's schema of Index.scan_batch's output (clonehound::scan::batch_schema).
FINDINGS_SCHEMA = (
    "suspect string, pages int, rank int, brand string, domains array<string>, "
    "score double, verdict string, copy double, impersonation double, "
    "evidence array<struct<signal:string,detail:string>>, legit_page string, "
    "suspect_page string, error string"
)

# Rows and bytes handed to one scan_batch call.
BATCH_ROWS = 256
BATCH_BYTES = 16 << 20
# Bytes of HTML waiting for the rest of their host's pages in one WARC file; past it
# the host waiting longest is scanned as it is (the CLI's --max-pending-bytes default).
MAX_PENDING_BYTES = 256 << 20

_INDEX = None


def load_index(name, load_log=None):
    """The index Spark shipped with ``SparkContext.addFile(path)`` (``name`` is the
    file's base name), loaded once per Python worker process and kept here, at module
    level: this module is imported, not pickled, so the cache outlives each task."""
    global _INDEX
    if _INDEX is None:
        import clonehound
        from pyspark import SparkFiles

        path = SparkFiles.get(name)
        start = time.perf_counter()
        _INDEX = clonehound.Index.load(path)
        took = time.perf_counter() - start
        line = f"clonehound: index {name} loaded in pid {os.getpid()} ({len(_INDEX)} brands, {took:.3f} s)"
        print(line, file=sys.stderr, flush=True)
        if load_log:
            # One file per load: a test counts them against the worker processes.
            os.makedirs(load_log, exist_ok=True)
            with open(os.path.join(load_log, f"{os.getpid()}-{time.time_ns()}"), "w") as f:
                f.write(line + "\n")
    return _INDEX


def _record_peak(load_log):
    """Leaves the worker's peak resident memory (bytes) in ``load_log/mem-PID``."""
    if load_log:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        with open(os.path.join(load_log, f"mem-{os.getpid()}"), "w") as f:
            f.write(str(peak))


def _threads(threads):
    """Sizes the worker's rayon pool before the first scan (one pool per process)."""
    if threads and "RAYON_NUM_THREADS" not in os.environ:
        os.environ["RAYON_NUM_THREADS"] = str(threads)


def warc_pages(path):
    """(url, html, content_type) of every HTML response of a WARC file, in file order.
    warcio undoes the transfer and content encodings."""
    import clonehound
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            content_type = record.http_headers.get_header("Content-Type")
            body = record.content_stream().read()
            if clonehound.is_html(body, content_type):
                yield url, body, content_type


def warc_sites(path, max_site_pages, max_pending_bytes=MAX_PENDING_BYTES):
    """A WARC file's HTML pages grouped by host, as `clonehound scan` groups them: in
    order of first appearance, a host's pages together, a host over `max_site_pages`
    pages (or waiting longest when pending bytes pass the bound) going on as `#partN`.
    Yields (suspect name, [(url, html, content_type), ...])."""
    import clonehound

    hosts = {}  # suspect base name -> pages waiting; dicts keep first-appearance order
    parts = {}
    pending = 0

    def flush(base):
        nonlocal pending
        pages = hosts.pop(base)
        pending -= sum(len(p[1]) for p in pages)
        part = parts.get(base, 0) + 1
        parts[base] = part
        return (base if part == 1 else f"{base}#part{part}"), pages

    for page in warc_pages(path):
        base = clonehound.warc_suspect(path, page[0])
        if len(hosts.get(base, ())) >= max_site_pages:
            yield flush(base)
        hosts.setdefault(base, []).append(page)
        pending += len(page[1])
        while pending > max_pending_bytes and hosts:
            yield flush(next(iter(hosts)))
    while hosts:
        yield flush(next(iter(hosts)))


def batches_of_sites(sites):
    """Whole sites packed into Arrow batches of about BATCH_ROWS rows / BATCH_BYTES."""
    import pyarrow as pa

    rows = {"site": [], "url": [], "html": [], "content_type": []}
    size = 0
    for name, pages in sites:
        for url, html, content_type in pages:
            rows["site"].append(name)
            rows["url"].append(url)
            rows["html"].append(html)
            rows["content_type"].append(content_type)
            size += len(html)
        if len(rows["site"]) >= BATCH_ROWS or size >= BATCH_BYTES:
            yield pa.record_batch(rows, schema=_input_schema())
            rows = {k: [] for k in rows}
            size = 0
    if rows["site"]:
        yield pa.record_batch(rows, schema=_input_schema())


def _input_schema():
    import pyarrow as pa

    return pa.schema(
        [("site", pa.string()), ("url", pa.string()), ("html", pa.binary()), ("content_type", pa.string())]
    )


def prefetched(items, depth=1):
    """`items`, produced on a thread of its own at most `depth` ahead: the next batch
    is read (Python, holding the GIL) while this one is scanned (Rust, without it)."""
    import queue
    import threading

    q = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def hand(entry):
        """Puts `entry` unless the consumer has gone; False when it has."""
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not hand((item, None)):
                    return
            hand((done, None))
        except BaseException as e:  # handed to the consumer, raised there
            hand((done, e))

    thread = threading.Thread(target=produce, name="clonehound-warc-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = q.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()


def scan_warc_partition(index_name, load_log, threads, batches):
    """mapInArrow function of WARC input (bind the first three arguments with
    functools.partial): batches of a `path` column in, findings out."""
    import clonehound

    _threads(threads)
    index = load_index(index_name, load_log)
    paths = (path for batch in batches for path in batch.column("path").to_pylist())
    pages = (
        b for path in paths for b in batches_of_sites(warc_sites(path, clonehound.MAX_SITE_PAGES))
    )
    for batch in prefetched(pages):
        yield index.scan_batch(batch)
    _record_peak(load_log)


def scan_rows_partition(index_name, load_log, threads, batches):
    """mapInArrow function of table input (`url`, `html`[, `content_type`]; bind the
    first three arguments with functools.partial): pages in, findings out."""
    _threads(threads)
    index = load_index(index_name, load_log)
    for batch in batches:
        if batch.num_rows:
            yield index.scan_batch(batch)
    _record_peak(load_log)
