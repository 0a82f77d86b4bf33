//! Findings in the formats threat-intelligence platforms ingest: a MISP event (MISP,
//! Lookyloo, AIL) and a STIX 2.1 bundle (OpenCTI and most TIPs). One event or bundle
//! per scan: a scan is one observation run, and a platform links its findings together.
//! Only findings go in (a suspect and a brand it copies); clean suspects and read errors
//! stay in the JSON Lines output.
//!
//! Identifiers are UUIDv5 of what they name (a brand's name, a suspect's URL, the
//! scan's time), so the same finding keeps its identifier across runs and platforms can
//! merge them.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{Value, json};
use uuid::Uuid;

use super::{MatchReport, Summary, SuspectReport};
use crate::Verdict;
use crate::urls::host_of;

/// Our namespace for UUIDv5 identifiers.
const NAMESPACE: Uuid = Uuid::from_u128(0x6c6f_6e65_686f_756e_6463_6c6f_6e65_6800);
/// STIX 2.1's namespace for cyber-observable identifiers (section 2.9).
const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);

/// misp-objects templates used: (name, uuid, version).
const MISP_PHISHING: (&str, &str, u32) = ("phishing", "2dad6f9d-d425-4217-8fda-0b0a2d815307", 7);
const MISP_ORGANIZATION: (&str, &str, u32) =
    ("organization", "f750e12b-127a-432c-b022-b3f9153c4e2a", 9);
const MISP_FAVICON: (&str, &str, u32) = ("favicon", "485892f1-a767-4e9b-b5f8-7f86d1308674", 1);

/// The id of our STIX extension holding score, verdict and evidence.
const STIX_EXTENSION: &str = "extension-definition--2f5c3f6e-1d3b-5a8e-9b7c-636c6f6e6568";
/// The id of clonehound as a STIX identity (the extension's creator).
const STIX_TOOL: &str = "identity--8c1e0a62-7a37-5b6f-9a1e-636c6f6e6568";

fn uuid5(namespace: &Uuid, name: &str) -> String {
    Uuid::new_v5(namespace, name.as_bytes()).to_string()
}

/// One finding as text an analyst reads: score, verdict, evidence.
fn comment(m: &MatchReport) -> String {
    let verdict = m.verdict.as_str();
    let evidence: Vec<String> = m
        .evidence
        .iter()
        .map(|e| format!("[{}] {}", e.signal, e.detail))
        .collect();
    format!(
        "clonehound: {verdict} of {} (score {:.3}); {}",
        m.brand,
        m.score,
        evidence.join("; ")
    )
}

/// The URL a platform should know the suspect by: the copying page's URL when the scan
/// saw one (crawled pages: WARC, JSON Lines), else the suspect's own name when it is a
/// web URL, else a `file:` URI of the file or directory scanned.
fn observable_url(s: &SuspectReport, m: &MatchReport) -> String {
    let web = |u: &str| {
        url::Url::parse(u)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(String::from)
    };
    if let Some(u) = m.suspect_page.as_deref().and_then(web) {
        return u;
    }
    if let Some(u) = web(&s.suspect) {
        return u;
    }
    let path = s.suspect.split('#').next().unwrap_or(&s.suspect);
    std::path::absolute(path)
        .ok()
        .and_then(|p| url::Url::from_file_path(p).ok())
        .map_or_else(|| s.suspect.clone(), String::from)
}

/// The suspect's findings: matches that are copies.
fn findings(s: &SuspectReport) -> impl Iterator<Item = &MatchReport> {
    s.matches
        .iter()
        .flatten()
        .filter(|m| m.verdict != Verdict::None)
}

/// Streams one JSON document whose items are written as they come.
pub(super) struct Exchange {
    kind: Kind,
    /// RFC 3339 time of the scan.
    time: String,
    first: bool,
    /// Brands already written (their object comes once).
    brands: BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Misp,
    Stix,
}

impl Exchange {
    pub(super) fn start(kind: Kind, time: String, out: &mut impl Write) -> io::Result<Exchange> {
        let id = uuid5(&NAMESPACE, &format!("scan {time}"));
        match kind {
            Kind::Misp => {
                let date = time.get(..10).unwrap_or_default();
                write!(
                    out,
                    "{{\"Event\": {{\"uuid\": \"{id}\", \"info\": \"clonehound scan {time}: websites copying protected brands\", \"date\": \"{date}\", \"threat_level_id\": \"3\", \"analysis\": \"2\", \"distribution\": \"0\", \"published\": false, \"Tag\": [{{\"name\": \"tlp:amber\"}}], \"Object\": ["
                )?;
            }
            Kind::Stix => {
                write!(
                    out,
                    "{{\"type\": \"bundle\", \"id\": \"bundle--{id}\", \"objects\": ["
                )?;
            }
        }
        let mut exchange = Exchange {
            kind,
            time,
            first: true,
            brands: BTreeSet::new(),
        };
        if kind == Kind::Stix {
            let tool = json!({
                "type": "identity", "spec_version": "2.1", "id": STIX_TOOL,
                "created": "2026-12-01T00:00:00.000Z", "modified": "2026-12-01T00:00:00.000Z",
                "name": "clonehound", "identity_class": "system",
                "description": "Finds websites cloned to impersonate legitimate firms.",
            });
            let extension = json!({
                "type": "extension-definition", "spec_version": "2.1", "id": STIX_EXTENSION,
                "created_by_ref": STIX_TOOL,
                "created": "2026-12-01T00:00:00.000Z", "modified": "2026-12-01T00:00:00.000Z",
                "name": "clonehound finding",
                "description": "clonehound's score in [0, 1], verdict (impersonation or rebrand) and the evidence behind them, on an indicator of a copied website.",
                "schema": "score: number in [0, 1]; verdict: impersonation | rebrand; brand: string; evidence: list of {signal, detail}",
                "version": "1.0.0",
                "extension_types": ["property-extension"],
            });
            exchange.item(out, &tool)?;
            exchange.item(out, &extension)?;
        }
        Ok(exchange)
    }

    fn item(&mut self, out: &mut impl Write, value: &Value) -> io::Result<()> {
        let lead = if self.first { "\n" } else { ",\n" };
        self.first = false;
        let text = serde_json::to_string(value).map_err(io::Error::other)?;
        write!(out, "{lead}{text}")
    }

    pub(super) fn write(&mut self, out: &mut impl Write, s: &SuspectReport) -> io::Result<()> {
        let found: Vec<&MatchReport> = findings(s).collect();
        let Some(&first) = found.first() else {
            return Ok(());
        };
        // One URL per suspect: where its first finding was seen.
        let url = observable_url(s, first);
        match self.kind {
            Kind::Misp => self.misp(out, s, &url, &found),
            Kind::Stix => self.stix(out, s, &url, &found),
        }
    }

    fn misp(
        &mut self,
        out: &mut impl Write,
        s: &SuspectReport,
        url: &str,
        found: &[&MatchReport],
    ) -> io::Result<()> {
        let object = |template: (&str, &str, u32), uuid: &str, attributes: Vec<Value>| {
            json!({
                "name": template.0, "template_uuid": template.1,
                "template_version": template.2.to_string(), "uuid": uuid,
                "meta-category": if template.0 == "organization" { "misc" } else { "network" },
                "description": "", "distribution": "5", "Attribute": attributes,
            })
        };
        let attribute = |relation: &str, kind: &str, value: Value, comment: &str| {
            json!({"object_relation": relation, "type": kind, "value": value,
                   "comment": comment, "to_ids": false, "distribution": "5"})
        };
        let phishing_id = uuid5(&NAMESPACE, &format!("phishing {}", s.suspect));
        // Each finding's comment names the suspect as scanned (a path, `FILE#HOST`).
        let mut references = Vec::new();
        // Each finding as an analyst reads it, written on its target, its reference and
        // the object's comment.
        let comments: Vec<String> = found.iter().map(|m| comment(m)).collect();
        for (m, said) in found.iter().zip(&comments) {
            let brand_id = uuid5(&NAMESPACE, &format!("brand {}", m.brand));
            if self.brands.insert(m.brand.clone()) {
                let org = object(
                    MISP_ORGANIZATION,
                    &brand_id,
                    vec![attribute(
                        "name",
                        "text",
                        m.brand.clone().into(),
                        &format!("protected brand; domains: {}", m.domains.join(", ")),
                    )],
                );
                self.item(out, &org)?;
            }
            let relation = match m.verdict {
                Verdict::Impersonation => "impersonates",
                _ => "similar",
            };
            references.push(json!({"referenced_uuid": brand_id,
                "relationship_type": relation, "comment": said}));
        }
        // Each finding's score, verdict and evidence sit on its `target` attribute and
        // its reference to the brand; the object's comment gathers them.
        let mut attributes = vec![attribute("url", "url", url.into(), &s.suspect)];
        if let Some(host) = host_of(url) {
            attributes.push(attribute("hostname", "hostname", host.into(), ""));
        }
        for (m, said) in found.iter().zip(&comments) {
            attributes.push(attribute("target", "text", m.brand.clone().into(), said));
        }
        if let Some(f) = &s.favicon {
            let favicon_id = uuid5(&NAMESPACE, &format!("favicon {}", f.sha256));
            let icon = object(
                MISP_FAVICON,
                &favicon_id,
                vec![attribute(
                    "favicon-mmh3",
                    "favicon-mmh3",
                    f.mmh3.to_string().into(),
                    &format!("md5 {} sha256 {}", f.md5, f.sha256),
                )],
            );
            self.item(out, &icon)?;
            references.push(json!({"referenced_uuid": favicon_id,
                "relationship_type": "related-to", "comment": "the suspect's favicon"}));
        }
        let mut phishing = object(MISP_PHISHING, &phishing_id, attributes);
        if let Some(map) = phishing.as_object_mut() {
            map.insert("ObjectReference".into(), references.into());
            map.insert("comment".into(), comments.join(" | ").into());
        }
        self.item(out, &phishing)
    }

    fn stix(
        &mut self,
        out: &mut impl Write,
        s: &SuspectReport,
        url: &str,
        found: &[&MatchReport],
    ) -> io::Result<()> {
        let time = self.time.clone();
        let url_id = format!(
            "url--{}",
            uuid5(&STIX_SCO_NAMESPACE, &json!({"value": url}).to_string())
        );
        self.item(
            out,
            &json!({"type": "url", "spec_version": "2.1", "id": url_id, "value": url}),
        )?;
        for m in found {
            let brand_id = format!(
                "identity--{}",
                uuid5(&NAMESPACE, &format!("brand {}", m.brand))
            );
            if self.brands.insert(m.brand.clone()) {
                let identity = json!({
                    "type": "identity", "spec_version": "2.1", "id": brand_id,
                    "created": time, "modified": time, "name": m.brand,
                    "identity_class": "organization",
                    "description": format!("Protected brand; domains: {}", m.domains.join(", ")),
                });
                self.item(out, &identity)?;
            }
            let key = format!("{} {}", s.suspect, m.brand);
            let indicator_id = format!(
                "indicator--{}",
                uuid5(&NAMESPACE, &format!("indicator {key}"))
            );
            let pattern_url = url.replace('\\', "\\\\").replace('\'', "\\'");
            let indicator = json!({
                "type": "indicator", "spec_version": "2.1", "id": indicator_id,
                "created": time, "modified": time, "valid_from": time,
                "name": format!("Website copying {}", m.brand),
                "description": comment(m),
                "indicator_types": ["malicious-activity"],
                "pattern": format!("[url:value = '{pattern_url}']"),
                "pattern_type": "stix",
                "extensions": {STIX_EXTENSION: {
                    "extension_type": "property-extension",
                    "brand": m.brand, "score": m.score, "verdict": m.verdict,
                    "evidence": m.evidence,
                }},
            });
            self.item(out, &indicator)?;
            let relation = |source: &str, target: &str, what: &str, description: String| {
                json!({
                    "type": "relationship", "spec_version": "2.1",
                    "id": format!("relationship--{}", uuid5(&NAMESPACE, &format!("{what} {key}"))),
                    "created": time, "modified": time, "relationship_type": "related-to",
                    "source_ref": source, "target_ref": target, "description": description,
                })
            };
            let brand_rel = relation(
                &indicator_id,
                &brand_id,
                "brand",
                format!("the suspect copies {} ({:?})", m.brand, m.verdict),
            );
            self.item(out, &brand_rel)?;
            let url_rel = relation(
                &indicator_id,
                &url_id,
                "url",
                "the suspect's URL".to_owned(),
            );
            self.item(out, &url_rel)?;
        }
        Ok(())
    }

    pub(super) fn finish(self, out: &mut impl Write, summary: &Summary) -> io::Result<()> {
        match self.kind {
            Kind::Misp => writeln!(
                out,
                "\n], \"Attribute\": [{{\"type\": \"comment\", \"category\": \"Other\", \"value\": \"scanned {} suspects ({} pages): {} copies, {} errors\", \"to_ids\": false, \"distribution\": \"5\"}}]}}}}",
                summary.suspects, summary.pages, summary.copies, summary.errors
            ),
            Kind::Stix => writeln!(out, "\n]}}"),
        }
    }
}
