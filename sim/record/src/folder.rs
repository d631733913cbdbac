//! Folders navbat writes (results, reports), written all or nothing and checkable afterwards.
//!
//! Every such folder carries a manifest, [`MANIFEST`]: one `SHA-256  name` line per file, in
//! the format `sha256sum -c` reads. The manifest is the folder's marker too: navbat replaces
//! a folder only when it is absent, empty, or holds exactly the files its manifest lists, so
//! nothing navbat did not write is ever deleted. A folder is written into a hidden sibling,
//! synced to the disk, and renamed into place; on any error the sibling is removed and the
//! earlier folder, if any, is left as it was. Readers call [`verify_folder`] first: a file
//! changed, missing or added since navbat wrote the folder (a mix of two runs, say) is an
//! error that names it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.sha256";

/// Why a folder could not be written or checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderError {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The target cannot be replaced: it holds something navbat did not write there.
    #[error("{path}: {reason}; nothing was changed, choose another folder")]
    InUse {
        /// The folder concerned.
        path: PathBuf,
        /// Why it cannot be replaced.
        reason: String,
    },
    /// The folder differs from what its manifest says navbat wrote.
    #[error("{path}: {reason}")]
    Tampered {
        /// The file concerned.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError::Io { path: path.to_path_buf(), source }
}

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `path` made absolute with `.` and `..` resolved through its deepest existing part, so that
/// `.` or `out/..` name a real folder with a parent.
pub fn resolve(path: &Path) -> Result<PathBuf, FolderError> {
    let absolute = std::path::absolute(path).map_err(io(path))?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = std::fs::canonicalize(existing).map_err(io(existing))?;
    for name in rest.into_iter().rev() {
        if name == ".." {
            real.pop();
        } else if name != "." {
            real.push(name);
        }
    }
    Ok(real)
}

/// Refuses when one of `a` and `b` is, contains or lies inside the other (after resolving
/// both): writing one would replace the other.
pub fn check_apart(a: &Path, b: &Path) -> Result<(), FolderError> {
    let (ra, rb) = (resolve(a)?, resolve(b)?);
    if ra.starts_with(&rb) || rb.starts_with(&ra) {
        return Err(FolderError::InUse {
            path: ra,
            reason: format!("is, contains or lies inside {}", rb.display()),
        });
    }
    Ok(())
}

/// The manifest of `dir` as (relative file name → SHA-256), if it has one.
fn read_manifest(dir: &Path) -> Result<Option<BTreeMap<String, String>>, FolderError> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(FolderError::Io { path, source: e }),
    };
    let mut files = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((hash, name)) = line.split_once("  ") else {
            return Err(FolderError::Tampered {
                path: path.clone(),
                reason: format!("line {}: expected `SHA-256  name`, found {line:?}", i + 1),
            });
        };
        files.insert(name.to_owned(), hash.to_owned());
    }
    Ok(Some(files))
}

/// Every regular file under `dir` (relative names with `/`), and any entry that is neither a
/// file nor a folder.
fn list_files(dir: &Path) -> Result<Vec<String>, FolderError> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let here = dir.join(&rel);
        for entry in std::fs::read_dir(&here).map_err(io(&here))? {
            let entry = entry.map_err(io(&here))?;
            let rel = rel.join(entry.file_name());
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            if kind.is_dir() {
                stack.push(rel);
            } else {
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether navbat may replace `dir`: it is absent, an empty folder, or holds exactly the files
/// its manifest lists (and the manifest).
pub fn check_replaceable(dir: &Path) -> Result<(), FolderError> {
    let in_use = |reason: String| FolderError::InUse { path: dir.to_path_buf(), reason };
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(in_use("is a file, not a folder".to_owned()));
    }
    let files = list_files(dir)?;
    if files.is_empty() {
        return Ok(());
    }
    let Some(listed) = read_manifest(dir)? else {
        return Err(in_use(format!(
            "is not empty (it holds {}) and was not written by navbat (no {MANIFEST})",
            files[0]
        )));
    };
    if let Some(foreign) = files.iter().find(|f| *f != MANIFEST && !listed.contains_key(*f)) {
        return Err(in_use(format!(
            "holds {foreign}, which navbat did not write there (its {MANIFEST} does not list it)"
        )));
    }
    Ok(())
}

/// Checks that `dir` can be written later: replaceable, and its parent exists or can be made
/// and takes a new file. Call it before a long computation whose results go there.
pub fn check_writable(dir: &Path) -> Result<(), FolderError> {
    let dir = resolve(dir)?;
    check_replaceable(&dir)?;
    let parent = dir.parent().ok_or_else(|| FolderError::InUse {
        path: dir.clone(),
        reason: "is the root of the file system".to_owned(),
    })?;
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let probe = parent.join(format!(".navbat-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(io(parent))?;
    std::fs::remove_file(&probe).map_err(io(&probe))
}

/// Flushes a folder's entries (new names, renames) to the disk.
pub fn sync_dir(dir: &Path) -> Result<(), FolderError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Writes `files` (relative names, `/` for one level of subfolder) and their manifest as the
/// folder `dir`, all or nothing (see [`write_folder_with`]).
pub fn write_folder<N: AsRef<str>, B: AsRef<[u8]>>(
    dir: &Path,
    files: &[(N, B)],
) -> Result<(), FolderError> {
    write_folder_with(dir, |tmp: &Path| -> Result<(), FolderError> {
        for (name, bytes) in files {
            let (name, bytes) = (name.as_ref(), bytes.as_ref());
            let bad = name.is_empty()
                || name == MANIFEST
                || name.split('/').any(|p| p.is_empty() || p == "." || p == "..")
                || name.contains('\\');
            if bad {
                return Err(FolderError::InUse {
                    path: tmp.join(name),
                    reason: "is not a plain relative file name".to_owned(),
                });
            }
            let path = tmp.join(name);
            if let Some(sub) = path.parent() {
                std::fs::create_dir_all(sub).map_err(io(sub))?;
            }
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        Ok(())
    })
}

/// Makes the folder `dir` all or nothing: `fill` writes its files into a fresh hidden sibling;
/// then every file is synced and listed with its SHA-256 in the manifest, and the sibling is
/// renamed into place, replacing an earlier folder of navbat's ([`check_replaceable`], checked
/// before `fill` runs). On error nothing is left behind and an earlier folder is unchanged.
pub fn write_folder_with<E: From<FolderError>>(
    dir: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let dir = resolve(dir)?;
    check_replaceable(&dir)?;
    let (parent, leaf) = match (dir.parent(), dir.file_name()) {
        (Some(p), Some(l)) => (p.to_path_buf(), l.to_string_lossy().into_owned()),
        _ => {
            return Err(FolderError::InUse {
                path: dir.clone(),
                reason: "is the root of the file system".to_owned(),
            }
            .into());
        }
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let tmp = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    let filled = std::fs::create_dir_all(&tmp)
        .map_err(|e| E::from(io(&tmp)(e)))
        .and_then(|()| fill(&tmp))
        .and_then(|()| seal(&tmp).map_err(E::from));
    if let Err(e) = filled {
        // Best effort: the partial folder is ours and hidden; the error is what matters.
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let swapped = if dir.exists() {
        let old = parent.join(format!(".{leaf}.old-{}", std::process::id()));
        std::fs::rename(&dir, &old)
            .and_then(|()| {
                std::fs::rename(&tmp, &dir).inspect_err(|_| {
                    // Put the earlier folder back where it was.
                    let _ = std::fs::rename(&old, &dir);
                })
            })
            .map_err(io(&dir))
            .and_then(|()| std::fs::remove_dir_all(&old).map_err(io(&old)))
    } else {
        std::fs::rename(&tmp, &dir).map_err(io(&dir))
    };
    if let Err(e) = swapped {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.into());
    }
    Ok(sync_dir(&parent)?)
}

/// Writes the manifest of a folder assembled by other means (a test's hand-made results, a
/// tool that merges folders): every file there as it is now. The folder is then checkable
/// with [`verify_folder`] and replaceable by [`write_folder`].
pub fn seal_folder(dir: &Path) -> Result<(), FolderError> {
    seal(dir)
}

/// The first cell of a CSV table (header row first) that holds a number that is not finite
/// (`NaN`, `inf`, `-inf`, `infinity`): its 1-based line, 1-based column and column name.
/// Saved results never hold one: a writer refuses them and a reader reports them.
pub fn first_non_finite(csv: &[u8]) -> Option<(u64, usize, String)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    let header: Vec<String> =
        reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut record).unwrap_or(false) {
        line += 1;
        for (col, cell) in record.iter().enumerate() {
            if let Ok(x) = cell.trim().parse::<f64>()
                && !x.is_finite()
            {
                let name = header.get(col).cloned().unwrap_or_default();
                return Some((line, col + 1, name));
            }
        }
    }
    None
}

/// Syncs every file of `tmp`, writes the manifest, syncs the folders.
fn seal(tmp: &Path) -> Result<(), FolderError> {
    let mut manifest = String::new();
    let mut folders = std::collections::BTreeSet::new();
    for name in list_files(tmp)?.into_iter().filter(|n| n != MANIFEST) {
        let path = tmp.join(&name);
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(io(&path))?;
        if let Some(folder) = path.parent() {
            folders.insert(folder.to_path_buf());
        }
        let _ = writeln!(manifest, "{}  {name}", sha256_hex(&bytes));
    }
    let path = tmp.join(MANIFEST);
    let mut file = std::fs::File::create(&path).map_err(io(&path))?;
    file.write_all(manifest.as_bytes()).map_err(io(&path))?;
    file.sync_all().map_err(io(&path))?;
    folders.insert(tmp.to_path_buf());
    for folder in folders.iter().rev() {
        sync_dir(folder)?;
    }
    Ok(())
}

/// Checks `dir` against its manifest: every listed file present with its SHA-256, and no
/// other file. Returns the listed names.
pub fn verify_folder(dir: &Path) -> Result<Vec<String>, FolderError> {
    std::fs::read_dir(dir).map_err(io(dir))?;
    let Some(listed) = read_manifest(dir)? else {
        return Err(FolderError::Tampered {
            path: dir.join(MANIFEST),
            reason: "missing: this folder was not written by this navbat, or not completely"
                .to_owned(),
        });
    };
    for (name, hash) in &listed {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        if sha256_hex(&bytes) != *hash {
            return Err(FolderError::Tampered {
                path,
                reason: format!(
                    "its SHA-256 is not the one {MANIFEST} recorded: changed since navbat wrote it"
                ),
            });
        }
    }
    if let Some(extra) =
        list_files(dir)?.into_iter().find(|f| f != MANIFEST && !listed.contains_key(f))
    {
        return Err(FolderError::Tampered {
            path: dir.join(&extra),
            reason: format!("not listed in {MANIFEST}: added after navbat wrote the folder"),
        });
    }
    Ok(listed.into_keys().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("navbat-folder-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn files(tag: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            ("a.csv".to_owned(), format!("a,{tag}\n").into_bytes()),
            ("data/b.csv".to_owned(), format!("b,{tag}\n").into_bytes()),
        ]
    }

    #[test]
    fn a_written_folder_verifies_and_is_replaced_whole() {
        let d = tmp("replace");
        write_folder(&d, &files("one")).expect("first");
        assert_eq!(verify_folder(&d).expect("verifies"), vec!["a.csv", "data/b.csv"]);
        write_folder(&d, &[("c.csv".to_owned(), b"c\n".to_vec())]).expect("second");
        assert!(!d.join("a.csv").exists(), "nothing of the earlier run is mixed in");
        assert_eq!(verify_folder(&d).expect("verifies"), vec!["c.csv"]);
        let leftovers: Vec<_> = std::fs::read_dir(d.parent().expect("parent"))
            .expect("read")
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&format!(".navbat-folder-{}-replace.", std::process::id()))
            })
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&d).expect("clean");
    }

    #[test]
    fn a_folder_with_foreign_files_is_never_replaced() {
        let d = tmp("foreign");
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("thesis.docx"), "mine").expect("write");
        let err = write_folder(&d, &files("x")).unwrap_err();
        assert!(matches!(err, FolderError::InUse { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(d.join("thesis.docx")).expect("kept"), "mine");
        // An earlier navbat folder with a file added by hand is not replaced either.
        let e = tmp("added");
        write_folder(&e, &files("x")).expect("write");
        std::fs::write(e.join("data/notes.txt"), "mine").expect("write");
        let err = write_folder(&e, &files("y")).unwrap_err();
        assert!(err.to_string().contains("data/notes.txt"), "{err}");
        assert!(check_writable(&e).is_err());
        for x in [d, e] {
            std::fs::remove_dir_all(&x).expect("clean");
        }
    }

    #[test]
    fn verification_names_a_changed_missing_or_added_file() {
        let d = tmp("verify");
        write_folder(&d, &files("x")).expect("write");
        std::fs::write(d.join("a.csv"), "a,edited\n").expect("edit");
        let err = verify_folder(&d).unwrap_err();
        assert!(err.to_string().contains("a.csv"), "{err}");
        write_folder(&d, &files("x")).expect("rewrite");
        std::fs::write(d.join("extra.csv"), "x\n").expect("add");
        let err = verify_folder(&d).unwrap_err();
        assert!(err.to_string().contains("extra.csv"), "{err}");
        std::fs::remove_file(d.join("extra.csv")).expect("rm");
        std::fs::remove_file(d.join("data/b.csv")).expect("rm");
        assert!(verify_folder(&d).is_err());
        std::fs::remove_dir_all(&d).expect("clean");
    }

    #[test]
    fn non_finite_numbers_are_found_with_their_place() {
        assert_eq!(first_non_finite(b"a,b\n1,2.5\n3,4\n"), None);
        assert_eq!(first_non_finite(b"a,b\n1,2\n3,NaN\n"), Some((3, 2, "b".to_owned())));
        assert_eq!(first_non_finite(b"x,y\n-inf,1\n"), Some((2, 1, "x".to_owned())));
        assert_eq!(first_non_finite(b"site\nnancy\n"), None, "words are not numbers");
    }

    #[test]
    fn folders_that_hold_each_other_are_refused() {
        let d = tmp("apart");
        assert!(check_apart(&d, &d).is_err());
        assert!(check_apart(&d, &d.join("report")).is_err());
        assert!(check_apart(&d.join("x/.."), &d).is_err());
        assert!(check_apart(&d.join("a"), &d.join("b")).is_ok());
    }
}
