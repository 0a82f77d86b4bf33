"""The reference Spark job (examples/spark/clonehound_job.py) in local[2] mode: its
findings on WARC files equal `clonehound scan --format jsonl` on the same files, its
findings on a Parquet table equal the CLI's on the same pages as JSON Lines, and each
Python worker loads the index once, however many tasks it runs.

Skipped without pyspark and Java, unless CLONEHOUND_REQUIRE_SPARK=1 (CI sets it)."""

import gzip
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT

JOB = ROOT / "examples" / "spark" / "clonehound_job.py"

if os.environ.get("CLONEHOUND_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")
    pytest.importorskip("warcio")
    if not shutil.which("java"):
        pytest.skip("no Java", allow_module_level=True)

import pyarrow.parquet as pq  # noqa: E402


def crawl_pages():
    """(url, html bytes) of a crawl: copies of corpus firms on hosts they do not own,
    a few firms on their own domains, several pages per host."""
    pages = []
    sites = sorted(p for p in (CORPUS / "sites").iterdir() if p.is_dir())
    copies = [s for s in sites if s.name.startswith("copy-")][::6]
    firms = [s for s in sites if not s.name.startswith("copy-")][:4]
    for site in copies + firms:
        host = f"{site.name}.example"
        for n, page in enumerate(sorted(site.glob("*.html"))[:3]):
            path = "" if page.name == "index.html" else page.name
            pages.append((n, f"http://{host}/{path}", page.read_bytes()))
    for n in range(6):
        body = f"<title>Bakery {n}</title><h1>Bread {n}</h1><p>Rye and spelt baked at dawn in shop {n}.</p>"
        pages.append((n % 2, f"http://bakery-{n // 2}.example/{n}", body.encode()))
    # Interleave hosts, as a crawl does: every host's first page, then second pages, ...
    pages.sort(key=lambda p: p[0])
    return [(url, html) for _, url, html in pages]


def write_warc(path, pages, extra=True):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)

        def record(url, body, content_type, encoding=None):
            headers = [("Content-Type", content_type)]
            if encoding:
                headers.append(("Content-Encoding", encoding))
                body = gzip.compress(body, mtime=0)
            headers.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))

        for i, (url, html) in enumerate(pages):
            record(url, html, "text/html; charset=utf-8", "gzip" if i % 5 == 0 else None)
        if extra:
            record("http://images.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
            record("http://api.example/data", b'{"a": 1}', "application/json")


def cli_findings(cli, index_path, inputs):
    run = subprocess.run(
        [cli, "scan", "-q", "--index", str(index_path), "--format", "jsonl", *map(str, inputs)],
        capture_output=True, text=True,
    )
    assert run.returncode in (0, 1), run.stderr
    suspects, found = set(), set()
    for line in run.stdout.splitlines():
        record = json.loads(line)
        assert "error" not in record, record
        suspects.add((record["suspect"], record["pages"]))
        for m in record["matches"]:
            found.add((record["suspect"], m["brand"], m["score"], m["verdict"]))
    return suspects, found


def run_job(tmp_path, index_path, args, name):
    out, loads = tmp_path / f"{name}-out", tmp_path / f"{name}-loads"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    run = subprocess.run(
        [sys.executable, str(JOB), "--master", "local[2]", "--index", str(index_path),
         "--out", str(out), "--load-log", str(loads), *args],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    rows = pq.read_table(out / "parquet").to_pylist()
    suspects = {(r["suspect"], r["pages"]) for r in rows}
    found = {(r["suspect"], r["brand"], r["score"], r["verdict"]) for r in rows if r["brand"] is not None}
    assert not [r for r in rows if r["error"]], "no row failed"
    jsonl = [json.loads(l) for p in sorted((out / "jsonl").glob("part-*")) for l in p.read_text().splitlines()]
    assert len(jsonl) == len(rows)
    return suspects, found, sorted(p.name for p in loads.iterdir() if not p.name.startswith("mem-"))


def test_job_on_warc_equals_the_cli(tmp_path, index_path, cli):
    pages = crawl_pages()
    # Two files, hosts split between them, each host's pages interleaved with others'.
    first = {url.split("/")[2] for url, _ in pages[::2]}
    warcs = [tmp_path / "crawl-1.warc.gz", tmp_path / "crawl-2.warc.gz"]
    write_warc(warcs[0], [p for p in pages if p[0].split("/")[2] in first])
    write_warc(warcs[1], [p for p in pages if p[0].split("/")[2] not in first])
    want_suspects, want = cli_findings(cli, index_path, warcs)
    assert len(want) >= 20, "the crawl holds copies the CLI finds"
    assert any(pages == 3 for _, pages in want_suspects), "hosts of several pages"
    assert len(want_suspects) > len({s for s, _, _, _ in want}), "and suspects that copy no one"
    suspects, found, loads = run_job(tmp_path, index_path, ["--warc", *map(str, warcs)], "warc")
    assert suspects == want_suspects
    assert found == want


def test_job_on_parquet_equals_the_cli_and_loads_the_index_once_per_worker(tmp_path, index_path, cli):
    import pyarrow as pa

    pages = crawl_pages()
    table = pa.table({"url": [u for u, _ in pages], "html": [h for _, h in pages]})
    pq.write_table(table, tmp_path / "pages.parquet")
    with open(tmp_path / "pages.jsonl", "w") as f:
        for url, html in pages:
            f.write(json.dumps({"url": url, "html": html.decode("utf-8")}) + "\n")
    want_suspects, want = cli_findings(cli, index_path, [tmp_path / "pages.jsonl"])
    tasks = 8
    suspects, found, loads = run_job(
        tmp_path, index_path, ["--parquet", str(tmp_path / "pages.parquet"), "--partitions", str(tasks)], "parquet"
    )
    assert suspects == want_suspects
    assert found == want
    pids = [name.split("-")[0] for name in loads]
    # Each worker process loaded it once, and fewer loads than tasks: the workers kept it.
    assert len(pids) == len(set(pids)), loads
    assert 1 <= len(pids) < tasks, loads
