//! Where an index lives: in memory as built, or in a file ([`Index::save`],
//! [`Index::load`]) whose header holds the retrieval tables and whose records, one per
//! brand, are read when a brand is a candidate.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cache::{DEFAULT_BYTES, RecordCache};
use super::{INDEX_VERSION, Index, Tables};
use crate::fingerprint::SiteFingerprint;
use crate::{Error, Result};

/// Bytes before the header: magic, index version, fingerprint version, header length,
/// header checksum.
const PREAMBLE: u64 = 32;

/// The checksum of index bytes: xxh3-64, which catches damage (a flipped bit, a torn
/// write, a file truncated or overwritten), not deliberate forgery.
fn checksum(parts: &[&[u8]]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.digest()
}

/// First bytes of a saved index.
const MAGIC: &[u8; 8] = b"CLHNDIDX";

/// Where full brand fingerprints live.
#[derive(Debug)]
pub(super) enum Store {
    Memory(Vec<SiteFingerprint>),
    File(FileStore),
}

#[derive(Debug)]
pub(super) struct FileStore {
    path: PathBuf,
    file: File,
    /// Offset of each record in the file, then the end of the last.
    offsets: Vec<u64>,
    /// Checksum of each record.
    sums: Vec<u64>,
    /// Records read and decoded already.
    cache: RecordCache,
}

impl Store {
    /// Bytes the store holds in memory: the encoded fingerprints when they are held in
    /// memory, the record offsets when they stay in a file.
    pub(super) fn memory_bytes(&self) -> usize {
        match self {
            Store::Memory(sites) => sites
                .iter()
                .map(|s| postcard::to_allocvec(s).map_or(0, |v| v.len()))
                .sum(),
            Store::File(f) => f.offsets.len() * 8,
        }
    }
}

impl FileStore {
    /// Record `id`, from the cache or read, checked and decoded (and then cached).
    fn read(&self, id: usize) -> Result<Arc<SiteFingerprint>> {
        if let Some(site) = self.cache.get(id) {
            return Ok(site);
        }
        let buf = self.bytes(id)?;
        let site: Arc<SiteFingerprint> =
            Arc::new(postcard::from_bytes(&buf).map_err(|e| Error::Decode {
                what: "index brand record",
                reason: e.to_string(),
            })?);
        self.cache.put(id, &site, buf.len());
        Ok(site)
    }

    /// A record's bytes, checked against its checksum.
    fn bytes(&self, id: usize) -> Result<Vec<u8>> {
        let (Some(&start), Some(&end)) = (self.offsets.get(id), self.offsets.get(id + 1)) else {
            return Err(Error::Invalid(format!("no brand record {id} in the index")));
        };
        let len = usize::try_from(end.saturating_sub(start))
            .map_err(|_| Error::Invalid("index record too large".into()))?;
        let mut buf = vec![0u8; len];
        read_exact_at(&self.file, &mut buf, start).map_err(|e| Error::io(&self.path, e))?;
        if self.sums.get(id) != Some(&checksum(&[&buf])) {
            return Err(damaged(format!("brand record {id} fails its checksum")));
        }
        Ok(buf)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = buf.get_mut(n..).unwrap_or_default();
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

impl Index {
    /// The full fingerprint of brand `id` (read from the file for a loaded index).
    pub fn site(&self, id: usize) -> Result<SiteFingerprint> {
        match &self.store {
            Store::Memory(sites) => sites
                .get(id)
                .cloned()
                .ok_or_else(|| Error::Invalid(format!("no brand {id} in the index"))),
            Store::File(f) => f.read(id).map(|s| s.as_ref().clone()),
        }
    }

    /// Sets how many bytes of decoded brand records a loaded index keeps, so that a
    /// brand compared with many suspects is read from the file and decoded once. The
    /// records kept are charged twice their encoded size (an estimate); the least
    /// recently used go first; 0 keeps none. Results never depend on it. An index
    /// built in memory holds every record already and ignores it.
    ///
    /// # Default
    /// 64 MiB.
    ///
    /// ```
    /// # let mut index = clonehound::index::IndexBuilder::default().build();
    /// index.set_record_cache_bytes(256 << 20);
    /// ```
    pub fn set_record_cache_bytes(&mut self, bytes: usize) {
        if let Store::File(f) = &mut self.store {
            f.cache = RecordCache::new(bytes);
        }
    }

    pub(super) fn with_site<T>(
        &self,
        id: usize,
        f: impl FnOnce(&SiteFingerprint) -> T,
    ) -> Result<T> {
        match &self.store {
            Store::Memory(sites) => sites
                .get(id)
                .map(f)
                .ok_or_else(|| Error::Invalid(format!("no brand {id} in the index"))),
            Store::File(store) => Ok(f(store.read(id)?.as_ref())),
        }
    }

    /// Writes the index to `path`: magic bytes, [`INDEX_VERSION`],
    /// [`crate::fingerprint::FORMAT_VERSION`], a header with the retrieval tables, then one record per
    /// brand (postcard-encoded serde). The header and every record carry a checksum.
    ///
    /// The file is written beside `path` under a temporary name and renamed into place
    /// when complete, so a scan reading the old index while a new one is built goes on
    /// reading the old one, and a failed write leaves the old file as it was.
    ///
    /// ```
    /// # use clonehound::{Index, index::IndexBuilder};
    /// let dir = std::env::temp_dir().join(format!("clonehound-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("brands.idx");
    /// IndexBuilder::default().build().save(&path)?;
    /// assert!(Index::load(&path)?.is_empty());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let encode = |site: &SiteFingerprint| {
            postcard::to_allocvec(site).map_err(|e| Error::Invalid(e.to_string()))
        };
        let mut records = Vec::new();
        let mut offsets = vec![0u64];
        let mut sums = Vec::with_capacity(self.tables.brands.len());
        for id in 0..self.tables.brands.len() {
            let bytes = match &self.store {
                Store::Memory(sites) => sites.get(id).map(encode).transpose()?.unwrap_or_default(),
                Store::File(f) => encode(f.read(id)?.as_ref())?,
            };
            sums.push(checksum(&[&bytes]));
            records.extend_from_slice(&bytes);
            offsets.push(records.len() as u64);
        }
        // The header is the tables, the record offsets and their checksums, as one
        // postcard tuple.
        let header = (&self.tables, &offsets, &sums);
        let header = postcard::to_allocvec(&header).map_err(|e| Error::Invalid(e.to_string()))?;
        let mut preamble = Vec::with_capacity(PREAMBLE as usize);
        preamble.extend_from_slice(MAGIC);
        preamble.extend_from_slice(&INDEX_VERSION.to_le_bytes());
        preamble.extend_from_slice(&crate::fingerprint::FORMAT_VERSION.to_le_bytes());
        preamble.extend_from_slice(&(header.len() as u64).to_le_bytes());
        let sum = checksum(&[&preamble, &header]);
        preamble.extend_from_slice(&sum.to_le_bytes());
        write_atomically(path, &[&preamble, &header, &records])
    }

    /// Reads an index written by [`Index::save`]. The retrieval tables are read now;
    /// each brand's record is read from the file when that brand is a candidate. A file
    /// of another [`INDEX_VERSION`], or holding fingerprints of another
    /// [`crate::fingerprint::FORMAT_VERSION`], is refused with [`Error::Format`]; a file that is not
    /// an index, or is damaged (every checksum is verified now, and each record's again
    /// when it is read), with [`Error::Decode`]; a directory, device or FIFO with
    /// [`Error::NotRead`].
    pub fn load(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        let (mut file, size) = crate::input::open_regular(path)?;
        let bad = |reason: String| Error::Decode {
            what: "index file",
            reason,
        };
        let mut head = [0u8; PREAMBLE as usize];
        file.read_exact(&mut head)
            .map_err(|_| bad(format!("{size} bytes, shorter than an index header")))?;
        let (magic, rest) = head.split_at(8);
        if magic != MAGIC {
            return Err(bad("not a clonehound index (wrong magic bytes)".into()));
        }
        let word = |at: usize| -> Result<u64> {
            let bytes = rest.get(at..at + 8).ok_or_else(|| bad("header".into()))?;
            Ok(u64::from_le_bytes(
                bytes.try_into().map_err(|_| bad("header".into()))?,
            ))
        };
        let versions = word(0)?;
        let (index_version, format_version) = (versions as u32, (versions >> 32) as u32);
        for (found, supported) in [
            (index_version, INDEX_VERSION),
            (format_version, crate::fingerprint::FORMAT_VERSION),
        ] {
            if found != supported {
                return Err(Error::Format { found, supported });
            }
        }
        let (len, sum) = (word(8)?, word(16)?);
        if len > size.saturating_sub(PREAMBLE) {
            return Err(damaged(format!(
                "header claims {len} bytes but the file has {size}"
            )));
        }
        let mut buf = vec![0u8; usize::try_from(len).map_err(|_| bad("header too large".into()))?];
        file.read_exact(&mut buf).map_err(|e| Error::io(path, e))?;
        // The checksum covers the preamble before it, then the header.
        let summed = head.get(..PREAMBLE as usize - 8).unwrap_or_default();
        if checksum(&[summed, &buf]) != sum {
            return Err(damaged("the header fails its checksum".into()));
        }
        let (tables, offsets, sums): (Tables, Vec<u64>, Vec<u64>) =
            postcard::from_bytes(&buf).map_err(|e| bad(e.to_string()))?;
        let base = PREAMBLE + len;
        let n = tables.brands.len();
        let consistent = tables.pages.len() == n
            && offsets.len() == n + 1
            && sums.len() == n
            && tables.keys.len() == tables.ids.len()
            && tables.keys.is_sorted()
            && tables.ids.iter().all(|&id| (id as usize) < n)
            && offsets.is_sorted()
            && offsets.last().is_some_and(|&end| base + end == size);
        if !consistent {
            return Err(damaged("inconsistent tables".into()));
        }
        tables.config.check()?;
        let store = FileStore {
            path: path.to_owned(),
            file,
            offsets: offsets.into_iter().map(|o| o + base).collect(),
            sums,
            cache: RecordCache::new(DEFAULT_BYTES),
        };
        for id in 0..n {
            store.bytes(id)?;
        }
        Ok(Index {
            matchers: tables.brands.iter().map(|_| Default::default()).collect(),
            key_filter: Default::default(),
            tables,
            store: Store::File(store),
        })
    }
}

/// A damaged index file.
fn damaged(reason: String) -> Error {
    Error::Decode {
        what: "index file (damaged)",
        reason,
    }
}

/// Writes `parts` to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, parts: &[&[u8]]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(&temp)?);
        for part in parts {
            out.write_all(part)?;
        }
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|e| {
        // Best effort: the temporary file is ours, and useless now.
        let _ = std::fs::remove_file(&temp);
        Error::io(path, e)
    })
}
