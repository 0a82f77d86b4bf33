//! Accuracy floors on the committed corpus, and the real-pages check (skipped cleanly
//! when ../shared/real-pages is absent).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::Path;

use clonehound::Config;
use clonehound_eval::{EvalReport, MethodReport, evaluate};

fn method<'a>(r: &'a EvalReport, name: &str) -> &'a MethodReport {
    r.headline.iter().find(|m| m.method == name).unwrap()
}

#[test]
fn corpus_meets_the_floors_and_beats_the_baselines() {
    let report = evaluate(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus")),
        &Config::default(),
        true,
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let ours = method(&report, "clonehound (brand given)");
    assert!(
        ours.positives >= 300 && ours.negatives >= 1000,
        "{} / {}",
        ours.positives,
        ours.negatives
    );
    let floors = [
        ("ROC AUC", ours.roc_auc, 0.99),
        ("TPR@1%", ours.tpr_at_fpr_1, 0.95),
        ("TPR@0.1%", ours.tpr_at_fpr_01, 0.90),
        ("top-1", ours.top1.unwrap(), 0.98),
        ("top-3", ours.top3.unwrap(), 0.99),
    ];
    for (name, got, floor) in floors {
        assert!(got >= floor, "{name} {got:.3} below {floor}");
    }
    for (kind, recall) in &ours.recall_by_kind {
        assert!(
            *recall >= 0.9,
            "copy kind {kind}: recall {recall:.3} at the threshold"
        );
    }
    let same_layout = ours.fp_by_kind["same-template-different-firm"];
    assert!(
        same_layout <= 0.01,
        "same-layout negatives flagged {same_layout:.3}"
    );
    for baseline in ["dnstwist ssdeep", "dnstwist tlsh"] {
        let b = method(&report, baseline);
        let lines = [
            (ours.roc_auc, b.roc_auc),
            (ours.pr_auc, b.pr_auc),
            (ours.tpr_at_fpr_1, b.tpr_at_fpr_1),
            (ours.tpr_at_fpr_01, b.tpr_at_fpr_01),
            (ours.top1.unwrap(), b.top1.unwrap()),
        ];
        for (i, (us, them)) in lines.into_iter().enumerate() {
            assert!(
                us > them,
                "line {i}: {us:.3} not ahead of {baseline} {them:.3}"
            );
        }
    }
}

#[test]
fn real_pages_meet_their_floors_when_present() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/real-pages"
    ));
    if !dir.join("pairs.jsonl").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let report = evaluate(dir, &Config::default(), false).unwrap();
    let given = method(&report, "clonehound (brand given)");
    let inferred = method(&report, "clonehound (brand inferred)");
    // In-sample (the shipped model was fitted on these pages too); the out-of-fold
    // figures come from `eval --fit`. TPR@0.1% was 0.48 while platform credits
    // ("Powered by WordPress") gave a firm the platform's name; ROC AUC 0.975 while a
    // form asking for the brand's password on a page naming itself otherwise ("free
    // followers") claimed nothing. Measured: 0.990, 0.934, 0.934, 0.988, 0.921.
    let floors = [
        ("ROC AUC", given.roc_auc, 0.985),
        ("TPR@1%", given.tpr_at_fpr_1, 0.92),
        ("TPR@0.1%", given.tpr_at_fpr_01, 0.92),
        ("ROC AUC, brand inferred", inferred.roc_auc, 0.98),
        ("TPR@0.1%, brand inferred", inferred.tpr_at_fpr_01, 0.90),
    ];
    for (what, value, floor) in floors {
        assert!(value >= floor, "real pages {what} {value:.3} < {floor}");
    }
    for baseline in ["dnstwist ssdeep", "dnstwist tlsh"] {
        assert!(given.roc_auc > method(&report, baseline).roc_auc);
    }
}

#[test]
fn synthetic_copies_of_real_pages_are_found_when_present() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/real-pages"
    ));
    if !dir.join("sources.tsv").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let report = clonehound_eval::evaluate_synthetic(dir, &Config::default(), 80, 4).unwrap();
    let ours = method(&report, "clonehound (brand given)");
    assert!(ours.positives >= 80 * 7, "{} copies", ours.positives);
    assert!(ours.roc_auc >= 0.99, "ROC AUC {:.3}", ours.roc_auc);
    for (kind, recall) in &ours.recall_by_kind {
        assert!(*recall >= 0.85, "{kind}: recall {recall:.3} on real markup");
    }
    let flagged = ours.fp_by_kind["real-other-brand"];
    assert!(flagged <= 0.01, "{flagged:.4} of other-brand pairs flagged");
}
