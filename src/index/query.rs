//! Querying an index: the suspect's keys vote for brands, the best-voted are compared
//! in full and ranked by score.

use rayon::prelude::*;

use super::keys::{Family, KeyFilter, query_keys, suspect_hosts};
use super::{Index, Match};
use crate::brand::{Matcher, PageFacts};
use crate::compare::{explain_scored, score_completed};
use crate::fingerprint::SiteFingerprint;
use crate::{Error, Result};

impl Index {
    fn postings(&self, key: u64) -> &[u32] {
        let filter = self
            .key_filter
            .get_or_init(|| KeyFilter::new(&self.tables.keys));
        if !filter.may_hold(key) {
            return &[];
        }
        let start = self.tables.keys.partition_point(|&k| k < key);
        let end = start
            + self
                .tables
                .keys
                .get(start..)
                .map_or(0, |rest| rest.partition_point(|&k| k == key));
        self.tables.ids.get(start..end).unwrap_or_default()
    }

    /// The retrieval stage alone: brands voted for by the suspect's keys, best first,
    /// with their vote weights, at most [`IndexConfig::candidates`](super::IndexConfig::candidates) of them. Brands
    /// that own one of the suspect's hosts are left out.
    pub fn candidates(&self, suspect: &SiteFingerprint) -> Vec<(usize, f64)> {
        // Most of a suspect's keys match no posting: drop those before the sort.
        let mut hits: Vec<(u64, &[u32])> = query_keys(suspect)
            .into_iter()
            .map(|k| (k, self.postings(k)))
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        hits.sort_unstable_by_key(|hit| hit.0);
        hits.dedup_by_key(|hit| hit.0);
        // One total per brand. Family weights are small multiples of 1/2, so the sums
        // are exact whatever order the votes come in.
        let mut votes = vec![0.0_f64; self.tables.brands.len()];
        for (key, ids) in hits {
            let weight = Family::of_key(key).weight();
            for &id in ids {
                if let Some(total) = votes.get_mut(id as usize) {
                    *total += weight;
                }
            }
        }
        let hosts = suspect_hosts(suspect);
        let mut totals: Vec<(usize, f64)> = votes
            .into_iter()
            .enumerate()
            .filter(|&(id, total)| {
                total > 0.0
                    && self
                        .tables
                        .brands
                        .get(id)
                        .is_some_and(|brand| !hosts.iter().any(|h| brand.owns(h)))
            })
            .collect();
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        totals.truncate(self.tables.config.candidates);
        totals
    }

    /// The `top` brands `suspect` most resembles, best first, each with a full
    /// comparison and its evidence. Only candidates from [`Index::candidates`] are
    /// compared. Ties keep brand order, so results never depend on thread count.
    ///
    /// `top` must be at least 1, and the index's settings must pass
    /// [`IndexConfig::check`](super::IndexConfig::check): a query that could only come back empty is an error, not
    /// a clean result.
    pub fn query(&self, suspect: &SiteFingerprint, top: usize) -> Result<Vec<Match>> {
        self.tables.config.check()?;
        if top == 0 {
            return Err(Error::Invalid(
                "a query must report at least one brand (top = 0)".into(),
            ));
        }
        let ids: Vec<usize> = self.candidates(suspect).into_iter().map(|c| c.0).collect();
        self.rank(suspect, &ids, top)
    }

    /// Compares `suspect` with every brand: the reference the index is measured
    /// against, and the cost it saves. Brands that own one of the suspect's hosts are
    /// left out, as in [`Index::query`].
    pub fn brute_force(&self, suspect: &SiteFingerprint, top: usize) -> Result<Vec<Match>> {
        let hosts = suspect_hosts(suspect);
        let ids: Vec<usize> = (0..self.tables.brands.len())
            .filter(|&id| {
                self.tables
                    .brands
                    .get(id)
                    .is_some_and(|b| !hosts.iter().any(|h| b.owns(h)))
            })
            .collect();
        self.rank(suspect, &ids, top)
    }

    /// Compares `suspect` in full with the brands `ids` (from [`Index::candidates`]) and
    /// returns the best `top`, by score: the second step of [`Index::query`], public so
    /// the evaluation harness can time and check retrieval and ranking apart.
    ///
    /// ```
    /// use clonehound::{Brand, Index, Limits, Page, SiteFingerprint};
    /// use clonehound::index::IndexBuilder;
    /// let site = SiteFingerprint::from_page(&Page::from_html("<title>Acme</title><p>Bridges.</p>", Some("https://acme.com/")), &Limits::default());
    /// let mut builder = IndexBuilder::default();
    /// builder.add(Brand::new("Acme", ["acme.com"]), site.clone());
    /// let index = builder.build();
    /// let ids: Vec<usize> = index.candidates(&site).iter().map(|c| c.0).collect();
    /// assert!(index.rank(&site, &ids, 1)?.len() <= 1);
    /// Ok::<(), clonehound::Error>(())
    /// ```
    pub fn rank(&self, suspect: &SiteFingerprint, ids: &[usize], top: usize) -> Result<Vec<Match>> {
        let config = &self.tables.config.compare;
        let facts: Vec<PageFacts> = suspect.pages.iter().map(PageFacts::of).collect();
        let mut scored = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(matcher) = self.matcher(id) else {
                continue;
            };
            let s = self.with_site(id, |site| {
                score_completed(site, suspect, matcher, &facts, config)
            })?;
            scored.push((id, s));
        }
        scored.sort_by(|(a_id, a), (b_id, b)| b.score().total_cmp(&a.score()).then(a_id.cmp(b_id)));
        scored.truncate(top);
        // Only the brands reported are explained.
        let mut matches = Vec::with_capacity(scored.len());
        for (id, s) in scored {
            let Some(matcher) = self.matcher(id) else {
                continue;
            };
            let comparison =
                self.with_site(id, |site| explain_scored(s, site, suspect, matcher, config))?;
            matches.push(Match {
                brand_id: id,
                comparison,
            });
        }
        Ok(matches)
    }

    /// Brand `id`'s name matcher, made once.
    fn matcher(&self, id: usize) -> Option<&Matcher> {
        let brand = self.tables.brands.get(id)?;
        let cell = self.matchers.get(id)?;
        Some(cell.get_or_init(|| Matcher::new(brand.clone())))
    }

    /// Queries many suspects in parallel; results keep input order.
    ///
    /// ```
    /// # use clonehound::{Brand, SiteFingerprint, index::IndexBuilder};
    /// let index = IndexBuilder::default().build();
    /// let results = index.scan(&[SiteFingerprint::default()], 3);
    /// assert!(results[0].as_ref().is_ok_and(|m| m.is_empty()));
    /// ```
    pub fn scan(&self, suspects: &[SiteFingerprint], top: usize) -> Vec<Result<Vec<Match>>> {
        suspects.par_iter().map(|s| self.query(s, top)).collect()
    }
}
