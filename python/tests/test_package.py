"""The Python package: the library's results, Python types and exceptions, the GIL
released while it works."""

import json
import subprocess
import threading

import pyarrow as pa
import pytest

import clonehound
from conftest import CORPUS, site_html

PHISH_URL = "http://bluestone-login.example/"


def test_fingerprint_of_str_and_bytes_agree_and_is_deterministic():
    html = site_html("bluestone-partners")
    a = clonehound.fingerprint(html, url="https://bluestonepartners.com/")
    b = clonehound.fingerprint(html.encode("utf-8"), url="https://bluestonepartners.com/")
    assert a.to_json() == b.to_json() == a.to_json()
    assert a.version == clonehound.FORMAT_VERSION
    assert a.pages == 1
    again = clonehound.Fingerprint.from_json(a.to_json())
    assert again.to_json() == a.to_json()
    pivots = a.pivots
    assert pivots["title"].startswith("Bluestone Partners")
    assert set(pivots) >= {"analytics", "form_actions", "svg_logos", "favicon"}


def test_bytes_are_decoded_by_their_declared_charset():
    page = "<meta charset=windows-1251><title>Привет</title><h1>Привет</h1>".encode("cp1251")
    fp = clonehound.fingerprint(page)
    assert json.loads(fp.to_json())["pages"][0]["identity"]["title"] == "Привет"


def test_another_format_version_is_refused():
    doc = json.loads(clonehound.fingerprint("<p>x</p>").to_json())
    doc["version"] += 1
    with pytest.raises(clonehound.ClonehoundError, match="format version"):
        clonehound.Fingerprint.from_json(json.dumps(doc))


def test_compare_finds_the_phishing_copy_with_evidence():
    legit = clonehound.fingerprint(site_html("bluestone-partners"), url="https://bluestonepartners.com/")
    phish = clonehound.fingerprint(site_html("copy-bluestone-partners-phishing"), url=PHISH_URL)
    result = clonehound.compare(legit, phish, brand="Bluestone Partners", domains=["bluestonepartners.com"])
    assert result.verdict == "impersonation"
    assert 0.5 <= result.score <= 1.0
    assert result.brand == "Bluestone Partners"
    assert result.domains == ["bluestonepartners.com"]
    assert result.evidence and {"signal", "detail"} <= set(result.evidence[0])
    assert "text" in result.signals
    assert json.loads(result.to_json())["score"] == result.score
    # An unrelated page is not a copy.
    bakery = clonehound.fingerprint("<title>Bakery</title><p>Rye and spelt at dawn.</p>", url="http://bakery.example/")
    assert clonehound.compare(legit, bakery).verdict == "none"


def test_compare_equals_the_command_line(cli):
    legit, suspect = CORPUS / "sites/alder-wealth", CORPUS / "sites/copy-alder-wealth-rebrand"
    run = subprocess.run(
        [cli, "compare", "-q", "--format", "json", "--brand", "Alder Wealth", "--domain", "alderwealth.com",
         str(legit), str(suspect)],
        capture_output=True, text=True,
    )
    assert run.returncode == 1, run.stderr  # 1: a copy
    want = json.loads(run.stdout)
    got = clonehound.compare(
        clonehound.Fingerprint.from_path(legit), clonehound.Fingerprint.from_path(suspect),
        brand="Alder Wealth", domains=["alderwealth.com"],
    )
    assert (got.score, got.verdict) == (want["score"], want["verdict"])
    assert got.evidence == want["evidence"]


def test_index_build_save_load_query(index_path, tmp_path):
    index = clonehound.Index.load(index_path)
    assert len(index) == len(clonehound.Index.build(CORPUS / "brands.toml"))
    assert any(b["name"] == "Bluestone Partners" for b in index.brands)
    best = index.query(site_html("copy-bluestone-partners-phishing"), url=PHISH_URL, top=2)
    assert len(best) == 2
    assert best[0].brand == "Bluestone Partners" and best[0].verdict == "impersonation"
    assert best[0].score >= best[1].score
    copy = tmp_path / "again.idx"
    index.save(copy)
    assert copy.read_bytes() == index_path.read_bytes()


def test_scan_batch_returns_findings_as_arrow():
    index = clonehound.Index.build(CORPUS / "brands.toml")
    batch = pa.record_batch({
        "url": [PHISH_URL, "http://bakery.example/", None],
        "html": [site_html("copy-bluestone-partners-phishing").encode(), b"<title>Bakery</title>", None],
    })
    out = index.scan_batch(batch)
    assert isinstance(out, pa.RecordBatch)
    rows = out.to_pylist()
    assert [r["suspect"] for r in rows] == [PHISH_URL, "http://bakery.example/", "row 3"]
    assert rows[0]["brand"] == "Bluestone Partners" and rows[0]["rank"] == 1
    assert rows[0]["verdict"] == "impersonation" and rows[0]["evidence"]
    assert rows[1]["brand"] is None and rows[1]["error"] is None
    assert "null" in rows[2]["error"]
    # Every match, whatever its verdict, with all=True.
    every = [r for r in index.scan_batch(batch, top=2, all=True).to_pylist() if r["suspect"] == PHISH_URL]
    assert [r["rank"] for r in every] == [1, 2] and every[1]["verdict"] == "none"
    # A string html column works the same.
    as_text = pa.record_batch({"url": [PHISH_URL], "html": [site_html("copy-bluestone-partners-phishing")]})
    assert index.scan_batch(as_text).to_pylist()[0]["score"] == rows[0]["score"]


def test_errors_are_python_exceptions_with_the_library_messages(tmp_path):
    with pytest.raises(OSError, match="no-such.idx"):
        clonehound.Index.load(tmp_path / "no-such.idx")
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"not an index at all, not at all" * 4)
    with pytest.raises(clonehound.ClonehoundError, match="not a clonehound index"):
        clonehound.Index.load(bad)
    with pytest.raises(clonehound.ClonehoundError, match="too large"):
        clonehound.fingerprint(b"x" * (17 << 20))
    with pytest.raises(TypeError):
        clonehound.fingerprint(42)
    index = clonehound.Index.build(CORPUS / "brands.toml")
    with pytest.raises(clonehound.ClonehoundError, match="html"):
        index.scan_batch(pa.record_batch({"url": ["http://a.example/"]}))
    brands = tmp_path / "brands.toml"
    brands.write_text("[[brand]]\nname = 3\n")
    with pytest.raises(clonehound.ClonehoundError):
        clonehound.Index.build(brands)


def test_the_gil_is_released_while_a_batch_is_scanned():
    index = clonehound.Index.build(CORPUS / "brands.toml")
    html = site_html("copy-bluestone-partners-phishing").encode()
    batch = pa.record_batch({"url": [f"http://h{i}.example/" for i in range(400)], "html": [html] * 400})
    ticks, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        before = ticks[0]
        index.scan_batch(batch)
        during = ticks[0] - before
    finally:
        stop.set()
        thread.join()
    # Holding the GIL for the whole call would leave the counter where it was.
    assert during > 1000, during


def test_is_html_and_warc_suspect_follow_the_cli_rules():
    assert clonehound.is_html(b"", "text/html; charset=utf-8")
    assert clonehound.is_html(b"  <!doctype html>", None)
    assert not clonehound.is_html(b"<svg/>", "image/svg+xml")
    assert clonehound.warc_suspect("c.warc", "https://WWW.Acme.com/x") == "c.warc#acme.com"


def test_fingerprints_pickle_and_indexes_refuse_to():
    import pickle

    fp = clonehound.fingerprint(site_html("bluestone-partners"), url="https://bluestonepartners.com/")
    assert pickle.loads(pickle.dumps(fp)).to_json() == fp.to_json()
    with pytest.raises(TypeError, match="addFile"):
        pickle.dumps(clonehound.Index.build(CORPUS / "brands.toml"))


def test_the_spark_reader_thread_keeps_order_raises_and_stops():
    from clonehound.spark import prefetched

    assert list(prefetched(iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        raise ValueError("broken record")

    with pytest.raises(ValueError, match="broken record"):
        list(prefetched(failing()))
    taken = prefetched(iter(range(1000)))
    assert next(taken) == 0
    taken.close()  # the reader thread ends instead of blocking on a full queue
