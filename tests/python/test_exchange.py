"""scan --format misp and --format stix, read by the libraries that consume them.

The MISP event is loaded with PyMISP and every object is checked against its template in
the misp-objects repository (as PyMISP ships it): template uuid, attribute relations and
types, required attributes, relationship types. The STIX bundle is validated with
stix2-validator and parsed with stix2. Run by .ci/run in its virtual environment:

    pytest tests/python    (CLONEHOUND=path/to/clonehound, default target/release/clonehound)
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CLONEHOUND", str(ROOT / "target" / "release" / "clonehound"))
# Crawled pages (URL known) and one site directory (a file: URI): two impersonations,
# one rebrand, one brand's own page, one page of a firm not protected.
PAGES = [
    ("copy-kestrel-software-phishing", "http://kestrel-login.example/signin"),
    # A quote in the URL must be escaped in the STIX pattern.
    ("copy-kestrel-software-reword", "http://evil.example/it's-kestrel"),
    ("copy-alder-wealth-rebrand", "https://alder-copy.example/"),
    ("orbitwise", "https://orbitwise.co.uk/"),
    ("alder-wealth", "https://alderwealth.com/"),
]
SITE = "copy-kestrel-software-favicon"


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exchange")
    index = tmp / "corpus.idx"
    subprocess.run([BIN, "index", "build", str(ROOT / "corpus" / "brands.toml"), "-o", str(index), "-q"], check=True)
    pages = tmp / "pages.jsonl"
    with pages.open("w") as f:
        for site, url in PAGES:
            html = (ROOT / "corpus" / "sites" / site / "index.html").read_text()
            f.write(json.dumps({"url": url, "html": html}) + "\n")
    out = {}
    for fmt in ("misp", "stix", "jsonl"):
        run = subprocess.run(
            [BIN, "scan", "-q", "--index", str(index), "--format", fmt, str(pages), str(ROOT / "corpus" / "sites" / SITE)],
            capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1796284800"},
        )
        assert run.returncode == 1, run.stderr  # copies found
        path = tmp / f"scan.{fmt}"
        path.write_text(run.stdout)
        out[fmt] = path
    findings = []
    for line in out["jsonl"].read_text().splitlines():
        record = json.loads(line)
        for m in record.get("matches") or []:
            if m["verdict"] != "none":
                findings.append((record["suspect"], m["brand"], m["verdict"], m["score"]))
    assert len(findings) >= 3
    out["findings"] = findings
    return out


def misp_templates():
    import pymisp

    data = Path(pymisp.__file__).parent / "data" / "misp-objects"
    relationships = json.loads((data / "relationships" / "definition.json").read_text())
    names = {r["name"] for r in relationships["values"]}
    return data / "objects", names


def test_misp_event_loads_and_follows_the_templates(scans):
    from pymisp import MISPEvent

    event = MISPEvent()
    event.load_file(str(scans["misp"]))
    objects_dir, relationship_names = misp_templates()
    assert event.info.startswith("clonehound scan")
    by_uuid = {o.uuid: o for o in event.objects}
    for obj in event.objects:
        template = json.loads((objects_dir / obj.name / "definition.json").read_text())
        assert obj.template_uuid == template["uuid"], obj.name
        assert int(obj.template_version) == template["version"], obj.name
        relations = [a.object_relation for a in obj.attributes]
        for a in obj.attributes:
            assert a.object_relation in template["attributes"], (obj.name, a.object_relation)
            assert a.type == template["attributes"][a.object_relation]["misp-attribute"], (obj.name, a.object_relation)
        for relation in set(relations):
            if relations.count(relation) > 1:
                assert template["attributes"][relation].get("multiple"), (obj.name, relation)
        for required in template.get("required", []):
            assert required in relations, (obj.name, required)
        if "requiredOneOf" in template:
            assert set(relations) & set(template["requiredOneOf"]), obj.name
        for ref in obj.references:
            assert ref.relationship_type in relationship_names, ref.relationship_type
            assert ref.referenced_uuid in by_uuid
    phishing = [o for o in event.objects if o.name == "phishing"]
    targets = sorted((o.get_attributes_by_relation("url")[0].value, a.value) for o in phishing for a in o.get_attributes_by_relation("target"))
    assert len(targets) == len(scans["findings"])
    impersonated = {
        by_uuid[r.referenced_uuid].get_attributes_by_relation("name")[0].value
        for o in phishing for r in o.references if r.relationship_type == "impersonates"
    }
    assert "Kestrel Software" in impersonated
    # Score, verdict and evidence where an analyst reads them: on each target.
    for o in phishing:
        for a in o.get_attributes_by_relation("target"):
            assert "score" in a.comment and "[" in a.comment
    assert any(o.name == "favicon" for o in event.objects)
    urls = {o.get_attributes_by_relation("url")[0].value for o in phishing}
    assert "http://kestrel-login.example/signin" in urls
    assert any(u.startswith("file://") and u.endswith(SITE) for u in urls)


def test_stix_bundle_validates_and_parses(scans):
    import stix2
    from stix2validator import ValidationOptions, validate_file

    # 103: identifiers are UUIDv5 of what they name (stable across runs), where the
    # standard recommends v4; every other check is on.
    results = validate_file(str(scans["stix"]), ValidationOptions(disabled=["103"]))
    assert results.is_valid, [str(e) for o in results.object_results for e in o.errors]
    bundle = stix2.parse(scans["stix"].read_text(), allow_custom=True)
    objects = {o.id: o for o in bundle.objects}
    indicators = [o for o in bundle.objects if o.type == "indicator"]
    assert len(indicators) == len(scans["findings"])
    extension = next(o for o in bundle.objects if o.type == "extension-definition")
    for ind in indicators:
        props = ind.extensions[extension.id]
        assert props["verdict"] in ("impersonation", "rebrand")
        assert 0.0 <= props["score"] <= 1.0
        assert ind.pattern.startswith("[url:value = '")
    brands = {o.name for o in bundle.objects if o.type == "identity" and o.identity_class == "organization"}
    assert {"Kestrel Software", "Alder Wealth"} <= brands
    for rel in (o for o in bundle.objects if o.type == "relationship"):
        assert rel.source_ref in objects and rel.target_ref in objects
    assert any(o.type == "url" and o.value == "http://kestrel-login.example/signin" for o in bundle.objects)
